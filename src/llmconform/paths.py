"""Where the suite's own files are: inside the installed package, or in the checkout.

The wheel carries `openapi/`, `tests/`, `vendors/` and `cassettes/` under `llmconform/_bundle/`
(see setup.py); an editable install or a checkout finds them at the repository root. Nothing is
looked up through the current directory, so the tool runs the same from anywhere.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUNDLED = ("openapi", "tests", "vendors", "cassettes")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@functools.cache
def root() -> Path:
    """The folder holding the suite's `openapi/`, `tests/`, `vendors/` and `cassettes/`."""
    for candidate in (PACKAGE / "_bundle", PACKAGE.parents[1]):
        if all((candidate / name).is_dir() for name in ("openapi", "tests")):
            return candidate
    raise RuntimeError(f"llmconform is installed without its suite (no openapi/ and tests/ under {PACKAGE}): "
                       "reinstall it from the wheel or a checkout")


def spec_dir() -> Path:
    configured = os.environ.get("LLMCONFORM_OPENAPI_DIR")
    return Path(configured) if configured else root() / "openapi"


def suite_dir() -> Path:
    return root() / "tests"


def vendors_dir() -> Path:
    return root() / "vendors"


def cassettes_dir() -> Path:
    return root() / "cassettes"


def bundled_vendors() -> dict[str, Path]:
    """Profile name -> the bundled profile file."""
    folder = vendors_dir()
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def cache_dir() -> Path:
    """The tool's scratch folder ($XDG_CACHE_HOME/llmconform, else ~/.cache/llmconform): never the
    user's current directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "llmconform"


def safe_name(text: str) -> str:
    """A file and folder name every filesystem and CI artifact store accepts (`127.0.0.1:8090` ->
    `127.0.0.1-8090`)."""
    return _UNSAFE.sub("-", text).strip("-.") or "provider"


def unwritable(path: str, *, folder: bool = False) -> str | None:
    """Why a report or cassette path cannot be written (None when it can), found before any
    request is spent: a folder where a file goes, a file where a folder goes, a parent that is a
    file or cannot be created, no permission. The parents of a file are created."""
    target = Path(path).expanduser()
    if target.is_dir() and not folder:
        return f"{path} is a folder: name a file (e.g. {Path(path) / 'report.json'})"
    if target.exists() and folder and not target.is_dir():
        return f"{path} is a file, not a folder"
    parent = target if folder and target.is_dir() else target.parent
    if not folder:
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            return f"{path} lies under a file ({next((p for p in (parent, *parent.parents) if p.is_file()), parent)})"
        except OSError as exc:
            return f"cannot create {parent} for {path}: {exc.strerror or exc}"
    else:
        parent = next((p for p in (target, *target.parents) if p.exists()), Path("."))
        if not parent.is_dir():
            return f"{path} lies under a file ({parent})"
    if not parent.is_dir():
        return f"{path} lies under a file ({parent})"
    if not os.access(parent, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        return f"{path} is not writable"
    return None
