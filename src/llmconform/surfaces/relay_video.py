"""relay-video: the asynchronous video task of relays built on new-api (paid per video: the
`video` feature) — POST /v1/video/generations, then GET /v1/video/generations/{task_id}."""

from __future__ import annotations

from llmconform.surfaces import Surface, register

NAME = "relay-video"
PATH = "/v1/video/generations"

SURFACE = register(Surface(name=NAME, path=PATH))
