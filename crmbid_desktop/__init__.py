"""CRM Bid Desktop: plan, write and export a joint council bid for the ODPM CRM National Project."""

__version__ = "0.1.0"
APP_NAME = "CRM Bid Desktop"
