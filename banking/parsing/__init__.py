"""Statement parsers: camt.053/054 (`camt`), MT940 (`mt940`), OFX (`ofx`), CSV with a saved
mapping (`csv_statement`; the mapping in `csv_mapping`, a cell's day or amount in `csv_values`);
each turns a file into `types.ParsedStatement`s."""
