"""Test helpers of webhooks: a tiny threaded HTTP receiver on 127.0.0.1 that records what it
gets and answers with a programmable status, and body builders."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    # Answers given in turn; the last one repeats.
    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: dict[str, int] = field(default_factory=dict)
    max_in_flight_per_id: int = 0

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@contextmanager
def receiver(statuses: list[int] | None = None, delay: float = 0.0) -> Iterator[Receiver]:
    state = Receiver(url="", statuses=list(statuses or [200]), delay=delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            import time

            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            if len(body) < length:  # the sender died mid-request (a killed worker): nothing was delivered
                return
            message_id = self.headers.get("webhook-id", "")
            with state.lock:
                state.in_flight[message_id] = state.in_flight.get(message_id, 0) + 1
                state.max_in_flight_per_id = max(state.max_in_flight_per_id, state.in_flight[message_id])
            try:
                if state.delay:
                    time.sleep(state.delay)
                with state.lock:
                    state.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status = state.next_status()
                self.send_response(status)
                self.send_header("content-type", "text/plain")
                self.end_headers()
                self.wfile.write(f"answer {status}".encode())
            finally:
                with state.lock:
                    state.in_flight[message_id] -= 1

        def log_message(self, *_args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def webhook_body(url: str, subscriptions: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "url": url,
        "authenticationType": "HMAC",
        "subscriptions": subscriptions or ["INVOICE_PAYMENTEVENTS_DELETED"],
        **extra,
    }
