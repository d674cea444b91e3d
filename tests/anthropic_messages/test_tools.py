"""Client tools: a forced tool_use block, its input, and the tool_result turn that answers it."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.anthropic_messages import forced_calls
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("tools")
MESSAGES = spec.load("anthropic-messages")


@pytest.mark.check("anthropic-messages/tools/tool-use-block", level="must",
                   source="anthropic-sdk-python src/anthropic/types/tool_use_block.py id, name, input (required); "
                          "openapi/anthropic-messages.yaml#/components/schemas/ToolUseBlock")
def test_tool_use_block(tools_forced):
    """Every tool_use block has a non-empty unique `id`, a `name`, and an `input` object."""
    uses = forced_calls(tools_forced)
    checks.unique_ids([u.get("id") for u in uses], "tool_use ids")
    for use in uses:
        expect(isinstance(use.get("name"), str) and use["name"], "a tool name", use)
        expect(isinstance(use.get("input"), dict), "input a JSON object (not a string)", use.get("input"))


@pytest.mark.check("anthropic-messages/tools/stop-reason", level="must",
                   source="anthropic-sdk-python src/anthropic/types/stop_reason.py (tool_use); anthropic-sdk-python "
                          "src/anthropic/types/tool_choice_tool_param.py; "
                          "openapi/anthropic-messages.yaml#/components/schemas/StopReason; "
                          "openapi/anthropic-messages.yaml#/components/schemas/ToolChoiceTool")
def test_stop_reason(tools_forced):
    """A forced tool call ends with stop_reason `tool_use`."""
    forced_calls(tools_forced)
    data = checks.ok_json(tools_forced)
    expect(data.get("stop_reason") == "tool_use", "stop_reason 'tool_use'", data.get("stop_reason"))


@pytest.mark.check("anthropic-messages/tools/result-turn", level="must",
                   source="anthropic-sdk-python src/anthropic/types/tool_result_block_param.py; "
                          "openapi/anthropic-messages.yaml#/components/schemas/ToolResultBlockParam")
def test_result_turn(tool_result):
    """The tool_use answered by a user turn with a `tool_result` block for its id is accepted and
    answered."""
    data = checks.ok_json(tool_result)
    MESSAGES.check("Message", data, what="the answer after a tool result")
