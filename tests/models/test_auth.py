"""Authentication: a missing or wrong key is refused with the flavour's native error envelope."""

import pytest

from llmconform.surfaces.models import native_error


@pytest.mark.check("models/auth/no-key")
def test_no_key(auth_none, llmconform_target):
    """No key → 401 with the native envelope: OpenAI `{"error": {"message", "type", "param", "code"}}`,
    or for an x-api-key provider Anthropic's `{"type": "error", "error": {"type": "authentication_error",
    "message"}}`."""
    native_error(auth_none, llmconform_target, (401,), "no key")


@pytest.mark.check("models/auth/wrong-key")
def test_wrong_key(auth_wrong, llmconform_target):
    """A wrong key → 401 or 403 with the flavour's native error envelope."""
    native_error(auth_wrong, llmconform_target, (401, 403), "a wrong key")
