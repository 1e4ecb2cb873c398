"""Two-step verification (MFA) transactions of critical operations (Procountor §B.7, §D.16)."""
