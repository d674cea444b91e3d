"""Headers: anthropic-version on the way in, request-id on the way out."""

import pytest

from llmconform import checks
from llmconform.surfaces.anthropic_messages import native_error
from llmconform.verdict import warn


@pytest.mark.check("anthropic-messages/headers/version-required", level="should",
                   source="Anthropic docs, API versions (the anthropic-version header is required); a relay that pins "
                          "one only warns")
def test_version_required(no_version):
    """A request without the `anthropic-version` header is refused with a 400 and the Anthropic
    envelope, as the official API refuses it (W when served: the relay pins a version silently)."""
    no_version.complete()
    if no_version.status is not None and 200 <= no_version.status < 300:
        warn("a request without anthropic-version refused with 400", f"status {no_version.status} (served)")
    native_error(no_version, range(400, 500), "a request without anthropic-version")


@pytest.mark.check("anthropic-messages/headers/request-id", level="should",
                   source="Anthropic docs, Errors: request id (every response carries a request-id header)")
def test_request_id(basic):
    """The answer carries a `request-id` header, the id support asks for (W when missing)."""
    checks.status_ok(basic)
    if basic.documented:
        pytest.skip("the replayed exchange records no response headers (a documented example)")
    if not basic.headers.get("request-id"):
        other = sorted(h for h in basic.headers if "request" in h or h.endswith("-id"))
        warn("a request-id response header", f"none (id-like headers: {', '.join(other) or 'none'})")
