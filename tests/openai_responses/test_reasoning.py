"""Reasoning: in its own output item, beside the answer, never inside it."""

import pytest

from llmconform import checks
from llmconform.surfaces.openai_responses import output_items, output_text, reasoning_text, reasoning_within_output
from llmconform.verdict import expect, warn


@pytest.mark.check("openai-responses/reasoning/item", level="should",
                   source="openai-python src/openai/types/responses/response_reasoning_item.py (a reasoning item is "
                          "not guaranteed in every answer); "
                          "openapi/openai-responses.yaml#/components/schemas/ReasoningItem")
@pytest.mark.feature("reasoning")
def test_item(reasoning):
    """With `reasoning` asked for, the output holds a `reasoning` item (id, summary array) before the
    message it led to."""
    items = output_items(checks.ok_json(reasoning))
    kinds = [i.get("type") for i in items]
    expect("reasoning" in kinds, "a reasoning item in output", kinds)
    item = items[kinds.index("reasoning")]
    expect(isinstance(item.get("summary"), list), "reasoning.summary an array", item)
    if "message" in kinds:
        expect(kinds.index("reasoning") < kinds.index("message"), "the reasoning item before the message",
               kinds)


@pytest.mark.check("openai-responses/reasoning/tokens", level="must",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "ResponseUsage.output_tokens_details.reasoning_tokens (part of output_tokens); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseUsage")
@pytest.mark.feature("reasoning")
def test_tokens(reasoning):
    """usage.output_tokens_details.reasoning_tokens is an integer no larger than output_tokens;
    `reasoning_tokens: 0` beside reasoning text contradicts itself (W)."""
    data = checks.ok_json(reasoning)
    spent = reasoning_within_output(data)
    thought = "".join(reasoning_text(i) for i in output_items(data, "reasoning"))
    if spent == 0 and thought.strip():
        warn("reasoning_tokens above 0 beside reasoning text",
             f"reasoning_tokens: 0 beside {thought[:120]!r}")


@pytest.mark.check("openai-responses/reasoning/placement", level="should",
                   source="llmconform heuristic: reasoning markup in output_text (no official rule names it)")
@pytest.mark.feature("reasoning")
def test_placement(reasoning):
    """Reasoning stays in its item: the answer's output_text carries no reasoning markup."""
    checks.no_reasoning_markup(output_text(checks.ok_json(reasoning)), "output_text")
