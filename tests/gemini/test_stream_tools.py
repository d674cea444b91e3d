"""A forced function call streamed (alt=sse)."""

import pytest

from llmconform.surfaces.gemini import declared_functions, function_calls, parts, streamed_nothing_to_judge
from llmconform.verdict import expect

pytestmark = [pytest.mark.feature("stream"), pytest.mark.feature("tools")]


@pytest.mark.check("gemini/stream-tools/function-call", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/content.proto FunctionCallingConfig.Mode "
                          "ANY (a function call), FunctionCall (name, args Struct); "
                          "openapi/gemini.yaml#/components/schemas/FunctionCall")
def test_function_call(tools_stream):
    """The forced call arrives as a whole functionCall part in one event (Gemini does not split a call
    across events): an allowed function's `name` and `args` as an object (undecided when a thinking
    model spent maxOutputTokens on thoughts before the call)."""
    streamed_nothing_to_judge(tools_stream)
    pieces = tools_stream.data_objects()
    calls = [call for piece in pieces for call in function_calls(piece)]
    expect(calls, "a functionCall part in the stream", [parts(p) for p in pieces][:6])
    allowed = declared_functions(tools_stream.request.body)
    for call in calls:
        expect(call.get("name") in allowed, f"a functionCall of {' or '.join(allowed)}", call)
        expect(isinstance(call.get("args", {}), dict), "args a JSON object, whole in one event", call)
