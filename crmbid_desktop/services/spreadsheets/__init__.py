"""CSV and Excel in and out (partners, products, budget) and the Outlook calendar."""
