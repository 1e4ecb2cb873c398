"""THE CORE: chart of accounts, fiscal years and periods, dimensions, receipts, balances, reports.

Imports no other area (an import-linter contract enforces it); its six files arrive with the
accounting-core issue.
"""
