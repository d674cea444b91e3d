"""A new-api relay's Midjourney tasks (/mj/submit/imagine, /mj/task/{id}/fetch), conforming unless an
`mj.*` fault says otherwise: a task moves SUBMITTED → IN_PROGRESS → SUCCESS by one step per fetch,
its imageUrl a PNG this fake serves under /mj-files/. The key is read as new-api's TokenAuth reads
it: `Authorization: Bearer`, or `mj-api-secret` when Authorization is empty or `midjourney-proxy`."""

from __future__ import annotations

import itertools
import time
from typing import Any

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
    if _key(f) != server.KEY:
        return Reply.json({"error": {"message": "invalid token", "type": "new_api_error"}}, 401)
    return None


@route("/mj/submit/imagine", reject=_authorised)
def submit(f: FakeRequest) -> Reply:
    body: dict[str, Any] = f.json()
    task_id = f"{int(time.time() * 1000)}{next(_ids):04d}"
    TASKS.add(task_id, {"id": task_id, "action": "IMAGINE", "prompt": body.get("prompt", ""),
                        "description": "/imagine " + str(body.get("prompt", "")), "status": "SUBMITTED",
                        "progress": "0%", "failReason": "", "imageUrl": "", "submitTime": int(time.time() * 1000)}, f)
    if f.has("mj.submit-no-id"):
        return Reply.json({"code": 1, "description": "Submit success", "properties": {}, "result": ""})
    return Reply.json({"code": 1, "description": "Submit success", "properties": {}, "result": task_id})


@route_prefix("/mj/task/")
def fetch(f: FakeRequest) -> Reply:
    refused = _authorised(f)
    if refused:
        return refused
    parts = f.path.split("?")[0].split("/")  # /mj/task/{id}/fetch
    task_id = parts[3] if len(parts) > 4 and parts[4] == "fetch" else ""
    task = TASKS.fetch(task_id, f)
    if task is None:
        return Reply.json({"code": 4, "description": "task_no_found"}, 404)
    return Reply.json(task)


@route_prefix("/mj-files/")
def files(f: FakeRequest) -> Reply:
    return serve(f, PNG, "image/png", "an image")
