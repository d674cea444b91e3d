"""Function tools: a forced call, its arguments, and the turn that answers it."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces import parse_arguments, sub
from llmconform.surfaces.openai_chat import call_finish_reasons, forced_calls
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("tools")
CHAT = spec.load("openai-chat")


@pytest.mark.check("openai-chat/tools/call-ids", level="must",
                   source="openai-python src/openai/types/chat/chat_completion_message_function_tool_call.py id, type "
                          "function (required); openapi/openai-chat.yaml#/components/schemas/ToolCall")
def test_call_ids(tools_forced):
    """Every tool call has a non-empty, unique `id` and `type: function`."""
    calls = forced_calls(tools_forced)
    checks.unique_ids([c.get("id") for c in calls], "tool call ids")
    types = [c.get("type") for c in calls]
    expect(all(t == "function" for t in types), "type 'function' on every call", types)


@pytest.mark.check("openai-chat/tools/arguments-json", level="should",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "ChatCompletionMessageToolCall.function.arguments (the model does not always generate valid "
                          "JSON); openapi/openai-chat.yaml#/components/schemas/ToolCall")
def test_arguments_json(tools_forced):
    """`function.arguments` is a JSON string that parses to an object."""
    for call in forced_calls(tools_forced):
        arguments = sub(call, "function").get("arguments")
        expect(isinstance(parse_arguments(arguments), dict), "arguments: a JSON string of an object", arguments)


@pytest.mark.check("openai-chat/tools/finish-reason", level="should",
                   source="openai-python api_reference/openapi.transformed.yml finish_reason tool_calls (and stop, "
                          "the official API's answer to a named tool_choice); "
                          "openapi/openai-chat.yaml#/components/schemas/FinishReason")
def test_finish_reason(tools_forced):
    """A forced call ends with finish_reason `tool_calls`, or `stop` — the official API's own answer
    to a tool_choice that names the function."""
    forced_calls(tools_forced)
    choices = checks.ok_json(tools_forced).get("choices") or [{}]
    allowed = call_finish_reasons(tools_forced.request.body)
    expect(choices[0].get("finish_reason") in allowed, f"finish_reason {' or '.join(map(repr, allowed))}",
           choices[0].get("finish_reason"))


@pytest.mark.check("openai-chat/tools/result-turn", level="must",
                   source="openai-python api_reference/openapi.transformed.yml ChatCompletionRequestToolMessage (role "
                          "tool, tool_call_id); openapi/openai-chat.yaml#/components/schemas/ToolMessage")
def test_result_turn(tools_result):
    """The call answered by a `role: tool` message with its `tool_call_id` is accepted and answered."""
    data = checks.ok_json(tools_result)
    CHAT.check("ChatCompletion", data, what="the answer after a tool result")


@pytest.mark.check("openai-chat/tools/required", level="must",
                   source="openai-python src/openai/types/chat/chat_completion_tool_choice_option_param.py "
                          "(\"required\": the model must call one or more tools)")
def test_required(tools_required):
    """tool_choice `"required"` → the answer calls a tool (message.tool_calls); a text answer means
    the provider rewrote the choice (to `auto`) or ignored it."""
    data = checks.ok_json(tools_required)
    message = sub((data.get("choices") or [{}])[0], "message")
    calls = message.get("tool_calls")
    expect(isinstance(calls, list) and calls, 'message.tool_calls for tool_choice "required"',
           f"no tool call; content {message.get('content')!r}")
