"""Invalid input is rejected with a 4xx and the OpenAI envelope — never served, never a 500."""

import pytest

from llmconform import checks

SURFACE = "openai-chat"


@pytest.mark.check("openai-chat/invalid/malformed-json")
def test_malformed_json(malformed_json):
    """Half a JSON body → 400 (a 500 fails)."""
    checks.rejected(malformed_json, SURFACE, "malformed JSON")


@pytest.mark.check("openai-chat/invalid/missing-messages")
def test_missing_messages(invalid_missing_messages):
    """No `messages` → 400."""
    checks.rejected(invalid_missing_messages, SURFACE, "a request without messages")


@pytest.mark.check("openai-chat/invalid/missing-model")
def test_missing_model(invalid_missing_model):
    """No `model` → 400."""
    checks.rejected(invalid_missing_model, SURFACE, "a request without model")


@pytest.mark.check("openai-chat/invalid/temperature-range")
def test_temperature_range(invalid_temperature_above_2):
    """temperature 3 (range 0..2) → 400."""
    checks.rejected(invalid_temperature_above_2, SURFACE, "temperature 3")


@pytest.mark.check("openai-chat/invalid/top-p-range")
def test_top_p_range(invalid_top_p_above_1):
    """top_p 2 (range 0..1) → 400."""
    checks.rejected(invalid_top_p_above_1, SURFACE, "top_p 2")


@pytest.mark.check("openai-chat/invalid/stop-count")
def test_stop_count(invalid_too_many_stop):
    """Five stop sequences (at most 4) → 400."""
    checks.rejected(invalid_too_many_stop, SURFACE, "five stop sequences")


@pytest.mark.check("openai-chat/invalid/messages-type")
def test_messages_type(invalid_messages_not_array):
    """messages as a string → 400."""
    checks.rejected(invalid_messages_not_array, SURFACE, "messages as a string")


@pytest.mark.check("openai-chat/invalid/empty-messages")
def test_empty_messages(invalid_empty_messages):
    """An empty `messages` array (at least one message) → 400."""
    checks.rejected(invalid_empty_messages, SURFACE, "an empty messages array")


@pytest.mark.check("openai-chat/invalid/string-number")
def test_string_number(invalid_max_tokens_string):
    """A number sent as a string (`max_tokens: "8"`) → 400: a server that coerces it hides the
    caller's type bug, and the official API refuses it."""
    checks.rejected(invalid_max_tokens_string, SURFACE, 'max_tokens as the string "8"')


@pytest.mark.check("openai-chat/invalid/unknown-model")
def test_unknown_model(unknown_model):
    """A model the provider does not serve → 400 or 404 with the OpenAI envelope."""
    checks.error_envelope(unknown_model, SURFACE, (400, 404), "an unknown model")
