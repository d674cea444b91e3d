"""Keys never leave the process: every text the suite writes passes through a Redactor."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any, TextIO
from urllib.parse import quote, quote_plus

MASK = "<redacted>"
SECRET_HEADERS = frozenset({"authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie",
                            "proxy-authorization"})
SECRET_QUERY_KEYS = frozenset({"key", "api_key", "apikey"})
# Shapes of real keys, masked even when no profile named them (a key pasted into a body, say).
_KEY_SHAPES = re.compile(r"(sk-ant-[A-Za-z0-9_\-]{16,}|sk-[A-Za-z0-9_\-]{16,}|AIza[0-9A-Za-z_\-]{30,})")


class Redactor:
    """Masks the registered secret values, and anything shaped like a provider key."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        # Very short values would mask innocent text everywhere; no real key is that short.
        if secret and len(secret) >= 6:
            # A key sent as the ?key= query parameter can be shown percent-encoded in a URL.
            self._secrets.update({secret, quote(secret, safe=""), quote_plus(secret)})

    def text(self, value: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            value = value.replace(secret, MASK)
        return _KEY_SHAPES.sub(MASK, value)

    def bytes(self, value: bytes) -> bytes:
        if not value:
            return value
        for secret in self._secrets:
            value = value.replace(secret.encode(), MASK.encode())
        return value

    def data(self, value: Any) -> Any:
        """Redact strings anywhere inside JSON-like data."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: (MASK if str(k).lower() in SECRET_HEADERS else self.data(v)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value

    def headers(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Secret headers keep their scheme (`Bearer <redacted>`), so a reproduction stays usable."""
        shown = {}
        for name, value in headers:
            if name.lower() in SECRET_HEADERS:
                scheme, _, rest = value.partition(" ")
                value = f"{scheme} {MASK}" if rest and scheme.lower() in ("bearer", "basic") else MASK
            shown[name] = self.text(value)
        return shown


class RedactingStream(io.TextIOBase):
    """A text stream that masks secrets before they reach the terminal or a log."""

    def __init__(self, inner: TextIO, redactor: Redactor) -> None:
        self._inner = inner
        self._redactor = redactor

    def write(self, s: str) -> int:
        self._inner.write(self._redactor.text(s))
        return len(s)

    def flush(self) -> None:
        self._inner.flush()

    def isatty(self) -> bool:
        return self._inner.isatty()

    def fileno(self) -> int:
        return self._inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._inner, "encoding", "utf-8")
