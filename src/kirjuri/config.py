"""Settings, read once from the environment (prefix `KIRJURI_`) and from `.env` if present.

Invariant: secrets have no usable default in production mode: a server started with
`KIRJURI_ENV=production` and the development signing secret refuses to start.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "kirjuri-development-secret-change-me"  # noqa: S105 - refused in production


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KIRJURI_", env_file=".env", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite:///./var/kirjuri.db"
    # Sandbox mode: private/loopback webhook URLs allowed, demo data and the portal's
    # "request a testing environment" page are on.
    sandbox: bool = True
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    public_url: str = "http://127.0.0.1:8000"
    # Requests per second per (API client, company); bursts up to one second's worth.
    rate_limit_per_second: int = 60
    # Token/revocation requests per second per client id and per remote address (§ auth.server).
    token_rate_per_second: int = 10
    redis_url: str | None = None
    # Connections per server process (the pool, for requests, the worker and the CLI).
    db_pool_size: int = 10
    db_max_overflow: int = 20
    # Requests that may hold a database session at once per server process (never more than the
    # pool holds); the others wait in the event loop, which costs nothing. A process runs Python on
    # one core at a time: two requests in flight keep it busy (one runs while the other waits on
    # the database); more only contend for the interpreter lock and for the same rows — POST
    # /invoices under load: 202/s at 4, 226/s at 3, 247/s at 2 (bench/README.md). Raise it where
    # slow reports are common (one holds a slot while it runs), and put a buffering proxy in front,
    # so a slow upload does not hold a slot.
    db_concurrency: int = 2
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 60 * 60 * 24 * 30
    refresh_grace_seconds: int = 30
    auth_code_ttl: int = 60
    idempotency_ttl_hours: int = 24
    max_json_body_bytes: int = 2_000_000
    login_attempts_per_minute: int = 5
    log_level: str = "INFO"
    var_dir: Path = Path("./var")
    # Where `kirjuri bank send` writes pain.001 credit transfer files for the bank connector.
    bank_outbound_dir: Path = Path("./var/bank/outbound")
    # Invoice e-mail: the From address, and the SMTP server the worker delivers through. Without
    # `smtp_host` the messages stay as .eml files in var/outbox/mail (the sandbox needs no mail server).
    mail_sender: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True

    @property
    def is_production(self) -> bool:
        return self.env == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = Settings()
    if settings.is_production and settings.secret_key.get_secret_value() == DEV_SECRET:
        raise RuntimeError("KIRJURI_SECRET_KEY must be set in production")
    return settings
