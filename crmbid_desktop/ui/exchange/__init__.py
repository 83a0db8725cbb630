"""Dialogs for working offline with partners: send sections, take back Word files, merge copies."""
