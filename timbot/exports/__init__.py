"""CSV exports: the file (RFC 4180, BOM, neutralised cells), the walk that fills it, and its words."""
