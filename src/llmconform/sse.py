"""Server-sent events, decoded with httpx-sse while the raw framing is kept for the checks.

httpx-sse's decoder hides what a framing check needs (whether an `event:` line was present,
comments, where the bytes stopped being UTF-8), so lines are fed to it here and that is noted
beside each event.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from typing import Any

from httpx_sse._decoders import SSEDecoder, SSELineDecoder

NOT_JSON = object()


@dataclass
class Event:
    """One dispatched SSE event."""

    event: str | None  # the `event:` field as sent, None when the line was absent
    data: str
    raw: str  # the lines that made it, as received
    t_ms: float  # arrival time since the request was sent
    index: int

    @property
    def name(self) -> str:
        return self.event or "message"

    def json(self) -> Any:
        """The data parsed as JSON, or NOT_JSON."""
        try:
            return json.loads(self.data)
        except ValueError:
            return NOT_JSON


@dataclass
class Framing:
    """What the raw stream showed beyond its events."""

    comments: list[str] = field(default_factory=list)
    invalid_utf8_at: int | None = None  # byte offset of the first invalid UTF-8 sequence
    trailing: str = ""  # bytes after the last blank line: an event never dispatched


class StreamParser:
    """Feed raw chunks as they arrive; collects events and framing facts."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.framing = Framing()
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="strict")
        self._lines = SSELineDecoder()
        self._decoder = SSEDecoder()
        self._offset = 0
        self._raw: list[str] = []
        self._named = False

    def feed(self, chunk: bytes, t_ms: float) -> None:
        try:
            text = self._utf8.decode(chunk)
        except UnicodeDecodeError as exc:
            if self.framing.invalid_utf8_at is None:
                self.framing.invalid_utf8_at = self._offset + exc.start
            self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
            text = chunk.decode("utf-8", errors="replace")
        self._offset += len(chunk)
        if text:
            for line in self._lines.decode(text):
                self._line(line, t_ms)

    def close(self, t_ms: float) -> None:
        for line in self._lines.flush():
            self._line(line, t_ms)
        if self._raw:
            self.framing.trailing = "\n".join(self._raw)

    def _line(self, line: str, t_ms: float) -> None:
        if line.startswith(":"):
            self.framing.comments.append(line[1:].strip())
            return
        if line:
            self._raw.append(line)
            if line.partition(":")[0] == "event":
                self._named = True
        sse = self._decoder.decode(line)
        if sse is None:
            if not line:
                self._raw, self._named = [], False
            return
        self.events.append(Event(event=sse.event if self._named else None, data=sse.data,
                                 raw="\n".join(self._raw), t_ms=t_ms, index=len(self.events)))
        self._raw, self._named = [], False


def parse(body: bytes) -> tuple[list[Event], Framing]:
    """Parse a whole recorded stream at once (replay, tests)."""
    parser = StreamParser()
    parser.feed(body, 0.0)
    parser.close(0.0)
    return parser.events, parser.framing
