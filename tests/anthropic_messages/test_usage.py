"""Usage: the numbers a bill is computed from."""

import pytest

from llmconform import checks
from llmconform.surfaces.anthropic_messages import blocks, text
from llmconform.verdict import expect, warn

CACHE_FIELDS = ("cache_creation_input_tokens", "cache_read_input_tokens")


def _usage(exchange):
    return checks.usage_object(exchange, "anthropic-messages")


@pytest.mark.check("anthropic-messages/usage/numbers", level="must",
                   source="anthropic-sdk-python src/anthropic/types/usage.py (input_tokens, output_tokens: int; cache "
                          "fields Optional[int]); openapi/anthropic-messages.yaml#/components/schemas/Usage")
def test_numbers(basic):
    """input_tokens and output_tokens are non-negative integers; the cache fields, where given, are
    null or non-negative integers."""
    usage = _usage(basic)
    checks.usage_numbers(usage, ("input_tokens", "output_tokens"), None, ())
    for name in CACHE_FIELDS:
        value = usage.get(name)
        expect(value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0),
               f"usage.{name} null or a non-negative integer", value)
    for name, value in (usage.get("cache_creation") or {}).items():
        expect(isinstance(value, int) and not isinstance(value, bool) and value >= 0,
               f"usage.cache_creation.{name} a non-negative integer", value)


@pytest.mark.check("anthropic-messages/usage/within-limit", level="must",
                   source="anthropic-sdk-python src/anthropic/types/message_create_params.py max_tokens (the maximum "
                          "number of tokens to generate); openapi/anthropic-messages.yaml#/components/schemas/Usage")
def test_within_limit(basic):
    """output_tokens never exceeds the request's max_tokens."""
    checks.within_limit(_usage(basic).get("output_tokens"), basic.request.body["max_tokens"], "max_tokens")


@pytest.mark.check("anthropic-messages/usage/consistent", level="must",
                   source="anthropic-sdk-python src/anthropic/types/usage.py input_tokens, output_tokens (the tokens "
                          "used); openapi/anthropic-messages.yaml#/components/schemas/Usage")
def test_consistent(basic):
    """Usage agrees with the answer — the rule streamed usage is held to: input tokens (cached ones
    included) above 0, output_tokens above 0 beside text (F), and within ±50 % of the text's
    estimate, thinking included (W; above it is no departure where thinking came back, as the
    thinking shown is a summary or redacted and the whole is billed)."""
    data = checks.ok_json(basic)
    usage = _usage(basic)
    inputs = [usage.get(k) for k in ("input_tokens", *CACHE_FIELDS)]
    total_in = sum(v for v in inputs if isinstance(v, int) and not isinstance(v, bool))
    thought = "".join(str(b.get("thinking") or "") for b in blocks(data, "thinking"))
    checks.usage_consistent(total_in if isinstance(usage.get("input_tokens"), int) else usage.get("input_tokens"),
                            usage.get("output_tokens"), text(data) + thought,
                            thinking_shown_in_part=bool(blocks(data, "thinking") or blocks(data, "redacted_thinking")))


@pytest.mark.check("anthropic-messages/usage/details-consistent", level="should",
                   source="anthropic-sdk-python src/anthropic/types/cache_creation.py (the breakdown of "
                          "cache_creation_input_tokens); openapi/anthropic-messages.yaml#/components/schemas/Usage")
def test_details_consistent(basic):
    """Detail fields agree with the totals (W): the cache_creation breakdown adds up to
    cache_creation_input_tokens. (Zero counts beside an answer are usage/consistent's.)"""
    data = checks.ok_json(basic)
    usage = data.get("usage") or {}
    contradictions = []
    breakdown = usage.get("cache_creation")
    created = usage.get("cache_creation_input_tokens")
    if isinstance(breakdown, dict) and isinstance(created, int):
        parts = sum(v for v in breakdown.values() if isinstance(v, int))
        if parts != created:
            contradictions.append(f"cache_creation parts add up to {parts} beside "
                                  f"cache_creation_input_tokens: {created}")
    if contradictions:
        warn("usage details consistent with the totals", "; ".join(contradictions))
