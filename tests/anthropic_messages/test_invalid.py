"""Invalid input is rejected with a 4xx and the Anthropic envelope — never served, never a 500."""

import pytest

from llmconform.surfaces.anthropic_messages import native_error, native_rejected


@pytest.mark.check("anthropic-messages/invalid/malformed-json")
def test_malformed_json(malformed_json):
    """Half a JSON body → 400 invalid_request_error (a 500 fails)."""
    native_rejected(malformed_json, "malformed JSON")


@pytest.mark.check("anthropic-messages/invalid/missing-max-tokens")
def test_missing_max_tokens(invalid_missing_max_tokens):
    """No `max_tokens` (required by the Messages API) → 400 (sent non-streamed: a relay whose
    streaming is broken is not judged here)."""
    native_rejected(invalid_missing_max_tokens, "a request without max_tokens")


@pytest.mark.check("anthropic-messages/invalid/missing-messages")
def test_missing_messages(invalid_missing_messages):
    """No `messages` → 400."""
    native_rejected(invalid_missing_messages, "a request without messages")


@pytest.mark.check("anthropic-messages/invalid/temperature-range")
def test_temperature_range(invalid_temperature_above_1):
    """temperature 1.5 (range 0..1) → 400."""
    native_rejected(invalid_temperature_above_1, "temperature 1.5")


@pytest.mark.check("anthropic-messages/invalid/empty-messages")
def test_empty_messages(invalid_empty_messages):
    """An empty `messages` array (at least one message) → 400."""
    native_rejected(invalid_empty_messages, "an empty messages array")


@pytest.mark.check("anthropic-messages/invalid/string-number")
def test_string_number(invalid_max_tokens_string):
    """A number sent as a string (`max_tokens: "16"`) → 400: a server that coerces it hides the
    caller's type bug, and the official API refuses it."""
    native_rejected(invalid_max_tokens_string, 'max_tokens as the string "16"')


@pytest.mark.check("anthropic-messages/invalid/unknown-model")
def test_unknown_model(unknown_model):
    """A model the provider does not serve → 400 or 404 with the Anthropic envelope (not_found_error
    for a 404)."""
    native_error(unknown_model, (400, 404), "an unknown model")
