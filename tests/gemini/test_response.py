"""A generateContent answer: its shape, as Google's reference declares it."""

import re

import pytest

from llmconform import checks
from llmconform.surfaces.gemini import (
    answered_candidates,
    candidates,
    finish_reasons,
    model_of,
    nothing_to_judge,
    parts,
    text,
)
from llmconform.verdict import expect, skip, warn

# Versions Google answers for a model alias: gemini-2.0-flash-001, gemini-2.5-flash-preview-05-20,
# gemini-2.5-computer-use-preview-10-2025, gemini-2.5-pro-exp-03-25 (python-genai at 66807187 names them)
VERSION_SUFFIX = re.compile(r"^-(\d{3}|latest|preview(-\d{2}-\d{2}|-\d{2}-\d{4})?|exp(-\d{4}|-\d{2}-\d{2})?"
                            r"|\d{2}-\d{4}|\d{2}-\d{2})$")


@pytest.mark.check("gemini/response/role-model", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/content.proto Content.role (optional; "
                          "'user' or 'model'); openapi/gemini.yaml#/components/schemas/ResponseContent")
def test_role_model(basic):
    """Every candidate's content that names a role says `role: model` (not OpenAI's `assistant`);
    Content.role is optional in the reference, so a content without one passes (undecided when the
    prompt was blocked: no candidates)."""
    found = answered_candidates(checks.ok_json(basic))
    expect(found, "at least one candidate", checks.ok_json(basic))
    for index, candidate in enumerate(found):
        content = candidate.get("content") if isinstance(candidate.get("content"), dict) else {}
        if "role" in content:
            expect(content["role"] == "model", f"candidates[{index}].content.role 'model'", content["role"])


@pytest.mark.check("gemini/response/text-part", level="should",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto Candidate.content "
                          "(no official rule that a plain question gets a text part); "
                          "openapi/gemini.yaml#/components/schemas/Candidate; "
                          "openapi/gemini.yaml#/components/schemas/ResponsePart")
def test_text_part(basic):
    """The first candidate holds a non-empty `text` part (a plain question gets a text answer).
    Undecided when a thinking model spent maxOutputTokens on thoughts (MAX_TOKENS, no parts,
    thoughtsTokenCount): conforming, with no text to judge."""
    data = checks.ok_json(basic)
    nothing_to_judge(data, basic.request.output_limit)
    expect(text(data).strip(), "a non-empty text part in candidates[0].content.parts",
           parts(data) or data.get("candidates"))


@pytest.mark.check("gemini/response/finish-reason", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "Candidate.finish_reason (set once the model stopped); "
                          "openapi/gemini.yaml#/components/schemas/Candidate; "
                          "openapi/gemini.yaml#/components/schemas/FinishReason")
def test_finish_reason(basic):
    """Every candidate of a finished answer has a `finishReason` (STOP, MAX_TOKENS, SAFETY, ...), never
    null or absent."""
    for index, candidate in enumerate(candidates(checks.ok_json(basic))):
        reason = candidate.get("finishReason")
        expect(reason in finish_reasons(), f"candidates[{index}].finishReason one of STOP, MAX_TOKENS, SAFETY, …",
               reason)


@pytest.mark.check("gemini/response/candidates", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "GenerationConfig.candidate_count (unset: 1), Candidate.index; "
                          "openapi/gemini.yaml#/components/schemas/Candidate")
def test_candidates(basic):
    """One candidate when candidateCount is not set, and `index`, where given, counts 0, 1, 2… (undecided
    when the prompt was blocked: promptFeedback.blockReason, and no candidates by the reference)."""
    found = answered_candidates(checks.ok_json(basic))
    expect(len(found) == 1, "exactly one candidate (no candidateCount in the request)", len(found))
    indices = [c.get("index") for c in found if "index" in c]
    expect(indices == list(range(len(indices))), "candidate indices 0..n-1", indices)


@pytest.mark.check("gemini/response/model-echo", level="should",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "GenerateContentResponse.model_version (output only, not required: a relay's alias only "
                          "warns); openapi/gemini.yaml#/components/schemas/GenerateContentResponse")
def test_model_echo(basic):
    """`modelVersion` names the requested model or a version of it (gemini-2.0-flash-001); another
    model is W (relays alias and substitute); skipped when there is none: the field is output only and
    optional, so an answer without it breaks no rule of the reference, and there is nothing to compare."""
    requested = model_of(basic.request)
    answered = checks.ok_json(basic).get("modelVersion")
    if answered is None:
        skip("no modelVersion: output only and optional in the reference (Google's documented answers predate "
             "it), so no model to compare and no departure")
    if isinstance(answered, str) and answered.startswith(requested) and VERSION_SUFFIX.match(answered[len(requested):]):
        return
    checks.model_echo(requested, answered)


@pytest.mark.check("gemini/response/response-id", level="should",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "GenerateContentResponse.response_id (output only, optional; the proto3 JSON mapping leaves "
                          "an empty string out); openapi/gemini.yaml#/components/schemas/GenerateContentResponse")
def test_response_id(basic):
    """A `responseId`, where given, is a non-empty string (W when empty: the protobuf JSON mapping never
    writes an empty string, so `""` betrays another serializer, and clients cannot key on it). An absent
    one passes: the field is output only and optional, and Google's documented answers predate it."""
    data = checks.ok_json(basic)
    if "responseId" in data and not (isinstance(data["responseId"], str) and data["responseId"].strip()):
        warn("a non-empty responseId where one is given", data["responseId"])
