"""The attachment tests that need a socket (streaming uploads, the PyPI client) share the live
server of `tests/live.py`."""

from tests.live import live_server, procountor_host

__all__ = ["live_server", "procountor_host"]
