"""Thinking streamed: thinking_delta fragments, then one signature_delta, before the text."""

import pytest

from llmconform.surfaces.anthropic_messages import EVENTS, final_stop_reason, not_errored, not_refused, streamed_blocks
from llmconform.verdict import expect

pytestmark = [pytest.mark.feature("stream"), pytest.mark.feature("thinking")]
THINKING_DELTA, SIGNATURE_DELTA = EVENTS["thinking-delta"], EVENTS["signature-delta"]


def _blocks(exchange):
    data = [data if isinstance(data, dict) else {} for _, data in exchange.data_events()]
    rebuilt = streamed_blocks(data)
    if not any(b["type"] in ("thinking", "redacted_thinking") for b in rebuilt.values()):
        not_errored(exchange, "any thinking")
        not_refused(final_stop_reason(data), "any thinking")
    expect(any(b["type"] in ("thinking", "redacted_thinking") for b in rebuilt.values()),
           "a thinking content block in the stream", [b["type"] for b in rebuilt.values()])
    return rebuilt


@pytest.mark.check("anthropic-messages/stream-thinking/block-order", level="must",
                   source="Anthropic docs, Extended thinking, streaming (thinking blocks precede the text); "
                          "openapi/anthropic-messages.yaml#/components/schemas/ThinkingBlock")
def test_block_order(thinking_stream):
    """The thinking block opens before the first text block."""
    kinds = [b["type"] for _, b in sorted(_blocks(thinking_stream).items())]
    first_text = kinds.index("text") if "text" in kinds else len(kinds)
    expect(any(k in ("thinking", "redacted_thinking") for k in kinds[:first_text]),
           "the thinking block before the text", kinds)


@pytest.mark.check("anthropic-messages/stream-thinking/signature-delta", level="must",
                   source="Anthropic docs, Extended thinking, streaming (signature_delta just before "
                          "content_block_stop); anthropic-sdk-python src/anthropic/types/signature_delta.py; "
                          "openapi/anthropic-messages.yaml#/components/schemas/SignatureDelta; "
                          "openapi/anthropic-messages.yaml#/components/schemas/ThinkingDelta")
def test_signature_delta(thinking_stream):
    """A thinking block streams thinking_delta fragments, then exactly one non-empty signature_delta,
    its last delta."""
    for index, block in _blocks(thinking_stream).items():
        if block["type"] != "thinking":
            continue
        deltas = block["deltas"]
        expect(deltas.count(SIGNATURE_DELTA) == 1, f"exactly one {SIGNATURE_DELTA} in thinking block {index}",
               deltas)
        expect(deltas[-1] == SIGNATURE_DELTA, f"the {SIGNATURE_DELTA} last in thinking block {index}", deltas)
        expect(block["signature"], f"a non-empty signature in thinking block {index}", block["signature"])
        expect(THINKING_DELTA in deltas, f"{THINKING_DELTA} fragments in thinking block {index}", deltas)
