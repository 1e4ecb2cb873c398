"""Name resolution of receiver hosts, kept apart so that the rules stay pure and tests can
inject a resolver.

Invariant: a receiver is called only at an address that `rules.check_addresses` accepted in the
same attempt (the worker connects to that address, not to a second lookup of the name).
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from kirjuri.webhooks import rules

Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address of `host` (a literal address is itself); empty when the name does not resolve."""
    literal = rules.literal_address(host)
    if literal is not None:
        return [str(literal)]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [str(info[4][0]) for info in infos]


def checked(url: str, *, sandbox: bool, resolver: Resolver = resolve, field: str = "url") -> list[str]:
    """The addresses the receiver of `url` may be called at; KirjuriError (400 at `field`) otherwise."""
    _scheme, host, port = rules.check_url(url, sandbox=sandbox, field=field)
    literal = rules.literal_address(host)
    found = [str(literal)] if literal is not None else resolver(host, port)
    return rules.check_addresses(found, sandbox=sandbox, field=field)
