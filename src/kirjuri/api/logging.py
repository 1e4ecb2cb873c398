"""Structured JSON logs, one line per event, with secrets and personal ids scrubbed.

Invariant: no log line carries a password, secret, token, API key, authorization code or a
Finnish personal identity code — keys with such names are dropped and such values masked
before the line is rendered, whatever logged them.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog

_SECRET_KEYS = re.compile(
    r"(password|secret|token|api_?key|authorization|code_verifier|^code$|cookie|social_?security|ssn|hetu)",
    re.IGNORECASE,
)
# Finnish personal identity code (HETU): DDMMYY, century sign, 3 digits, check character.
_HETU = re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b")
_BEARER = re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+")
_QUERY_SECRET = re.compile(r"(?i)\b(client_secret|api_key|code|refresh_token|access_token|password|token)=[^&\s]+")


def scrub_text(text: str) -> str:
    text = _BEARER.sub("Bearer [REDACTED]", text)
    text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}=[REDACTED]", text)
    return _HETU.sub("[REDACTED-HETU]", text)


def _scrub(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    for key in list(event):
        if key != "event" and _SECRET_KEYS.search(key):
            event[key] = "[REDACTED]"
        else:
            event[key] = _scrub_value(event[key])
    return event


def _scrub_value(value: Any) -> Any:
    # Nested documents too: `log.info("x", body={"password": ...})` must not leak either.
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: "[REDACTED]" if _SECRET_KEYS.search(str(k)) else _scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_value(v) for v in value]
    return value


def configure(level: str = "INFO") -> None:
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        _scrub,
        structlog.processors.JSONRenderer(),
    ]
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stdout),
        cache_logger_on_first_use=True,
    )
    # Libraries that log through the standard library go through the same scrubbing.
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(_StdlibJsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Uvicorn's access log prints full URLs (query strings included): ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True


class _StdlibJsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        import json

        event = {
            "event": scrub_text(record.getMessage()),
            "logger": record.name,
            "level": record.levelname.lower(),
        }
        if record.exc_info:
            event["exception"] = scrub_text(self.formatException(record.exc_info))
        return json.dumps(event)
