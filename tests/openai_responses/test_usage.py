"""Usage: the numbers a bill is computed from."""

import pytest

from llmconform import checks
from llmconform.surfaces import sub
from llmconform.surfaces.openai_responses import (
    output_items,
    output_text,
    reasoning_text,
    reasoning_tokens,
    reasoning_within_output,
)
from llmconform.verdict import warn


@pytest.mark.check("openai-responses/usage/arithmetic", level="must",
                   source="openai-python api_reference/openapi.transformed.yml ResponseUsage (integers; total_tokens "
                          "= input_tokens + output_tokens); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseUsage")
def test_arithmetic(basic):
    """input, output and total tokens are non-negative integers; total = input + output."""
    checks.usage_numbers(checks.ok_json(basic).get("usage"),
                         ("input_tokens", "output_tokens", "total_tokens"), "total_tokens",
                         ("input_tokens", "output_tokens"))


@pytest.mark.check("openai-responses/usage/reasoning-tokens", level="must",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "ResponseUsage.output_tokens_details.reasoning_tokens (part of output_tokens); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseUsage")
def test_reasoning_tokens(basic):
    """`output_tokens_details.reasoning_tokens` is a non-negative integer no larger than
    `output_tokens` (reasoning is part of the output)."""
    reasoning_within_output(checks.ok_json(basic))


@pytest.mark.check("openai-responses/usage/consistent", level="must",
                   source="openai-python api_reference/openapi.transformed.yml ResponseUsage (input_tokens, "
                          "output_tokens: the tokens used); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseUsage")
def test_consistent(basic):
    """Usage agrees with the answer — the rule streamed usage is held to: input_tokens above 0,
    output_tokens above 0 beside text (F), and within ±50 % of the text's estimate, reasoning
    tokens aside (W)."""
    data = checks.ok_json(basic)
    usage = sub(data, "usage")
    checks.usage_consistent(usage.get("input_tokens"), usage.get("output_tokens"), output_text(data),
                            reasoning_tokens=reasoning_tokens(data))


@pytest.mark.check("openai-responses/usage/details-consistent", level="should",
                   source="openai-python api_reference/openapi.transformed.yml ResponseUsage details (a heuristic "
                          "agreement of the counts); openapi/openai-responses.yaml#/components/schemas/ResponseUsage")
def test_details_consistent(basic):
    """Detail fields agree with the totals (W): cached_tokens no more than input_tokens, no
    `reasoning_tokens: 0` beside reasoning text, Chat-style counts (prompt_tokens,
    completion_tokens) equal to the Responses ones where a relay adds them."""
    data = checks.ok_json(basic)
    usage = data.get("usage") or {}
    contradictions = []
    cached = sub(usage, "input_tokens_details").get("cached_tokens")
    inputs = usage.get("input_tokens")
    if isinstance(cached, int) and isinstance(inputs, int) and cached > inputs:
        contradictions.append(f"cached_tokens: {cached} beside input_tokens: {inputs}")
    thought = "".join(reasoning_text(i) for i in output_items(data, "reasoning"))
    if reasoning_tokens(data) == 0 and thought.strip():
        contradictions.append("reasoning_tokens: 0 beside reasoning text")
    for chat, responses in (("prompt_tokens", "input_tokens"), ("completion_tokens", "output_tokens")):
        if chat in usage and usage.get(chat) != usage.get(responses):
            contradictions.append(f"{chat}: {usage.get(chat)} beside {responses}: {usage.get(responses)}")
    if contradictions:
        warn("usage details consistent with the totals", "; ".join(contradictions))
