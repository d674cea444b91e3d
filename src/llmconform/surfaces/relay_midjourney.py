"""relay-midjourney: the Midjourney task of relays built on new-api (paid per imagine: the
`images` feature) — POST /mj/submit/imagine, then GET /mj/task/{id}/fetch."""

from __future__ import annotations

from llmconform.surfaces import Surface, register

NAME = "relay-midjourney"
PATH = "/mj/submit/imagine"

SURFACE = register(Surface(name=NAME, path=PATH))
