"""Schemathesis on the gemini spec: documented examples, generated valid and invalid requests."""

import pytest

from llmconform import fuzz

SURFACE, PATH = "gemini", "/v1beta/models/{model}:generateContent"


@pytest.mark.check("gemini/schema/examples")
def test_examples(llmconform_target, request):
    """The spec's documented requests (Google's own REST examples) are answered per the contract: no
    5xx, a 2xx GenerateContentResponse matching the schema, or a 4xx with the Google envelope."""
    fuzz.run_phase(llmconform_target, SURFACE, PATH, "examples", request.node)


@pytest.mark.check("gemini/schema/fuzz-positive")
@pytest.mark.live_only
def test_fuzz_positive(llmconform_target, request):
    """Generated valid requests (model forced in the path, maxOutputTokens capped): never a 5xx; 2xx
    bodies match the schema; a 4xx refusal carries the Google envelope."""
    fuzz.run_phase(llmconform_target, SURFACE, PATH, "positive", request.node)


@pytest.mark.check("gemini/schema/fuzz-negative")
@pytest.mark.live_only
def test_fuzz_negative(llmconform_target, request):
    """Generated invalid requests are rejected with a 4xx and the Google envelope — never served."""
    fuzz.run_phase(llmconform_target, SURFACE, PATH, "negative", request.node)
