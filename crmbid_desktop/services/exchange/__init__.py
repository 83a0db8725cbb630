"""Working with partners: sending sections out, taking them back, merging copies of the bid."""
