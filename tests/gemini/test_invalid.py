"""Invalid input is rejected with a 400 and the Google envelope — never served, never a 500."""

import pytest

from llmconform.surfaces.gemini import native_error, native_rejected


@pytest.mark.check("gemini/invalid/malformed-json")
def test_malformed_json(malformed_json):
    """Half a JSON body → 400 INVALID_ARGUMENT (a 500 fails)."""
    native_rejected(malformed_json, "malformed JSON")


@pytest.mark.check("gemini/invalid/missing-contents")
def test_missing_contents(invalid_missing_contents):
    """No `contents` → 400."""
    native_rejected(invalid_missing_contents, "a request without contents")


@pytest.mark.check("gemini/invalid/temperature-range")
def test_temperature_range(invalid_temperature_above_2):
    """generationConfig.temperature 3 (range 0..2) → 400."""
    native_rejected(invalid_temperature_above_2, "temperature 3")


@pytest.mark.check("gemini/invalid/max-output-tokens-negative")
def test_max_output_tokens_negative(invalid_max_output_tokens_negative):
    """generationConfig.maxOutputTokens -1 → 400."""
    native_rejected(invalid_max_output_tokens_negative, "maxOutputTokens -1")


@pytest.mark.check("gemini/invalid/too-many-stop-sequences")
def test_too_many_stop_sequences(invalid_too_many_stop_sequences):
    """Six stopSequences (at most 5) → 400."""
    native_rejected(invalid_too_many_stop_sequences, "6 stopSequences")


@pytest.mark.check("gemini/invalid/role-assistant")
def test_role_assistant(invalid_role_assistant):
    """A turn with OpenAI's role `assistant` (Gemini's roles are user and model) → 400."""
    native_rejected(invalid_role_assistant, "role assistant")


@pytest.mark.check("gemini/invalid/unknown-model")
def test_unknown_model(unknown_model):
    """A model the provider does not serve, named in the path → 400 or 404 with the Google envelope
    (status NOT_FOUND for a 404)."""
    native_error(unknown_model, (400, 404), "an unknown model")
