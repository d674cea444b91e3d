"""Every error answer the run saw on this surface, whatever probe or status it came from."""

import pytest

from llmconform import checks

SURFACE = "openai-responses"
pytestmark = pytest.mark.after_all


@pytest.mark.check("openai-responses/errors/envelope")
def test_envelope(basic, llmconform_target):
    """Every error answer (4xx/5xx) to a request that should have succeeded carries the OpenAI
    envelope, whatever its status (F: a 404 of `{"detail": …}`, a text/plain 500; W: an integer
    `code` or no `param`, which the SDKs read). Refusals are judged by their own checks."""
    checks.native_envelopes(checks.error_answers(llmconform_target.exchanges, SURFACE, judged=False), SURFACE)


@pytest.mark.check("openai-responses/errors/leaks-internals")
def test_leaks_internals(basic, llmconform_target):
    """No error body shows a stack trace, a source file path or a raw exception of the server's
    language (W: an information leak, and a sign the error went unhandled)."""
    checks.no_internals(checks.error_answers(llmconform_target.exchanges, SURFACE, judged=True))
