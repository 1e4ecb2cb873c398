"""Reference payments in: camt.054 and KTL import, §D.20, and their matching to sales invoices."""
