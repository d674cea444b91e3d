"""A sequence is data: a throwaway submit-and-poll sequence, written only as an
`x-llmconform-probes` entry with `steps` in a temporary copy of the specs, runs against a loopback
fake — the submit POSTs, its `id` fills the poll's path, the GET is polled `until` the status is
terminal — bounded in count and time, counted in the plan, each poll its own request, polling
slowed by Retry-After and stopped by an interrupt."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmconform import interrupt, spec
from llmconform.client import Limits
from llmconform.profile import parse_profile
from llmconform.target import Target, build_target
from llmconform.verdict import Error
from selftest.fakes import KEY
from selftest.fakes.server import FakeProvider, FakeRequest, Reply

SURFACE = "openai-responses"
PROBE = "submit-and-poll"
TASKS = "/v1/llmconform-tasks"
# The throwaway operations and the sequence over them: nothing else declares them.
OPERATIONS = {
    TASKS: {"post": {"operationId": "submitTask", "responses": {"200": {"description": "The task, queued."}},
                     "x-llmconform-probes": {PROBE: {"summary": "submit a task, poll it until it ends", "steps": [
                         {"name": "submit", "value": {"model": "{model}", "input": "count to three",
                                                      "max_output_tokens": 16}},
                         {"name": "poll", "method": "GET", "path": TASKS + "/{task_id}",
                          "links": {"path.task_id": "$steps.submit.response.body#/id"},
                          "until": {"pointer": "/status", "in": ["completed", "failed"]},
                          "every": 0.05, "max_polls": 4},
                     ]}}}},
    TASKS + "/{task_id}": {"get": {"operationId": "getTask", "responses": {"200": {"description": "The task."}}}},
}


class Tasks:
    """A task server: a submit answers `queued` with an id; the task completes on its `finish_at`-th
    poll (never, when None), each answer asking for `retry_after` seconds when set."""

    def __init__(self, finish_at: int | None, retry_after: float | None = None) -> None:
        self.finish_at, self.retry_after = finish_at, retry_after
        self.polls: list[float] = []  # when each poll arrived (monotonic)
        self.provider = FakeProvider(routes={TASKS: self.submit, TASKS + "/task_7": self.poll})

    def _headers(self) -> dict[str, str]:
        return {"retry-after": f"{self.retry_after:g}"} if self.retry_after is not None else {}

    def submit(self, f: FakeRequest) -> Reply:
        return Reply.json({"id": "task_7", "status": "queued"}, **self._headers())

    def poll(self, f: FakeRequest) -> Reply:
        self.polls.append(time.monotonic())
        done = self.finish_at is not None and len(self.polls) >= self.finish_at
        return Reply.json({"id": "task_7", "status": "completed" if done else "in_progress",
                           "poll": len(self.polls)}, **self._headers())


@pytest.fixture(scope="module")
def throwaway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the specs whose openai-responses spec also declares the throwaway operations."""
    folder = tmp_path_factory.mktemp("specs") / "openapi"
    shutil.copytree(spec.spec_dir(), folder)
    path = folder / f"{SURFACE}.yaml"
    document = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    document["paths"].update(OPERATIONS)
    path.write_text(yaml.dump(document, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LLMCONFORM_OPENAPI_DIR", str(folder))
        spec.load.cache_clear()
        yield folder
    spec.load.cache_clear()


def _target(tasks: Tasks, mode: str = "live", cassettes: Path | None = None, **limits: Any) -> Target:
    profile = parse_profile({"name": "tasks", "base_url": tasks.provider.base_url,
                             "auth": {"env": "LLMCONFORM_SEQUENCE_KEY"},
                             "surfaces": {SURFACE: {"model": "fake-model"}}})
    return build_target(profile, mode=mode, cassette_root=cassettes, limits=Limits(**{"retries": 0, **limits}))


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("LLMCONFORM_SEQUENCE_KEY", KEY)
    started: list[Tasks] = []

    def serve(finish_at: int | None, retry_after: float | None = None) -> Tasks:
        tasks = Tasks(finish_at, retry_after)
        tasks.provider.start()
        started.append(tasks)
        return tasks

    yield serve
    for tasks in started:
        tasks.provider.stop()


def test_the_steps_are_typed_from_the_entry(throwaway):
    submit, poll = spec.sequence(SURFACE, PROBE) or ()
    assert (submit.method, submit.path, submit.sends) == ("POST", TASKS, 1)
    assert (poll.method, poll.path, poll.sends, poll.every) == ("GET", TASKS + "/{task_id}", 4, 0.05)
    assert poll.until is not None and poll.until.holds({"status": "completed"})
    assert not poll.until.holds({"status": "in_progress"}) and not poll.until.holds({})


def test_submit_then_poll_until_done(throwaway, served):
    tasks = served(finish_at=3)
    target = _target(tasks)
    try:
        done = target.sequence(SURFACE, PROBE)
    finally:
        target.close()
    assert [e.request.method for e in done.exchanges] == ["POST", "GET", "GET", "GET"]
    assert done.polls("poll")[0].request.path == TASKS + "/task_7", "the poll's path is filled from the submit's id"
    final = done.settled("poll")
    assert final.payloads()[-1] == {"id": "task_7", "status": "completed", "poll": 3}
    # Each poll a distinct request, on its own cache key: poll N is never poll N-1's answer.
    assert len({e.request.key for e in done.exchanges}) == 4
    assert [p.method for p in tasks.provider.seen] == ["POST", "GET", "GET", "GET"]
    assert target.sequence(SURFACE, PROBE) is done and len(tasks.provider.seen) == 4, "sent once per session"


def test_each_poll_replays_its_own_recorded_answer(throwaway, served, tmp_path):
    tasks = served(finish_at=3)
    recording = _target(tasks, mode="record", cassettes=tmp_path)
    try:
        recorded = [e.payloads() for e in recording.sequence(SURFACE, PROBE).exchanges]
    finally:
        recording.close()
    replay = _target(tasks, mode="replay", cassettes=tmp_path)
    try:
        replayed = replay.sequence(SURFACE, PROBE)
    finally:
        replay.close()
    assert [e.payloads() for e in replayed.exchanges] == recorded
    assert [e.payloads()[-1]["poll"] for e in replayed.polls("poll")] == [1, 2, 3]
    assert len(tasks.provider.seen) == 4, "a replay sends nothing"


def test_a_task_that_never_ends_stops_at_max_polls(throwaway, served):
    tasks = served(finish_at=None)
    target = _target(tasks)
    started = time.monotonic()
    try:
        done = target.sequence(SURFACE, PROBE)
    finally:
        target.close()
    assert time.monotonic() - started < 3, "bounded in time"
    assert len(tasks.polls) == 4, "bounded in count: max_polls"
    with pytest.raises(Error) as undecided:
        done.settled("poll")
    assert "/status still 'in_progress' after 4 poll(s)" in str(undecided.value)
    assert "max_polls 4" in str(undecided.value)


def test_every_step_and_poll_is_counted_in_the_plan(throwaway, served):
    target = _target(served(finish_at=1))
    try:
        # The submit (one request, its 16 output tokens) and the poll at its max_polls (nothing generated).
        assert target.plan([(SURFACE, PROBE)], []) == {SURFACE: (1 + 4, 16)}
        assert target.plan([(SURFACE, "basic"), (SURFACE, PROBE)], []) == {SURFACE: (1 + 1 + 4, 64 + 16)}
    finally:
        target.close()


def test_the_budget_counts_every_poll(throwaway, served):
    tasks = served(finish_at=None)
    target = _target(tasks)
    target.client.budget.size(3, 1000)
    try:
        done = target.sequence(SURFACE, PROBE)
    finally:
        target.close()
    assert len(tasks.provider.seen) == 3, "the budget stops the polls"
    assert done.polls("poll")[-1].problem == "budget"


def test_polling_waits_as_retry_after_asks(throwaway, served):
    tasks = served(finish_at=2, retry_after=0.6)
    target = _target(tasks)
    try:
        target.sequence(SURFACE, PROBE).settled("poll")
    finally:
        target.close()
    gap = tasks.polls[1] - tasks.polls[0]
    assert 0.55 <= gap < 2.0, f"every is 0.05 s but the server asked for 0.6 s; waited {gap:.2f} s"


def test_retry_after_is_bounded(throwaway, served):
    tasks = served(finish_at=2, retry_after=600)
    target = _target(tasks, max_retry_wait_s=0.3)
    try:
        target.sequence(SURFACE, PROBE).settled("poll")
    finally:
        target.close()
    assert 0.25 <= tasks.polls[1] - tasks.polls[0] < 2.0, "a wait is capped at the client's max_retry_wait_s"


def test_an_interrupt_stops_the_polling(throwaway, served):
    tasks = served(finish_at=None, retry_after=5)
    target = _target(tasks, max_retry_wait_s=5)
    timer = threading.Timer(0.3, interrupt.STOP.set)
    timer.start()
    started = time.monotonic()
    try:
        done = target.sequence(SURFACE, PROBE)
    finally:
        timer.cancel()
        interrupt.STOP.clear()
        target.close()
    assert time.monotonic() - started < 2, "the wait between polls ends with the run"
    assert len(tasks.polls) == 1
    assert "interrupted" in done.unsettled["poll"]


def test_a_step_whose_link_finds_nothing_is_not_sent(throwaway, served):
    tasks = served(finish_at=1)
    tasks.submit = lambda f: Reply.json({"status": "queued"})  # type: ignore[method-assign]
    tasks.provider.routes[TASKS] = tasks.submit
    target = _target(tasks)
    try:
        done = target.sequence(SURFACE, PROBE)
    finally:
        target.close()
    assert [p.method for p in tasks.provider.seen] == ["POST"]
    with pytest.raises(Error) as undecided:
        done.last("poll")
    assert "$steps.submit.response.body#/id" in str(undecided.value)


@pytest.mark.parametrize(("step", "says"), [
    ({"name": "x", "method": "GET", "path": "/v1/nowhere"}, "declares no GET /v1/nowhere"),
    ({"name": "x", "links": {"path.id": "$steps.later.response.body#/id"}}, "names no earlier step"),
    ({"name": "x", "links": {"body/id": "$response.body#/id"}}, "is not path.X"),
    ({"name": "x", "until": {"pointer": "/status", "in": ["done"]}, "max_polls": 500}, "max_polls in 1..20"),
    ({"name": "x", "every": 1}, "without `until`"),
    ({"name": "x", "owner": "y"}, "unknown key"),
])
def test_a_mistaken_step_is_refused_with_its_probe(step, says):
    definitions = spec.load(SURFACE)
    operation = definitions.operation("/v1/responses")
    first = {"name": "first", "value": {"model": "{model}", "input": "hi"}}
    with pytest.raises(ValueError) as refused:
        spec.parse_steps(definitions, operation, "broken", [first, step])
    assert "openai-responses probe broken" in str(refused.value) and says in str(refused.value)


def _plan(*features: str) -> str:
    from selftest.harness import cli

    code, out = cli("run", "--plan", "--base-url", "http://127.0.0.1:9", "--surface", SURFACE, "--model", "gpt-5",
                    "--api-key-env", "none", "--select", f"{SURFACE}/state/*",
                    *[arg for feature in features for arg in ("--feature", feature)])
    assert code == 0, out
    return out


def test_the_state_flows_are_planned_within_twelve_requests():
    """`run --plan` counts every step of the Responses state sequences (#22), the background polls
    at their max_polls: 12 requests, issue 22's cap — 10 for the chain, background and stateless flows, 5 × 32
    output tokens (their two turns each and the background request; a GET or DELETE generates
    nothing), and 2 for compaction: the compact call, which takes no output limit (counted at
    target.UNLIMITED_ESTIMATE, 256), and the 32-token turn after it. A profile without the `state`
    feature plans, and sends, none of them."""
    assert f"{SURFACE}         12 requests      448 output tokens" in _plan("stream", "state")
    assert "total                     0 requests        0 output tokens" in _plan("stream")
