"""Fingerprints: what gives away the backend behind a relay. Reported, not judged."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from llmconform import spec

if TYPE_CHECKING:
    from llmconform.exchange import Exchange

ID_PREFIX = re.compile(r"^([A-Za-z]+[_-])")
PERSONAS = re.compile(r"\b(I am|I'm|I’m)\s+(Claude Code|Claude|ChatGPT|Cursor|Kiro|Codex)\b[^.\n]{0,60}", re.I)
# Headers every HTTP server sends; anything else is a hint at the stack.
_ORDINARY_HEADERS = frozenset({
    "content-type", "content-length", "date", "connection", "transfer-encoding", "cache-control", "vary",
    "keep-alive", "content-encoding", "access-control-allow-origin", "access-control-allow-headers",
    "access-control-allow-methods", "access-control-expose-headers", "access-control-allow-credentials",
    "strict-transport-security", "alt-svc", "set-cookie", "etag", "expires", "pragma", "accept-ranges",
    "x-content-type-options", "x-frame-options", "x-xss-protection", "referrer-policy",
})


def _ids(data: Any) -> list[str]:
    """Every `id`-like value, for prefixes: message ids, tool call ids, item ids."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("id", "call_id", "tool_use_id") and isinstance(value, str):
                found.append(value)
            else:
                found += _ids(value)
    elif isinstance(data, list):
        for value in data:
            found += _ids(value)
    return found


def usage_keys(surface: str, data: Any) -> set[str]:
    """The names a body's (or an event's) usage object gives, where the surface's spec says it sits."""
    return set(spec.usage(surface).holder(data))


def fingerprints(exchanges: list[Exchange]) -> dict[str, Any]:
    prefixes: Counter[str] = Counter()
    headers: dict[str, str] = {}
    usage: dict[str, set[str]] = {}
    personas: set[str] = set()
    models: dict[str, set[str]] = {}
    for exchange in exchanges:
        if exchange.status is None:
            continue
        for name, value in exchange.headers.items():
            if name not in _ORDINARY_HEADERS and not name.startswith("x-ratelimit"):
                headers.setdefault(name, value[:80])
        for data in exchange.payloads():
            for ident in _ids(data):
                match = ID_PREFIX.match(ident)
                if match:
                    prefixes[match.group(1)] += 1
            usage.setdefault(exchange.request.surface, set()).update(usage_keys(exchange.request.surface, data))
            answered = data.get("model", data.get("modelVersion")) if isinstance(data, dict) else None
            if isinstance(answered, str):
                requested = exchange.request.body.get("model") if isinstance(exchange.request.body, dict) else None
                if requested is None and "/v1beta/models/" in exchange.request.path:
                    # Gemini names the model in the path and answers its modelVersion.
                    requested = exchange.request.path.split("/v1beta/models/", 1)[1].split(":", 1)[0]
                models.setdefault(str(requested), set()).add(answered)
        text = exchange.body.decode("utf-8", errors="replace")
        personas.update(m.group(0).strip() for m in PERSONAS.finditer(text))
    return {
        "id_prefixes": dict(prefixes.most_common()),
        "headers": headers,
        "usage_fields": {surface: sorted(keys) for surface, keys in usage.items()},
        "personas": sorted(personas),
        "models": {requested: sorted(answered) for requested, answered in models.items()},
    }
