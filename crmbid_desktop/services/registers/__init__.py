"""Editing each part of the bid: partners, tasks, sections, criteria, clarifications, products, risks."""
