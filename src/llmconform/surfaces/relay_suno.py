"""relay-suno: the Suno music task of relays built on new-api (paid per song: the `music`
feature) — POST /suno/submit/music, then GET /suno/fetch/{id} and the list query POST /suno/fetch."""

from __future__ import annotations

from llmconform.surfaces import Surface, register

NAME = "relay-suno"
PATH = "/suno/submit/music"

SURFACE = register(Surface(name=NAME, path=PATH))
