"""Use cases over an open bid: editing, import, export, planning, exchange."""
