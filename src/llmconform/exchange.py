"""One request, its complete answer and its timings: what every check reads."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from llmconform import spec
from llmconform.redact import MASK
from llmconform.sse import NOT_JSON, Event, Framing
from llmconform.verdict import Error, Fail, Skip, Undelivered, excerpt

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
    # Anthropic's 529 overloaded_error (docs, Errors: "the API is temporarily overloaded"), which
    # anthropic-sdk-python retries as it does any 5xx (_base_client.py _should_retry): the provider's
    # load, not a broken rule.
    "overloaded": "still overloaded (529) after the bounded retries",
    # 503 Service Unavailable, which every official SDK retries (client.LOADED): Google's UNAVAILABLE
    # ("the model is overloaded"), OpenAI's overloaded engine, a relay with no upstream free.
    "unavailable": "still unavailable (503) after the bounded retries",
    "unreachable": "the base URL could not be reached",
    "transport": "the request could not be sent",
}
NOT_RECORDED = "not-recorded"
# A request to a paid media operation whose feature the profile does not declare: never sent.
UNDECLARED = "undeclared"

# Outcomes of an exchange: what it delivered, once, whatever check reads it.
ANSWERED = "answered"
# Problems of one exchange (a reset, a stall): each such exchange is its own root cause.
TRANSPORT_OUTCOMES = ("cut", "timed-out", "reset")
# Problems of the answer itself (a status, a body): the same answer to several requests is one.
ANSWER_OUTCOMES = ("refused", "not-json", "not-a-stream")

# How a surface's stream says it is over (chat: [DONE] or a finish_reason; Messages: message_stop;
# Responses: a terminal event), registered by the surface modules: a stream that closed without it
# was cut, however cleanly its connection ended.
STREAM_ENDS: dict[str, Callable[[list[Event]], bool]] = {}


@dataclass(frozen=True)
class Outcome:
    """What an exchange delivered: answered, refused with status X, cut after N events, timed out,
    reset, not JSON, not a stream — or undecided (budget, rate limit, unreachable, not recorded)."""

    kind: str
    detail: str = ""

    @property
    def text(self) -> str:
        return f"{self.kind}: {self.detail}" if self.detail else self.kind


WRONG_KEY = "llmconform-wrong-key-0000000000"
# On a documented answer (a cassette written from a vendor's document, not recorded): its vendor.
# The document answered its own request (its own clip, no headers of a real server's).
DOCUMENTED = "x-llmconform-documented"


@dataclass(frozen=True)
class Request:
    surface: str
    probe: str
    method: str
    # Below the base URL, e.g. /v1/chat/completions; or an absolute URL an answer named (a task's
    # result), sent there as it stands — off the provider's own origin with no key (client.send).
    path: str
    body: Any = None  # JSON body; ignored when raw_body is given
    raw_body: bytes | None = None  # sent as-is (malformed JSON probes)
    auth: str = "valid"
    headers: tuple[tuple[str, str], ...] = ()
    # Requests that must be refused: once a 2xx stream shows it was served, stop reading, so a
    # lax server does not generate without limit at the run's expense.
    refusal_expected: bool = False
    # Sent with this auth style instead of the profile's (Gemini takes a header or a ?key= query).
    auth_style: str | None = None
    # The same request sent again (billing's repeat): a second exchange, not the cached first one.
    repeat: int = 0
    # The answer is a file (audio, an image), not JSON: a 2xx of any bytes is delivered.
    binary: bool = False
    # A step of a sequence (`probe/step`) and its poll: each is its own exchange, cached on its own
    # key, even where another step (a GET after a DELETE) or the poll before sends the same bytes.
    step: str = ""
    poll: int = 0
    # "websocket": a `response.create` event of the Responses WebSocket mode (llmconform.websocket),
    # its body the event; served when the upgrade was (101), its events the server's frames.
    transport: str = "http"

    @property
    def websocket(self) -> bool:
        return self.transport == "websocket"

    @property
    def content(self) -> bytes:
        if self.raw_body is not None:
            return self.raw_body
        if self.body is None:
            return b""
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode()

    @property
    def entry(self) -> str:
        """The probe its spec entry declares and its fixture is named after: a step's sequence."""
        return self.step.rsplit("/", 1)[0] if self.step else self.probe

    @property
    def stream(self) -> bool:
        if self.websocket:
            return True  # the WebSocket mode always streams: `stream` is implicit there
        if ":streamGenerateContent" in self.path and "alt=sse" in self.path:
            return True  # Gemini streams by endpoint and ?alt=sse, not by a body flag
        return isinstance(self.body, dict) and self.body.get("stream") is True

    @property
    def output_limit(self) -> int | None:
        """The output-token limit the request sets, in the field its surface's spec names."""
        return spec.output_limit_of(self.surface, self.body)

    @property
    def absolute(self) -> bool:
        return self.path.startswith(("http://", "https://"))

    @property
    def endpoint(self) -> str:
        """The operation a request goes to: its method and path, without the query and with the
        model a path may name (Gemini's /models/{model}:method) blurred — the probe family whose
        answers may share a root cause."""
        path = re.sub(r"(/models/)[^/:?]+", r"\1*", self.path.split("?")[0])
        return f"{self.method} {path}"

    @property
    def key(self) -> str:
        """Identity for the session cache: the same request is sent once."""
        digest = hashlib.sha256()
        for part in (self.method, self.path, self.auth, repr(self.headers), self.auth_style or ""):
            digest.update(part.encode() + b"\0")
        digest.update(self.content)
        if self.repeat:
            digest.update(f"\0repeat {self.repeat}".encode())
        if self.websocket:
            digest.update(b"\0websocket")
        if self.step:
            digest.update(f"\0step {self.step} poll {self.poll}".encode())
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
    retried: str = ""  # why the request was sent again on a new connection, if it was
    key_env: str | None = None  # the variable a reproduction line names instead of the key
    alone: bool = False  # sent with nothing else in flight: its timings are the provider's own

    # -- what arrived -------------------------------------------------------------------------

    @property
    def documented(self) -> bool:
        """Replayed from a vendor's document, not from a recording: it answers the document's own
        request, and shows no more of the answer than the document does."""
        return bool(self.headers.get(DOCUMENTED))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def is_event_stream(self) -> bool:
        return self.content_type == "text/event-stream"

    @property
    def served(self) -> bool:
        """The request was served: a 2xx, or for a WebSocket turn the upgrade (101 Switching Protocols)."""
        if self.status is None:
            return False
        return self.status == 101 if self.request.websocket else 200 <= self.status < 300

    def excerpt(self) -> str:
        return excerpt(self.body)

    @property
    def outcome(self) -> Outcome:
        """The one outcome of this exchange, from the transport, the status and the body."""
        if self.problem in (NOT_RECORDED, UNDECLARED) or self.problem in UNDECIDED:
            return Outcome("undecided", self.problem_detail or UNDECIDED.get(self.problem or "", "not recorded"))
        if self.problem in PROVIDER_FAULTS:
            if self.status is None:
                kind = "reset" if self.problem == "reset" else "timed-out"
                return Outcome(kind, f"{PROVIDER_FAULTS[self.problem]} ({self.problem_detail}), before any answer")
            return Outcome("cut", f"{self._so_far()}: {PROVIDER_FAULTS[self.problem]} ({self.problem_detail})")
        if not self.served:
            return Outcome("refused", f"status {self.status}")
        if self.request.stream and not self.request.refusal_expected:
            if self.events is None:
                return Outcome("not-a-stream", f"status {self.status}, {self.content_type or 'no content type'}")
            ended = STREAM_ENDS.get(self.request.surface)
            if ended is not None and not ended(self.events):
                return Outcome("cut", f"{self._so_far()}: the stream closed without its end")
        elif self.events is None and not self.request.stream and not self.request.binary:
            try:
                json.loads(self.body)
            except (ValueError, UnicodeDecodeError) as exc:
                return Outcome("not-json", f"{self.content_type or 'no content type'}, "
                               f"{exc.__class__.__name__}: {str(exc)[:80]}")
        return Outcome(ANSWERED)

    def _so_far(self) -> str:
        if self.events is not None:
            return f"after {len(self.events)} event(s)"
        return f"after {len(self.body)} byte(s)"

    def cause(self, outcome: Outcome | None = None) -> str:
        """The root-cause key of a failed outcome. A transport fault belongs to this exchange alone;
        the same refusal (status and message) or the same unreadable body to several requests of one
        endpoint, in the same mode, is one problem — two endpoints answering with the same generic
        body (a bare "Internal Server Error") are two."""
        outcome = outcome or self.outcome
        mode = f"{self.request.endpoint}|{'stream' if self.request.stream else 'plain'}"
        if outcome.kind in TRANSPORT_OUTCOMES:
            return f"{self.request.surface}|{outcome.kind}|{self.request.probe}|{self.request.key[:12]}"
        if outcome.kind == "not-a-stream":
            return f"{self.request.surface}|{mode}|not-a-stream|{self.status}|{self.content_type}"
        return f"{self.request.surface}|{mode}|{outcome.kind}|{self.status}|{self.content_type}|{signature(self.body)}"

    def undelivered(self, expected: str, received: str, outcome: Outcome) -> Undelivered:
        mode = "streamed " if self.request.stream else ""
        return Undelivered(expected, received, cause=self.cause(outcome), kind=outcome.kind,
                           summary=f"{self.request.surface} {mode}request ({self.request.probe}) {outcome.text}",
                           outcome=outcome.text, exchange=self)

    def require(self) -> None:
        """Stop a check that cannot be decided from this exchange: skip or error, never pass."""
        if self.problem == NOT_RECORDED:
            raise Skip(f"not documented: no recorded exchange for probe '{self.request.probe}'")
        if self.problem == UNDECLARED:
            raise Skip(self.problem_detail)
        if self.problem in UNDECIDED:
            raise Error(self.problem, self.problem_detail or UNDECIDED[self.problem])

    def complete(self) -> None:
        """The whole answer arrived: a stall, reset, size cap or endless stream is the provider's
        failure, owned by one check; every other check reading this exchange is left undecided."""
        self.require()
        outcome = self.outcome
        if outcome.kind in TRANSPORT_OUTCOMES:
            raise self.undelivered("a complete answer", f"{outcome.text}; first bytes: {self.excerpt() or '(none)'}",
                                   outcome)

    def answered(self) -> None:
        """A request that must succeed got a complete 2xx answer (refused: owned by one check)."""
        self.complete()
        if not self.served:
            expected = "a 101 WebSocket upgrade" if self.request.websocket else "a 2xx answer"
            raise self.undelivered(expected, f"status {self.status}: {self.excerpt()}", self.outcome)

    def json(self) -> Any:
        """The body as JSON; a 2xx body that is not (an HTML page, truncated JSON) is undelivered."""
        self.complete()
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            received = (f"{self.content_type or 'no content type'}, {exc.__class__.__name__}: "
                        f"{str(exc)[:80]}; first bytes: {self.excerpt() or '(empty)'}")
            outcome = self.outcome
            if outcome.kind == "not-json":
                raise self.undelivered("a JSON body", received, outcome) from None
            raise Fail("a JSON body", received) from None

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise Fail("a JSON object", data)
        return data

    def stream_events(self) -> list[Event]:
        """The events of a whole stream answer: refused, not a stream, or cut is undelivered."""
        self.complete()
        outcome = self.outcome
        if outcome.kind == "refused" and not self.request.refusal_expected:
            raise self.undelivered("a 200 event stream", f"status {self.status}: {self.excerpt() or '(empty)'}",
                                   outcome)
        if self.events is None:
            received = f"status {self.status}, {self.content_type or 'no content type'}: {self.excerpt() or '(empty)'}"
            if outcome.kind == "not-a-stream":
                raise self.undelivered("a text/event-stream answer", received, outcome)
            raise Fail("a text/event-stream answer", received)
        if outcome.kind == "cut":
            raise self.undelivered("a complete stream", f"{outcome.text}; last event: "
                                   f"{self.events[-1].raw[:160] if self.events else '(none)'}", outcome)
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

    def payloads(self) -> list[Any]:
        """What arrived, read defensively (never raises): every stream event's data, or the body
        parsed as JSON; nothing when it is not JSON."""
        if self.events is not None:
            return [event.json() for event in self.events]
        try:
            return [json.loads(self.body)]
        except (ValueError, UnicodeDecodeError):
            return []

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
            "outcome": self.outcome.text,
            "events": len(self.events) if self.events is not None else None,
            "body_excerpt": self.excerpt(),
            "time_ms": self.timings.total_ms,
            **({"attempts": self.attempts, "retried": self.retried} if self.retried else {}),
        }

    def curl(self) -> str:
        """A shell line that sends the same request; the key is named by its variable, never written."""
        variable = self.key_env or "API_KEY"
        if self.request.websocket:
            return self._websocket_line(variable)
        words = ["curl", "-sS"] + (["-N"] if self.request.stream else []) + ["-X", self.request.method]
        line = " ".join(words) + " " + _quote(self.url, variable)
        for name, value in self.sent_headers.items():
            if name.lower() not in _UNINTERESTING_HEADERS:
                line += " -H " + _quote(f"{name}: {value}", variable)
        if self.request.content:
            try:
                text = self.request.content.decode("utf-8")
            except UnicodeDecodeError:  # a file uploaded (a transcription's clip): bytes no shell line holds
                return line + f" --data-binary @request.bin  # the {len(self.request.content)}-byte body sent"
            line += " --data-raw " + _quote(text, variable)
        return line


    def _websocket_line(self, variable: str) -> str:
        """A WebSocket turn has no curl: a Python line with `websockets` that opens the same
        connection (the key read from its variable, never written) and sends the same event."""
        headers = []
        for name, value in self.sent_headers.items():
            if name.lower() in _UNINTERESTING_HEADERS:
                continue
            shown = repr(value).replace(MASK, "' + os.environ[" + repr(variable) + "] + '")
            headers.append(f"{name!r}: {shown}")
        body = self.request.body
        events = [json.dumps(e, ensure_ascii=False) for e in (body if isinstance(body, list) else [body])]
        script = (f"import os, websockets.sync.client as c; "
                  f"ws = c.connect({self.url!r}, additional_headers={{{', '.join(headers)}}}); "
                  f"[ws.send(e) for e in {events!r}]; [print(m) for m in ws]")
        return "python3 -c " + shlex.quote(script)


