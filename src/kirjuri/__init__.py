"""Kirjuri: an open financial-management server, wire-compatible with the Procountor API 26.04."""

__version__ = "0.1.0"
