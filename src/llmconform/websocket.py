"""The Responses WebSocket mode (issue #22, feature `websocket`): `response.create` events sent on
one connection to the Responses path (its http(s) base URL turned ws(s)), the server's events read
back, under the HTTP client's own bounds, budget, key handling and recording.

The official definition (openai-python api_reference/openapi.transformed.yml, e43b422412a9,
2026-08-21): a client event `ResponsesClientEventResponseCreate` carries `CreateResponse`'s fields
(`stream` implicit, `background` unsupported); the server answers with `ResponsesServerEvent`, the
members of the SSE `ResponseStreamEvent` union (plus an optional `stream_id`) and `ResponseWsError`
(`{type: error, status?, error: {type, code, message, param}}`); requests on the same lane are
processed FIFO. The official guide (developers.openai.com/api/docs/guides/websocket-mode) names
`previous_response_not_found` for a previous response the connection cannot find.

One connection carries the whole flow, in order (at most five `response.create`, each one request
in the plan and the budget):

- `create`: a turn of the probe's body;
- `continue`: a turn naming `create`'s response in `previous_response_id`;
- `unknown-previous`: a turn naming a response that never existed;
- `in-flight`: two turns sent back to back, the second while the first is in flight.

The checks read a `Sequence` of these turns, each an `Exchange` whose events are the server's text
frames, as a stream's events are its SSE events, so the stream checks' readers read them unchanged.

Replay: a recording keeps the session as one cassette entry (the flow's events as the request
body, the frames received as the answer), so an offline replay reads what a live run read.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field, replace
from typing import Any

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from llmconform import __version__, interrupt, spec
from llmconform.client import Client
from llmconform.exchange import NOT_RECORDED, Request, Sequence, Timings
from llmconform.settings import Mode
from llmconform.sse import Event

TURNS = ("create", "continue", "unknown-previous", "in-flight")
CREATES = 5  # response.create events the flow sends: one per turn, two in flight
UNKNOWN_PREVIOUS = "resp_llmconform0unknown0previous0000"
ERROR = "error"  # the server event of a refusal (ResponseWsError)


@dataclass
class _Turn:
    """What one turn sent and received, in the form a recording keeps."""

    name: str
    sent: list[dict[str, Any]] = field(default_factory=list)
    frames: list[tuple[float, str]] = field(default_factory=list)  # (ms since the turn's first send, text)
    problem: str | None = None
    detail: str = ""
    not_sent: str = ""


@dataclass
class _Session:
    status: int | None = None  # the upgrade's status: 101, or the HTTP refusal
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""  # a refused upgrade's body
    problem: str | None = None
    detail: str = ""
    turns: dict[str, _Turn] = field(default_factory=dict)

    def transcript(self) -> bytes:
        return json.dumps({"turns": [vars(turn) for turn in self.turns.values()],
                           "refusal": self.body.decode("utf-8", errors="replace")}).encode()

    @classmethod
    def replayed(cls, recorded: dict[str, Any]) -> _Session:
        session = cls(status=int(recorded["status"]["code"]))
        session.headers = {k.lower(): (v[0] if isinstance(v, list) else str(v))
                           for k, v in recorded.get("headers", {}).items()}
        body = recorded.get("body", {}).get("string", "")
        data = json.loads(body if isinstance(body, str) else body.decode("utf-8"))
        session.body = str(data.get("refusal") or "").encode()
        for turn in data.get("turns") or ():
            session.turns[turn["name"]] = _Turn(turn["name"], list(turn["sent"]),
                                                [(float(t), str(f)) for t, f in turn["frames"]],
                                                turn.get("problem"), str(turn.get("detail") or ""),
                                                str(turn.get("not_sent") or ""))
        return session


def _terminal(surface: str) -> frozenset[str]:
    """The event types after which one response is over (the SSE stream's: its terminal events and
    `error`, the spec's `ends` role)."""
    return frozenset({*spec.load(surface).vocabulary("ResponseStreamEvent").all("ends"), ERROR})


def _response_id(frames: list[tuple[float, str]]) -> str | None:
    """The id of the response a turn's events carry (response.created, or the terminal event)."""
    for _, text in frames:
        with contextlib.suppress(ValueError, AttributeError):
            data = json.loads(text)
            ident = data.get("response", {}).get("id")
            if isinstance(ident, str) and ident:
                return ident
    return None


def session_request(surface: str, probe: str, path: str, body: dict[str, Any]) -> Request:
    """The request a recording files the whole session under: the flow's first event as its body."""
    return Request(surface, probe, "GET", path, body={"type": "response.create", **body}, transport="websocket",
                   step=f"{probe}/session")


def run(client: Client, surface: str, probe: str, path: str, body: dict[str, Any]) -> Sequence:
    """The turns of the WebSocket flow on one connection (or, replayed, as recorded)."""
    event = {"type": "response.create", **{k: v for k, v in body.items() if k not in ("stream", "background")}}
    whole = session_request(surface, probe, path, body)
    url, headers, shown = client.prepared(whole)
    if client.mode == Mode.REPLAY:
        recorded = client.cassettes.play(whole) if client.cassettes is not None else None
        session = _Session.replayed(recorded) if recorded is not None else _Session(problem=NOT_RECORDED)
    else:
        session = _live(client, surface, str(url), headers, event)
        if client.mode == Mode.RECORD and client.cassettes is not None and session.status is not None:
            client.cassettes.record(replace(shown, status=session.status, headers=session.headers,
                                            body=session.transcript()))
    done = Sequence(surface, probe, TURNS)
    for name in TURNS:
        turn = session.turns.get(name)
        if session.problem is None and turn is not None and turn.not_sent:
            done.not_sent[name] = turn.not_sent
            continue
        sent: Any = turn.sent if turn is not None and len(turn.sent) != 1 else (turn.sent[0] if turn else event)
        request = replace(whole, body=sent, step=f"{probe}/{name}")
        exchange = replace(shown, request=request, status=session.status, headers=session.headers)
        if turn is None or session.status != 101:
            exchange.problem, exchange.problem_detail = session.problem, session.detail
            exchange.body = session.body
        else:
            exchange.problem, exchange.problem_detail = turn.problem, turn.detail
            exchange.events = [Event(None, text, text, t_ms, index) for index, (t_ms, text) in enumerate(turn.frames)]
            exchange.body = "\n".join(text for _, text in turn.frames).encode()
            exchange.timings = Timings(first_byte_ms=turn.frames[0][0] if turn.frames else None,
                                       total_ms=turn.frames[-1][0] if turn.frames else None)
        exchange.attempts = 1
        done.steps[name] = [exchange]
        client.delivered(exchange)
    return done


def _live(client: Client, surface: str, url: str, headers: dict[str, str], event: dict[str, Any]) -> _Session:
    session = _Session()
    limits = client.limits
    if interrupt.STOP.is_set():
        session.problem, session.detail = "interrupted", "the run was interrupted"
        return session
    try:
        ws = connect(url, additional_headers=headers, user_agent_header=f"llmconform/{__version__}",
                     open_timeout=limits.connect_s, close_timeout=1, max_size=limits.max_bytes,
                     compression=None, proxy=None)
    except InvalidStatus as exc:  # the upgrade refused with an HTTP answer: its status is the verdict
        session.status = exc.response.status_code
        session.headers = {k.lower(): v for k, v in exc.response.headers.raw_items()}
        session.body = bytes(exc.response.body or b"")[: limits.max_bytes]
        return session
    except TimeoutError:
        session.problem, session.detail = "unreachable", "the WebSocket upgrade timed out"
        return session
    except (OSError, InvalidHandshake) as exc:
        session.problem, session.detail = "unreachable", client.redacted(f"{exc.__class__.__name__}: {exc}")[:200]
        return session
    client.track(ws.socket)
    session.status = 101
    session.headers = {k.lower(): v for k, v in ws.response.headers.raw_items()} if ws.response else {}
    terminal = _terminal(surface)
    with ws:
        for name in TURNS:
            turn = session.turns[name] = _Turn(name)
            if name == "continue":
                previous = _response_id(session.turns["create"].frames)
                if previous is None:
                    turn.not_sent = "the first turn's events carried no response id to continue"
                    continue
                turn.sent = [{**event, "previous_response_id": previous}]
            elif name == "unknown-previous":
                turn.sent = [{**event, "previous_response_id": UNKNOWN_PREVIOUS}]
            elif name == "in-flight":
                turn.sent = [dict(event), dict(event)]
            else:
                turn.sent = [dict(event)]
            _exchange(client, ws, turn, terminal)
            if turn.problem is not None:  # cut, stalled, over a bound, stopped: the connection's state is unknown
                for rest in TURNS[TURNS.index(name) + 1:]:
                    session.turns[rest] = _Turn(rest, not_sent=f"the connection ended at turn {name}: {turn.problem}")
                break
    return session


def _exchange(client: Client, ws: ClientConnection, turn: _Turn, terminal: frozenset[str]) -> None:
    """Send a turn's events back to back, then read frames until each has ended (a terminal event
    or an error), within the client's read and total bounds and its size cap."""
    limits = client.limits
    start = time.monotonic()
    deadline = start + limits.total_s
    size = 0
    for event in turn.sent:
        if not client.budget.take_request():
            turn.problem, turn.detail = "budget", (f"{client.budget.requests}/{client.budget.max_requests} requests "
                                                   "spent")
            return
        try:
            ws.send(json.dumps(event, ensure_ascii=False, separators=(",", ":")))
        except (ConnectionClosed, OSError) as exc:
            turn.problem, turn.detail = "reset", client.redacted(str(exc))[:200] or exc.__class__.__name__
            return
    ended = 0
    while ended < len(turn.sent):
        if interrupt.STOP.is_set():
            turn.problem, turn.detail = "interrupted", "the run was interrupted"
            return
        left = deadline - time.monotonic()
        if left <= 0:
            turn.problem, turn.detail = "never-ended", f"still arriving after {limits.total_s:.0f} s"
            return
        try:
            frame = ws.recv(timeout=min(limits.read_s, left))
        except TimeoutError:
            if time.monotonic() >= deadline:
                turn.problem, turn.detail = "never-ended", f"still arriving after {limits.total_s:.0f} s"
            else:
                turn.problem = "stalled" if turn.frames else "timeout"
                turn.detail = f"nothing arrived for {limits.read_s:.0f} s"
            return
        except ConnectionClosed as exc:
            turn.problem, turn.detail = "reset", client.redacted(f"the connection closed: {exc}")[:200]
            return
        text = frame if isinstance(frame, str) else frame.decode("utf-8", errors="replace")
        size += len(text)
        if size > limits.max_bytes:
            turn.problem, turn.detail = "too-large", f"more than {limits.max_bytes} bytes"
            return
        turn.frames.append((round((time.monotonic() - start) * 1000, 1), text))
        with contextlib.suppress(ValueError, AttributeError):
            data = json.loads(text)
            if data.get("type") in terminal:
                ended += 1
                usage = data.get("response", {}).get("usage") if isinstance(data.get("response"), dict) else None
                spent = usage.get("output_tokens") if isinstance(usage, dict) else None
                client.budget.spend_tokens(spent if isinstance(spent, int) else 0)
