"""The main window's pages; each takes the open workspace and shows its real data."""
