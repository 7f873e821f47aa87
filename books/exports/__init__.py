"""The books' exports: the journal as CSV, DATEV's Buchungsstapel and a beancount ledger, each
streamed a chunk at a time (docs/books.md, "Exports")."""
