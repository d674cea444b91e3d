"""Usage: the numbers a bill is computed from."""

import pytest

from llmconform import checks
from llmconform.surfaces import sub
from llmconform.surfaces.openai_chat import content, message
from llmconform.verdict import warn


@pytest.mark.check("openai-chat/usage/arithmetic", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CompletionUsage (integers; "
                          "total_tokens = prompt_tokens + completion_tokens); "
                          "openapi/openai-chat.yaml#/components/schemas/Usage")
def test_arithmetic(basic):
    """prompt, completion and total tokens are non-negative integers; total = prompt + completion."""
    usage = checks.ok_json(basic).get("usage")
    checks.usage_numbers(usage, ("prompt_tokens", "completion_tokens", "total_tokens"), "total_tokens",
                         ("prompt_tokens", "completion_tokens"))


@pytest.mark.check("openai-chat/usage/consistent", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CompletionUsage.prompt_tokens, "
                          ".completion_tokens (the tokens used); openapi/openai-chat.yaml#/components/schemas/Usage")
def test_consistent(basic):
    """Usage agrees with the answer — the rule streamed usage is held to: prompt_tokens above 0,
    completion_tokens above 0 beside text (F), and within ±50 % of the text's estimate (W)."""
    data = checks.ok_json(basic)
    usage = sub(data, "usage")
    msg = message(data)
    reasoning = msg.get("reasoning_content") or msg.get("reasoning")
    reasoning = reasoning if isinstance(reasoning, str) else ""
    checks.usage_consistent(usage.get("prompt_tokens"), usage.get("completion_tokens"), content(data) + reasoning,
                            reasoning_tokens=None if reasoning else
                            sub(usage, "completion_tokens_details").get("reasoning_tokens"))


@pytest.mark.check("openai-chat/usage/details-consistent", level="should",
                   source="openai-python api_reference/openapi.transformed.yml CompletionUsage details (a heuristic "
                          "agreement of the counts); openapi/openai-chat.yaml#/components/schemas/Usage")
def test_details_consistent(basic):
    """Detail fields agree with the totals (W): no `input_tokens: 0` beside `prompt_tokens: 21`,
    no `reasoning_tokens: 0` beside reasoning text."""
    data = checks.ok_json(basic)
    usage = data.get("usage") or {}
    contradictions = []
    for detail, total in (("input_tokens", "prompt_tokens"), ("output_tokens", "completion_tokens")):
        if usage.get(detail) == 0 and (usage.get(total) or 0) > 0:
            contradictions.append(f"{detail}: 0 beside {total}: {usage.get(total)}")
    reasoning_tokens = sub(usage, "completion_tokens_details").get("reasoning_tokens")
    msg = message(data)
    if reasoning_tokens == 0 and (msg.get("reasoning_content") or msg.get("reasoning")):
        contradictions.append("reasoning_tokens: 0 beside reasoning text")
    if contradictions:
        warn("usage details consistent with the totals", "; ".join(contradictions))
