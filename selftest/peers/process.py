"""Server processes on loopback: a free port, a clean environment, started in their own session
and stopped with their children, ready when their health route says so."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HOST = "127.0.0.1"


class PeerStartError(RuntimeError):
    """A peer process did not come up (or is not installed); the message has the log tail."""


@dataclass(frozen=True)
class Peer:
    """A running server: where it listens, the model name it serves and how to authenticate."""

    name: str
    base_url: str  # http://127.0.0.1:PORT (no /v1)
    model: str
    api_key: str | None
    log_path: Path
    pid: int
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def headers(self, style: str = "openai") -> dict[str, str]:
        """Auth headers: ``openai`` -> Authorization: Bearer; ``anthropic`` -> x-api-key."""
        if not self.api_key:
            return {}
        if style == "anthropic":
            return {"x-api-key": self.api_key, "anthropic-version": "2023-06-01"}
        return {"Authorization": f"Bearer {self.api_key}"}

    def log_tail(self, n: int = 40) -> str:
        return _tail(self.log_path, n)


def free_port() -> int:
    """A loopback TCP port free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _tail(path: Path, n: int = 40) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(lines[-n:])


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # never reach a real provider or a DB by accident; never go through an HTTP proxy for loopback
    for var in (
        "DATABASE_URL",
        "DIRECT_URL",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_API_BASE",
        "ANTHROPIC_BASE_URL",
        "LITELLM_MASTER_KEY",
        "LITELLM_LICENSE",
    ):
        env.pop(var, None)
    no_proxy = ",".join(x for x in (env.get("NO_PROXY", ""), "127.0.0.1,localhost") if x)
    env["NO_PROXY"] = env["no_proxy"] = no_proxy
    if extra:
        env.update(extra)
    return env


def _stop(proc: subprocess.Popen[bytes], grace: float) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # own session: the group is the server and its children
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextmanager
def serve(
    name: str,
    make_cmd: Callable[[int], list[str]],
    *,
    log_path: Path,
    env: dict[str, str],
    cwd: Path,
    ready: Callable[[httpx.Client, str], bool],
    timeout: float,
    grace: float,
    attempts: int = 3,
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Start ``make_cmd(port)``, wait until ``ready(client, base_url)``; retry on a lost port race."""
    proc: subprocess.Popen[bytes] | None = None
    base_url = ""
    try:
        for attempt in range(1, attempts + 1):
            port = free_port()
            base_url = f"http://{HOST}:{port}"
            cmd = make_cmd(port)
            with log_path.open("ab") as log:
                log.write(f"$ {' '.join(cmd)}\n".encode())
                log.flush()
                proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    cwd=cwd,
                    start_new_session=True,
                )
            deadline = time.monotonic() + timeout
            with httpx.Client(timeout=5.0, trust_env=False) as client:
                while True:
                    if proc.poll() is not None:
                        break
                    try:
                        if ready(client, base_url):
                            break
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() > deadline:
                        _stop(proc, grace)
                        raise PeerStartError(
                            f"{name} did not become healthy on {base_url} within {timeout:g}s; "
                            f"log {log_path}:\n{_tail(log_path)}"
                        )
                    time.sleep(0.2)
            if proc.poll() is None:
                break
            log_text = _tail(log_path, 200).lower()
            if attempt < attempts and ("address already in use" in log_text or "couldn't bind" in log_text):
                continue
            raise PeerStartError(
                f"{name} exited with code {proc.returncode} before becoming healthy; "
                f"log {log_path}:\n{_tail(log_path)}"
            )
        assert proc is not None
        yield proc, base_url
    finally:
        if proc is not None:
            _stop(proc, grace)


def log_folder(log_dir: Path | None, prefix: str) -> Path:
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=prefix, dir=log_dir))
    return Path(tempfile.mkdtemp(prefix=prefix))
