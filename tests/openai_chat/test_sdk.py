"""The official `openai` SDK consumes the provider's answers (parsed and streamed)."""

import pytest

from llmconform import sdk
from llmconform.verdict import expect

pytestmark = pytest.mark.skipif(not sdk.available("openai"), reason=sdk.missing("openai"))


def _client(exchange):
    return sdk.openai_client(exchange)


def _create(exchange, **kwargs):
    return _client(exchange).chat.completions.create(**sdk.arguments(exchange, "chat.completions.create"),
                                                     **kwargs)


@pytest.mark.check("openai-chat/sdk/parse", level="must",
                   source="openai-python src/openai/types/chat/chat_completion.py ChatCompletion; openai-python "
                          "src/openai/resources/chat/completions/completions.py create()")
def test_parse(basic):
    """`client.chat.completions.create()` parses the answer into a ChatCompletion with a message."""
    completion = sdk.consume(basic, "openai", lambda: _create(basic))
    choices = getattr(completion, "choices", None)
    expect(type(completion).__name__ == "ChatCompletion" and choices and getattr(choices[0], "message", None),
           "a ChatCompletion with choices[0].message", completion)


@pytest.mark.check("openai-chat/sdk/stream", level="must",
                   source="openai-python src/openai/types/chat/chat_completion_chunk.py ChatCompletionChunk; "
                          "openai-python src/openai/_streaming.py Stream")
@pytest.mark.feature("stream")
def test_stream(stream):
    """Iterating `create(stream=True)` yields chunks to the end and the joined text is not empty."""
    def read():
        return "".join(chunk.choices[0].delta.content or "" for chunk in _create(stream, stream=True)
                       if chunk.choices)

    text = sdk.consume(stream, "openai", read)
    expect(text.strip(), "non-empty text from the SDK's stream", text)
