"""openai-videos: an asynchronous video job (paid per second of video: the `video` feature) —
POST /v1/videos creates it, GET /v1/videos/{video_id} tells its state, GET .../content gives the
MP4, DELETE removes it."""

from __future__ import annotations

from llmconform.surfaces import Surface, register

NAME = "openai-videos"
PATH = "/v1/videos"

SURFACE = register(Surface(name=NAME, path=PATH))
