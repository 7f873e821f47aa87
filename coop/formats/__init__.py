"""Number formats that differ from Django's own, per language (settings.FORMAT_MODULE_PATH)."""
