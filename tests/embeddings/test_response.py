"""An embeddings answer: its shape, as the official API declares it."""

import pytest

from llmconform import checks, spec

EMBEDDINGS = spec.load("embeddings")


@pytest.mark.check("embeddings/response/schema")
def test_schema(basic):
    """The body is an embeddings `list` as the spec declares it: `data[]` of {`object` `embedding`,
    `index`, `embedding`}, `model`, `usage`."""
    EMBEDDINGS.check("CreateEmbeddingResponse", checks.ok_json(basic), what="the embeddings answer")


@pytest.mark.check("embeddings/response/content-type")
def test_content_type(basic):
    """The plain request is answered 2xx, whole, saying `Content-Type: application/json` (a refused,
    cut or timed-out answer fails here, once: the checks reading it are left undecided)."""
    checks.status_ok(basic)
    checks.json_content_type(basic)


@pytest.mark.check("embeddings/response/model-echo")
def test_model_echo(basic):
    """`model` is the requested model or a dated snapshot of it (W: relays alias and substitute)."""
    checks.model_echo(basic.request.body.get("model"), checks.ok_json(basic).get("model"))
