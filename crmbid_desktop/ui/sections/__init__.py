"""Widgets of the Sections page: the rich-text editor, its Markdown writer and dialogs."""
