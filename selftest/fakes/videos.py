"""The video jobs (/v1/videos), conforming unless a `videos.*` fault says otherwise: a job is
queued when created and moves on by one state per retrieval, to completed."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from llmconform import spec
from selftest.fakes import server
from selftest.fakes.server import FakeRequest, Reply, route, route_prefix

_ids = itertools.count(1)
_lock = threading.Lock()
# job id -> [the job, how many times it was retrieved]
JOBS: dict[str, list[Any]] = {}
# What a job shows at each retrieval: (status, progress); the suite polls every 10 s, so a short life
# keeps the self-tests quick.
LIFE = [("in_progress", 50), ("completed", 100)]
LIFE_BACK = [("in_progress", 60), ("in_progress", 30), ("completed", 100)]
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def _job(body: dict[str, Any], job_id: str) -> dict[str, Any]:
    return {"id": job_id, "object": "video", "model": body.get("model") or "sora-2", "status": "queued",
            "progress": 0, "created_at": int(time.time()), "completed_at": None, "expires_at": None,
            "prompt": body.get("prompt"), "size": body.get("size") or "720x1280",
            "seconds": body.get("seconds") or "4", "remixed_from_video_id": None, "error": None}


def _reject(f: FakeRequest) -> Reply | None:
    body, refused = server.openai_request(f, "videos", "  File \"/srv/videos/jobs.py\", line 2, in create")
    if refused:
        return refused
    problems = spec.load("openai-videos").errors("CreateVideoJsonBody", body)
    if problems:
        return server.openai_envelope(400, f"Invalid request: {problems[0]}", "invalid_request_error", f, "videos")
    return None


@route("/v1/videos", reject=_reject)
def create(f: FakeRequest) -> Reply:
    body: dict[str, Any] = f.json()
    job = _job(body, f"video_{next(_ids):06d}")
    with _lock:
        JOBS[job["id"]] = [job, 0]
    answer = dict(job)
    if f.has("videos.progress-fraction"):
        answer["progress"] = 0.0
    if f.has("videos.status-pending"):
        answer["status"] = "pending"  # not one of the official four
    return Reply.json(answer)


@route_prefix("/v1/videos/")
def job(f: FakeRequest) -> Reply:
    if f.headers.get("authorization", "") != f"Bearer {server.KEY}":
        return server.openai_error(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key")
    parts = f.path.split("?")[0].removeprefix("/v1/videos/").split("/")
    with _lock:
        found = JOBS.get(parts[0])
        if found is None:
            return server.openai_error(404, f"No video found with id '{parts[0]}'", "invalid_request_error")
        if f.method == "DELETE":
            del JOBS[parts[0]]
            return Reply.json({"id": parts[0], "object": "video.deleted", "deleted": True})
        if parts[1:] == ["content"]:
            if found[0]["status"] != "completed" or f.has("videos.content-404"):
                return server.openai_error(404, "the video's content was not found", "invalid_request_error")
            return Reply(body=MP4, headers={"content-type": "video/mp4"})
        _step(found[0], found[1], f)
        found[1] += 1
        answer = dict(found[0])
    if f.has("videos.status-unknown") and answer["status"] == "in_progress":
        answer["status"] = "processing"  # not one of the official four (then completed: polling ends)
    return Reply.json(answer)


def _step(job: dict[str, Any], retrievals: int, f: FakeRequest) -> None:
    """The job as it stands after this many retrievals, as the fault in force has it."""
    life = LIFE_BACK if f.has("videos.progress-back") else LIFE
    status, progress = life[min(retrievals, len(life) - 1)]
    if f.has("videos.status-back") and retrievals >= len(life):
        status = "in_progress"  # back from completed
    if f.has("videos.progress-stuck") and status == "completed":
        progress = 50
    error = None
    if (f.has("videos.fails") or f.has("videos.fails-silently")) and status == "completed":
        status = "failed"
        error = None if f.has("videos.fails-silently") else {"code": "moderation_blocked",
                                                              "message": "The prompt was blocked."}
    job.update(status=status, progress=progress, error=error,
               completed_at=int(time.time()) if status in ("completed", "failed") else None)
