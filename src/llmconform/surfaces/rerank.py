"""rerank: POST /v1/rerank, Cohere / Jina style as relays serve it (paid per search: the `rerank` feature)."""

from __future__ import annotations

from typing import Any

from llmconform.surfaces import Surface, register

NAME = "rerank"
PATH = "/v1/rerank"


def results(data: Any) -> list[dict[str, Any]]:
    """The result objects of an answer, in the order given (anything else left out)."""
    found = data.get("results") if isinstance(data, dict) else None
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


SURFACE = register(Surface(name=NAME, path=PATH))
