"""Every error answer the run saw on a surface, whatever probe or status it came from: one rule,
written once for every surface whose errors come in an envelope its spec declares.

On a paid surface it sends no paid request of its own: it reads the answers its own checks (under
the feature its operation costs) got, and the free request to a path no API has."""

import pytest

from llmconform import checks
from llmconform.fixtures import priced
from llmconform.surfaces import SURFACE_MODULES, having

# Each surface with the probe its own checks send in every run (`primary`): the rule reads the
# errors seen once that one was sent (or, offline, documented), and sends nothing paid of its own.
SURFACES = priced(having(lambda surface: surface.errors), primary=True)
pytestmark = [pytest.mark.after_all, pytest.mark.parametrize(("surface", "primary_probe"), SURFACES)]


@pytest.mark.check("{surface}/errors/envelope", level="must",
                   source="openapi/{surface}.yaml#/components/schemas/ErrorResponse (the official error envelope; a "
                          "task relay's own, where its operation's 4XX names another)")
def test_envelope(surface, primary_probe, primary, llmconform_target, unknown_path):
    """Every error answer (4xx/5xx) to a request that should have succeeded carries {surface}'s
    native envelope (its spec's ErrorResponse), whatever its status (F: a 404 of `{{"detail": …}}`,
    another API's envelope, a text/plain 500; W: a departure the SDKs read, such as an OpenAI
    envelope's integer `code` or missing `param`). Refusals are judged by their own checks. A
    request to a path no API has is answered 404 in the same envelope (W otherwise: no official
    operation documents it, but a client reads the 404 of a wrong base URL through it)."""
    schema = SURFACE_MODULES[surface].error_schema
    checks.native_envelopes(checks.error_answers(llmconform_target.exchanges, surface, judged=False), surface, schema)
    checks.unknown_path_envelope(unknown_path, surface, schema)


@pytest.mark.check("{surface}/errors/leaks-internals", level="should",
                   source="llmconform heuristic: stack traces and paths in error bodies (no official rule)")
def test_leaks_internals(surface, primary_probe, primary, llmconform_target):
    """No error body on {surface} shows a stack trace, a source file path or a raw exception of the
    server's language (W: an information leak, and a sign the error went unhandled)."""
    checks.no_internals(checks.error_answers(llmconform_target.exchanges, surface, judged=True))
