"""One request, its complete answer and its timings: what every check reads."""

from __future__ import annotations

import hashlib
import json
import shlex
from dataclasses import dataclass, field
from typing import Any

from llmconform.redact import MASK
from llmconform.sse import NOT_JSON, Event, Framing
from llmconform.verdict import Error, Fail, excerpt

# Problems the provider caused: checks that read the exchange fail on them.
PROVIDER_FAULTS = {
    "stalled": "the answer stopped arriving before it was complete",
    "never-ended": "the stream was still going when the exchange time cap ran out",
    "reset": "the connection broke before the answer was complete",
    "too-slow": "the body was still arriving when the exchange time cap ran out",
    "too-large": "the answer exceeded the response size cap",
    "bad-encoding": "the body could not be decoded as its Content-Encoding says",
}
# Problems that leave the check undecided.
UNDECIDED = {
    # No answer at all within the limit: a busy server's queue, not a broken rule (a stream that
    # starts and then stalls is the provider's fault, above).
    "timeout": "no answer within the time limit",
    "budget": "the request budget was spent before this exchange",
    "rate-limited": "still rate-limited (429) after the bounded retries",
    "unreachable": "the base URL could not be reached",
    "transport": "the request could not be sent",
}
NOT_RECORDED = "not-recorded"

AUTH_STATES = ("valid", "none", "wrong")
WRONG_KEY = "llmconform-wrong-key-0000000000"


@dataclass(frozen=True)
class Request:
    surface: str
    probe: str
    method: str
    path: str  # below the base URL, e.g. /v1/chat/completions
    body: Any = None  # JSON body; ignored when raw_body is given
    raw_body: bytes | None = None  # sent as-is (malformed JSON probes)
    auth: str = "valid"
    headers: tuple[tuple[str, str], ...] = ()
    # Requests that must be refused: once a 2xx stream shows it was served, stop reading, so a
    # lax server does not generate without limit at the run's expense.
    refusal_expected: bool = False

    @property
    def content(self) -> bytes:
        if self.raw_body is not None:
            return self.raw_body
        if self.body is None:
            return b""
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode()

    @property
    def stream(self) -> bool:
        return isinstance(self.body, dict) and self.body.get("stream") is True

    @property
    def output_limit(self) -> int | None:
        """The output-token limit the request sets, whatever the surface calls it."""
        if not isinstance(self.body, dict):
            return None
        for name in ("max_tokens", "max_completion_tokens", "max_output_tokens"):
            value = self.body.get(name)
            if isinstance(value, int):
                return value
        config = self.body.get("generationConfig")
        if isinstance(config, dict) and isinstance(config.get("maxOutputTokens"), int):
            return int(config["maxOutputTokens"])
        return None

    @property
    def key(self) -> str:
        """Identity for the session cache: the same request is sent once."""
        digest = hashlib.sha256()
        for part in (self.method, self.path, self.auth, repr(self.headers)):
            digest.update(part.encode() + b"\0")
        digest.update(self.content)
        return digest.hexdigest()


@dataclass
class Timings:
    headers_ms: float | None = None
    first_byte_ms: float | None = None
    total_ms: float | None = None


@dataclass
class Exchange:
    request: Request
    url: str
    sent_headers: dict[str, str]  # as sent, secrets masked
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    events: list[Event] | None = None  # set when the answer was an event stream
    framing: Framing | None = None
    problem: str | None = None
    problem_detail: str = ""
    timings: Timings = field(default_factory=Timings)
    attempts: int = 0
    key_env: str | None = None  # the variable a reproduction line names instead of the key
    alone: bool = False  # sent with nothing else in flight: its timings are the provider's own

    # -- what arrived -------------------------------------------------------------------------

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def is_event_stream(self) -> bool:
        return self.content_type == "text/event-stream"

    def excerpt(self) -> str:
        return excerpt(self.body)

    def require(self) -> None:
        """Stop a check that cannot be decided from this exchange: skip or error, never pass."""
        import pytest

        if self.problem == NOT_RECORDED:
            pytest.skip(f"not documented: no recorded exchange for probe '{self.request.probe}'")
        if self.problem in UNDECIDED:
            raise Error(self.problem, self.problem_detail or UNDECIDED[self.problem])

    def complete(self) -> None:
        """Fail when the provider broke off the answer (stall, reset, size cap, endless stream)."""
        self.require()
        if self.problem in PROVIDER_FAULTS:
            raise Fail("a complete answer", f"{PROVIDER_FAULTS[self.problem]} ({self.problem_detail}); "
                       f"first bytes: {self.excerpt() or '(none)'}", problem=self.problem)

    def json(self) -> Any:
        """The body as JSON; a body that is not (an HTML page, truncated JSON) fails with its first bytes."""
        self.complete()
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Fail("a JSON body", f"{self.content_type or 'no content type'}, {exc.__class__.__name__}: "
                       f"{str(exc)[:80]}; first bytes: {self.excerpt() or '(empty)'}") from None

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise Fail("a JSON object", data)
        return data

    def stream_events(self) -> list[Event]:
        """The events of a stream answer; fails when the answer is not an event stream."""
        self.complete()
        if self.events is None:
            raise Fail("a text/event-stream answer", f"status {self.status}, {self.content_type or 'no content type'}: "
                       f"{self.excerpt() or '(empty)'}")
        return self.events

    def data_events(self) -> list[tuple[Event, Any]]:
        """Every event with its data parsed; an event whose data is not JSON fails (except [DONE])."""
        parsed = []
        for event in self.stream_events():
            if event.data == "[DONE]":
                continue
            data = event.json()
            if data is NOT_JSON:
                raise Fail("every event's data to be JSON", f"event {event.index}: {event.raw}")
            parsed.append((event, data))
        return parsed

    def data_objects(self) -> list[dict[str, Any]]:
        """The events' JSON-object payloads; other JSON values are left to the schema checks."""
        return [data for _, data in self.data_events() if isinstance(data, dict)]

    # -- evidence -----------------------------------------------------------------------------

    def evidence(self) -> dict[str, Any]:
        return {
            "probe": f"{self.request.surface}:{self.request.probe}",
            "request": f"{self.request.method} {self.url}",
            "status": self.status,
            "content_type": self.headers.get("content-type"),
            "problem": self.problem,
            "events": len(self.events) if self.events is not None else None,
            "body_excerpt": self.excerpt(),
            "time_ms": self.timings.total_ms,
        }

    def curl(self) -> str:
        """A shell line that sends the same request; the key is named by its variable, never written."""
        variable = self.key_env or "API_KEY"
        words = ["curl", "-sS"] + (["-N"] if self.request.stream else []) + ["-X", self.request.method]
        line = " ".join(words) + " " + _quote(self.url, variable)
        for name, value in self.sent_headers.items():
            if name.lower() not in _UNINTERESTING_HEADERS:
                line += " -H " + _quote(f"{name}: {value}", variable)
        if self.request.content:
            line += " --data-raw " + _quote(self.request.content.decode("utf-8", errors="replace"), variable)
        return line


_UNINTERESTING_HEADERS = frozenset({"content-length", "host", "accept-encoding", "connection", "user-agent"})


def _quote(value: str, variable: str) -> str:
    if MASK not in value:
        return shlex.quote(value)
    # Double quotes, so that the shell fills in the variable holding the key.
    escaped = value
    for char in ("\\", '"', "$", "`"):
        escaped = escaped.replace(char, "\\" + char)
    return '"' + escaped.replace(MASK, "${" + variable + "}") + '"'
