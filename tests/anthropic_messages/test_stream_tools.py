"""A forced tool call streamed: the tool_use block and its input_json_delta fragments."""

import pytest

from llmconform.surfaces import sub
from llmconform.surfaces.anthropic_messages import EVENTS, final_stop_reason, parse_json, streamed_forced_calls
from llmconform.verdict import Error, expect

pytestmark = [pytest.mark.feature("stream"), pytest.mark.feature("tools")]


@pytest.mark.check("anthropic-messages/stream-tools/tool-block", level="must",
                   source="Anthropic docs, Streaming Messages, input JSON deltas; anthropic-sdk-python "
                          "src/anthropic/types/tool_use_block.py; "
                          "openapi/anthropic-messages.yaml#/components/schemas/ContentBlockStartEvent; "
                          "openapi/anthropic-messages.yaml#/components/schemas/ToolUseBlock")
def test_tool_block(tools_stream):
    """content_block_start opens the tool_use block with its `id`, the requested `name` and `input` {}."""
    _, found = streamed_forced_calls(tools_stream)
    for index, block in found.items():
        start = block["start"]
        where = f"tool_use block {index}'s content_block_start"
        expect(isinstance(start.get("id"), str) and start["id"], f"an id in {where}", start)
        expect(start.get("name") == "get_weather", f"name 'get_weather' in {where}", start)
        expect(isinstance(start.get("input"), dict), f"input an object in {where}", start)


def _not_cut(data, what):
    """Leave a check undecided when max_tokens cut the tool call where it stood (stop_reason
    max_tokens: the official SDK's fixture incomplete_partial_json_response.txt ends so, its
    partial_json half written and no content_block_stop) — conforming, with no whole call to judge."""
    if final_stop_reason(data) == "max_tokens":
        raise Error("max_tokens reached inside the tool call",
                    f"stop_reason max_tokens: the output stopped before {what}; that is conforming, but leaves "
                    "nothing to check here (give tools-stream a larger max_tokens in the profile's `requests`).")


@pytest.mark.check("anthropic-messages/stream-tools/input-json", level="must",
                   source="Anthropic docs, Streaming Messages, input JSON deltas (the joined partial_json is the "
                          "input object); anthropic-sdk-python src/anthropic/types/input_json_delta.py; "
                          "openapi/anthropic-messages.yaml#/components/schemas/InputJsonDelta; "
                          "tests/lib/streaming/fixtures/incomplete_partial_json_response.txt (cut by max_tokens)")
def test_input_json(tools_stream):
    """The joined `partial_json` of each tool_use block parses to a JSON object (undecided when
    max_tokens cut the call)."""
    data, found = streamed_forced_calls(tools_stream)
    _not_cut(data, "the tool input was whole")
    for index, block in found.items():
        joined = block["partial_json"]
        parsed = parse_json(joined) if joined else {}
        expect(isinstance(parsed, dict), f"joined partial_json of block {index}: a JSON object", joined)


@pytest.mark.check("anthropic-messages/stream-tools/stop-reason", level="must",
                   source="anthropic-sdk-python src/anthropic/types/stop_reason.py (tool_use); "
                          "openapi/anthropic-messages.yaml#/components/schemas/MessageDeltaEvent; "
                          "openapi/anthropic-messages.yaml#/components/schemas/StopReason")
def test_stop_reason(tools_stream):
    """message_delta says stop_reason `tool_use` (undecided when max_tokens cut the call)."""
    data, _ = streamed_forced_calls(tools_stream)
    _not_cut(data, "the call ended")
    message_delta = EVENTS["message-delta"]
    reasons = [sub(d, "delta").get("stop_reason") for d in data if d.get("type") == message_delta]
    expect(reasons and reasons[-1] == "tool_use", f"stop_reason 'tool_use' in {message_delta}", reasons)
