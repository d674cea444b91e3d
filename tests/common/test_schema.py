"""Schemathesis on each surface's spec: documented examples, generated valid and invalid requests,
one rule for every surface whose requests its spec declares — never a paid one's (`x-llmconform-cost`):
its cases are many, and each may be a paid item (an image, a video job), so no declared feature
buys them; `run --plan` says so on every paid surface's line."""

import pytest

from llmconform import fuzz
from llmconform.surfaces import SURFACE_MODULES, having

SURFACES = having(lambda surface: surface.sends_json and not surface.paid)
pytestmark = pytest.mark.parametrize("surface", SURFACES)


def _phase(target, surface, phase, item):
    fuzz.run_phase(target, surface, SURFACE_MODULES[surface].path, phase, item)


@pytest.mark.check("{surface}/schema/examples", level="must",
                   source="openapi/{surface}.yaml (the documented requests and their 200 / 4XX responses)")
def test_examples(surface, llmconform_target, request):
    """The {surface} spec's documented requests are answered per the contract: no 5xx, a 2xx answer
    matching the spec's schema, or a 4xx with the {surface} error envelope."""
    _phase(llmconform_target, surface, "examples", request.node)


@pytest.mark.check("{surface}/schema/fuzz-positive", level="must",
                   source="openapi/{surface}.yaml (the request schema; 2xx bodies per the 200 response; 4xx with "
                          "ErrorResponse)")
@pytest.mark.live_only
def test_fuzz_positive(surface, llmconform_target, request):
    """Generated valid {surface} requests (model forced, output capped): never a 5xx; 2xx bodies match
    the schema; a 4xx refusal carries the {surface} error envelope."""
    _phase(llmconform_target, surface, "positive", request.node)


@pytest.mark.check("{surface}/schema/fuzz-negative", level="must",
                   source="openapi/{surface}.yaml (the request schema's constraints; refusals with ErrorResponse)")
@pytest.mark.live_only
def test_fuzz_negative(surface, llmconform_target, request):
    """Generated invalid {surface} requests are rejected with a 4xx and the {surface} error envelope —
    never served."""
    _phase(llmconform_target, surface, "negative", request.node)
