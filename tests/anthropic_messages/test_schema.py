"""Schemathesis on the anthropic-messages spec: documented examples, generated valid and invalid
requests."""

import pytest

from llmconform import fuzz

SURFACE, PATH = "anthropic-messages", "/v1/messages"


@pytest.mark.check("anthropic-messages/schema/examples")
def test_examples(llmconform_target, request):
    """The spec's documented requests are answered per the contract: no 5xx, a 2xx `Message` matching
    the schema, or a 4xx with the Anthropic envelope."""
    fuzz.run_phase(llmconform_target, SURFACE, PATH, "examples", request.node)


@pytest.mark.check("anthropic-messages/schema/fuzz-positive")
@pytest.mark.live_only
def test_fuzz_positive(llmconform_target, request):
    """Generated valid requests (model forced, output capped): never a 5xx; 2xx bodies match the
    schema; a 4xx refusal carries the Anthropic envelope."""
    fuzz.run_phase(llmconform_target, SURFACE, PATH, "positive", request.node)


@pytest.mark.check("anthropic-messages/schema/fuzz-negative")
@pytest.mark.live_only
def test_fuzz_negative(llmconform_target, request):
    """Generated invalid requests are rejected with a 4xx and the Anthropic envelope — never served."""
    fuzz.run_phase(llmconform_target, SURFACE, PATH, "negative", request.node)
