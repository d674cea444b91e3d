"""A new-api relay's video tasks (/v1/video/generations), conforming unless a `relay.*` fault says
otherwise: a task moves NOT_START → IN_PROGRESS → SUCCESS by one step per fetch, its result an MP4
this fake serves under /files/."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from selftest.fakes import server
from selftest.fakes.server import FakeRequest, Reply, route, route_prefix

_ids = itertools.count(1)
_lock = threading.Lock()
TASKS: dict[str, list[Any]] = {}  # task id -> [the task, fetches so far]
# What a task shows at each fetch (the suite polls every 10 s: a short life keeps the self-tests quick).
LIFE = [("IN_PROGRESS", "50%"), ("SUCCESS", "100%")]
LIFE_BACK = [("IN_PROGRESS", "60%"), ("IN_PROGRESS", "30%"), ("SUCCESS", "100%")]
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def _authorised(f: FakeRequest) -> Reply | None:
    """The key, or what the relay answers before reading it: a framework's 404 or traceback
    (`relay.detail-404`, `relay.traceback-500`); `relay.auth-open` takes any key, or none."""
    fault = server.framework_fault(f, "relay", lambda: server.openai_error(
        500, '  File "/srv/relay/task.py", line 7, in submit', "server_error"))
    if fault:
        return fault
    if not f.has("relay.auth-open") and f.headers.get("authorization", "") != f"Bearer {server.KEY}":
        return server.openai_error(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key")
    return None


@route("/v1/video/generations")
def submit(f: FakeRequest) -> Reply:
    refused = _authorised(f)
    if refused:
        return refused
    body: dict[str, Any] = f.json()
    task_id = f"task_{next(_ids):08d}"
    with _lock:
        TASKS[task_id] = [{"task_id": task_id, "action": "generate", "status": "NOT_START", "fail_reason": "",
                           "submit_time": int(time.time()), "progress": "0%", "host": f.headers.get("host", "")}, 0]
    answer: dict[str, Any] = {"id": task_id, "task_id": task_id, "object": "video", "model": body.get("model"),
                              "status": "queued", "progress": 0, "created_at": int(time.time())}
    if f.has("relay.submit-no-id"):
        answer = {"code": "success", "message": "submitted"}
    return Reply.json(answer)


def _step(task: dict[str, Any], fetches: int, f: FakeRequest) -> None:
    """The task as it stands after this many fetches, as the fault in force has it."""
    life = LIFE_BACK if f.has("relay.progress-back") else LIFE
    status, progress = life[min(fetches, len(life) - 1)]
    if f.has("relay.progress-stuck") and status == "SUCCESS":
        progress = "50%"  # the upstream finished; the relay's progress never moved on
    if f.has("relay.status-back") and fetches >= len(life):
        status, progress = "IN_PROGRESS", "100%"  # back from SUCCESS
    if (f.has("relay.fails") or f.has("relay.no-reason")) and status == "SUCCESS":
        status = "FAILURE"
    task.update(status=status, progress=progress)
    task["fail_reason"] = "upstream rejected the prompt" if status == "FAILURE" and not f.has("relay.no-reason") else ""
    if status == "SUCCESS":
        path = "missing" if f.has("relay.result-404") else task["task_id"]
        kind = ".txt" if f.has("relay.result-not-video") else ".mp4"
        task["result_url"] = f"http://{task['host']}/files/{path}{kind}"


@route_prefix("/v1/video/generations/")
def fetch(f: FakeRequest) -> Reply:
    refused = _authorised(f)
    if refused:
        return refused
    task_id = f.path.split("?")[0].rsplit("/", 1)[-1]
    with _lock:
        found = TASKS.get(task_id)
        if found is None:
            return Reply.json({"code": "task_not_exist", "message": "task_not_exist"}, 400)
        _step(found[0], found[1], f)
        found[1] += 1
        task = {k: v for k, v in found[0].items() if k != "host"}
    if f.has("relay.status-unknown") and task["status"] == "IN_PROGRESS":
        task["status"] = "RUNNING"  # not new-api's (then SUCCESS: polling ends)
    return Reply.json({"code": "success", "message": "", "data": task})


@route_prefix("/files/")
def files(f: FakeRequest) -> Reply:
    name = f.path.split("?")[0].rsplit("/", 1)[-1]
    if name.startswith("missing"):
        return Reply(status=404, body=b"Not Found", headers={"content-type": "text/plain"})
    if name.endswith(".txt"):
        return Reply(body=b"not a video", headers={"content-type": "text/plain"})
    return Reply(body=MP4, headers={"content-type": "video/mp4"})
