"""One relay task's life, shared by the fakes of the new-api task relays (video, Midjourney, Suno):
each fetch moves the task one step, and the faults of the shared task checks bend that life the
same way whatever the relay calls its fields. A relay's fake names its fields, status words and
fault prefix in a `Life`; the store below keeps its tasks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from selftest.fakes.server import FakeRequest, Reply


@dataclass(frozen=True)
class Life:
    """How one relay spells its task: the fault prefix (`mj`, `relay`), the fields it keeps status,
    progress, reason and result in, its status words, where its results are served and as what."""

    faults: str
    id_field: str
    reason_field: str
    reason: str
    result_field: str
    files: str  # the route prefix the fake serves results under, e.g. "/files/"
    suffix: str  # the result's own ending, e.g. ".mp4"
    not_media: str  # the fault that serves text instead, e.g. "result-not-video"
    running: str = "IN_PROGRESS"
    done: str = "SUCCESS"
    failed: str = "FAILURE"
    unknown: str = "RUNNING"  # a status no relay of this kind uses (the status-unknown fault)
    progress: Callable[[int], Any] = lambda percent: f"{percent}%"
    finished: str = ""  # the field a relay stamps its finish time in (milliseconds), if any

    def has(self, f: FakeRequest, fault: str) -> bool:
        return f.has(f"{self.faults}.{fault}")

    def step(self, task: dict[str, Any], fetches: int, f: FakeRequest) -> None:
        """The task as it stands after this many fetches, as the fault in force has it. The suite
        polls every 10 s: a short life keeps the self-tests quick."""
        life = [(self.running, 60), (self.running, 30), (self.done, 100)] if self.has(f, "progress-back") \
            else [(self.running, 50), (self.done, 100)]
        status, percent = life[min(fetches, len(life) - 1)]
        if self.has(f, "progress-stuck") and status == self.done:
            percent = 50  # the upstream finished; the relay's progress never moved on
        if self.has(f, "status-back") and fetches >= len(life):
            status, percent = self.running, 100  # back from its terminal state
        if (self.has(f, "fails") or self.has(f, "no-reason")) and status == self.done:
            status = self.failed
        task.update(status=status, progress=self.progress(percent))
        task[self.reason_field] = self.reason if status == self.failed and not self.has(f, "no-reason") else ""
        if status == self.done:
            path = "missing" if self.has(f, "result-404") else task[self.id_field]
            kind = ".txt" if self.has(f, self.not_media) else self.suffix
            task[self.result_field] = f"http://{task['host']}{self.files}{path}{kind}"
            if self.finished:
                task[self.finished] = int(time.time() * 1000)


class Tasks:
    """A relay's tasks: each kept with the fetches so far, stepped on every fetch."""

    def __init__(self, life: Life) -> None:
        self.life = life
        self._lock = threading.Lock()
        self._tasks: dict[str, list[Any]] = {}  # task id -> [the task, fetches so far]

    def add(self, task_id: str, task: dict[str, Any], f: FakeRequest) -> None:
        with self._lock:
            self._tasks[task_id] = [{**task, "host": f.headers.get("host", "")}, 0]

    def fetch(self, task_id: str, f: FakeRequest) -> dict[str, Any] | None:
        """The task after one more fetch (None: no such task)."""
        with self._lock:
            found = self._tasks.get(task_id)
            if found is None:
                return None
            self.life.step(found[0], found[1], f)
            found[1] += 1
            task = {k: v for k, v in found[0].items() if k != "host"}
        if self.life.has(f, "status-unknown") and task["status"] == self.life.running:
            task["status"] = self.life.unknown  # not the relay's own word (then done: polling ends)
        return task


    def peek(self, task_id: str) -> dict[str, Any] | None:
        """The task as it stands, not stepped (a list query reads what the relay holds)."""
        with self._lock:
            found = self._tasks.get(task_id)
            return None if found is None else {k: v for k, v in found[0].items() if k != "host"}


def serve(f: FakeRequest, media: bytes, content_type: str, what: str) -> Reply:
    """A result file: `missing…` is not found, `….txt` is text, anything else the media itself."""
    name = f.path.split("?")[0].rsplit("/", 1)[-1]
    if name.startswith("missing"):
        return Reply(status=404, body=b"Not Found", headers={"content-type": "text/plain"})
    if name.endswith(".txt"):
        return Reply(body=f"not {what}".encode(), headers={"content-type": "text/plain"})
    return Reply(body=media, headers={"content-type": content_type})
