"""Request parameters the provider must honour, not merely accept."""

import json

import pytest

from llmconform import checks
from llmconform.surfaces.gemini import answered_text, count, finish_reason, stopped_otherwise, text, usage
from llmconform.verdict import expect

PROTO = "googleapis google/ai/generativelanguage/v1beta/generative_service.proto"

@pytest.mark.check("gemini/params/max-output-tokens", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "GenerationConfig.max_output_tokens, Candidate.FinishReason MAX_TOKENS; "
                          "openapi/gemini.yaml#/components/schemas/GenerationConfig; "
                          "openapi/gemini.yaml#/components/schemas/FinishReason; "
                          "openapi/gemini.yaml#/components/schemas/UsageMetadata; UsageMetadata counts are plain "
                          "int32, a zero one left out of the JSON")
def test_max_output_tokens(max_tokens):
    """A long answer asked for with maxOutputTokens 8: finishReason `MAX_TOKENS` and candidatesTokenCount
    <= 8 (an absent count is 0: a thinking model that spent the limit on thoughts answers without it).
    The finishReason is undecided when the prompt was blocked or the model stopped for another reason
    the API names (SAFETY, RECITATION, OTHER, ...) before the limit."""
    data = checks.ok_json(max_tokens)
    limit = max_tokens.request.output_limit or 0
    checks.within_limit(count(usage(data), "candidatesTokenCount"), limit, "maxOutputTokens")
    stopped_otherwise(data)  # blocked, withheld (SAFETY, RECITATION, ...): the limit never came into play
    expect(finish_reason(data) == "MAX_TOKENS",
           f"finishReason 'MAX_TOKENS' when maxOutputTokens = {limit} cuts a long answer", finish_reason(data))


@pytest.mark.check("gemini/params/stop-sequences", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "GenerationConfig.stop_sequences (output stops at the first, not included), FinishReason "
                          "STOP; openapi/gemini.yaml#/components/schemas/GenerationConfig; "
                          "openapi/gemini.yaml#/components/schemas/FinishReason")
def test_stop_sequences(stop_sequences):
    """Counting 1..6 with stopSequences ["4"]: the text stops before "4" and finishReason is `STOP`
    (Gemini has no separate reason for a stop sequence). A model that never reached "4" within the
    limit (MAX_TOKENS) cannot show it: skipped."""
    data = checks.ok_json(stop_sequences)
    config = stop_sequences.request.body.get("generationConfig") or {}
    sequences = config.get("stopSequences") or []
    answer = text(data)
    for sequence in sequences:
        expect(sequence not in answer, f"no {sequence!r} in the text (it is a stop sequence)", answer)
    if finish_reason(data) == "MAX_TOKENS":
        pytest.skip("the answer hit maxOutputTokens before reaching the stop sequence: undecided")
    stopped_otherwise(data)  # blocked, withheld, stopped for another reason: the sequence never came into play
    expect(finish_reason(data) == "STOP", "finishReason 'STOP' at a stop sequence", finish_reason(data))


@pytest.mark.check("gemini/params/system-instruction", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "GenerateContentRequest.system_instruction (the steer itself only warns); "
                          "openapi/gemini.yaml#/components/schemas/GenerateContentRequest")
def test_system_instruction(system_instruction):
    """`systemInstruction` is accepted and steers the answer (W when the answer ignores it; a documented
    request in its place is only held to being answered)."""
    answer = answered_text(system_instruction, "a systemInstruction")
    if "pong" in json.dumps(system_instruction.request.body):
        checks.follows(answer, "pong", "the answer to follow the systemInstruction (reply pong)")


@pytest.mark.check("gemini/params/json-mime-type", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "GenerationConfig.response_mime_type (application/json: a JSON response); "
                          "openapi/gemini.yaml#/components/schemas/GenerationConfig")
@pytest.mark.feature("json-mode")
def test_json_mime_type(json_mode):
    """`responseMimeType: application/json` → the answer's text parses as JSON."""
    answer = answered_text(json_mode, "responseMimeType application/json")
    try:
        json.loads(answer)
    except ValueError:
        expect(False, "text that parses as JSON (responseMimeType application/json)", answer)
