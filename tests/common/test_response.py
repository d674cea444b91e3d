"""A non-streaming answer: its shape, its content type and the model it names, one rule for every
surface that answers a plain request.

A paid surface's plain answer is read only where its own checks ask for it anyway (its spec's
primary probe, under the feature its operation costs): these rules add no request there. Its
answer's schema is its own check's (tests/<surface>/)."""

import pytest

from llmconform import checks, fuzz, spec
from llmconform.fixtures import priced
from llmconform.surfaces import SURFACE_MODULES, having

SURFACES = having(lambda surface: surface.sends_json and not surface.paid)
# The paid surfaces whose plain answer, one JSON body, their own checks already read.
PAID_PLAIN = having(lambda surface: surface.paid and surface.sends_basic and surface.answers_json)


@pytest.mark.check("{surface}/response/schema", level="must",
                   source="openapi/{surface}.yaml (the 200 response schema, traced to the official definition)")
@pytest.mark.parametrize("surface", SURFACES)
def test_schema(surface, basic):
    """The body of the plain {surface} request's answer is the 200 response its spec declares, field
    by field."""
    _, schema = fuzz.schema_names(surface, SURFACE_MODULES[surface].path)
    spec.load(surface).check(schema, checks.ok_json(basic), what=SURFACE_MODULES[surface].answer)


# The requests answered with one JSON body: (surface, concern, probe, how the rule names it). The
# plain request on every surface that sends one, and the others its surface names (Gemini's stream
# without `alt=sse`, a JSON array, not an event stream; the model list).
JSON_ANSWERS = [*[(s, "response", "basic", f"plain {s} request") for s in SURFACES],
                *[pytest.param(s, "response", "basic", f"plain {s} request",
                               marks=[pytest.mark.feature(SURFACE_MODULES[s].cost_feature)]) for s in PAID_PLAIN],
                *[pytest.param(s, answer.concern, answer.probe, answer.what,
                               marks=[pytest.mark.feature(answer.feature)] if answer.feature else [])
                  for s in having(lambda surface: surface.json_answers) for answer in SURFACE_MODULES[s].json_answers]]


@pytest.mark.check("{surface}/{concern}/content-type", level="must",
                   source="openapi/{surface}.yaml (the 200 response: application/json)")
@pytest.mark.parametrize(("surface", "concern", "read", "what"), JSON_ANSWERS)
def test_content_type(surface, concern, read, what, answered):
    """The {what} is answered 2xx, whole, saying `Content-Type: application/json` (a refused, cut or
    timed-out answer fails here, once: the checks reading it are left undecided)."""
    checks.status_ok(answered)
    checks.json_content_type(answered)


@pytest.mark.check("{surface}/response/model-echo", level="must",
                   source="openapi/{surface}.yaml (the response's required `model`; an alias only warns)")
# Not Gemini (its modelVersion), nor a paid surface whose plain answer its own checks do not read.
@pytest.mark.parametrize("surface", priced(having(lambda surface: surface.echoes_model and surface.sends_basic)))
def test_model_echo(surface, basic):
    """`model` is the requested model or a dated snapshot of it (W: relays alias and substitute)."""
    checks.model_echo(basic.request.body.get("model"), checks.ok_json(basic).get("model"))
