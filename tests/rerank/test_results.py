"""The ranking: every document once, by a valid index, most relevant first, top_n honoured."""

import itertools

import pytest

from llmconform import checks
from llmconform.surfaces.rerank import is_number, placeholders, results
from llmconform.verdict import Skip, expect

pytestmark = pytest.mark.feature("rerank")


@pytest.mark.check("rerank/results/indices", level="must",
                   source="cohere-python src/cohere/v2/types/v2rerank_response_results_item.py index (the "
                          "document's position in the list passed in); src/cohere/v2/client.py rerank top_n "
                          "(unset: every document)")
def test_indices(basic):
    """Without top_n every document is ranked once: the indexes are 0..n-1, each once, in any order."""
    found = results(checks.ok_json(basic))
    if placeholders(basic.request.body):
        raise Skip("the documented request's documents are the page's placeholders: no indexes to hold the answer to")
    sent = len(basic.request.body["documents"])
    indexes = [r.get("index") for r in found]
    expect(all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < sent for i in indexes),
           f"indexes of the {sent} documents sent (0..{sent - 1})", indexes)
    expect(sorted(indexes) == list(range(sent)), f"each of the {sent} documents ranked once", indexes)


@pytest.mark.check("rerank/results/ordered", level="must",
                   source="cohere-python src/cohere/v2/types/v2rerank_response.py results (\"an ordered list of "
                          "ranked documents\"), relevance_score")
def test_ordered(basic, top_n):
    """Results come most relevant first: `relevance_score` never rises down the list."""
    for exchange in (basic, top_n):
        scores = [r.get("relevance_score") for r in results(checks.ok_json(exchange))]
        expect(scores and all(is_number(s) for s in scores), "a numeric relevance_score on every result", scores)
        expect(all(a >= b for a, b in itertools.pairwise(scores)), "relevance scores in descending order",
               f"{exchange.request.probe}: {scores}")


@pytest.mark.check("rerank/results/top-n", level="must",
                   source="cohere-python src/cohere/v2/client.py rerank top_n (the number of most relevant "
                          "documents to return)")
def test_top_n(top_n):
    """`top_n: 2` of four documents → exactly two results."""
    wanted = top_n.request.body["top_n"]
    found = results(checks.ok_json(top_n))
    expect(len(found) == wanted, f"{wanted} results for top_n {wanted}",
           f"{len(found)} results: {[r.get('index') for r in found]}")


@pytest.mark.check("rerank/results/relevant-first", level="should",
                   source="cohere-python src/cohere/v2/types/v2rerank_response_results_item.py relevance_score "
                          "(close to 1: high relevance); the probe's one document that answers its query")
def test_relevant_first(basic):
    """Of four documents, the one that answers the query (\"Paris is the capital … of France\")
    ranks first: a relay that returns the documents in the order sent, or a model that is not a
    reranker, does not."""
    documents = basic.request.body["documents"]
    found = results(checks.ok_json(basic))
    answer = next((i for i, d in enumerate(documents) if isinstance(d, str) and "Paris" in d), None)
    if answer is None:  # a documented request, not the probe's: no document known to answer its query
        raise Skip("the request is not the probe's (a documented one): no document known to answer its query")
    expect(found, "ranked results", found)
    expect(found[0].get("index") == answer, f"document {answer} ({documents[answer]!r}) first",
           f"document {found[0].get('index')} first: {[r.get('index') for r in found]}")
