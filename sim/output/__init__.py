"""What users see: words and number formats, tables and files, the console, the report."""
