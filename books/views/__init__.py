"""The books' pages: balances and funds, the journal, the accounts and their ledgers, reports."""
