"""Function tools: a forced call, its arguments, and the turn that answers it."""

import pytest

from llmconform import checks
from llmconform.surfaces import parse_arguments
from llmconform.surfaces.openai_responses import answer_shape, forced_calls
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("tools")


@pytest.mark.check("openai-responses/tools/call-fields", level="must",
                   source="openai-python src/openai/types/responses/response_function_tool_call.py (call_id, name, "
                          "arguments: str, required); "
                          "openapi/openai-responses.yaml#/components/schemas/FunctionCallItem")
def test_call_fields(tools_forced):
    """Every function_call item has a non-empty, unique `call_id`, a `name` and string `arguments`."""
    calls = forced_calls(tools_forced)
    checks.unique_ids([c.get("call_id") for c in calls], "call_ids")
    for call in calls:
        expect(isinstance(call.get("name"), str) and call["name"], "a function name on every call", call)
        expect(isinstance(call.get("arguments"), str), "arguments a string (JSON-encoded)", call)


@pytest.mark.check("openai-responses/tools/arguments-json", level="should",
                   source="openai-python src/openai/types/responses/response_function_tool_call.py arguments (a JSON "
                          "string; valid JSON is not guaranteed); "
                          "openapi/openai-responses.yaml#/components/schemas/FunctionCallItem")
def test_arguments_json(tools_forced):
    """`arguments` is a JSON string that parses to an object."""
    for call in forced_calls(tools_forced):
        expect(isinstance(parse_arguments(call.get("arguments")), dict),
               "arguments: a JSON string of an object", call.get("arguments"))


@pytest.mark.check("openai-responses/tools/output-turn", level="must",
                   source="openai-python src/openai/types/responses/response_input_item_param.py FunctionCallOutput "
                          "(call_id, output); "
                          "openapi/openai-responses.yaml#/components/schemas/FunctionCallOutputItemParam")
def test_output_turn(function_call_output):
    """The call passed back as input, answered by a `function_call_output` item with its call_id,
    is accepted and answered with a response."""
    data = checks.ok_json(function_call_output)
    answer_shape(data, "a function_call_output")
    expect(data.get("status") in ("completed", "incomplete"), "status 'completed' (or 'incomplete')",
           f"status {data.get('status')!r}, error {data.get('error')}")