def signature(body: bytes) -> str:
    """What tells two error answers apart: the message of a JSON error (or the body's start), with
    numbers, ids and quoted values blurred, so the same refusal to two requests matches."""
    text = body[:2000].decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        inner: dict[str, Any] = data["error"] if isinstance(data.get("error"), dict) else data
        for name in ("message", "detail", "error", "msg"):
            if isinstance(inner.get(name), str):
                text = inner[name]
                break
    text = re.sub(r"[`'\"][^`'\"]{0,80}[`'\"]", "?", text)
    text = re.sub(r"[0-9a-fA-F-]{8,}|\d+", "#", text)
    return " ".join(text.split())[:80]


_UNINTERESTING_HEADERS = frozenset({"content-length", "host", "accept-encoding", "connection", "user-agent"})


def _quote(value: str, variable: str) -> str:
    if MASK not in value:
        return shlex.quote(value)
    # Double quotes, so that the shell fills in the variable holding the key.
    escaped = value
    for char in ("\\", '"', "$", "`"):
        escaped = escaped.replace(char, "\\" + char)
    return '"' + escaped.replace(MASK, "${" + variable + "}") + '"'


# -- a sequence's exchanges ---------------------------------------------------------------------


class Unlinked(Exception):
    """A step's link found nothing in the exchanges before it: the step is not sent."""


