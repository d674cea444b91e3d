"""POST /v1/embeddings, conforming unless an `embeddings.*` fault says otherwise."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from typing import Any

from llmconform import spec
from selftest.fakes import server
from selftest.fakes.server import MODEL, FakeRequest, Reply, openai_error, route

DIMENSIONS = 8


def _vector(item: Any, length: int = DIMENSIONS) -> list[float]:
    """Deterministic values in [-1, 1), exactly representable as float32, from the input item."""
    digest = hashlib.sha256(json.dumps(item, ensure_ascii=False).encode()).digest()
    return [(digest[i] - 128) / 128 for i in range(length)]


def _inputs(body: dict[str, Any]) -> list[Any]:
    """One entry per input: a string, a token-id list, or (as-served with validation off) anything."""
    value = body.get("input")
    if isinstance(value, list) and value and not all(isinstance(x, int) for x in value):
        return value
    return [value]


def _tokens(item: Any) -> int:
    if isinstance(item, str):
        return len(item.split()) or 1
    if isinstance(item, list):
        return len(item)
    return 1


def _error(status: int, message: str, f: FakeRequest, code: str | None = None, param: str | None = None) -> Reply:
    return server.openai_envelope(status, message, "invalid_request_error", f, "embeddings", code, param)


def _reject(f: FakeRequest) -> Reply | None:
    body, refused = server.openai_request(f, "embeddings", '  File "/usr/lib/python3/dist-packages/embed/model.py", '
                                          "line 7, in encode")
    if refused:
        return refused
    problems = spec.load("embeddings").errors("CreateEmbeddingRequest", body)
    if problems and not f.has("embeddings.validation-off"):
        return _error(400, f"Invalid request: {problems[0]}", f)
    if isinstance(body, dict) and body.get("model") != MODEL and not f.has("embeddings.any-model"):
        return _error(404, f"The model `{body.get('model')}` does not exist", f, "model_not_found")
    if f.has("embeddings.crash-on-odd-input") and isinstance(body, dict) and (
            "dimensions" in body or not all(isinstance(i, str) and i.isascii() for i in _inputs(body))):
        return openai_error(500, "internal error", "server_error")
    return None


@route("/v1/embeddings")
def embeddings(f: FakeRequest) -> Reply:
    body, refused = server.accepted(f, _reject)
    if refused:
        return refused
    if not isinstance(body, dict):
        return Reply.json({"object": "list", "data": [], "model": MODEL, "usage": {"prompt_tokens": 0,
                                                                                  "total_tokens": 0}})
    inputs = _inputs(body)
    if f.has("embeddings.batch-collapsed"):
        inputs = inputs[:1]
    as_base64 = body.get("encoding_format") == "base64" and not f.has("embeddings.base64-ignored")
    data = []
    for index, item in enumerate(inputs):
        length = DIMENSIONS + (index if f.has("embeddings.length-ragged") else 0)
        vector = _vector(item, length)
        encoded: Any = vector
        if as_base64:
            encoded = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
        data.append({"object": "embedding", "index": index + (1 if f.has("embeddings.index-wrong") else 0),
                     "embedding": encoded})
    prompt = sum(_tokens(i) for i in inputs)
    total = prompt - (1 if f.has("embeddings.usage-total-short") else 0)
    answer: dict[str, Any] = {
        "object": "embeddings" if f.has("embeddings.object-wrong") else "list",
        "data": data,
        "model": "text-embedding-alias" if f.has("embeddings.model-alias") else body.get("model"),
        "usage": {"prompt_tokens": prompt, "total_tokens": total},
    }
    if f.has("embeddings.content-type-text"):
        return Reply(body=json.dumps(answer).encode(), headers={"content-type": "text/plain"})
    return Reply.json(answer)
