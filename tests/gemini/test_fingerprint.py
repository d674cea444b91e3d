"""Backend fingerprints: reported as warnings, never as failures."""

import pytest

from llmconform import checks
from llmconform.surfaces.gemini import OPENAI_FIELDS, candidates, usage
from llmconform.verdict import warn


def _openai_fields(data):
    found = [name for name in OPENAI_FIELDS if isinstance(data, dict) and name in data]
    ident = data.get("id") if isinstance(data, dict) else None
    return found, ident


@pytest.mark.check("gemini/fingerprint/openai-fields", level="should",
                   source="openapi/gemini.yaml#/components/schemas/GenerateContentResponse x-llmconform-openai-fields "
                          "(a backend fingerprint)")
def test_openai_fields(basic):
    """The answer has none of OpenAI's top-level fields — `id` (chatcmpl-…), `object`, `choices`,
    `usage`, `model`, a top-level `text` (W: an OpenAI-shaped backend translated to Gemini's shape)."""
    found, ident = _openai_fields(checks.ok_json(basic))
    if found:
        detail = ", ".join(found) + (f" (id {ident!r})" if ident else "")
        warn("only GenerateContentResponse fields at the top level", f"OpenAI-shaped field(s) {detail}",
             fields=found)


@pytest.mark.check("gemini/fingerprint/null-finish-reason", level="should",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "Candidate.finish_reason (empty until the model stops; null is a translated fingerprint)")
@pytest.mark.feature("stream")
def test_null_finish_reason(stream):
    """Stream events leave finishReason out until the last (W: `"finishReason": null` in every event is
    an OpenAI chunk's `finish_reason: null`, translated)."""
    nulls = [i for i, piece in enumerate(stream.data_objects())
             for c in candidates(piece) if "finishReason" in c and c["finishReason"] is None]
    if nulls:
        warn("no finishReason: null in stream events", f"null in event(s) {nulls[:6]}")


@pytest.mark.check("gemini/fingerprint/usage-fields", level="should",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto UsageMetadata (the "
                          "declared counts); openapi/gemini.yaml#/components/schemas/UsageMetadata")
def test_usage_fields(basic):
    """usageMetadata holds only the counts the API declares (W: a relay's extras)."""
    checks.undeclared_fields("gemini", "UsageMetadata", usage(checks.ok_json(basic)), "usageMetadata")


@pytest.mark.check("gemini/fingerprint/hidden-prompt", level="should",
                   source="llmconform heuristic: promptTokenCount against a local estimate of the request (no "
                          "official rule)")
def test_hidden_prompt(basic):
    """promptTokenCount stays near what the request needs (W: thousands for a one-line question betray a
    system prompt the provider added)."""
    checks.input_tokens_plausible(basic.request.body, usage(checks.ok_json(basic)).get("promptTokenCount"))
