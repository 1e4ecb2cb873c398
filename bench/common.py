"""What every benchmark shares: servers started as subprocesses, `wrk` runs, databases, memory.

Invariants: every server a benchmark measures is started the same way (same ASGI server, same
options, same worker count) so that a ratio between two of them measures the applications, not
the serving; the load generator only targets 127.0.0.1, runs for a bounded time and its failed
requests (socket errors, status >= 400) make the benchmark fail loudly; whatever a run creates
(servers, databases, temporary files) is removed at the end, also on error.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
import psutil

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
WRK_REPORT = BENCH / "wrk_report.lua"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


class BenchError(RuntimeError):
    """A benchmark that cannot produce a trustworthy number stops with this."""


# --- the load generator -------------------------------------------------------------------


def ensure_wrk() -> str:
    """Path of `wrk`; installs the Debian package when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise BenchError("wrk is not installed: run `sudo apt-get install -y wrk` and try again")
    print("wrk not found: installing the Debian package …", file=sys.stderr)
    apt = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(apt, check=False, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True)
        subprocess.run(apt, check=False, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk could not be installed (apt-get install -y wrk failed)")
    return found


@dataclass(frozen=True, slots=True)
class WrkResult:
    name: str
    url: str
    requests: int
    seconds: float
    rps: float
    latency_p50_ms: float
    latency_p99_ms: float
    errors: int


def run_wrk(
    name: str,
    url: str,
    *,
    seconds: float,
    threads: int,
    connections: int,
    headers: Mapping[str, str] | None = None,
    allow_errors: bool = False,
    post_json: str | None = None,
    bearer_tokens: Sequence[str] = (),
) -> WrkResult:
    """Load `url` with wrk (GET, or POST of the JSON body `post_json`) and read its JSON report.
    `bearer_tokens`: each request carries the next of them (round robin per wrk thread)."""
    if not url.startswith("http://127.0.0.1:"):
        raise BenchError(f"refusing to load anything but 127.0.0.1: {url}")
    script = WRK_REPORT
    if post_json is not None:
        # The same report, preceded by the request to send: wrk's Lua takes one script.
        script = Path(tempfile.mkdtemp(prefix="kirjuri-wrk-")) / "post.lua"
        body = json.dumps(post_json)  # a Lua string literal is a JSON string literal here (ASCII)
        script.write_text(
            f'wrk.method = "POST"\nwrk.body = {body}\nwrk.headers["Content-Type"] = "application/json"\n'
            + WRK_REPORT.read_text()
        )
    if bearer_tokens:
        script = _rotating_tokens(script, bearer_tokens, post_json is not None)
    command = [
        ensure_wrk(),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=2s",
        f"--script={script}",
    ]
    for key, value in (headers or {}).items():
        command += ["--header", f"{key}: {value}"]
    command.append(url)
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {url}: {done.stdout}\n{done.stderr}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    if errors and not allow_errors:
        raise BenchError(f"{name}: {errors} failed requests (socket errors, timeouts or status >= 400) — {data}")
    if data["requests"] == 0:
        raise BenchError(f"{name}: no request answered in {seconds:.0f} s — the server is stalled")
    duration = data["duration_us"] / 1e6
    return WrkResult(
        name=name,
        url=url,
        requests=data["requests"],
        seconds=round(duration, 3),
        rps=round(data["requests"] / duration, 1),
        latency_p50_ms=round(data["latency_p50_us"] / 1000, 2),
        latency_p99_ms=round(data["latency_p99_us"] / 1000, 2),
        errors=errors,
    )


def _rotating_tokens(script: Path, tokens: Sequence[str], post: bool) -> Path:
    """`script` preceded by a `request` function that sends the next token on every request."""
    rotated = Path(tempfile.mkdtemp(prefix="kirjuri-wrk-")) / "tokens.lua"
    content_type = '["Content-Type"] = "application/json", ' if post else ""
    rotated.write_text(
        f"local tokens = {{{', '.join(json.dumps(t) for t in tokens)}}}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        f'  return wrk.format(nil, nil, {{{content_type}["Authorization"] = "Bearer " .. tokens[n % #tokens + 1]}})\n'
        "end\n" + script.read_text()
    )
    return rotated


# --- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One `uvicorn` serving `app` on 127.0.0.1, started the same way for every application."""

    def __init__(self, name: str, app: str, *, workers: int, env: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.app = app
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._env = {**os.environ, **(env or {})}
        self._process: subprocess.Popen[bytes] | None = None
        self._log = RESULTS / f".{name}-{self.port}.log"

    def command(self) -> list[str]:
        # The options of `kirjuri serve --production`: no access log (Kirjuri writes its own),
        # proxy headers honoured; uvloop + httptools named so that both servers surely use them.
        return [
            sys.executable,
            "-m",
            "uvicorn",
            self.app,
            "--host=127.0.0.1",
            f"--port={self.port}",
            f"--workers={self.workers}",
            "--loop=uvloop",
            "--http=httptools",
            "--no-access-log",
            "--proxy-headers",
            "--log-level=warning",
        ]

    def start(self, ready_path: str, timeout: float = 60.0) -> None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        # The app's own log lines (one JSON line per request in Kirjuri) are written, as in
        # production, but to a file nobody reads: the cost of logging stays in the measure.
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                self.command(), cwd=ROOT, env=self._env, stdout=subprocess.DEVNULL, stderr=log
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise BenchError(f"{self.name} exited at start-up:\n{self._log.read_text()[-3000:]}")
            try:
                answered = httpx.get(self.base_url + ready_path, timeout=2).status_code == 200
                if answered and len(self.worker_processes()) >= self.workers:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise BenchError(f"{self.name} did not answer {ready_path} within {timeout:.0f} s")

    def worker_processes(self) -> list[psutil.Process]:
        """The processes that serve requests: uvicorn itself with one worker, else its children."""
        assert self._process is not None
        parent = psutil.Process(self._process.pid)
        if self.workers == 1:
            return [parent]
        children = parent.children(recursive=False)
        return [p for p in children if "resource_tracker" not in " ".join(p.cmdline())]

    def rss_mb(self) -> list[float]:
        return [round(p.memory_info().rss / 2**20, 1) for p in self.worker_processes()]

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)
        self._log.unlink(missing_ok=True)


# --- databases ----------------------------------------------------------------------------


def create_pg_database(admin_url: str, prefix: str = "kirjuri_bench") -> str:
    """A fresh, empty PostgreSQL database next to `admin_url`'s; returns its URL."""
    import psycopg

    name = f"{prefix}_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        raise BenchError(f"PostgreSQL unreachable at {admin_url}: {exc} (use --db sqlite)") from exc
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


def drop_pg_database(admin_url: str, url: str) -> None:
    import psycopg

    name = url.rpartition("/")[2]
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def analyze_pg_database(url: str) -> None:
    """`VACUUM ANALYZE` the database: the statistics autovacuum keeps on a running server.

    A freshly migrated database has none, and PostgreSQL then plans the foreign-key checks of
    each connection (kept for the connection's life) as sequential scans of tables that were
    nearly empty when first checked; every insert then checks against the whole, growing
    table until autovacuum's first analyze, up to a minute later, invalidates those plans. A
    benchmark that starts on a new database would measure that first minute, not the server."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute("VACUUM ANALYZE")


# --- reporting ----------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def machine() -> dict[str, object]:
    return {
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python": sys.version.split()[0],
    }


def write_result(name: str, payload: dict[str, object]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(payload, indent=2, default=_default) + "\n")
    return path


def _default(value: object) -> object:
    if isinstance(value, WrkResult):
        return asdict(value)
    raise TypeError(type(value).__name__)
