"""POST /v1/images/generations, conforming unless an `images.*` fault says otherwise."""

from __future__ import annotations

import base64
import json
import struct
import time
import zlib
from typing import Any

from llmconform import spec
from selftest.fakes import server
from selftest.fakes.audio import form_fields
from selftest.fakes.server import FakeRequest, Reply, route


def png(width: int, height: int) -> bytes:
    """A grey PNG of this size (8-bit greyscale, one filter byte per row): what a header reader sees."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = (b"\x00" + b"\x80" * width) * height
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def _reject(f: FakeRequest) -> Reply | None:
    body, refused = server.openai_request(f, "images", "  File \"/srv/images/generate.py\", line 3, in create")
    if refused:
        return refused
    problems = spec.load("openai-images").errors("CreateImageRequest", body)
    if problems:
        return server.openai_envelope(400, f"Invalid request: {problems[0]}", "invalid_request_error", f, "images")
    return None


@route("/v1/images/generations", reject=_reject)
def generations(f: FakeRequest) -> Reply:
    body: dict[str, Any] = f.json()
    size = str(body.get("size") or "1024x1024")
    width, _, height = size.partition("x")
    shape = (int(width), int(height)) if width.isdigit() and height.isdigit() else (1024, 1024)
    if f.has("images.size-ignored"):
        shape = (64, 64)
    image = png(*shape)
    if f.has("images.b64-not-an-image"):
        image = b"<html>quota exceeded</html>"
    wants_url = body.get("response_format") == "url" and not f.has("images.url-ignored")
    items = []
    for index in range(int(body.get("n") or 1)):
        if wants_url:
            items.append({"url": f"https://images.example.invalid/{index}.png"})
        else:
            items.append({"b64_json": base64.b64encode(image).decode()})
    if f.has("images.one-short"):
        items = items[:-1]
    answer: dict[str, Any] = {"data": items}
    if not f.has("images.created-missing"):
        answer["created"] = int(time.time())
    if f.has("images.content-type-text"):
        return Reply(body=json.dumps(answer).encode(), headers={"content-type": "text/plain"})
    return Reply.json(answer)


@route("/v1/images/edits")
def edits(f: FakeRequest) -> Reply:
    if f.headers.get("authorization", "") != f"Bearer {server.KEY}":
        return server.openai_error(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key")
    fields = form_fields(f)
    if not fields.get("prompt") or not fields.get("image", b"").startswith(b"\x89PNG"):
        return server.openai_error(400, "an image (PNG) and a prompt are required", "invalid_request_error")
    if f.has("images.edit-500"):
        return server.openai_error(500, "The server had an error while processing your request.", "server_error")
    size = fields.get("size", b"1024x1024").decode()
    width, _, height = size.partition("x")
    image = png(int(width), int(height)) if width.isdigit() and height.isdigit() else png(1024, 1024)
    return Reply.json({"created": int(time.time()), "data": [{"b64_json": base64.b64encode(image).decode()}]})
