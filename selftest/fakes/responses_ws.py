"""The Responses WebSocket mode on the fake (issue 22): an upgrade of GET /v1/responses, then each
`response.create` text frame answered with the events the fake's SSE stream would send for the same
body, one response at a time (FIFO), a previous response looked up in the connection's own
responses (`previous_response_not_found` otherwise).

websockets' sans-I/O protocol speaks the frames over the HTTP server's own socket. Faults:
`responses.ws-unsupported` (the upgrade answered 404), `responses.ws-usage-missing` (the completed
response without usage), `responses.ws-interleaved` (two response.create at once run together,
their events interleaved), `responses.ws-previous-wrong-error` (an unknown previous response
answered with a generic server error), `responses.ws-event-unknown` (text deltas under a name the
stream's vocabulary does not have), `responses.ws-stateless` (a relay opening a new upstream per
response.create: no response of the connection is found again), `responses.ws-stall` (the
response.create accepted, then nothing).
"""

from __future__ import annotations

import itertools
import json
import socket
from typing import Any

from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol

from selftest.fakes import server
from selftest.fakes.server import KEY, FakeRequest, Reply, openai_error

_SERIAL = itertools.count(1)
_FAKE_ID = "resp_fake0001"  # the id the SSE fake gives every streamed response


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    value = body.get("input")
    if isinstance(value, str):
        return [{"type": "message", "role": "user", "content": value}]
    return list(value) if isinstance(value, list) else []


def _error(status: int, kind: str, code: str | None, message: str, param: str | None = None) -> dict[str, Any]:
    return {"type": "error", "status": status, "error": {"type": kind, "code": code, "message": message,
                                                         "param": param}}


class _Connection:
    def __init__(self, f: FakeRequest, sock: socket.socket) -> None:
        self.f = f
        self.sock = sock
        self.protocol = ServerProtocol(max_size=2**20)
        self.responses: dict[str, list[dict[str, Any]]] = {}  # id -> the conversation so far
        self.pending: list[str] = []

    def flush(self) -> None:
        data = b"".join(self.protocol.data_to_send())
        if data:
            self.sock.sendall(data)

    def send(self, event: dict[str, Any]) -> None:
        self.protocol.send_text(json.dumps(event).encode())
        self.flush()

    def receive(self, timeout: float | None) -> str | None:
        """The next text frame; None when the client closed (or, with a timeout, none came)."""
        while not self.pending:
            self.sock.settimeout(timeout)
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                return None
            except OSError:
                return None
            if not data:
                return None
            self.protocol.receive_data(data)
            for frame in self.protocol.events_received():
                if isinstance(frame, Frame) and frame.opcode == Opcode.TEXT:
                    self.pending.append(frame.data.decode("utf-8", errors="replace"))
            self.flush()  # a pong, or the close handshake's answer
            if self.protocol.close_expected() and not self.pending:
                return None
        return self.pending.pop(0)

    def answer(self, text: str) -> list[dict[str, Any]]:
        """The events of one response.create, as the SSE fake streams the same body."""
        try:
            event = json.loads(text)
        except ValueError:
            return [_error(400, "invalid_request_error", None, "The message is not JSON.")]
        if not isinstance(event, dict) or event.get("type") != "response.create":
            return [_error(400, "invalid_request_error", None, "Unknown client event type.", "type")]
        body = {k: v for k, v in event.items() if k not in ("type", "stream_id")}
        previous = body.pop("previous_response_id", None)
        if previous is not None:
            history = self.responses.get(str(previous))
            if history is None:
                if self.f.has("responses.ws-previous-wrong-error"):
                    return [_error(500, "server_error", None, "upstream error")]
                return [_error(400, "invalid_request_error", "previous_response_not_found",
                               f"Previous response with id '{previous}' not found.", "previous_response_id")]
            body["input"] = history + _items(body)
        # The HTTP route's own Responses faults (a 500 to every SSE stream, ...) are not the socket's:
        # a WebSocket turn gets only those its ws-* faults map to; the other surfaces' pass through.
        faults = {fault for fault in self.f.faults if not fault.startswith("responses.")}
        if self.f.has("responses.ws-usage-missing"):
            faults.add("responses.stream-usage-missing")
        inner = FakeRequest("POST", "/v1/responses", {**self.f.headers, "content-type": "application/json"},
                            json.dumps({**body, "stream": True}).encode(), frozenset(faults))
        reply = server.ROUTES["/v1/responses"](inner)
        if reply.status >= 400 or reply.chunks is None:
            error = reply.body.get("error", {}) if isinstance(reply.body, dict) else {}
            return [_error(reply.status, str(error.get("type") or "server_error"), error.get("code"),
                           str(error.get("message") or "refused"), error.get("param"))]
        ident = f"resp_ws{next(_SERIAL):08x}"
        events = []
        for chunk in reply.chunks:
            raw = chunk[1] if isinstance(chunk, tuple) else chunk
            for line in raw.decode().splitlines():
                if line.startswith("data: ") and line != "data: [DONE]":
                    data = json.loads(line[len("data: "):].replace(_FAKE_ID, ident))
                    if previous is not None and isinstance(data.get("response"), dict):
                        data["response"]["previous_response_id"] = previous
                    if self.f.has("responses.ws-event-unknown") and data.get("type") == "response.output_text.delta":
                        data["type"] = "response.text.delta"
                    events.append(data)
        final = next((e["response"] for e in reversed(events) if e.get("type") == "response.completed"), None)
        if final is not None and not self.f.has("responses.ws-stateless"):
            self.responses[ident] = _items(body) + list(final.get("output") or [])
        return events


def _serve(f: FakeRequest, sock: socket.socket) -> Reply | None:
    if f.has("responses.ws-unsupported"):
        return openai_error(404, "Invalid URL (GET /v1/responses)", "invalid_request_error")
    if f.headers.get("authorization", "") != f"Bearer {KEY}":
        return openai_error(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key")
    connection = _Connection(f, sock)
    # The HTTP server read the handshake already: the protocol reads it again from its bytes (its
    # parser expects the request before the frames).
    raw = f"GET {f.path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in f.headers.items()) + "\r\n"
    connection.protocol.receive_data(raw.encode("latin-1"))
    handshake = next(e for e in connection.protocol.events_received() if isinstance(e, Request))
    response = connection.protocol.accept(handshake)
    connection.protocol.send_response(response)
    connection.flush()
    while True:
        text = connection.receive(None)
        if text is None:
            return None
        if f.has("responses.ws-stall"):  # accepted, then silent: what a client must not wait on forever
            connection.receive(30)
            return None
        events = connection.answer(text)
        if f.has("responses.ws-interleaved"):
            # A relay that forwards each response.create at once: a second one arriving meanwhile
            # runs beside the first, and their events reach the client interleaved.
            second = connection.receive(0.3)
            if second is not None:
                others = connection.answer(second)
                merged = [e for pair in itertools.zip_longest(events, others) for e in pair if e is not None]
                events = merged
        try:
            for event in events:
                connection.send(event)
        except OSError:
            return None


server.UPGRADES["/v1/responses"] = _serve
