"""Client tools: a forced tool_use block, its input, and the tool_result turn that answers it."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.anthropic_messages import blocks
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("tools")
MESSAGES = spec.load("anthropic-messages")


def _uses(exchange):
    data = checks.ok_json(exchange)
    uses = blocks(data, "tool_use")
    # Answered with text instead: forced-call fails (whatever the model), the rest cannot be judged.
    checks.need(uses, "a tool_use block for the forced tool", [b.get("type") for b in blocks(data)] or data,
                owner="tools/forced-call", exchange=exchange)
    return uses


@pytest.mark.check("anthropic-messages/tools/forced-call")
def test_forced_call(tools_forced):
    """tool_choice `{type: tool, name: get_weather}` → a tool_use block naming get_weather; a text
    answer fails, whatever the model."""
    names = [u.get("name") for u in _uses(tools_forced)]
    expect("get_weather" in names, "a tool_use of the requested tool get_weather", names)


@pytest.mark.check("anthropic-messages/tools/tool-use-block")
def test_tool_use_block(tools_forced):
    """Every tool_use block has a non-empty unique `id`, a `name`, and an `input` object."""
    uses = _uses(tools_forced)
    ids = [u.get("id") for u in uses]
    expect(all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids),
           "non-empty unique tool_use ids", ids)
    for use in uses:
        expect(isinstance(use.get("name"), str) and use["name"], "a tool name", use)
        expect(isinstance(use.get("input"), dict), "input a JSON object (not a string)", use.get("input"))


@pytest.mark.check("anthropic-messages/tools/stop-reason")
def test_stop_reason(tools_forced):
    """A forced tool call ends with stop_reason `tool_use`."""
    _uses(tools_forced)
    data = checks.ok_json(tools_forced)
    expect(data.get("stop_reason") == "tool_use", "stop_reason 'tool_use'", data.get("stop_reason"))


@pytest.mark.check("anthropic-messages/tools/result-turn")
def test_result_turn(tool_result):
    """The tool_use answered by a user turn with a `tool_result` block for its id is accepted and
    answered."""
    data = checks.ok_json(tool_result)
    MESSAGES.check("Message", data, what="the answer after a tool result")
