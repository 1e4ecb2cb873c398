"""Bank statements in: camt.053 import and the statements of §D.3."""
