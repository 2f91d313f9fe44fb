"""The ombudsman-style report of a run: a context of plain values (context.py), charts, then HTML, Markdown and PDF.

Import render_reports and report_context from their modules; this package's import stays cheap
so the CLI can import it without loading Jinja2 or WeasyPrint.
"""
