"""Web pages for hours, one module per page: `week` (the grid and quick add), `entries` (the
list and corrections), `import_page` (CSV import), `timer`."""
