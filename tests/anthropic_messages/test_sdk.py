"""The official `anthropic` SDK consumes the provider's answers (parsed and streamed)."""

import pytest

from llmconform import sdk
from llmconform.verdict import expect

if not sdk.available("anthropic"):
    pytest.skip("the anthropic SDK is not installed (pip install 'llmconform[sdk]')", allow_module_level=True)

import anthropic
import anthropic._base_client

# Newer anthropic releases speak httpx2 (an httpx fork) and refuse httpx objects: the recorded answer
# is then played back through the same kind of client the SDK itself uses.
HTTP = getattr(anthropic._base_client, "httpx2", None)


def _http_client(exchange):
    if HTTP is None:
        return sdk.http_client(exchange)
    headers = {k: v for k, v in exchange.headers.items()
               if k not in ("content-length", "content-encoding", "transfer-encoding")}

    def answer(request):
        return HTTP.Response(exchange.status or 599, headers=headers, content=exchange.body)

    return HTTP.Client(transport=HTTP.MockTransport(answer), base_url="http://sdk-lane.invalid")


def _client(exchange):
    return anthropic.Anthropic(api_key="sdk-lane", base_url="http://sdk-lane.invalid", max_retries=0,
                               http_client=_http_client(exchange))


def _arguments(exchange):
    # Everything beyond the three required parameters rides in extra_body: the request is replayed
    # as sent, typos included.
    body = dict(exchange.request.body)
    body.pop("stream", None)
    return {"model": body.pop("model"), "max_tokens": body.pop("max_tokens"),
            "messages": body.pop("messages"), "extra_body": body}


def _final(exchange):
    """The SDK's stream helper run to the end: its accumulated final Message."""
    def read():
        with _client(exchange).messages.stream(**_arguments(exchange)) as events:
            for _ in events:
                pass
            return events.get_final_message()

    return sdk.consume(exchange, "anthropic", read)


def test_parse(basic):
    """`client.messages.create()` parses the answer into a Message with content."""
    message = sdk.consume(basic, "anthropic", lambda: _client(basic).messages.create(**_arguments(basic)))
    expect(isinstance(message, anthropic.types.Message) and message.content,
           "a Message with content blocks", message)


@pytest.mark.feature("stream")
def test_stream(stream):
    """`client.messages.stream()` runs to the end; its final Message holds the streamed text."""
    message = _final(stream)
    text = "".join(b.text for b in message.content if b.type == "text")
    expect(text.strip(), "non-empty text in the SDK's final message", message)
    expect(message.stop_reason, "a stop_reason in the SDK's final message", message)


@pytest.mark.feature("stream")
@pytest.mark.feature("tools")
def test_stream_tools(tools_stream):
    """Streamed, the forced tool call accumulates into a tool_use block with an id and an input object."""
    message = _final(tools_stream)
    uses = [b for b in message.content if b.type == "tool_use"]
    expect(uses, "a tool_use block in the SDK's final message", message)
    expect(all(getattr(u, "id", None) and isinstance(u.input, dict) for u in uses),
           "tool_use blocks with an id and an input object", uses)


@pytest.mark.feature("stream")
@pytest.mark.feature("thinking")
def test_stream_thinking(thinking_stream):
    """Streamed, thinking accumulates into a thinking block with its signature, before the text."""
    message = _final(thinking_stream)
    thinking = [b for b in message.content if b.type == "thinking"]
    expect(thinking and all(getattr(b, "signature", None) for b in thinking),
           "a thinking block with its signature in the SDK's final message", message)
