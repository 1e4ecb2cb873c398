"""Banking: the company's bank accounts, bank statements in, reference payments in and their
matching to sales invoices, payments out (two-step confirmed, written as SEPA files).

One sub-package per sub-resource, each with the area's six files: `accounts`, `statements`,
`referencepayments`, `payments`. `banking.xml` is the one door through which bank XML is read.
"""
