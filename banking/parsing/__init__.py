"""Statement parsers: camt.053/054 (`camt`), MT940 (`mt940`), OFX (`ofx`), CSV with a saved
mapping (`csv_mapping`); each turns a file into `types.ParsedStatement`s."""
