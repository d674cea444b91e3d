"""A new-api relay's video tasks (/v1/video/generations), conforming unless a `relay.*` fault says
otherwise: a task moves NOT_START → IN_PROGRESS → SUCCESS by one step per fetch, its result an MP4
this fake serves under /files/."""

from __future__ import annotations

import itertools
import time
from typing import Any

from selftest.fakes import server
from selftest.fakes.server import FakeRequest, Reply, route, route_prefix
from selftest.fakes.tasklife import Life, Tasks, serve

_ids = itertools.count(1)
LIFE = Life(faults="relay", id_field="task_id", reason_field="fail_reason", reason="upstream rejected the prompt",
            result_field="result_url", files="/files/", suffix=".mp4", not_media="result-not-video")
TASKS = Tasks(LIFE)
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


@route("/v1/video/generations", reject=_authorised)
def submit(f: FakeRequest) -> Reply:
    body: dict[str, Any] = f.json()
    task_id = f"task_{next(_ids):08d}"
    TASKS.add(task_id, {"task_id": task_id, "action": "generate", "status": "NOT_START", "fail_reason": "",
                        "submit_time": int(time.time()), "progress": "0%"}, f)
    answer: dict[str, Any] = {"id": task_id, "task_id": task_id, "object": "video", "model": body.get("model"),
                              "status": "queued", "progress": 0, "created_at": int(time.time())}
    if f.has("relay.submit-no-id"):
        answer = {"code": "success", "message": "submitted"}
    return Reply.json(answer)


@route_prefix("/v1/video/generations/", reject=_authorised)
def fetch(f: FakeRequest) -> Reply:
    task_id = f.path.split("?")[0].rsplit("/", 1)[-1]
    task = TASKS.fetch(task_id, f)
    if task is None:
        return Reply.json({"code": "task_not_exist", "message": "task_not_exist"}, 400)
    return Reply.json({"code": "success", "message": "", "data": task})


@route_prefix("/files/")
def files(f: FakeRequest) -> Reply:
    return serve(f, MP4, "video/mp4", "a video")
