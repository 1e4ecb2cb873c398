"""Sandboxes: private testing environments with demo data and credentials."""
