"""Client billing: hourly rates, VAT, invoices and credit notes, e-invoices, payments."""
