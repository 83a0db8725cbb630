"""Writing and reading Word documents: the proposal, its styles, tables and layout, the guarded reader."""
