"""The official `google-genai` SDK consumes the provider's answers (parsed and streamed).

The SDK builds its own request from a stand-in prompt: the transport answers every request with the
exchange the provider already served, so what is judged is whether the SDK can read that answer.
"""

import pytest

from llmconform import checks, sdk
from llmconform.surfaces.gemini import (
    function_calls,
    model_of,
    nothing_to_judge,
    streamed_nothing_to_judge,
)
from llmconform.verdict import expect

pytestmark = pytest.mark.skipif(not sdk.available("google.genai"), reason=sdk.missing("google.genai"))
PROMPT = "llmconform sdk lane"


def _models(exchange):
    return sdk.gemini_client(exchange).models


@pytest.mark.check("gemini/sdk/parse", level="must",
                   source="python-genai google/genai/types.py GenerateContentResponse (.text); python-genai "
                          "google/genai/models.py generate_content()")
def test_parse(basic):
    """`client.models.generate_content()` parses the answer into a GenerateContentResponse whose
    `.text` is the answer (undecided when a thinking model spent maxOutputTokens on thoughts, the
    content was withheld or the prompt blocked: the SDK's `.text` is then None, rightly)."""
    response = sdk.consume(basic, "google-genai",
                           lambda: _models(basic).generate_content(model=model_of(basic.request), contents=PROMPT))
    expect(type(response).__name__ == "GenerateContentResponse", "a GenerateContentResponse", response)
    nothing_to_judge(checks.ok_json(basic), basic.request.output_limit)  # a blocked prompt has no candidates
    expect(response.candidates, "a GenerateContentResponse with candidates", response)
    expect((response.text or "").strip(), "non-empty response.text", response)


@pytest.mark.check("gemini/sdk/stream", level="must",
                   source="python-genai google/genai/models.py generate_content_stream() (alt=sse)")
@pytest.mark.feature("stream")
def test_stream(stream):
    """Iterating `client.models.generate_content_stream()` over the alt=sse stream runs to the end; the
    pieces' `.text` join to a non-empty answer and the last names a finish reason."""
    def read():
        return list(_models(stream).generate_content_stream(model=model_of(stream.request), contents=PROMPT))

    pieces = sdk.consume(stream, "google-genai", read, api="models.generate_content_stream")
    streamed_nothing_to_judge(stream)
    joined = "".join(piece.text or "" for piece in pieces)
    expect(joined.strip(), "non-empty text from the SDK's stream", pieces[-1:] or pieces)
    last = pieces[-1].candidates if pieces else None
    expect(last and last[0].finish_reason, "a finish_reason in the SDK's last piece", pieces[-1:] or pieces)


@pytest.mark.check("gemini/sdk/tools", level="must",
                   source="python-genai google/genai/types.py GenerateContentResponse.function_calls, FunctionCall "
                          "(name, args: dict)")
@pytest.mark.feature("tools")
def test_tools(tools_forced):
    """The forced call parses into `response.function_calls`, each with a name and dict args."""
    response = sdk.consume(tools_forced, "google-genai", lambda: _models(tools_forced).generate_content(
        model=model_of(tools_forced.request), contents=PROMPT))
    calls = response.function_calls or []
    nothing_to_judge(checks.ok_json(tools_forced), tools_forced.request.output_limit)  # blocked, malformed call
    checks.need(function_calls(checks.ok_json(tools_forced)), "a functionCall part for the SDK to parse",
                owner="tools/forced-call", exchange=tools_forced)
    expect(calls, "function_calls in the SDK's response", response)
    expect(all(c.name and isinstance(c.args or {}, dict) for c in calls), "calls with a name and dict args", calls)


@pytest.mark.check("gemini/sdk/count-tokens", level="must",
                   source="python-genai google/genai/types.py CountTokensResponse.total_tokens; python-genai "
                          "google/genai/models.py count_tokens()")
@pytest.mark.feature("count_tokens")
def test_count_tokens(count_tokens):
    """`client.models.count_tokens()` parses the count into an integer `total_tokens`."""
    response = sdk.consume(count_tokens, "google-genai", lambda: _models(count_tokens).count_tokens(
        model=model_of(count_tokens.request), contents=PROMPT), api="models.count_tokens")
    expect(isinstance(response.total_tokens, int), "an integer total_tokens", response)
