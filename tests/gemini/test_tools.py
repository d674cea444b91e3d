"""Function calling: a forced functionCall part, its args, mode NONE, and the functionResponse turn."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.gemini import declared_functions, function_calls, nothing_to_judge, parts, text
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("tools")
GEMINI = spec.load("gemini")


def _calls(exchange):
    data = checks.ok_json(exchange)
    nothing_to_judge(data, exchange.request.output_limit)
    calls = function_calls(data)
    # No call at all is forced-call's failure; the checks reading the call are then undecided.
    checks.need(calls, "a functionCall part for the forced function", parts(data) or data.get("candidates"),
                owner="tools/forced-call", exchange=exchange)
    return calls


@pytest.mark.check("gemini/tools/forced-call", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/content.proto FunctionCallingConfig.Mode "
                          "ANY, allowed_function_names; openapi/gemini.yaml#/components/schemas/FunctionCallingConfig")
def test_forced_call(tools_forced):
    """toolConfig `{functionCallingConfig: {mode: ANY, allowedFunctionNames: [get_weather]}}` → a
    functionCall part naming an allowed (or, without a list, a declared) function (undecided when a
    thinking model spent maxOutputTokens on thoughts before the call, the prompt was blocked, or the
    model's call came out malformed: MALFORMED_FUNCTION_CALL with no parts)."""
    allowed = declared_functions(tools_forced.request.body)
    names = [c.get("name") for c in _calls(tools_forced)]
    expect(any(n in allowed for n in names), f"a functionCall of {' or '.join(allowed)}", names)


@pytest.mark.check("gemini/tools/function-call-part", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/content.proto FunctionCall (name, args "
                          "Struct, id); openapi/gemini.yaml#/components/schemas/FunctionCall")
def test_function_call_part(tools_forced):
    """Every functionCall has a declared `name` and `args` as a JSON object (not a JSON string, as
    OpenAI sends arguments); an `id`, where given, is a non-empty string."""
    declared = declared_functions(tools_forced.request.body, allowed_only=False)
    for call in _calls(tools_forced):
        expect(call.get("name") in declared, f"a declared function name ({', '.join(declared)})", call)
        expect(isinstance(call.get("args", {}), dict), "args a JSON object", call.get("args"))
        if "id" in call:
            expect(isinstance(call["id"], str) and call["id"], "functionCall.id a non-empty string", call)


@pytest.mark.check("gemini/tools/mode-none", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/content.proto FunctionCallingConfig.Mode "
                          "NONE (no function call); openapi/gemini.yaml#/components/schemas/FunctionCallingConfig")
def test_mode_none(tools_none):
    """toolConfig mode `NONE` with the function declared → a text answer and no functionCall (the
    text undecided when a thinking model spent maxOutputTokens on thoughts)."""
    data = checks.ok_json(tools_none)
    expect(not function_calls(data), "no functionCall part with mode NONE", function_calls(data))
    nothing_to_judge(data, tools_none.request.output_limit)
    expect(text(data).strip(), "a text answer with mode NONE", parts(data) or data.get("candidates"))


@pytest.mark.check("gemini/tools/response-turn", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/content.proto FunctionResponse; "
                          "openapi/gemini.yaml#/components/schemas/FunctionResponse")
def test_response_turn(function_response):
    """The functionCall answered by a user turn with a `functionResponse` part for it is accepted and
    answered (undecided when a thinking model spent maxOutputTokens on thoughts)."""
    data = checks.ok_json(function_response)
    GEMINI.check("GenerateContentResponse", data, what="the answer after a functionResponse")
    nothing_to_judge(data, function_response.request.output_limit)
    expect(parts(data), "an answer with parts after the functionResponse", data.get("candidates"))
