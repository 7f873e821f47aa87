"""The co-op's books: a chart of accounts, the double-entry journal of every money event,
fund and capital balances, reports and the accountant's exports (docs/books.md)."""
