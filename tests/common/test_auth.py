"""Authentication: a missing or wrong key is refused with the surface's native error envelope, one
rule for every surface whose refusal is a 401 (Gemini's, answered 400 or 403 by Google, are its own).

A paid surface gets it too: its basic request without a key (or with a wrong one) is refused before
anything is generated, so it costs a paid item only where the server is broken and serves it. It is
sent only under the feature the operation costs (the check skips, naming it, otherwise), and
`--plan` counts it with its cost class."""

import pytest

from llmconform.fixtures import native_error, priced
from llmconform.surfaces import having

SURFACES = priced(having(lambda surface: surface.refuses_key_401))
pytestmark = pytest.mark.parametrize("surface", SURFACES)


@pytest.mark.check("{surface}/auth/no-key", level="must",
                   source="openapi/{surface}.yaml#/components/schemas/ErrorResponse (the official 401 and its "
                          "envelope: the vendor's error reference)")
def test_no_key(surface, auth_none, llmconform_target):
    """No key → 401 with the native {surface} error envelope; another API's envelope fails.

    The model list answers in the flavour of the provider's auth style: OpenAI's envelope, or
    Anthropic's (with its `error.type`) for an x-api-key provider."""
    native_error(auth_none, surface, (401,), "no key", llmconform_target)


@pytest.mark.check("{surface}/auth/wrong-key", level="must",
                   source="openapi/{surface}.yaml#/components/schemas/ErrorResponse (the official 401/403 and its "
                          "envelope: the vendor's error reference)")
def test_wrong_key(surface, auth_wrong, llmconform_target):
    """A wrong key → 401 or 403 with the native {surface} error envelope; another API's envelope fails."""
    native_error(auth_wrong, surface, (401, 403), "a wrong key", llmconform_target)
