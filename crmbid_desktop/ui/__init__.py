"""The PySide6 front end: windows, pages, Qt models and dialogs. The only place Qt lives."""
