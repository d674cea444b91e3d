"""A forced tool call streamed: the tool_use block and its input_json_delta fragments."""

import pytest

from llmconform import checks
from llmconform.surfaces import sub
from llmconform.surfaces.anthropic_messages import EVENTS, parse_json, streamed_blocks
from llmconform.verdict import expect

pytestmark = [pytest.mark.feature("stream"), pytest.mark.feature("tools")]


def _data(exchange):
    return [data if isinstance(data, dict) else {} for _, data in exchange.data_events()]


def _tool_blocks(exchange):
    data = _data(exchange)
    found = {i: b for i, b in streamed_blocks(data).items() if b["type"] == "tool_use"}
    checks.need(found, "a tool_use content block for the forced tool", [d.get("type") for d in data][:12],
                owner="stream-tools/forced-call", exchange=exchange)
    return data, found


@pytest.mark.check("anthropic-messages/stream-tools/forced-call")
def test_forced_call(tools_stream):
    """Streamed, tool_choice `{type: tool, name: get_weather}` → a tool_use block naming get_weather;
    streamed text instead fails, whatever the model."""
    _, found = _tool_blocks(tools_stream)
    names = [b["start"].get("name") for b in found.values()]
    expect("get_weather" in names, "a streamed tool_use of the requested tool get_weather", names)


@pytest.mark.check("anthropic-messages/stream-tools/tool-block")
def test_tool_block(tools_stream):
    """content_block_start opens the tool_use block with its `id`, the requested `name` and `input` {}."""
    _, found = _tool_blocks(tools_stream)
    for index, block in found.items():
        start = block["start"]
        where = f"tool_use block {index}'s content_block_start"
        expect(isinstance(start.get("id"), str) and start["id"], f"an id in {where}", start)
        expect(start.get("name") == "get_weather", f"name 'get_weather' in {where}", start)
        expect(isinstance(start.get("input"), dict), f"input an object in {where}", start)


@pytest.mark.check("anthropic-messages/stream-tools/input-json")
def test_input_json(tools_stream):
    """The joined `partial_json` of each tool_use block parses to a JSON object."""
    _, found = _tool_blocks(tools_stream)
    for index, block in found.items():
        joined = block["partial_json"]
        parsed = parse_json(joined) if joined else {}
        expect(isinstance(parsed, dict), f"joined partial_json of block {index}: a JSON object", joined)


@pytest.mark.check("anthropic-messages/stream-tools/stop-reason")
def test_stop_reason(tools_stream):
    """message_delta says stop_reason `tool_use`."""
    data, _ = _tool_blocks(tools_stream)
    message_delta = EVENTS["message-delta"]
    reasons = [sub(d, "delta").get("stop_reason") for d in data if d.get("type") == message_delta]
    expect(reasons and reasons[-1] == "tool_use", f"stop_reason 'tool_use' in {message_delta}", reasons)
