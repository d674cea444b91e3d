"""Authentication: a missing or wrong key is refused with the Anthropic error envelope."""

import pytest

from llmconform.surfaces.anthropic_messages import native_error


@pytest.mark.check("anthropic-messages/auth/no-key")
def test_no_key(auth_none):
    """No key → 401 with `{"type": "error", "error": {"type": "authentication_error", "message"}}`."""
    native_error(auth_none, (401,), "no key")


@pytest.mark.check("anthropic-messages/auth/wrong-key")
def test_wrong_key(auth_wrong):
    """A wrong key → 401 (authentication_error) or 403 (permission_error) with the Anthropic envelope;
    an OpenAI envelope `{"error": {...}}` fails."""
    native_error(auth_wrong, (401, 403), "a wrong key")
