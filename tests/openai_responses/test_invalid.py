"""Invalid input is rejected with a 4xx and the OpenAI envelope — never served, never a 500."""

import pytest

from llmconform import checks

SURFACE = "openai-responses"


@pytest.mark.check("openai-responses/invalid/malformed-json")
def test_malformed_json(malformed_json):
    """Half a JSON body → 400 (a 500 fails)."""
    checks.rejected(malformed_json, SURFACE, "malformed JSON")


@pytest.mark.check("openai-responses/invalid/missing-model")
def test_missing_model(invalid_missing_model):
    """No `model` → 400."""
    checks.rejected(invalid_missing_model, SURFACE, "a request without model")


@pytest.mark.check("openai-responses/invalid/temperature-range")
def test_temperature_range(invalid_temperature_above_2):
    """temperature 3 (range 0..2) → 400."""
    checks.rejected(invalid_temperature_above_2, SURFACE, "temperature 3")


@pytest.mark.check("openai-responses/invalid/top-p-range")
def test_top_p_range(invalid_top_p_above_1):
    """top_p 2 (range 0..1) → 400."""
    checks.rejected(invalid_top_p_above_1, SURFACE, "top_p 2")


@pytest.mark.check("openai-responses/invalid/input-type")
def test_input_type(invalid_input_wrong_type):
    """`input` as a number (a string or a list of items) → 400."""
    checks.rejected(invalid_input_wrong_type, SURFACE, "input as a number")


@pytest.mark.check("openai-responses/invalid/max-output-tokens-minimum")
def test_max_output_tokens_minimum(invalid_max_output_tokens_below_16):
    """max_output_tokens 8 (the API's minimum is 16) → 400."""
    checks.rejected(invalid_max_output_tokens_below_16, SURFACE, "max_output_tokens 8")


@pytest.mark.check("openai-responses/invalid/empty-input")
def test_empty_input(invalid_empty_input):
    """`input` as an empty list of items (at least one) → 400."""
    checks.rejected(invalid_empty_input, SURFACE, "an empty input list")


@pytest.mark.check("openai-responses/invalid/string-number")
def test_string_number(invalid_max_output_tokens_string):
    """A number sent as a string (`max_output_tokens: "16"`) → 400: a server that coerces it hides
    the caller's type bug, and the official API refuses it."""
    checks.rejected(invalid_max_output_tokens_string, SURFACE, 'max_output_tokens as the string "16"')


@pytest.mark.check("openai-responses/invalid/unknown-model")
def test_unknown_model(unknown_model):
    """A model the provider does not serve → 400 or 404 with the OpenAI envelope."""
    checks.error_envelope(unknown_model, SURFACE, (400, 404), "an unknown model")
