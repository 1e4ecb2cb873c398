"""The company's own bank accounts (§D.2)."""
