"""Authentication: the key in `x-goog-api-key` or `?key=`; a missing or wrong key refused with the
Google envelope."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.gemini import native_error, nothing_to_judge, text
from llmconform.verdict import expect

REFUSED = (400, 401, 403)


@pytest.mark.check("gemini/auth/no-key", level="must",
                   source="Google AI docs, troubleshooting (API key errors: 400 INVALID_ARGUMENT / 403 "
                          "PERMISSION_DENIED); openapi/gemini.yaml#/components/schemas/ErrorResponse")
def test_no_key(auth_none):
    """No key → 400, 401 or 403 with `{"error": {"code", "message", "status"}}` (Google answers 403
    PERMISSION_DENIED); an OpenAI envelope fails."""
    native_error(auth_none, REFUSED, "no key")


@pytest.mark.check("gemini/auth/wrong-key", level="must",
                   source="Google AI docs, troubleshooting (API key not valid: 400 INVALID_ARGUMENT); "
                          "openapi/gemini.yaml#/components/schemas/ErrorResponse")
def test_wrong_key(auth_wrong):
    """A wrong key → 400 (INVALID_ARGUMENT "API key not valid"), 401 or 403 with the Google envelope;
    an OpenAI envelope fails."""
    native_error(auth_wrong, REFUSED, "a wrong key")


def _served(exchange, target, how):
    if not target.profile.auth_env or target.profile.auth_style_for("gemini") == "none":
        pytest.skip("the profile names no key to send")
    data = checks.ok_json(exchange)
    spec.load("gemini").check("GenerateContentResponse", data, what=f"the answer with the key {how}")
    nothing_to_judge(data, exchange.request.output_limit)
    expect(text(data).strip(), f"a text answer with the key {how}", data.get("candidates"))


@pytest.mark.check("gemini/auth/header-key", level="must",
                   source="Google AI docs, API keys (the x-goog-api-key header)")
def test_header_key(auth_header, llmconform_target):
    """The key in the `x-goog-api-key` header is accepted: the basic request is answered."""
    _served(auth_header, llmconform_target, "in x-goog-api-key")


@pytest.mark.check("gemini/auth/query-key", level="must",
                   source="Google AI docs, REST examples (the key query parameter)")
def test_query_key(auth_query, llmconform_target):
    """The key as the `?key=` query parameter (Google's REST examples send it so) is accepted: the basic
    request is answered. The key never shows in a report: the URL is printed with `key=${VAR}`."""
    _served(auth_query, llmconform_target, "as ?key=")
