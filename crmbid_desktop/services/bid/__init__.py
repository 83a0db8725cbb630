"""The open bid itself: the workspace, bid files, templates, change sets and safe file writing and reading."""
