"""Every schemathesis case sent to a generating operation carries a small output cap, valid or not:
a lax relay serves an invalid case as if it were valid (LiteLLM passes unknown keys on), and a case
without a cap lets the model write to the end of its context on the user's bill."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from llmconform import fuzz, spec
from llmconform.surfaces import SURFACE_MODULES

GENERATING = [("openai-chat", "/v1/chat/completions"), ("openai-responses", "/v1/responses"),
              ("anthropic-messages", "/v1/messages"), ("gemini", "/v1beta/models/{model}:generateContent")]


def _target(cases: int) -> SimpleNamespace:
    config = SimpleNamespace(model="model-test", features=frozenset({"stream", "tools"}))
    return SimpleNamespace(name="cost", fuzz_cases=cases, model=lambda surface: config.model,
                           surface=lambda surface: SURFACE_MODULES[surface],
                           surface_config=lambda surface: config)


def _caps(body: Any, limit: spec.OutputLimit) -> list[Any]:
    """The values the body gives the limit, in any of its spellings."""
    found = []
    for name in (limit.field, *limit.also):
        holder, _, field = name.rpartition(".")
        node = body.get(holder) if holder else body
        if isinstance(node, dict) and field in node:
            found.append(node[field])
    return found


@pytest.mark.parametrize("negative", [False, True], ids=["positive", "negative"])
@pytest.mark.parametrize(("surface", "path"), GENERATING, ids=[s for s, _ in GENERATING])
def test_every_drawn_case_carries_a_small_output_cap(surface, path, negative):
    limit = spec.load(surface).operation(path).output_limit
    assert limit is not None, f"{surface} {path} declares its output limit (x-llmconform-output-limit)"
    requests = fuzz.generated(_target(12), surface, path, negative=negative, count=12)
    assert requests, "the draw yields cases"
    for request in requests:
        if not isinstance(request.body, dict):
            continue  # not an object: no server reads a cap from it, and none generates from it
        caps = _caps(request.body, limit)
        assert caps, f"expected {limit.field} in every case, got a body without it: {str(request.body)[:300]}"
        counts = [c for c in caps if spec.count(c) is not None]
        assert all(c <= max(limit.cap, fuzz.BOUND) for c in counts), \
            f"expected {limit.field} <= {max(limit.cap, fuzz.BOUND)}, got {caps}"
