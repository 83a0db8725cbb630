"""Fixtures for the Word export tests."""

from export_helpers import audit_baseline

__all__ = ["audit_baseline"]
