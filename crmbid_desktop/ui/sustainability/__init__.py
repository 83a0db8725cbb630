"""The Sustainability page's tabs: products register, risk register with heat map, budget."""
