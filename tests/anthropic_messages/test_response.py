"""A non-streaming Message: its shape, as the official API declares it."""

import pytest

from llmconform import checks
from llmconform.surfaces.anthropic_messages import blocks, not_refused, text
from llmconform.verdict import expect


@pytest.mark.check("anthropic-messages/response/text-block", level="should",
                   source="anthropic-sdk-python src/anthropic/types/message.py content (no official rule that a plain "
                          "question gets a text block); openapi/anthropic-messages.yaml#/components/schemas/Message; "
                          "openapi/anthropic-messages.yaml#/components/schemas/TextBlock")
def test_text_block(basic):
    """The answer holds a non-empty `text` block (a plain question gets a text answer; undecided when
    the API refused to answer)."""
    data = checks.ok_json(basic)
    if not text(data).strip():
        not_refused(data.get("stop_reason"), "its text")
    expect(text(data).strip(), "a text block with non-empty text in content",
           [b.get("type") for b in blocks(data)] or data.get("content"))


@pytest.mark.check("anthropic-messages/response/stop-reason", level="must",
                   source="anthropic-sdk-python src/anthropic/types/stop_reason.py; anthropic-sdk-python "
                          "src/anthropic/types/message.py stop_sequence; "
                          "openapi/anthropic-messages.yaml#/components/schemas/Message; "
                          "openapi/anthropic-messages.yaml#/components/schemas/StopReason")
def test_stop_reason(basic):
    """`stop_reason` is end_turn | max_tokens | stop_sequence | tool_use | pause_turn | refusal, and
    `stop_sequence` is null unless stop_reason is `stop_sequence`."""
    data = checks.ok_json(basic)
    reasons = ("end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal",
               "model_context_window_exceeded")
    expect(data.get("stop_reason") in reasons, f"stop_reason one of {', '.join(reasons[:6])}",
           data.get("stop_reason"))
    expect("stop_sequence" in data, "a stop_sequence field (null when no custom stop sequence matched)",
           sorted(data))
    if data.get("stop_reason") != "stop_sequence":
        expect(data["stop_sequence"] is None,
               f"stop_sequence null beside stop_reason {data.get('stop_reason')!r}", data["stop_sequence"])
