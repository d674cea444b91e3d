"""The one rule for a check's identity: `surface/concern/name`, declared with the check as
`@pytest.mark.check("openai-chat/stream/done-sentinel", level="must", source="...")` — its pytest
item, its report row, its line in CHECKS.md and what users' baselines and `--check` name. A
parametrized check declares a template (`"{surface}/schema/{phase}"`) filled from its parameters,
so each case is a check; `source` may be a template the same way.

`level` says how binding the rule is: "must" (the official API states it: a break FAILs) or
"should" (a departure clients tolerate, or a rule no official source states: it may only WARN).
`source` names where the rule comes from: the official definition and section, or the spec path
(`openapi/gemini.yaml#/components/schemas/X`), or a seed vendor's document."""

from __future__ import annotations

import contextlib
import re
import weakref
from dataclasses import dataclass
from typing import Any

MARKER = "check"
ID = re.compile(r"^[a-z0-9-]+/[a-z0-9-]+/[a-z0-9-]+$")
TARGET_PARAM = "llmconform_target"
LEVELS = ("must", "should")


@dataclass(frozen=True)
class Binding:
    """How binding a check's rule is, and where it comes from."""

    level: str
    source: str


def _marker(item: Any) -> Any:
    return item.get_closest_marker(MARKER) if hasattr(item, "get_closest_marker") else None


def _params(item: Any) -> dict[str, Any]:
    callspec = getattr(item, "callspec", None)
    return {k: v for k, v in (callspec.params.items() if callspec else ()) if k != TARGET_PARAM}


# A check's id and binding, per pytest item: read for each phase of each check (setup, call,
# teardown, the plan, the owners, the report) — five times per item in a run — and fixed once
# collected (the marker and the parameters do not change), so worked out once.
_DECLARED: weakref.WeakKeyDictionary[Any, str | None] = weakref.WeakKeyDictionary()
_BINDING: weakref.WeakKeyDictionary[Any, Binding | None] = weakref.WeakKeyDictionary()


def declared(item: Any) -> str | None:
    """The id a test item declares, its template filled from the item's parameters."""
    try:
        return _DECLARED[item]
    except (KeyError, TypeError):  # not worked out yet; or an object no weak reference can hold
        pass
    ident = _declared(item)
    with contextlib.suppress(TypeError):
        _DECLARED[item] = ident
    return ident


def _declared(item: Any) -> str | None:
    marker = _marker(item)
    if marker is None or not marker.args:
        return None
    return str(marker.args[0]).format(**_params(item))


def check_id(item: Any) -> tuple[str, str] | None:
    """(surface, id) of a test item; None for one that declares no id (not a check)."""
    ident = declared(item)
    return (surface_of(ident), ident) if ident else None


def surface_of(ident: str) -> str:
    return ident.split("/", 1)[0]


def _keyword(item: Any, name: str, position: int) -> Any:
    """A marker's keyword (or the same value given positionally after the id), its template filled
    from the item's parameters as the id's is — whichever order the declaration wrote them in."""
    marker = _marker(item)
    if marker is None:
        return None
    value = marker.kwargs[name] if name in marker.kwargs else (
        marker.args[position] if len(marker.args) > position else None)
    if isinstance(value, str) and "{" in value:
        with contextlib.suppress(KeyError, IndexError, ValueError, AttributeError):
            value = value.format(**_params(item))
    return value


def binding_problems(item: Any) -> list[str]:
    """What is wrong with a check's declared level and source (empty when both are right)."""
    if _marker(item) is None:
        return ["declares no check"]
    found = []
    level = _keyword(item, "level", 1)
    if not isinstance(level, str) or level.strip().lower() not in LEVELS:
        found.append(f"level={level!r}: declare level=\"must\" or level=\"should\"" if level
                     else "no level: declare level=\"must\" (the official API states the rule) or \"should\"")
    source = _keyword(item, "source", 2)
    if not isinstance(source, str) or not source.strip() or "{" in source:
        said = f"source={source!r}" if isinstance(source, str) and source.strip() else "no source"
        found.append(f"{said}: declare source=\"...\" (the official definition and section, or the spec path)")
    return found


def binding_of(item: Any) -> Binding | None:
    """The check's level and source, templates filled like the id's; None when either is missing or
    wrong (binding_problems says which)."""
    try:
        return _BINDING[item]
    except (KeyError, TypeError):
        pass
    binding = None
    if not binding_problems(item):
        level, source = _keyword(item, "level", 1), _keyword(item, "source", 2)
        binding = Binding(str(level).strip().lower(), " ".join(str(source).split()))
    with contextlib.suppress(TypeError):
        _BINDING[item] = binding
    return binding


def rule_of(item: Any) -> str:
    """The rule a check holds: the first paragraph of its docstring, parameters filled in."""
    doc = " ".join((getattr(getattr(item, "obj", None), "__doc__", None) or "").split("\n\n")[0].split())
    if "{" in doc:
        with contextlib.suppress(KeyError, IndexError, ValueError):
            doc = doc.format(**_params(item))
    return doc
