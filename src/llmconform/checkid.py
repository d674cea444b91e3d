"""The one rule for a check's identity: `surface/concern/name`, declared with the check as
`@pytest.mark.check("openai-chat/stream/done-sentinel")` — its pytest item, its report row, its
line in CHECKS.md and what users' baselines and `--check` name. A parametrized check declares a
template (`"{surface}/schema/{phase}"`) filled from its parameters, so each case is a check."""

from __future__ import annotations

import contextlib
import re
from typing import Any

MARKER = "check"
ID = re.compile(r"^[a-z0-9-]+/[a-z0-9-]+/[a-z0-9-]+$")
TARGET_PARAM = "llmconform_target"


def declared(item: Any) -> str | None:
    """The id a test item declares, its template filled from the item's parameters."""
    marker = item.get_closest_marker(MARKER) if hasattr(item, "get_closest_marker") else None
    if marker is None or not marker.args:
        return None
    callspec = getattr(item, "callspec", None)
    params = {k: v for k, v in (callspec.params.items() if callspec else ()) if k != TARGET_PARAM}
    return str(marker.args[0]).format(**params)


def check_id(item: Any) -> tuple[str, str] | None:
    """(surface, id) of a test item; None for one that declares no id (not a check)."""
    ident = declared(item)
    return (surface_of(ident), ident) if ident else None


def surface_of(ident: str) -> str:
    return ident.split("/", 1)[0]


def rule_of(item: Any) -> str:
    """The rule a check holds: the first paragraph of its docstring, parameters filled in."""
    doc = " ".join((getattr(getattr(item, "obj", None), "__doc__", None) or "").split("\n\n")[0].split())
    callspec = getattr(item, "callspec", None)
    if callspec and "{" in doc:
        with contextlib.suppress(KeyError, IndexError, ValueError):
            doc = doc.format(**{k: v for k, v in callspec.params.items() if k != TARGET_PARAM})
    return doc
