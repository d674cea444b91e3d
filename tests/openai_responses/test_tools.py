"""Function tools: a forced call, its arguments, and the turn that answers it."""

import pytest

from llmconform import checks
from llmconform.surfaces import parse_arguments
from llmconform.surfaces.openai_responses import answer_shape, output_items
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("tools")


def _calls(exchange):
    data = checks.ok_json(exchange)
    calls = output_items(data, "function_call")
    # Answered with text instead: forced-call fails (whatever the model), the rest cannot be judged.
    checks.need(calls, "a function_call item in output for the forced tool",
                [i.get("type") for i in output_items(data)] or data.get("output"), owner="tools/forced-call",
                exchange=exchange)
    return calls


@pytest.mark.check("openai-responses/tools/forced-call")
def test_forced_call(tools_forced):
    """tool_choice naming get_weather → a function_call item calling get_weather; a text answer
    fails, whatever the model."""
    names = [c.get("name") for c in _calls(tools_forced)]
    expect("get_weather" in names, "a call of the requested function get_weather", names)


@pytest.mark.check("openai-responses/tools/call-fields")
def test_call_fields(tools_forced):
    """Every function_call item has a non-empty, unique `call_id`, a `name` and string `arguments`."""
    calls = _calls(tools_forced)
    ids = [c.get("call_id") for c in calls]
    expect(all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids),
           "non-empty unique call_ids", ids)
    for call in calls:
        expect(isinstance(call.get("name"), str) and call["name"], "a function name on every call", call)
        expect(isinstance(call.get("arguments"), str), "arguments a string (JSON-encoded)", call)


@pytest.mark.check("openai-responses/tools/arguments-json")
def test_arguments_json(tools_forced):
    """`arguments` is a JSON string that parses to an object."""
    for call in _calls(tools_forced):
        expect(isinstance(parse_arguments(call.get("arguments")), dict),
               "arguments: a JSON string of an object", call.get("arguments"))


@pytest.mark.check("openai-responses/tools/output-turn")
def test_output_turn(function_call_output):
    """The call passed back as input, answered by a `function_call_output` item with its call_id,
    is accepted and answered with a response."""
    data = checks.ok_json(function_call_output)
    answer_shape(data, "a function_call_output")
    expect(data.get("status") in ("completed", "incomplete"), "status 'completed' (or 'incomplete')",
           f"status {data.get('status')!r}, error {data.get('error')}")
