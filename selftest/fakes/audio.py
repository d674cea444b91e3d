"""POST /v1/audio/speech and /v1/audio/transcriptions, conforming unless an `audio.*` fault says otherwise."""

from __future__ import annotations

import json
import struct
from typing import Any

from llmconform import spec
from llmconform.surfaces.openai_audio import SPOKEN
from selftest.fakes import server
from selftest.fakes.server import FakeRequest, Reply, route


def _wav(samples: int = 800) -> bytes:
    data = b"\x00\x00" * samples
    return (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 24000, 48000,
                                                                                      2, 16)
            + b"data" + struct.pack("<I", len(data)) + data)


# The first bytes of a small file of each format the API names (what a signature reader sees).
FILES = {
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400,
    "wav": _wav(),
    "opus": b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x13OpusHead\x01\x01" + b"\x00" * 300,
    "flac": b"fLaC\x00\x00\x00\x22" + b"\x00" * 300,
    "aac": b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 300,
    "pcm": b"\x01\x00" * 400,
}


def _reject(f: FakeRequest) -> Reply | None:
    body, refused = server.openai_request(f, "audio", "  File \"/srv/tts/speak.py\", line 9, in speech")
    if refused:
        return refused
    problems = spec.load("openai-audio").errors("CreateSpeechRequest", body)
    if problems:
        return server.openai_envelope(400, f"Invalid request: {problems[0]}", "invalid_request_error", f, "audio")
    return None


@route("/v1/audio/speech", reject=_reject)
def speech(f: FakeRequest) -> Reply:
    body: dict[str, Any] = f.json()
    wanted = str(body.get("response_format") or "mp3")
    if f.has("audio.mp3-always"):
        wanted = "mp3"
    if f.has("audio.json-200"):  # a relay wrapping the file in JSON
        return Reply.json({"audio": "SUQzBAAAAAAA", "format": wanted})
    return Reply(body=FILES[wanted], headers={"content-type": "audio/mpeg" if wanted == "mp3" else f"audio/{wanted}"})


def form_fields(f: FakeRequest) -> dict[str, bytes]:
    """The parts of a multipart/form-data body by name (enough of RFC 7578 for the suite's own request)."""
    boundary = f.headers.get("content-type", "").partition("boundary=")[2].encode()
    found = {}
    for part in f.raw.split(b"--" + boundary) if boundary else []:
        head, _, value = part.partition(b"\r\n\r\n")
        name = head.partition(b'name="')[2].partition(b'"')[0].decode()
        if name:
            found[name] = value.removesuffix(b"\r\n")
    return found


@route("/v1/audio/transcriptions")
def transcriptions(f: FakeRequest) -> Reply:
    refused = server.framework_fault(f, "audio", lambda: server.openai_error(500, "boom", "server_error"))
    if refused:
        return refused
    if f.headers.get("authorization", "") != f"Bearer {server.KEY}":
        return server.openai_error(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key")
    fields = form_fields(f)
    if not fields.get("model") or not fields.get("file", b"").startswith(b"RIFF"):
        return server.openai_error(400, "a model and a WAV file are required", "invalid_request_error")
    # The fake cannot listen: it knows the sentence the suite's clip speaks (a WAV it was sent).
    text = SPOKEN
    if f.has("audio.transcript-empty"):
        text = ""
    if f.has("audio.transcript-wrong"):
        text = "Thank you for watching."
    answer: dict[str, Any] = {"text": text, "usage": {"type": "duration", "seconds": 3}}
    if f.has("audio.transcript-field-renamed"):
        answer = {"transcript": text}
    return Reply(body=json.dumps(answer).encode(), headers={"content-type": "application/json"})
