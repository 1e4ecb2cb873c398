"""Plain-Python rules shared by every area: money, errors, clock, paging, ids, text.

Nothing in `core` imports FastAPI or SQLAlchemy (an import-linter contract enforces it), so
every rule here can be tested as a pure function.
"""
