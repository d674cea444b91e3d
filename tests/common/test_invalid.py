"""Invalid input is rejected with a 4xx and the surface's native envelope — never served, never a
500: one rule for every invalid probe the specs declare, and for the two every surface builds."""

import pytest

from llmconform.fixtures import invalid_cases, native_error, native_rejected

SURFACES = ["anthropic-messages", "embeddings", "gemini", "openai-chat", "openai-responses"]


@pytest.mark.check("{surface}/{case.check}")
@pytest.mark.parametrize(("surface", "case"), invalid_cases(SURFACES))
def test_invalid(surface, case, invalid):
    """{case.rule}

    The case is an `x-llmconform-invalid` entry of the surface's spec: its `check`, `rule` and
    `what` say what is sent, and the answer must be the surface's native refusal."""
    if case.served_skips and invalid.status is not None and 200 <= invalid.status < 300:
        pytest.skip(f"served (status {invalid.status}), not refused: {case.served_skips}")
    native_rejected(invalid, surface, case.what)


@pytest.mark.check("{surface}/invalid/malformed-json")
@pytest.mark.parametrize("surface", SURFACES)
def test_malformed_json(surface, malformed_json):
    """Half a JSON body → 400 with the {surface} error envelope (a 500 fails)."""
    native_rejected(malformed_json, surface, "malformed JSON")


@pytest.mark.check("{surface}/invalid/unknown-model")
@pytest.mark.parametrize("surface", SURFACES)
def test_unknown_model(surface, unknown_model):
    """A model the provider does not serve → 400 or 404 with the {surface} error envelope, its error
    kind (where the API names one) the one paired with the status."""
    native_error(unknown_model, surface, (400, 404), "an unknown model")
