"""The visible text of the plain answer, on every surface that answers in text: no reasoning
markup in it, no agent persona nobody asked for."""

import pytest

from llmconform import checks
from llmconform.surfaces import SURFACE_MODULES, having

# The surfaces that answer in text (their readers of it, the concern their reasoning checks sit
# under, and how a verdict names that text are theirs).
TEXT = having(lambda surface: surface.text)


def _text(surface, exchange):
    return SURFACE_MODULES[surface].text(checks.ok_json(exchange))


@pytest.mark.check("{surface}/{concern}/no-markup", level="should",
                   source="llmconform heuristic: reasoning markup in the visible text (no official rule names it)")
@pytest.mark.parametrize(("surface", "concern"), [(s, SURFACE_MODULES[s].reasoning) for s in TEXT])
def test_no_markup(surface, concern, basic):
    """The visible text of the {surface} answer carries no reasoning markup (`<think>`, `<thinking>`,
    `<budget:thinking>`): reasoning belongs where the API puts it."""
    checks.no_reasoning_markup(_text(surface, basic), SURFACE_MODULES[surface].text_field)


@pytest.mark.check("{surface}/fingerprint/persona", level="should",
                   source="llmconform heuristic: an injected agent persona in the answer (no official rule)")
@pytest.mark.parametrize("surface", TEXT)
def test_persona(surface, basic):
    """No agent persona nobody asked for ("I'm Claude Code") in the {surface} answer's text (W: an
    injected system prompt)."""
    checks.no_persona(_text(surface, basic))