@dataclass
class Sequence:
    """What a sequence probe (`steps` in its spec entry) exchanged: each step's exchanges in order
    (a polled step's every poll), why polling stopped short of `until`, and why the sequence
    stopped before its last step. The checks read a step's last exchange, or all its polls."""

    surface: str
    probe: str
    names: tuple[str, ...]  # every declared step, in order
    steps: dict[str, list[Exchange]] = field(default_factory=dict)
    unsettled: dict[str, str] = field(default_factory=dict)  # step -> why its `until` never held
    not_sent: dict[str, str] = field(default_factory=dict)  # step -> why (a link found nothing, an interrupt)

    @property
    def exchanges(self) -> list[Exchange]:
        return [exchange for name in self.names for exchange in self.steps.get(name, [])]

    def polls(self, step: str) -> list[Exchange]:
        """A step's every exchange; one the replayed documents do not show skips the check reading it."""
        found = list(self.steps.get(step, []))
        for exchange in found:
            if exchange.problem == NOT_RECORDED:
                exchange.require()
        return found

    def recorded(self, step: str) -> list[Exchange]:
        """A step's exchanges that were sent or replayed, leaving out those the replayed documents do
        not show (where `polls` would skip the check reading them)."""
        return [e for e in self.steps.get(step, []) if e.problem != NOT_RECORDED]

    def last(self, step: str) -> Exchange:
        """A step's last exchange; a step not sent leaves the check undecided, saying why (one not
        documented skips it)."""
        if step not in self.names:
            raise KeyError(f"{self.surface} sequence {self.probe} has no step {step}")
        found = self.polls(step)
        if not found:
            why = self.not_sent.get(step, "the sequence stopped before it")
            if step in self.not_sent and any(e.documented for e in self.exchanges):
                # A documented answer the link finds nothing in (a relay's document showing another
                # envelope): what follows is not documented, so the checks reading it are not decided.
                raise Skip(f"not documented: step {step} of {self.probe} was not sent: {why}")
            raise Error("not sent", f"step {step} of {self.probe} was not sent: {why}")
        return found[-1]

    def answered(self, step: str, owner: str | None = None) -> Exchange:
        """A step's last exchange, answered 2xx and whole. When it is not, `owner` (a check id
        below the surface, e.g. `state/retrieve`) owns that failure, not the entry's declared
        owner: a sequence's steps are read by different checks."""
        exchange = self.last(step)
        try:
            exchange.answered()
        except Undelivered as exc:
            exc.owner = owner or exc.owner
            raise
        return exchange

    def settled(self, step: str) -> Exchange:
        """A polled step's last exchange once its `until` held. A poll refused or cut is
        undelivered (its owner fails); still unsettled after its polls (a slow server, or one that
        never finishes) is undecided, with the polls it took and how long they spanned."""
        exchange = self.last(step)
        exchange.answered()
        if step in self.unsettled:
            raise Error("not settled", self.unsettled[step])
        return exchange

    def value(self, expression: str, current: str) -> Any:
        """What an OpenAPI runtime expression names in this sequence so far, for the step `current`:
        `$response.body#/id` (the step before's last answer), `$steps.NAME.response.body#/id`,
        `$response.header.NAME`, `$request.body#/input`. Raises Unlinked when it finds nothing."""
        match = spec.LINK_SOURCE.match(expression)
        if match is None:
            raise Unlinked(f"{expression!r} is not a runtime expression")
        name = match["step"] or self.names[self.names.index(current) - 1]
        exchanges = self.steps.get(name)
        if not exchanges:
            raise Unlinked(f"{expression}: step {name} was not sent")
        exchange = exchanges[-1]
        if match["side"] == "response" and match["header"]:
            value = exchange.headers.get(match["header"].lower())
            if value is None:
                raise Unlinked(f"{expression}: the answer to {name} has no {match['header']} header")
            return value
        if match["side"] == "request":
            data = exchange.request.body
        else:
            payloads = exchange.payloads()
            if exchange.status is None or not 200 <= exchange.status < 300 or not payloads:
                raise Unlinked(f"{expression}: {name} was not answered with JSON ({exchange.outcome.text})")
            data = payloads[-1]
        found, value = spec.pointer_get(data, (match["pointer"] or "#")[1:])
        if not found or value is None:
            raise Unlinked(f"{expression}: the {match['side']} of {name} has nothing there")
        return value

    def linked(self, source: Any, current: str) -> Any:
        """A link's value: an expression's, a literal's own, or for a list the array it builds
        (each expression's array spliced in, anything else appended)."""
        if isinstance(source, str) and source.startswith("$"):
            return self.value(source, current)
        if not isinstance(source, list):
            return copy.deepcopy(source)
        built: list[Any] = []
        for item in source:
            value = self.linked(item, current)
            if isinstance(item, str) and item.startswith("$") and isinstance(value, list):
                built.extend(value)
            else:
                built.append(value)
        return built
