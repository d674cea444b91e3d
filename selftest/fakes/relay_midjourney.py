"""A new-api relay's Midjourney tasks (/mj/submit/imagine, /mj/task/{id}/fetch), conforming unless an
`mj.*` fault says otherwise: a task moves SUBMITTED → IN_PROGRESS → SUCCESS by one step per fetch,
its imageUrl a PNG this fake serves under /mj-files/. The key is read as new-api's TokenAuth reads
it: `Authorization: Bearer`, or `mj-api-secret` when Authorization is empty or `midjourney-proxy`."""

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
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _key(f: FakeRequest) -> str:
    bearer = f.headers.get("authorization", "")
    bearer = bearer[7:].strip() if bearer.lower().startswith("bearer ") else bearer.strip()
    if bearer in ("", "midjourney-proxy"):
        return f.headers.get("mj-api-secret", "").strip()
    return bearer


def _authorised(f: FakeRequest) -> Reply | None:
    """The key, or what the relay answers before reading it: a framework's 404 or traceback
    (`mj.detail-404`, `mj.traceback-500`); `mj.auth-open` takes any key, or none."""
    fault = server.framework_fault(f, "mj", lambda: Reply.json(
        {"code": 500, "description": '  File "/srv/mj/imagine.py", line 5, in submit'}, 500))
    if fault:
        return fault
    if not f.has("mj.auth-open") and _key(f) != server.KEY:
        return Reply.json({"error": {"message": "invalid token", "type": "new_api_error"}}, 401)
    return None


@route("/mj/submit/imagine")
def submit(f: FakeRequest) -> Reply:
    refused = _authorised(f)
    if refused:
        return refused
    body: dict[str, Any] = f.json()
    task_id = f"{int(time.time() * 1000)}{next(_ids):04d}"
    with _lock:
        TASKS[task_id] = [{"id": task_id, "action": "IMAGINE", "prompt": body.get("prompt", ""), "description":
                           "/imagine " + str(body.get("prompt", "")), "status": "SUBMITTED", "progress": "0%",
                           "failReason": "", "imageUrl": "", "submitTime": int(time.time() * 1000),
                           "host": f.headers.get("host", "")}, 0]
    if f.has("mj.submit-no-id"):
        return Reply.json({"code": 1, "description": "Submit success", "properties": {}, "result": ""})
    return Reply.json({"code": 1, "description": "Submit success", "properties": {}, "result": task_id})


def _step(task: dict[str, Any], fetches: int, f: FakeRequest) -> None:
    """The task as it stands after this many fetches, as the fault in force has it."""
    status, progress = LIFE[min(fetches, len(LIFE) - 1)]
    if f.has("mj.progress-back"):
        status, progress = [("IN_PROGRESS", "60%"), ("IN_PROGRESS", "30%"), ("SUCCESS", "100%")][min(fetches, 2)]
    if f.has("mj.progress-stuck") and status == "SUCCESS":
        progress = "50%"  # the upstream finished; the relay's progress never moved on
    if f.has("mj.status-back") and fetches >= len(LIFE):
        status, progress = "IN_PROGRESS", "100%"  # back from SUCCESS
    if (f.has("mj.fails") or f.has("mj.no-reason")) and status == "SUCCESS":
        status = "FAILURE"
    task.update(status=status, progress=progress)
    task["failReason"] = "Banned prompt detected" if status == "FAILURE" and not f.has("mj.no-reason") else ""
    if status == "SUCCESS":
        path = "missing" if f.has("mj.result-404") else task["id"]
        kind = ".txt" if f.has("mj.result-not-image") else ".png"
        task["imageUrl"] = f"http://{task['host']}/mj-files/{path}{kind}"
        task["finishTime"] = int(time.time() * 1000)


@route_prefix("/mj/task/")
def fetch(f: FakeRequest) -> Reply:
    refused = _authorised(f)
    if refused:
        return refused
    parts = f.path.split("?")[0].split("/")  # /mj/task/{id}/fetch
    task_id = parts[3] if len(parts) > 4 and parts[4] == "fetch" else ""
    with _lock:
        found = TASKS.get(task_id)
        if found is None:
            return Reply.json({"code": 4, "description": "task_no_found"}, 404)
        _step(found[0], found[1], f)
        found[1] += 1
        task = {k: v for k, v in found[0].items() if k != "host"}
    if f.has("mj.status-unknown") and task["status"] == "IN_PROGRESS":
        task["status"] = "RUNNING"  # not midjourney-proxy's (then SUCCESS: polling ends)
    return Reply.json(task)


@route_prefix("/mj-files/")
def files(f: FakeRequest) -> Reply:
    name = f.path.split("?")[0].rsplit("/", 1)[-1]
    if name.startswith("missing"):
        return Reply(status=404, body=b"Not Found", headers={"content-type": "text/plain"})
    if name.endswith(".txt"):
        return Reply(body=b"not an image", headers={"content-type": "text/plain"})
    return Reply(body=PNG, headers={"content-type": "image/png"})
