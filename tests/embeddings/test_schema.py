"""Schemathesis on the embeddings spec: documented examples, generated valid and invalid requests."""

from dataclasses import replace

import pytest

from llmconform import fuzz, spec
from llmconform.plugin import record_exchange

SURFACE, PATH = "embeddings", "/v1/embeddings"


def _as_embeddings(request):
    """fuzz._cheap / fuzz._bounded shape every body as a generation request: they add an output
    limit (`max_output_tokens`) and `stream`, which Embeddings does not define (a strict provider
    would refuse every case for them). Those fields are taken out again here."""
    known = spec.load(SURFACE).properties("CreateEmbeddingRequest")
    added = {"stream", "n", *fuzz._LIMIT_FIELDS} - known
    if not isinstance(request.body, dict):
        return request
    return replace(request, body={k: v for k, v in request.body.items() if k not in added})


def _run_phase(target, phase, node):
    """fuzz.run_phase for a surface that is not a generation API: the same cases, sent without the
    generation fields, held to the same contract."""
    _, response_schema = fuzz.schema_names(SURFACE, PATH)
    if phase == "examples":
        requests = fuzz.examples(target, SURFACE, PATH)
    else:
        requests = fuzz.generated(target, SURFACE, PATH, negative=phase == "negative", count=target.fuzz_cases)
    requests = [_as_embeddings(r) for r in requests]
    if not requests:
        pytest.skip(f"no {phase} cases for {target.name}")
    decided = []
    for exchange in fuzz.send_all(target, requests):
        record_exchange(node, exchange)
        if exchange.problem == "not-recorded":
            continue
        exchange.require()
        decided.append(exchange)
    if not decided:
        pytest.skip(f"not documented: no recorded exchange for the {phase} cases")
    for exchange in decided:
        what = f"{phase} case {exchange.request.probe}"
        if phase == "negative":
            fuzz.rejected_per_contract(exchange, SURFACE, what)
        else:
            fuzz.answered_per_contract(exchange, SURFACE, response_schema, what)


def test_examples(llmconform_target, request):
    """The spec's documented requests are answered per the contract: no 5xx, a 2xx embeddings `list`
    matching the schema, or a 4xx with the OpenAI envelope."""
    _run_phase(llmconform_target, "examples", request.node)


@pytest.mark.live_only
def test_fuzz_positive(llmconform_target, request):
    """Generated valid requests (model forced): never a 5xx; 2xx bodies match the schema; a 4xx
    refusal carries the OpenAI envelope."""
    _run_phase(llmconform_target, "positive", request.node)


@pytest.mark.live_only
def test_fuzz_negative(llmconform_target, request):
    """Generated invalid requests are rejected with a 4xx and the OpenAI envelope — never served."""
    _run_phase(llmconform_target, "negative", request.node)
