"""Tables of the VAT area: none.

VAT rates and statuses are data in code (`kirjuri.core.vat`), and the VAT return is computed from
the ledger's balances (`ledger_balances` keeps the VAT key of every sum), so this area stores
nothing of its own. Invariant: no VAT number is kept twice — the ledger is the only record.
"""
