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


# A match is a whole token only when its neighbours are none of these (word characters and the
# hyphen keys are joined with; a dot, a slash, a quote or a space ends a token).
_TOKEN_CHARS = "A-Za-z0-9_\\-"
WEAK_LENGTH = 8
# A weak key is still masked right after the words that introduce a key in an echo ("Incorrect API
# key provided: upstream", "Bearer upstream"), never wherever its letters happen to occur.
_KEY_WORDS = (r"(?:api[ _-]?key|key|token|bearer|secret|password|authorization|x-api-key)"
              r"[\s\"':=,]{1,4}(?:provided[:\s]+)?")


def weak_reason(secret: str) -> str | None:
    """Why a key cannot be told apart from ordinary text (too short, a plain word), or None."""
    if len(secret) < WEAK_LENGTH:
        return f"shorter than {WEAK_LENGTH} characters"
    if secret.isalpha() and len(secret) <= 24:
        return "a plain word (letters only)"
    return None


class Redactor:
    """Masks the registered secret values, as whole tokens, and anything shaped like a provider key.

    A key is masked where it is sent (its header, its query parameter: by position, whatever it
    is) and wherever the provider echoes it back, as a whole token: `sk-abc` inside `sk-abcdef`, or
    the key `upstream` inside the model name `hosted_vllm/upstream-model`, is ordinary text. A weak
    key (short, or a plain word) is masked in text only right after a word that introduces a key,
    so the evidence is not smeared with `<redacted>`; `weak` says which, for a one-line warning.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self.weak: list[tuple[str, str]] = []  # (secret, why), never printed with the secret
        self._weak_forms: set[str] = set()
        self._strong: re.Pattern[str] | None = None
        self._echoed: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if not secret or secret in self._secrets:
            return
        # A key sent as the ?key= query parameter can be shown percent-encoded in a URL: those forms
        # are masked too (a weak key's forms are as weak; the warning names the key once).
        forms = {secret, quote(secret, safe=""), quote_plus(secret)}
        self._secrets.update(forms)
        why = weak_reason(secret)
        if why:
            self.weak.append((secret, why))
            self._weak_forms.update(forms)
        strong = sorted(self._secrets - self._weak_forms, key=len, reverse=True)
        weak = sorted(self._weak_forms, key=len, reverse=True)
        self._strong = _whole_tokens(strong)
        self._echoed = re.compile(f"(?i:{_KEY_WORDS})(?-i:{_alternatives(weak)})(?![{_TOKEN_CHARS}])") \
            if weak else None

    def text(self, value: str) -> str:
        if self._strong is not None:
            value = self._strong.sub(MASK, value)
        if self._echoed is not None:
            value = self._echoed.sub(lambda m: m.group(0)[: len(m.group(0)) - len(_echo_of(m))] + MASK, value)
        return _KEY_SHAPES.sub(MASK, value)

    def bytes(self, value: bytes) -> bytes:
        if not value:
            return value
        text = value.decode("utf-8", errors="surrogateescape")
        redacted = self.text_secrets_only(text)
        return value if redacted == text else redacted.encode("utf-8", errors="surrogateescape")

    def text_secrets_only(self, value: str) -> str:
        """The registered secrets masked, key shapes left alone (cassette bodies keep their bytes)."""
        if self._strong is not None:
            value = self._strong.sub(MASK, value)
        if self._echoed is not None:
            value = self._echoed.sub(lambda m: m.group(0)[: len(m.group(0)) - len(_echo_of(m))] + MASK, value)
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


def _alternatives(secrets: list[str]) -> str:
    return "(" + "|".join(re.escape(s) for s in secrets) + ")"


def _whole_tokens(secrets: list[str]) -> re.Pattern[str] | None:
    if not secrets:
        return None
    return re.compile(f"(?<![{_TOKEN_CHARS}]){_alternatives(secrets)}(?![{_TOKEN_CHARS}])")


def _echo_of(match: re.Match[str]) -> str:
    return match.group(1)


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
