"""openai-images: POST /v1/images/generations (paid per image: the `images` feature).

The probes ask for one image at the smallest size the model takes, in the form the model takes:
the GPT image models return base64 only and take no `response_format` (openai-python
`image_generate_params.py`), dall-e-2's smallest size is 256x256, every other model's 1024x1024.
"""

from __future__ import annotations

import base64
import binascii
import struct
import zlib
from typing import TYPE_CHECKING, Any

from llmconform import spec
from llmconform.exchange import Request
from llmconform.surfaces import Surface, register
from llmconform.surfaces.openai_audio import BOUNDARY, multipart

if TYPE_CHECKING:
    from llmconform.surfaces import Builder, Probing

NAME = "openai-images"
PATH = "/v1/images/generations"
EDITS = "/v1/images/edits"
EDIT_PROMPT = "Draw a red circle in the middle."
FEATURE = "images"

# The models whose answer is always base64 (openai-openapi CreateImageRequest.response_format).
BASE64_ONLY = ("gpt-image", "chatgpt-image")
# The smallest size each official model family takes (CreateImageRequest.size); others 1024x1024.
SMALLEST = {"dall-e-2": "256x256"}


def base64_only(model: str) -> bool:
    return model.lower().startswith(BASE64_ONLY)


def _sized(probe: str) -> Builder:
    """The spec's probe for the profile's model: its smallest size, and no response_format for a
    model that takes none. A profile's own request for the probe is sent as it stands."""

    def build(target: Probing) -> Request:
        config = target.surface_config(NAME)
        model = target.model(NAME)
        if config is not None and probe in config.requests:
            body = spec.fill_model(config.requests[probe], model)
        else:
            body = spec.fill_model(spec.load(NAME).operation(PATH).probes[probe].value, model)
            body["size"] = smallest(model)
            if base64_only(model):
                body.pop("response_format", None)
        return Request(surface=NAME, probe=probe, method="POST", path=PATH, body=body)

    return build


def smallest(model: str) -> str:
    return next((size for prefix, size in SMALLEST.items() if model.lower().startswith(prefix)), "1024x1024")


def png(width: int, height: int) -> bytes:
    """A grey square PNG (8-bit RGBA, what dall-e-2's edits take), small once compressed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = (b"\x00" + b"\x80\x80\x80\xff" * width) * height
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def _edit(target: Probing) -> Request:
    """A grey square of the smallest size the model takes, and a prompt to draw on it."""
    model = target.model(NAME)
    size = smallest(model)
    width, _, height = size.partition("x")
    fields = {"model": model, "prompt": EDIT_PROMPT, "n": "1", "size": size}
    if not base64_only(model):
        fields["response_format"] = "b64_json"
    body = multipart(fields, "square.png", png(int(width), int(height)), "image/png", name="image")
    return Request(surface=NAME, probe="edit", method="POST", path=EDITS, raw_body=body,
                   headers=(("content-type", f"multipart/form-data; boundary={BOUNDARY}"),))


def images(data: Any) -> list[dict[str, Any]]:
    """The image objects of an answer (anything else in `data` left out)."""
    found = data.get("data") if isinstance(data, dict) else None
    return [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []


# How OpenAI's API reference writes image bytes it leaves out: createImage's documented answer
# (openai-python api_reference/openapi.transformed.yml, x-oaiMeta.examples) holds `"b64_json": "..."`.
# Such an answer elides the image rather than sending a wrong one: nothing there to decode or judge.
ELIDED = "..."


def elided(value: Any) -> bool:
    """Whether an image string is the documents' elision of the bytes (undecided, never a pass)."""
    return value == ELIDED


def decode(value: Any) -> bytes | None:
    """The bytes a base64 image string holds (a `data:` URL's prefix allowed); None when it is not base64."""
    if not isinstance(value, str) or not value:
        return None
    if value.startswith("data:") and "," in value:
        value = value.split(",", 1)[1]
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def image_format(raw: bytes) -> str | None:
    """png, jpeg or webp, by the file's signature (the three output formats the API names)."""
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if raw.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return "webp"
    return None


def dimensions(raw: bytes) -> tuple[int, int] | None:
    """(width, height) from an image's header: PNG's IHDR, JPEG's first SOF segment, WebP's VP8/VP8L/VP8X
    chunk; None when the header cannot be read."""
    kind = image_format(raw)
    if kind == "png" and raw[12:16] == b"IHDR":
        width, height = struct.unpack(">II", raw[16:24])
        return width, height
    if kind == "jpeg":
        return _jpeg_dimensions(raw)
    if kind == "webp":
        chunk = raw[12:16]
        if chunk == b"VP8X" and len(raw) >= 30:
            return 1 + int.from_bytes(raw[24:27], "little"), 1 + int.from_bytes(raw[27:30], "little")
        if chunk == b"VP8 " and len(raw) >= 30:
            width, height = struct.unpack("<HH", raw[26:30])
            return width & 0x3FFF, height & 0x3FFF
        if chunk == b"VP8L" and len(raw) >= 25:
            bits = int.from_bytes(raw[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_dimensions(raw: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 < len(raw):
        if raw[at] != 0xFF:
            return None
        marker = raw[at + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length follows these markers
            at += 2
            continue
        length = struct.unpack(">H", raw[at + 2:at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start of frame
            height, width = struct.unpack(">HH", raw[at + 5:at + 9])
            return width, height
        at += 2 + length
    return None


def requested_size(request: Request) -> tuple[int, int] | None:
    """(width, height) a request asked for with `size: WxH`; None for auto or none."""
    size = request.body.get("size") if isinstance(request.body, dict) else None
    if not isinstance(size, str) or "x" not in size:
        return None
    width, _, height = size.partition("x")
    return (int(width), int(height)) if width.isdigit() and height.isdigit() else None


SURFACE = register(Surface(name=NAME, path=PATH, builders={"basic": _sized("basic"), "url": _sized("url"),
                                                             "edit": _edit}))
