"""VAT area: the contract's VAT endpoints and the VAT return built on the ledger's balances."""
