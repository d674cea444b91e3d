"""What a request must change, not only be accepted: the fields the official SDKs and popular
clients send in ordinary requests, each sent once, and content (a document, an image) that must
reach the model. One rule for every probe a spec declares with an `effect`."""

import pytest

from llmconform import checks
from llmconform.fixtures import effect_cases
from llmconform.surfaces import SURFACE_MODULES, having

# The surfaces that answer text a request's effect can show in.
ANSWERED = having(lambda surface: surface.answered_text)


@pytest.mark.check("{surface}/{case.check}", level="must", source="{case.source}")
@pytest.mark.parametrize(("surface", "case"), effect_cases(ANSWERED))
def test_effect(surface, case, sent):
    """{case.summary}

    The official field (or content part) `{case.field}` is accepted (F: a 4xx or 5xx for a field the
    official SDKs send) and answered; where its effect shows in the answer (a code word repeated,
    JSON of the asked shape, a field echoed), W when it does not: accepted but ignored, or a model
    too weak to show it."""
    answer = SURFACE_MODULES[surface].answered_text(sent, f"a request with {case.field}")
    checks.effect_shown(sent, answer, dict(case.effect), case.field)
