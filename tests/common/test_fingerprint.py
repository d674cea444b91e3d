"""Backend fingerprints in the usage of the plain answer: reported as warnings, never as failures."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces import having

# The surfaces whose answer's `usage` is the spec's `Usage` schema (its declared fields).
USAGE = having(lambda surface: surface.usage.at[:1] == ("usage",) and "Usage" in spec.load(surface.name).schemas)


@pytest.mark.check("{surface}/fingerprint/usage-fields", level="should",
                   source="openapi/{surface}.yaml x-llmconform-usage (the usage object's declared fields; extra ones "
                          "are a relay's)")
@pytest.mark.parametrize("surface", USAGE)
def test_usage_fields(surface, basic):
    """usage holds only the fields the API declares (W: `claude_cache_creation_5_m_tokens` and
    friends are new-api's)."""
    checks.undeclared_fields(surface, "Usage", checks.ok_json(basic).get("usage"), "usage")
