"""The official `anthropic` SDK consumes the provider's answers (parsed and streamed)."""

import pytest

from llmconform import checks, sdk
from llmconform.surfaces.anthropic_messages import not_errored, not_refused
from llmconform.verdict import expect

pytestmark = pytest.mark.skipif(not sdk.available("anthropic"), reason=sdk.missing("anthropic"))


def _client(exchange):
    return sdk.anthropic_client(exchange)


def _arguments(exchange):
    return sdk.arguments(exchange, "messages.create")


def _final(exchange):
    """The SDK's stream helper run to the end: its accumulated final Message."""
    def read():
        with _client(exchange).messages.stream(**_arguments(exchange)) as events:
            for _ in events:
                pass
            return events.get_final_message()

    return sdk.consume(exchange, "anthropic", read, api="messages.stream")


def _blocks(message, kind):
    """The SDK message's content blocks of one type."""
    return [b for b in message.content if b.type == kind]


@pytest.mark.check("anthropic-messages/sdk/parse", level="must",
                   source="anthropic-sdk-python src/anthropic/resources/messages/messages.py create() -> Message")
def test_parse(basic):
    """`client.messages.create()` parses the answer into a Message with content (undecided when the
    API refused to answer: stop_reason refusal may come with no content)."""
    message = sdk.consume(basic, "anthropic", lambda: _client(basic).messages.create(**_arguments(basic)))
    expect(type(message).__name__ == "Message", "a Message", message)
    if not message.content:
        not_refused(message.stop_reason, "its content")
    expect(message.content, "a Message with content blocks", message)


@pytest.mark.check("anthropic-messages/sdk/stream", level="must",
                   source="anthropic-sdk-python src/anthropic/lib/streaming/_messages.py "
                          "MessageStream.get_final_message()")
@pytest.mark.feature("stream")
def test_stream(stream):
    """`client.messages.stream()` runs to the end; its final Message holds the streamed text
    (undecided when the API ended the stream with an error event, which the SDK raises, or refused
    to answer)."""
    not_errored(stream, "its final message")
    message = _final(stream)
    text = "".join(b.text for b in _blocks(message, "text"))
    if not text.strip():
        not_refused(message.stop_reason, "its text")
    expect(text.strip(), "non-empty text in the SDK's final message", message)
    expect(message.stop_reason, "a stop_reason in the SDK's final message", message)


@pytest.mark.check("anthropic-messages/sdk/stream-tools", level="must",
                   source="anthropic-sdk-python src/anthropic/lib/streaming/_messages.py (accumulate_event: tool_use "
                          "input from input_json_delta)")
@pytest.mark.feature("stream")
@pytest.mark.feature("tools")
def test_stream_tools(tools_stream):
    """Streamed, the forced tool call accumulates into a tool_use block with an id and an input object."""
    message = _final(tools_stream)
    uses = _blocks(message, "tool_use")
    # No tool call streamed at all is stream-tools/forced-call's to judge, once.
    checks.need(uses, "a tool_use block in the SDK's final message", message, owner="stream-tools/forced-call",
                exchange=tools_stream)
    expect(all(getattr(u, "id", None) and isinstance(u.input, dict) for u in uses),
           "tool_use blocks with an id and an input object", uses)


@pytest.mark.check("anthropic-messages/sdk/stream-thinking", level="must",
                   source="anthropic-sdk-python src/anthropic/lib/streaming/_messages.py (accumulate_event: "
                          "thinking_delta, signature_delta); src/anthropic/types/redacted_thinking_block.py")
@pytest.mark.feature("stream")
@pytest.mark.feature("thinking")
def test_stream_thinking(thinking_stream):
    """Streamed, thinking accumulates into a thinking block with its signature (or, where the
    reasoning was safety-redacted, a redacted_thinking block with its opaque data), before the text."""
    message = _final(thinking_stream)
    thinking, redacted = _blocks(message, "thinking"), _blocks(message, "redacted_thinking")
    expect((thinking or redacted) and all(getattr(b, "signature", None) for b in thinking)
           and all(getattr(b, "data", None) for b in redacted),
           "a thinking block with its signature (or a redacted_thinking block with its data) in the SDK's final "
           "message", message)
