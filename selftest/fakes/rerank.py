"""POST /v1/rerank, conforming unless a `rerank.*` fault says otherwise: scores by shared words."""

from __future__ import annotations

import json
import re
from typing import Any

from llmconform import spec
from selftest.fakes import server
from selftest.fakes.server import MODEL, FakeRequest, Reply, route


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def _reject(f: FakeRequest) -> Reply | None:
    body, refused = server.openai_request(f, "rerank", "  File \"/srv/rerank/score.py\", line 4, in rank")
    if refused:
        return refused
    problems = spec.load("rerank").errors("RerankRequest", body)
    if problems:
        return server.openai_envelope(400, f"Invalid request: {problems[0]}", "invalid_request_error", f, "rerank")
    return None


@route("/v1/rerank", reject=_reject)
def rerank(f: FakeRequest) -> Reply:
    body: dict[str, Any] = f.json()
    query = _words(str(body["query"]))
    documents = [str(d) for d in body["documents"]]
    scored = [(len(query & _words(d)) / (len(query) or 1), i) for i, d in enumerate(documents)]
    if f.has("rerank.in-order-sent"):  # not a reranker: the documents back as sent, scores descending
        scored = [(1 - i / len(documents), i) for i in range(len(documents))]
    ranked = sorted(scored, key=lambda pair: (-pair[0], pair[1]))
    if f.has("rerank.unsorted"):
        ranked.reverse()
    top_n = body.get("top_n")
    if isinstance(top_n, int) and not f.has("rerank.top-n-ignored"):
        ranked = ranked[:top_n]
    shift = 1 if f.has("rerank.index-from-1") else 0
    found = [{"index": i + shift, "relevance_score": round(score, 4)} for score, i in ranked]
    if f.has("rerank.score-missing"):
        found = [{"index": r["index"]} for r in found]
    answer = {"model": MODEL, "results": found, "usage": {"total_tokens": 40}}
    if f.has("rerank.content-type-text"):
        return Reply(body=json.dumps(answer).encode(), headers={"content-type": "text/plain"})
    return Reply.json(answer)
