"""openai-audio: POST /v1/audio/speech (the `speech` feature) and POST /v1/audio/transcriptions
(the `transcription` feature), both paid.

Speech answers a file, not JSON: its requests are `binary` (the spec's 200 is
application/octet-stream), and the format is told by the file's own signature. The transcription
is sent a clip of a known sentence: espeak-ng's, made on the spot where it is installed, else the
WAV the package ships (made once with espeak-ng, 11025 Hz mono).
"""

from __future__ import annotations

import difflib
import functools
import re
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from llmconform.exchange import Request
from llmconform.surfaces import Surface, register

if TYPE_CHECKING:
    from llmconform.surfaces import Probing

NAME = "openai-audio"
PATH = "/v1/audio/speech"
TRANSCRIPTIONS = "/v1/audio/transcriptions"
# The sentence the clip speaks (the packaged WAV says exactly this).
SPOKEN = "The quick brown fox jumps over the lazy dog."
BOUNDARY = "llmconform-clip-boundary"


@functools.cache
def clip() -> tuple[str, bytes]:
    """(how it was made, the WAV bytes) of SPOKEN: espeak-ng's own voice where it is installed,
    else the packaged file."""
    espeak = shutil.which("espeak-ng")
    if espeak:
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch) / "clip.wav"
            try:
                subprocess.run([espeak, "-v", "en-us", "-s", "150", "-w", str(out), SPOKEN], check=True,
                               capture_output=True, timeout=30)
                return "espeak-ng", out.read_bytes()
            except (OSError, subprocess.SubprocessError):
                pass  # the packaged clip says the same
    return "packaged", resources.files("llmconform").joinpath("media/fox.wav").read_bytes()


def multipart(fields: dict[str, str], filename: str | None, content: bytes, content_type: str,
              name: str = "file") -> bytes:
    """A multipart/form-data body: the text fields, then the file under `name` (RFC 7578); no file
    part when `filename` is None (a form of fields alone, as createVideo's documented request)."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"\r\n\r\n{value}\r\n'.encode()
             for field, value in fields.items()]
    if filename is not None:
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _transcription(target: Probing) -> Request:
    """The clip, transcribed as JSON in English, by the profile's transcription model; or with the
    form fields of the profile's documented request (a file it names, `@audio.mp3`, is the clip)."""
    config = target.surface_config(NAME)
    model = config.model_for("transcription") if config is not None else target.model(NAME)
    fields = {"model": model, "response_format": "json", "language": "en"}
    if config is not None and "transcription" in config.requests:
        fields = {k: str(v).replace("{model}", model) for k, v in config.requests["transcription"].items()
                  if not str(v).startswith("@")}
    _, wav = clip()
    body = multipart(fields, "clip.wav", wav, "audio/wav")
    return Request(surface=NAME, probe="transcription", method="POST", path=TRANSCRIPTIONS, raw_body=body,
                   headers=(("content-type", f"multipart/form-data; boundary={BOUNDARY}"),))


def audio_format(raw: bytes) -> str | None:
    """The audio container a file's first bytes name: mp3 (an ID3 tag or an MPEG audio frame), wav
    (RIFF/WAVE), opus (an Ogg page holding OpusHead), flac (fLaC), aac (an ADTS frame, or an MP4
    `ftyp` box); None when no signature matches (pcm has none)."""
    if raw.startswith(b"ID3"):
        return "mp3"
    if len(raw) >= 2 and raw[0] == 0xFF and raw[1] & 0xE0 == 0xE0:
        layer = (raw[1] >> 1) & 0x03
        return "aac" if layer == 0 else "mp3"  # ADTS is an MPEG sync word with layer 00
    if raw[:4] == b"RIFF" and raw[8:12] == b"WAVE":
        return "wav"
    if raw.startswith(b"OggS"):
        return "opus" if b"OpusHead" in raw[:200] else "ogg"
    if raw.startswith(b"fLaC"):
        return "flac"
    if raw[4:8] == b"ftyp":
        return "aac"
    return None


def matches_format(raw: bytes, wanted: str) -> bool:
    """The file is of the format asked for; pcm (raw 16-bit samples, no header) is any even number
    of bytes that no container's signature claims."""
    if wanted == "pcm":
        return bool(raw) and len(raw) % 2 == 0 and audio_format(raw) is None
    return audio_format(raw) == wanted


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def closeness(heard: str, spoken: str = SPOKEN) -> float:
    """How close a transcript is to the spoken sentence, word by word (0..1; case and punctuation
    do not count)."""
    return difflib.SequenceMatcher(None, words(heard), words(spoken)).ratio()


SURFACE = register(Surface(name=NAME, path=PATH, builders={"transcription": _transcription}))
