"""embeddings: POST /v1/embeddings."""

from __future__ import annotations

import base64
import binascii
import math
import struct
from typing import Any

from llmconform.surfaces import Surface, common_builders, register

NAME = "embeddings"
PATH = "/v1/embeddings"


def items(data: Any) -> list[dict[str, Any]]:
    """The embedding objects of an answer (anything else in `data` is left out)."""
    found = data.get("data") if isinstance(data, dict) else None
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


def vectors(data: Any) -> list[Any]:
    """The `embedding` values of an answer, in the order given (not checked, not decoded)."""
    return [e.get("embedding") for e in items(data)]


def is_float_vector(value: Any) -> bool:
    """A non-empty list of finite numbers (booleans are not numbers here)."""
    return (isinstance(value, list) and bool(value)
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in value))


def decode_base64(value: Any) -> list[float] | None:
    """A base64 vector as the float32 little-endian array it encodes; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    if not raw or len(raw) % 4:
        return None
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


SURFACE = register(Surface(name=NAME, path=PATH, builders=common_builders(NAME), answer="the embeddings answer"))
