"""Tool calls streamed as deltas, rebuilt the way SDKs rebuild them."""

import pytest

from llmconform.surfaces import parse_arguments
from llmconform.surfaces.openai_chat import call_finish_reasons, choices, streamed_forced_calls
from llmconform.verdict import expect

pytestmark = [pytest.mark.feature("stream"), pytest.mark.feature("tools")]


@pytest.mark.check("openai-chat/stream-tools/indexes", level="must",
                   source="openai-python src/openai/types/chat/chat_completion_chunk.py ChoiceDeltaToolCall.index "
                          "(required); openapi/openai-chat.yaml#/components/schemas/ToolCallDelta")
def test_indexes(tools_stream):
    """Every tool_calls delta has an `index`, 0-based and dense."""
    _, calls = streamed_forced_calls(tools_stream)
    expect(sorted(calls) == list(range(len(calls))), "indexes 0..n-1", sorted(calls, key=str))


@pytest.mark.check("openai-chat/stream-tools/first-delta", level="must",
                   source="openai-python src/openai/lib/streaming/chat/_completions.py (the official stream helper "
                          "reads each call's type and function.name from its first delta); "
                          "openapi/openai-chat.yaml#/components/schemas/ToolCallDelta")
def test_first_delta(tools_stream):
    """The first delta of each index carries `id`, `type: function` and `function.name`."""
    _, calls = streamed_forced_calls(tools_stream)
    for index, call in calls.items():
        first = call["first"]
        function = first.get("function") or {}
        expect(first.get("id") and first.get("type") == "function" and function.get("name"),
               f"id, type and function.name in the first delta of call {index}", first)


@pytest.mark.check("openai-chat/stream-tools/arguments", level="should",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "ChatCompletionMessageToolCall.function.arguments (the model does not always generate valid "
                          "JSON); openapi/openai-chat.yaml#/components/schemas/ToolCallDelta")
def test_arguments(tools_stream):
    """The joined `arguments` of each call parse as a JSON object."""
    _, calls = streamed_forced_calls(tools_stream)
    for index, call in calls.items():
        expect(isinstance(parse_arguments(call["arguments"]), dict),
               f"joined arguments of call {index}: a JSON object", call["arguments"])


@pytest.mark.check("openai-chat/stream-tools/finish-reason", level="should",
                   source="openai-python api_reference/openapi.transformed.yml finish_reason tool_calls (and stop, "
                          "the official API's answer to a named tool_choice); "
                          "openapi/openai-chat.yaml#/components/schemas/FinishReason")
def test_finish_reason(tools_stream):
    """finish_reason `tool_calls` ends a stream that emitted calls, or `stop` — the official API's own
    answer to a tool_choice that names the function."""
    chunks, _ = streamed_forced_calls(tools_stream)
    reasons = [ch.get("finish_reason") for c in chunks for ch in choices(c) if ch.get("finish_reason")]
    allowed = call_finish_reasons(tools_stream.request.body)
    expect(reasons and reasons[-1] in allowed, f"finish_reason {' or '.join(map(repr, allowed))}", reasons)
