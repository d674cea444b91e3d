"""A non-streaming Message: its shape, as the official API declares it."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.anthropic_messages import blocks, text
from llmconform.verdict import expect

MESSAGES = spec.load("anthropic-messages")


@pytest.mark.check("anthropic-messages/response/schema")
def test_schema(basic):
    """The body is a `Message` as the spec declares it: `type: message`, `role: assistant`, `id`,
    `model`, `content[]` of text / thinking / redacted_thinking / tool_use blocks, `stop_reason`,
    `stop_sequence`, `usage`."""
    MESSAGES.check("Message", checks.ok_json(basic), what="the message")


@pytest.mark.check("anthropic-messages/response/content-type")
def test_content_type(basic):
    """The plain request is answered 2xx, whole, saying `Content-Type: application/json` (a refused,
    cut or timed-out answer fails here, once: the checks reading it are left undecided)."""
    checks.status_ok(basic)
    checks.json_content_type(basic)


@pytest.mark.check("anthropic-messages/response/text-block")
def test_text_block(basic):
    """The answer holds a non-empty `text` block (a plain question gets a text answer)."""
    data = checks.ok_json(basic)
    expect(text(data).strip(), "a text block with non-empty text in content",
           [b.get("type") for b in blocks(data)] or data.get("content"))


@pytest.mark.check("anthropic-messages/response/stop-reason")
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


@pytest.mark.check("anthropic-messages/response/model-echo")
def test_model_echo(basic):
    """`model` is the requested model or a dated snapshot of it (W: relays alias and substitute)."""
    checks.model_echo(basic.request.body.get("model"), checks.ok_json(basic).get("model"))
