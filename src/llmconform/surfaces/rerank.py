"""rerank: POST /v1/rerank, Cohere / Jina style as relays serve it (paid per search: the `rerank` feature)."""

from __future__ import annotations

from typing import Any

from llmconform.profile import template_values
from llmconform.surfaces import Surface, register

NAME = "rerank"
PATH = "/v1/rerank"


def results(data: Any) -> list[dict[str, Any]]:
    """The result objects of an answer, in the order given (anything else left out)."""
    found = data.get("results") if isinstance(data, dict) else None
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# How API reference pages generated from a schema write a value they leave open: Crazyrouter's rerank
# page (https://docs.crazyrouter.com/en/embeddings/rerank, read 2026-12-06) sends `"<string>"` as
# its query and its one document. A documented answer to such a request ranks documents the
# request never named: nothing there to hold the answer's indexes against (profile.PLACEHOLDER).
def placeholders(body: Any) -> bool:
    """Whether a request's query or documents are a reference page's placeholders (`"<string>"`)."""
    if not isinstance(body, dict):
        return False
    return bool(template_values({"query": body.get("query"), "documents": body.get("documents")}))


SURFACE = register(Surface(name=NAME, path=PATH))
