"""A new-api relay's Midjourney tasks (/mj/submit/imagine and blend, /mj/task/{id}/fetch, the list by
condition), conforming unless an `mj.*` fault says otherwise: a task moves SUBMITTED → IN_PROGRESS →
SUCCESS by one step per fetch, its imageUrl a PNG this fake serves under /mj-files/. The key is read
as new-api's TokenAuth reads it: `Authorization: Bearer`, or `mj-api-secret` when Authorization is
empty or `midjourney-proxy`."""

from __future__ import annotations

import itertools
import time

from selftest.fakes import server
from selftest.fakes.server import FakeRequest, Reply, route, route_prefix
from selftest.fakes.tasklife import Life, Tasks, serve

_ids = itertools.count(1)
LIFE = Life(faults="mj", id_field="id", reason_field="failReason", reason="Banned prompt detected",
            result_field="imageUrl", files="/mj-files/", suffix=".png", not_media="result-not-image",
            finished="finishTime")
TASKS = Tasks(LIFE)
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


def _submitted(f: FakeRequest, action: str, prompt: str, fault: str) -> Reply:
    """A task kept and its id answered (none under `fault`)."""
    task_id = f"{int(time.time() * 1000)}{next(_ids):04d}"
    TASKS.add(task_id, {"id": task_id, "action": action, "prompt": prompt, "description": f"/{action.lower()} "
                        + prompt, "status": "SUBMITTED", "progress": "0%", "failReason": "", "imageUrl": "",
                        "submitTime": int(time.time() * 1000)}, f)
    return Reply.json({"code": 1, "description": "Submit success", "properties": {},
                       "result": "" if f.has(fault) else task_id})


@route("/mj/submit/imagine", reject=_authorised)
def submit(f: FakeRequest) -> Reply:
    return _submitted(f, "IMAGINE", str(f.json().get("prompt", "")), "mj.submit-no-id")


@route("/mj/submit/blend", reject=_authorised)
def blend(f: FakeRequest) -> Reply:
    """midjourney-proxy takes two to five images; fewer or more is its code 4 refusal."""
    images = f.json().get("base64Array") or []
    if not 2 <= len(images) <= 5 or not all(str(i).startswith("data:image/") for i in images):
        return Reply.json({"code": 4, "description": "base64List parameter error", "properties": {}, "result": ""},
                          400)
    return _submitted(f, "BLEND", "", "mj.blend-no-id")


@route("/mj/task/list-by-condition", reject=_authorised)
def listed(f: FakeRequest) -> Reply:
    """The tasks of the ids asked for, as they stand (a list query steps none of them): a JSON array."""
    found = [TASKS.peek(str(task_id)) for task_id in f.json().get("ids") or []]
    tasks = [] if f.has("mj.list-empty") else [task for task in found if task is not None]
    return Reply.json(tasks)


@route_prefix("/mj/task/", reject=_authorised)
def fetch(f: FakeRequest) -> Reply:
    parts = f.path.split("?")[0].split("/")  # /mj/task/{id}/fetch
    task_id = parts[3] if len(parts) > 4 and parts[4] == "fetch" else ""
    task = TASKS.fetch(task_id, f)
    if task is None:
        return Reply.json({"code": 4, "description": "task_no_found"}, 404)
    return Reply.json(task)


@route_prefix("/mj-files/")
def files(f: FakeRequest) -> Reply:
    return serve(f, PNG, "image/png", "an image")
