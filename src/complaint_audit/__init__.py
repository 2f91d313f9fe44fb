"""complaint-audit: audit how a public body handles complaints."""

__version__ = "0.1.0"
