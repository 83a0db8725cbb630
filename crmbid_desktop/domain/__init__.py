"""Plain Python rules of the bid: dates, working days, critical path, word counts, coverage."""
