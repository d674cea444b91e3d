"""Every error answer the run saw on a surface, whatever probe or status it came from: one rule,
written once for every surface whose errors come in an envelope its spec declares."""

import pytest

from llmconform import checks
from llmconform.surfaces import having

SURFACES = having(lambda surface: surface.errors and not surface.paid)
pytestmark = [pytest.mark.after_all, pytest.mark.parametrize("surface", SURFACES)]


def _basic(target, surface):
    # The surface's plain probe was sent (or, offline, documented): otherwise nothing is decided.
    target.probe(surface, "basic").require()


@pytest.mark.check("{surface}/errors/envelope", level="must",
                   source="openapi/{surface}.yaml#/components/schemas/ErrorResponse (the official error envelope)")
def test_envelope(surface, llmconform_target, unknown_path):
    """Every error answer (4xx/5xx) to a request that should have succeeded carries {surface}'s
    native envelope (its spec's ErrorResponse), whatever its status (F: a 404 of `{{"detail": …}}`,
    another API's envelope, a text/plain 500; W: a departure the SDKs read, such as an OpenAI
    envelope's integer `code` or missing `param`). Refusals are judged by their own checks. A
    request to a path no API has is answered 404 in the same envelope (W otherwise: no official
    operation documents it, but a client reads the 404 of a wrong base URL through it)."""
    _basic(llmconform_target, surface)
    checks.native_envelopes(checks.error_answers(llmconform_target.exchanges, surface, judged=False), surface)
    checks.unknown_path_envelope(unknown_path, surface)


@pytest.mark.check("{surface}/errors/leaks-internals", level="should",
                   source="llmconform heuristic: stack traces and paths in error bodies (no official rule)")
def test_leaks_internals(surface, llmconform_target):
    """No error body on {surface} shows a stack trace, a source file path or a raw exception of the
    server's language (W: an information leak, and a sign the error went unhandled)."""
    _basic(llmconform_target, surface)
    checks.no_internals(checks.error_answers(llmconform_target.exchanges, surface, judged=True))
