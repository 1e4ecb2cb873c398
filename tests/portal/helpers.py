"""Helpers of the browser-page tests: a cookie-keeping client per "browser", and form fields."""

from __future__ import annotations

import html
import re
import secrets

from fastapi import FastAPI
from fastapi.testclient import TestClient


def browser(app: FastAPI, address: str | None = None) -> TestClient:
    """A browser of its own (cookie jar) from its own address, so throttling buckets don't mix."""
    host = address or f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False, client=(host, 50000))


def field(page: str, name: str) -> str:
    """The value of the (first) hidden/input field `name` in the page."""
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert match, f"no field {name!r} in page"
    return html.unescape(match.group(1))


def csrf(page: str) -> str:
    return field(page, "csrf_token")


def external_asset_urls(page: str) -> list[str]:
    """Every src/href/action attribute that points off the server."""
    return re.findall(r'(?:src|href|action)="((?:https?:)?//[^"]*)"', page)
