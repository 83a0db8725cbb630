"""Read-only views across the bid: the dashboard and search."""
