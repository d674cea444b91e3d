"""A relay's documented task (issue #23): a GET step (the poll) documented by its answer alone, a
documented answer the next step's link finds nothing in, and a reference page's placeholder request."""

from __future__ import annotations

import json

import pytest

from llmconform.documented import documented_exchanges
from llmconform.exchange import DOCUMENTED, Exchange, Request, Sequence
from llmconform.surfaces.rerank import placeholders
from llmconform.verdict import Error, Skip


def test_a_documented_poll_is_fetched_at_the_id_the_documented_submit_answered():
    """Crazyrouter's imagine answers `result: task_1234567890`; its documented fetch of that task is
    the poll's first answer, a GET with no body, on the path the submit's id makes."""
    mine = [e for e in documented_exchanges()["crazyrouter"] if e.request.surface == "relay-midjourney"]
    submit = next(e for e in mine if e.request.step == "task/submit")
    poll = next(e for e in mine if e.request.step == "task/poll")
    task_id = json.loads(submit.body)["result"]
    assert (poll.request.method, poll.request.path, poll.request.body) == ("GET", f"/mj/task/{task_id}/fetch", None)
    assert json.loads(poll.body)["status"] == "SUCCESS"  # terminal: the poll settles on it


def _sequence(documented: bool) -> Sequence:
    request = Request(surface="relay-video", probe="task/submit", method="POST", path="/v1/video/generations",
                      body={"model": "m", "prompt": "p"}, step="task/submit")
    headers = {"content-type": "application/json", **({DOCUMENTED: "crazyrouter"} if documented else {})}
    submit = Exchange(request=request, url=request.path, sent_headers={}, status=200, headers=headers,
                      body=b'{"id": "video_task_abc123", "status": "processing"}')
    why = "$steps.submit.response.body#/task_id: the response of submit has nothing there"
    return Sequence(surface="relay-video", probe="task", names=("submit", "poll"), steps={"submit": [submit]},
                    not_sent={"poll": why})


def test_a_step_unsent_after_a_documented_answer_is_not_documented():
    """The document's answer has no id where the link looks: what follows is not documented (skip);
    the same answer from a live relay leaves the check undecided (error), never a pass."""
    with pytest.raises(Skip, match="not documented"):
        _sequence(documented=True).last("poll")
    with pytest.raises(Error):
        _sequence(documented=False).last("poll")


def test_placeholders_are_the_reference_pages_and_not_real_text():
    assert placeholders({"query": "<string>", "documents": ["<string>"]})
    assert placeholders({"query": "What is Paris?", "documents": ["<string>"]})
    assert not placeholders({"query": "What is the capital of France?",
                             "documents": ["Paris is the capital and largest city of France.", "<b>bold</b> text"]})
    assert not placeholders(None)
