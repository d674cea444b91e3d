"""An asynchronous task submitted and followed to its end (issue #23): the official video job
(openai-videos), a new-api relay's video task (relay-video), its Midjourney imagine
(relay-midjourney) and its Suno song (relay-suno). Each is the sequence probe `task`
of its spec — submit, poll until a terminal status (bounded: `every`, `max_polls`, Retry-After
honoured), the task once more, its result — and its states are read where the spec's
`x-llmconform-task` says (status, progress, failure reason, result URL)."""

from __future__ import annotations

from typing import Any

import pytest

from llmconform.exchange import Sequence
from llmconform.fixtures import probe
from llmconform.surfaces import tasks
from llmconform.verdict import expect

OPENAI = ("openai-python api_reference/openapi.transformed.yml VideoStatus (queued, in_progress → completed, "
          "failed), VideoResource.progress, .error; retrieveVideo, retrieveVideoContent (video/mp4)")
NEW_API = ("new-api model/task.go TaskStatus (NOT_START, SUBMITTED, QUEUED, IN_PROGRESS → SUCCESS, FAILURE; "
           "GetAllUnFinishSyncTasks stops at the terminal two), dto/task.go TaskDto (progress, fail_reason, "
           "result_url)")
MIDJOURNEY = ("new-api dto/midjourney.go MidjourneyDto (status: NOT_START, SUBMITTED, MODAL, IN_PROGRESS → "
              "SUCCESS, FAILURE, CANCEL in the midjourney-proxy vocabulary; progress, failReason, imageUrl)")
SUNO = ("new-api model/task.go TaskStatus as its Suno polling takes it from the upstream (NOT_START, SUBMITTED, "
        "QUEUED, IN_PROGRESS → SUCCESS, FAILURE; progress 100% once terminal), dto/suno.go TaskDto (progress, "
        "fail_reason, data: the clips, SunoSong.audio_url)")
# Each task is paid under its own feature (a video per clip, an imagine per image grid).
CASES = [pytest.param("openai-videos", OPENAI, "must", id="openai-videos", marks=pytest.mark.feature("video")),
         pytest.param("relay-video", NEW_API, "should", id="relay-video", marks=pytest.mark.feature("video")),
         pytest.param("relay-midjourney", MIDJOURNEY, "should", id="relay-midjourney",
                      marks=pytest.mark.feature("images")),
         pytest.param("relay-suno", SUNO, "should", id="relay-suno", marks=pytest.mark.feature("music"))]
# What a succeeded task's result is served as (the kind of media the task makes).
MEDIA = {"relay-midjourney": "image/", "relay-suno": "audio/"}

task = probe("{surface}", "task")
pytestmark = [pytest.mark.parametrize(("surface", "source", "binding"), CASES)]


def answers(flow: Sequence) -> list[Any]:
    """The task as each poll, then the fetch after it settled, showed it (answered JSON only). A
    replayed document that shows the polls but not the fetch after them is read for what it shows."""
    polls = flow.polls("poll")
    documented = bool(polls) and all(e.documented for e in polls)
    again = flow.recorded("again") if documented else flow.polls("again")
    found = []
    for exchange in [*polls, *again]:
        if exchange.status is not None and 200 <= exchange.status < 300:
            found += exchange.payloads()[-1:]
    return found


@pytest.mark.check("{surface}/task/status-vocabulary", level="must", source="{source}")
def test_status_vocabulary(task, surface, source, binding):
    """Every status the task reports is one of its API's (running, succeeded, failed)."""
    states = tasks.of(surface)
    task.answered("poll", owner="task/status-vocabulary")
    seen = answers(task)
    unknown = tasks.unknown_statuses(states, seen)
    expect(not unknown, f"statuses among {list(states.known)}", [f"answer {i + 1}: {s!r}" for i, s in unknown])


@pytest.mark.check("{surface}/task/no-way-back", level="must", source="{source}")
def test_no_way_back(task, surface, source, binding):
    """Once terminal (succeeded or failed) a task stays so: no later answer shows another status."""
    task.settled("poll")
    seen = answers(task)
    if len(seen) < 2:
        pytest.skip(f"{len(seen)} answer(s) of the task: no later one to compare with")
    found = tasks.way_back(tasks.of(surface), seen)
    expect(found is None, "a terminal status that stays", found and f"answer {found[0] + 1}: {found[1]!r} then "
           f"{found[2]!r}")


@pytest.mark.check("{surface}/task/progress-forward", level="should", source="{source}")
def test_progress_forward(task, surface, source, binding):
    """Progress never goes backwards from one answer to the next."""
    task.last("poll")  # a poll never sent shows no progress at all: undecided, not a pass
    seen = answers(task)
    if len(seen) < 2:
        pytest.skip(f"{len(seen)} answer(s) of the task: no later one to compare with")
    found = tasks.backwards(tasks.of(surface), seen)
    expect(found is None, "progress that never decreases", found and f"answer {found[0] + 1}: {found[1]:g}% then "
           f"{found[2]:g}%")


@pytest.mark.check("{surface}/task/progress-complete", level="should", source="{source}")
def test_progress_complete(task, surface, source, binding):
    """A task that succeeded says 100%: progress stuck below it while the upstream finished is what
    users of relays report."""
    states = tasks.of(surface)
    final = task.settled("poll").json_object()
    if tasks.status(states, final) not in states.succeeded:
        pytest.skip(f"the task ended {tasks.status(states, final)!r}, not in success")
    expect(tasks.progress(states, final) == 100, "progress 100% once the task succeeded",
           f"status {tasks.status(states, final)!r} at progress {tasks.progress(states, final)}")


@pytest.mark.check("{surface}/task/failure-reason", level="{binding}", source="{source}")
def test_failure_reason(task, surface, source, binding):
    """Every answer that shows the task failed says why (a non-empty reason): a failure without one
    leaves the user unable to tell a refused prompt from a broken relay."""
    states = tasks.of(surface)
    task.settled("poll")
    silent = [i + 1 for i, a in enumerate(answers(task))
              if tasks.status(states, a) in states.failed and not tasks.reason(states, a)]
    expect(not silent, "a reason with every failed status", f"answer(s) {silent} failed without a reason")


@pytest.mark.check("{surface}/task/result", level="must", source="{source}")
def test_result(task, surface, source, binding):
    """A task that succeeded has its result: a video answers 200 with a video/* content type (the
    job's content, or the relay's `result_url` asked for its headers), a Midjourney imagine's
    `imageUrl` an image/* one, a Suno song's first clip's `audio_url` an audio/* one."""
    states = tasks.of(surface)
    final = task.settled("poll").json_object()
    if tasks.status(states, final) not in states.succeeded:
        pytest.skip(f"the task ended {tasks.status(states, final)!r}: no result to fetch")
    if states.result:
        expect(tasks.result_url(states, final), f"a result URL at {states.result} once the task succeeded",
               final)
    media = MEDIA.get(surface, "video/")
    result = task.answered("result", owner="task/result")
    expect(result.content_type.startswith(media), f"the result served as {media}*",
           f"{result.content_type or 'no content type'} ({result.request.method} {result.url})")
