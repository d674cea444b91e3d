"""Authentication: a missing or wrong key is refused with the OpenAI error envelope."""

import pytest

from llmconform import checks

SURFACE = "openai-responses"


@pytest.mark.check("openai-responses/auth/no-key")
def test_no_key(auth_none):
    """No key → 401 with `{"error": {"message", "type", "param", "code"}}`."""
    checks.error_envelope(auth_none, SURFACE, (401,), "no key")


@pytest.mark.check("openai-responses/auth/wrong-key")
def test_wrong_key(auth_wrong):
    """A wrong key → 401 or 403 with the OpenAI error envelope."""
    checks.error_envelope(auth_wrong, SURFACE, (401, 403), "a wrong key")
