"""The built-in checks, one module per family; found through the complaint_audit.checks entry point."""
