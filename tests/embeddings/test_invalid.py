"""Invalid input is rejected with a 4xx and the OpenAI envelope — never served, never a 500."""

import pytest

from llmconform import checks

SURFACE = "embeddings"


@pytest.mark.check("embeddings/invalid/malformed-json")
def test_malformed_json(malformed_json):
    """Half a JSON body → 400 (a 500 fails)."""
    checks.rejected(malformed_json, SURFACE, "malformed JSON")


@pytest.mark.check("embeddings/invalid/missing-input")
def test_missing_input(invalid_missing_input):
    """No `input` → 400."""
    checks.rejected(invalid_missing_input, SURFACE, "a request without input")


@pytest.mark.check("embeddings/invalid/missing-model")
def test_missing_model(invalid_missing_model):
    """No `model` → 400."""
    checks.rejected(invalid_missing_model, SURFACE, "a request without model")


@pytest.mark.check("embeddings/invalid/encoding-format")
def test_encoding_format(invalid_encoding_format_wrong):
    """`encoding_format: "hex"` (float or base64 only) → 400."""
    checks.rejected(invalid_encoding_format_wrong, SURFACE, 'encoding_format "hex"')


@pytest.mark.check("embeddings/invalid/unknown-model")
def test_unknown_model(unknown_model):
    """A model the provider does not serve → 400 or 404 with the OpenAI envelope."""
    checks.error_envelope(unknown_model, SURFACE, (400, 404), "an unknown model")
