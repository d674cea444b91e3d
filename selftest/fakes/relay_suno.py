"""A new-api relay's Suno tasks (/suno/submit/music, /suno/fetch/{id}, POST /suno/fetch), conforming
unless a `suno.*` fault says otherwise: a task moves NOT_START → IN_PROGRESS → SUCCESS by one step
per fetch, its clips' audio an MP3 this fake serves under /suno-files/."""

from __future__ import annotations

import itertools
import time
from typing import Any

from selftest.fakes import server
from selftest.fakes.server import FakeRequest, Reply, route, route_prefix
from selftest.fakes.tasklife import Life, Tasks, serve

_ids = itertools.count(1)
LIFE = Life(faults="suno", id_field="task_id", reason_field="fail_reason", reason="the lyrics were flagged",
            result_field="audio_url", files="/suno-files/", suffix=".mp3", not_media="result-not-audio")
TASKS = Tasks(LIFE)
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 64


def _authorised(f: FakeRequest) -> Reply | None:
    """The key, or what the relay answers before reading it: a framework's 404 or traceback
    (`suno.detail-404`, `suno.traceback-500`); `suno.auth-open` takes any key, or none."""
    fault = server.framework_fault(f, "suno", lambda: Reply.json(
        {"code": "fail", "message": '  File "/srv/suno/submit.py", line 9, in submit', "data": None}, 500))
    if fault:
        return fault
    if not f.has("suno.auth-open") and f.headers.get("authorization", "") != f"Bearer {server.KEY}":
        return Reply.json({"error": {"message": "invalid token", "type": "new_api_error"}}, 401)
    return None


def _not_found() -> Reply:
    return Reply.json({"code": "task_not_exist", "message": "task_not_exist"}, 400)


def _clips(task: dict[str, Any]) -> dict[str, Any]:
    """The task as new-api shows it: the upstream's clips in `data`, the song's audio in each."""
    url = task.pop("audio_url", "")
    if url:
        task["data"] = [{"id": f"{task['task_id']}-{n}", "audio_url": url, "status": "complete",
                         "title": "Calm piano", "model_name": "chirp-v3-5"} for n in (1, 2)]
    return task


@route("/suno/submit/music", reject=_authorised)
def submit(f: FakeRequest) -> Reply:
    task_id = f"{next(_ids):08d}-suno"
    TASKS.add(task_id, {"task_id": task_id, "action": "MUSIC", "status": "NOT_START", "fail_reason": "",
                        "submit_time": int(time.time()), "progress": "0%", "data": None}, f)
    if f.has("suno.submit-no-id"):
        return Reply.json({"code": "success", "message": "", "data": ""})
    return Reply.json({"code": "success", "message": "", "data": task_id})


@route_prefix("/suno/fetch/", reject=_authorised)
def fetch(f: FakeRequest) -> Reply:
    task = TASKS.fetch(f.path.split("?")[0].rsplit("/", 1)[-1], f)
    return _not_found() if task is None else Reply.json({"code": "success", "message": "", "data": _clips(task)})


@route("/suno/fetch", reject=_authorised)
def listed(f: FakeRequest) -> Reply:
    """The tasks of the ids asked for, as they stand (a list query steps none of them)."""
    ids = f.json().get("ids") or []
    found = [TASKS.peek(str(task_id)) for task_id in ids]
    tasks = [_clips(task) for task in found if task is not None]
    if f.has("suno.list-empty"):
        tasks = []
    return Reply.json({"code": "success", "message": "", "data": tasks})


@route_prefix("/suno-files/")
def files(f: FakeRequest) -> Reply:
    return serve(f, MP3, "audio/mpeg", "audio")
