"""Schemathesis on the embeddings spec: documented examples, generated valid and invalid requests."""

import pytest

from llmconform import fuzz

SURFACE, PATH = "embeddings", "/v1/embeddings"


@pytest.mark.check("embeddings/schema/examples")
def test_examples(llmconform_target, request):
    """The spec's documented requests are answered per the contract: no 5xx, a 2xx embeddings `list`
    matching the schema, or a 4xx with the OpenAI envelope."""
    fuzz.run_phase(llmconform_target, SURFACE, PATH, "examples", request.node)


@pytest.mark.check("embeddings/schema/fuzz-positive")
@pytest.mark.live_only
def test_fuzz_positive(llmconform_target, request):
    """Generated valid requests (model forced): never a 5xx; 2xx bodies match the schema; a 4xx
    refusal carries the OpenAI envelope."""
    fuzz.run_phase(llmconform_target, SURFACE, PATH, "positive", request.node)


@pytest.mark.check("embeddings/schema/fuzz-negative")
@pytest.mark.live_only
def test_fuzz_negative(llmconform_target, request):
    """Generated invalid requests are rejected with a 4xx and the OpenAI envelope — never served."""
    fuzz.run_phase(llmconform_target, SURFACE, PATH, "negative", request.node)
