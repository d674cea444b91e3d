"""A forced function call streamed (alt=sse)."""

import pytest

from llmconform.surfaces.gemini import declared_functions, parts, streamed_calls, streamed_nothing_to_judge
from llmconform.verdict import expect

pytestmark = [pytest.mark.feature("stream"), pytest.mark.feature("tools")]


@pytest.mark.check("gemini/stream-tools/function-call", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/content.proto FunctionCallingConfig.Mode "
                          "ANY (a function call), FunctionCall (name REQUIRED, args an optional Struct); python-genai "
                          "google/genai/types.py FunctionCall.will_continue, partial_args; "
                          "openapi/gemini.yaml#/components/schemas/FunctionCall")
def test_function_call(tools_stream):
    """The stream carries the forced call: each call, assembled from its pieces (parallel calls may come
    in separate events; a part after one with `willContinue: true` continues it, its arguments in
    `partialArgs`), names an allowed function, gives `args`, where it does, as an object, and is
    finished by the end of the stream (undecided when a thinking model spent maxOutputTokens on
    thoughts before the call)."""
    streamed_nothing_to_judge(tools_stream)
    pieces = tools_stream.data_objects()
    calls = streamed_calls(pieces)
    expect(calls, "a functionCall part in the stream", [parts(p) for p in pieces][:6])
    allowed = declared_functions(tools_stream.request.body)
    for call in calls:
        expect(call.get("name") in allowed, f"a functionCall of {' or '.join(allowed)}", call)
        expect(isinstance(call.get("args", {}), dict), "args a JSON object", call)
        expect(call.get("willContinue") is not True, "every functionCall finished (no willContinue: true at the end)",
               call)
