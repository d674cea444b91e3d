"""Issue 22: reasoning replayed statelessly — `store: false` with `include:
["reasoning.encrypted_content"]` returns each reasoning item's encrypted content, and the whole
history sent back (those items included) is accepted on the next turn."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.openai_responses import output_items
from llmconform.verdict import expect

RESPONSES = spec.load("openai-responses")
pytestmark = [pytest.mark.feature("reasoning-round-trip"), pytest.mark.feature("reasoning")]
TYPES = "openai-python src/openai/types/responses/"


def _reasoning_items(exchange):
    data = checks.ok_json(exchange)
    items = output_items(data, "reasoning")
    if not items:
        pytest.skip("the answer had no reasoning item to replay (a model without reasoning): "
                    f"{[i.get('type') for i in output_items(data)]}")
    return items


@pytest.mark.check("openai-responses/roundtrip/encrypted-reasoning", level="must",
                   source=f"{TYPES}response_includable.py (reasoning.encrypted_content: an encrypted version of "
                          f"the reasoning tokens, for stateless use with store false) and "
                          f"{TYPES}response_reasoning_item.py encrypted_content at e43b4224 (2026-08-21); "
                          "openapi/openai-responses.yaml#/components/schemas/ReasoningItem")
def test_encrypted_reasoning(reasoning_encrypted):
    """`store: false`, `include: ["reasoning.encrypted_content"]` → every reasoning item carries a
    non-empty `encrypted_content` string (without it the next turn cannot carry the reasoning)."""
    items = _reasoning_items(reasoning_encrypted)
    missing = [i.get("id") for i in items
               if not (isinstance(i.get("encrypted_content"), str) and i["encrypted_content"])]
    expect(not missing, "encrypted_content on every reasoning item (include asked for it)",
           {"items without it": missing})


@pytest.mark.check("openai-responses/roundtrip/reasoning-replayed", level="must",
                   source=f"{TYPES}response_input_item_param.py (ResponseReasoningItemParam with encrypted_content, "
                          "an input item) at e43b4224 (2026-08-21); OpenAI docs, Reasoning models, keeping "
                          "reasoning items in context (stateless mode); "
                          "openapi/openai-responses.yaml#/components/schemas/Response")
def test_reasoning_replayed(reasoning_encrypted, reasoning_replay):
    """The first input, the reasoning and message items as they came back (encrypted_content
    included) and a new user turn, sent with `store: false` → accepted and answered with a Response
    (a relay that cannot take the items back, or drops encrypted_content, fails here)."""
    items = _reasoning_items(reasoning_encrypted)
    if not any(isinstance(i.get("encrypted_content"), str) and i["encrypted_content"] for i in items):
        pytest.skip("no encrypted_content to replay (see roundtrip/encrypted-reasoning)")
    data = checks.ok_json(reasoning_replay)
    RESPONSES.check("Response", data, what="the answer after the reasoning items were replayed")
