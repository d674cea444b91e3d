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


def safe_name(text: str) -> str:
    """A file and folder name every filesystem and CI artifact store accepts (`127.0.0.1:8090` ->
    `127.0.0.1-8090`)."""
    return _UNSAFE.sub("-", text).strip("-.") or "provider"
