"""The official `openai` SDK consumes the provider's answers (parsed, and streamed through its
`responses.stream()` helper, which rebuilds the response event by event)."""

import pytest

from llmconform import sdk
from llmconform.surfaces.openai_responses import EVENTS, TEXT_DELTA, limit_spent_on_reasoning
from llmconform.verdict import expect

pytestmark = pytest.mark.skipif(not sdk.available("openai"), reason=sdk.missing("openai"))


def _client(exchange):
    return sdk.openai_client(exchange)


def _arguments(exchange):
    return sdk.arguments(exchange, "responses.create")


@pytest.mark.check("openai-responses/sdk/parse", level="must",
                   source="openai-python src/openai/types/responses/response.py Response.output_text; openai-python "
                          "src/openai/resources/responses/responses.py create()")
def test_parse(basic):
    """`client.responses.create()` parses the answer into a Response whose `output_text` reads."""
    response = sdk.consume(basic, "openai", lambda: _client(basic).responses.create(**_arguments(basic)))
    expect(type(response).__name__ == "Response" and isinstance(getattr(response, "output", None), list)
           and isinstance(sdk.consume(basic, "openai", lambda: response.output_text), str),
           "a Response with an output list and output_text", response)


@pytest.mark.check("openai-responses/sdk/stream", level="must",
                   source="openai-python src/openai/lib/streaming/responses/_responses.py "
                          "ResponseStream.get_final_response()")
@pytest.mark.feature("stream")
def test_stream(stream):
    """`client.responses.stream()` reads the events to the end and `get_final_response()` gives the
    completed response (not asked after response.incomplete); the streamed text is not empty."""
    def read():
        with _client(stream).responses.stream(**_arguments(stream)) as events:
            text, last = "", None
            for event in events:
                text += event.delta if event.type == TEXT_DELTA else ""
                last = event
            # The helper keeps a final response for response.completed only; a stream that ends
            # without a terminal event makes get_final_response() raise, as it does in an app.
            stopped = last is not None and last.type in (EVENTS["incomplete"], EVENTS["failed"])
            final = None if stopped else events.get_final_response()
        return text, last, final

    text, last, final = sdk.consume(stream, "openai", read, api="responses.stream")
    if not text.strip() and last is not None and getattr(last, "response", None) is not None:
        limit_spent_on_reasoning(last.response.to_dict(), stream.request.output_limit)
    expect(text.strip(), "non-empty text from the SDK's stream", getattr(last, "type", None))
    if final is not None:
        expect(final.output_text == text, "the SDK's final output_text equal to the streamed text",
               {"streamed": text, "final": final.output_text})
