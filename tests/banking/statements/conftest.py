from tests.live import live_server

__all__ = ["live_server"]
