"""The built-in report templates (Jinja2) and their CSS, shipped in the wheel as complaint_audit.templates."""
