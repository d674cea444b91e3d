"""streamGenerateContent without alt=sse: one JSON array of GenerateContentResponse pieces."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.gemini import (
    answered_candidates,
    finish_reason,
    finish_reasons,
    text,
    usage,
    usage_arithmetic,
    usage_numbers,
)
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("stream")
GEMINI = spec.load("gemini")


def _array(exchange):
    checks.status_ok(exchange)
    data = exchange.json()
    expect(isinstance(data, list) and data, "a non-empty JSON array of GenerateContentResponse",
           f"{type(data).__name__}: {exchange.excerpt()}")
    return data


@pytest.mark.check("gemini/stream-json/array", level="must",
                   source="Google AI docs, streamGenerateContent without alt=sse (a JSON array of "
                          "GenerateContentResponse); "
                          "openapi/gemini.yaml#/components/schemas/GenerateContentResponseArray")
def test_array(stream_json):
    """The body is one JSON array (GenerateContentResponseArray) whose every item is a
    GenerateContentResponse."""
    GEMINI.check("GenerateContentResponseArray", _array(stream_json), what="the JSON stream")


@pytest.mark.check("gemini/stream-json/final-piece", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "Candidate.finish_reason, UsageMetadata, GenerateContentResponse.usage_metadata "
                          "(output only, optional); openapi/gemini.yaml#/components/schemas/Candidate; "
                          "openapi/gemini.yaml#/components/schemas/UsageMetadata")
def test_final_piece(stream_json):
    """The last item carries the finishReason, and its usageMetadata, where given (it is optional), is
    real: counts that add up, above 0 after the text the items carry. The finishReason is undecided
    when the prompt was blocked (promptFeedback.blockReason, no candidates by the reference)."""
    pieces = _array(stream_json)
    last = pieces[-1] if isinstance(pieces[-1], dict) else {}
    answered_candidates(last)
    expect(finish_reason(last) in finish_reasons(), "a finishReason in the last item", last)
    meta = usage(last)
    if not meta:
        return
    served = "".join(text(p) for p in pieces)
    usage_numbers(meta, bool(served))
    usage_arithmetic(meta)
    if served:
        expect(meta.get("candidatesTokenCount", 0) > 0, "candidatesTokenCount above 0 after streamed text", meta)
