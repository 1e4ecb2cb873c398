"""ASGI entry point for uvicorn and other servers: `kirjuri.asgi:app`."""

from kirjuri.app import create_app

app = create_app()
