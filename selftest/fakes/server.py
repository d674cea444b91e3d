"""A loopback HTTP server that speaks the surfaces conformingly, with switchable faults.

Real sockets, real SSE: the suite under test cannot tell it from a provider. Each surface module
(`chat.py`, `messages.py`, `responses.py`) registers a handler for its path; a handler reads the
request and the active faults and returns a Reply. Faults are names like `chat.no-done`; the
self-tests switch them on one at a time and check that the matching check fails.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY = "sk-selftest-canary-7f3a9c2e5b1d4a8f"
MODEL = "fake-model"


@dataclass
class FakeRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    raw: bytes
    faults: frozenset[str]

    def json(self) -> Any:
        return json.loads(self.raw)

    def has(self, fault: str) -> bool:
        return fault in self.faults


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as-is
    headers: dict[str, str] = field(default_factory=dict)
    # For streams: chunks written one by one (bytes), with an optional pause (seconds) before each.
    chunks: Iterable[bytes | tuple[float, bytes]] | None = None
    reset_after: bool = False  # drop the connection after the chunks, without ending the body

    @staticmethod
    def json(body: Any, status: int = 200, **headers: str) -> Reply:
        return Reply(status=status, body=body, headers={"content-type": "application/json", **headers})

    @staticmethod
    def sse(events: Iterable[bytes | tuple[float, bytes]], **headers: str) -> Reply:
        return Reply(chunks=events, headers={"content-type": "text/event-stream", "cache-control": "no-cache",
                                             **headers})


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def sse_data(data: Any) -> bytes:
    return f"data: {data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)}\n\n".encode()


def sse_event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


Handler = Callable[[FakeRequest], Reply]
ROUTES: dict[str, Handler] = {}
# Paths that take a WebSocket upgrade (the Responses WebSocket mode): the handler gets the request
# and the connection's socket, and writes the handshake (or an HTTP refusal) itself.
Upgrade = Callable[[FakeRequest, Any], Reply | None]
UPGRADES: dict[str, Upgrade] = {}
# Paths that carry a parameter (Gemini's /v1beta/models/{model}:method): routed by prefix.
PREFIX_ROUTES: dict[str, Handler] = {}


def route(path: str, reject: Callable[[FakeRequest], Reply | None] | None = None,
          routes: dict[str, Handler] = ROUTES) -> Callable[[Handler], Handler]:
    """Register the handler of a path; `reject` answers first what the API refuses before the
    handler sees the request (the key, the JSON, the schema), the handler the rest."""

    def register(handler: Handler) -> Handler:
        def gated(f: FakeRequest) -> Reply:
            refused = reject(f) if reject else None
            return refused or handler(f)

        routes[path] = gated
        return handler

    return register


def route_prefix(prefix: str, reject: Callable[[FakeRequest], Reply | None] | None = None
                 ) -> Callable[[Handler], Handler]:
    """Register the handler of every path under `prefix` (a task's id in the path), gated as `route`'s."""
    return route(prefix, reject, PREFIX_ROUTES)


def _handler(path: str, routes: dict[str, Handler]) -> Handler | None:
    prefixed = PREFIX_ROUTES if routes is ROUTES else {}  # a fake with routes of its own has no others
    return routes.get(path) or next((h for prefix, h in prefixed.items() if path.startswith(prefix)), None)


class FakeProvider:
    def __init__(self, routes: dict[str, Handler] | None = None) -> None:
        # The surfaces' routes by default; a fake of another shape (the sweep's relay) brings its own.
        self.routes = ROUTES if routes is None else routes
        self.faults: frozenset[str] = frozenset()
        self.requests = 0
        self.arrivals = 0  # requests that reached a handler, for the fault that cuts on a newcomer
        self.seen: list[FakeRequest] = []
        # (path with its query, the request's JSON) -> the answer served in place of the fake's own
        # (selftest/official/: answers written from the official definitions, judged by the suite)
        self.official: dict[tuple[str, str], Reply] = {}
        self.official_served: set[tuple[str, str]] = set()  # which of them a request asked for
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(4)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a handler stalled on purpose must not hold up shutdown
        # A client that hangs up on a huge or endless answer is expected here, not an error to print.
        self._server.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @contextmanager
    def serving(self, answers: dict[tuple[str, str], Reply]) -> Iterator[FakeProvider]:
        """Answer these requests (path with its query, `canonical_json` of the body) with the given
        replies, when they carry the valid key; everything else is the conforming fake's."""
        previous, self.official = self.official, dict(answers)
        self.official_served = set()
        try:
            yield self
        finally:
            self.official = previous

    def official_reply(self, request: FakeRequest) -> Reply | None:
        if not self.official or KEY not in request.path + " ".join(request.headers.values()):
            return None
        try:
            # A request without a body (GET /v1/models) is keyed as the probe's null body.
            body = canonical_json(request.json() if request.raw else None)
        except ValueError:
            return None
        key = (request.path, body)
        if key in self.official:
            self.official_served.add(key)
        return self.official.get(key)

    @contextmanager
    def faulty(self, *faults: str) -> Iterator[FakeProvider]:
        previous, self.faults = self.faults, frozenset(faults)
        try:
            yield self
        finally:
            self.faults = previous

    def _count(self, request: FakeRequest) -> None:
        with self._lock:
            self.requests += 1
            self.arrivals += 1
            self.seen.append(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def do_DELETE(self) -> None:
                self._serve()

            def do_HEAD(self) -> None:
                self._serve()

            def _serve(self) -> None:
                if getattr(self, "poisoned", False):
                    # After its 500 this server closed the connection without `Connection: close`:
                    # the next request on it is never served, only met with a closed socket.
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if self.headers.get("upgrade", "").lower() == "websocket":
                    upgrade = FakeRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                          b"", provider.faults)
                    provider._count(upgrade)
                    handler = UPGRADES.get(self.path.split("?")[0])
                    # A path that takes no upgrade answers as any unknown path does; a handled one
                    # owns the connection until the client closes it.
                    refusal = handler(upgrade, self.connection) if handler else _no_such_path(upgrade)
                    if refusal is not None:
                        self._write(refusal)
                    self.close_connection = True
                    return
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                request = FakeRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                      raw, provider.faults)
                provider._count(request)
                arrival = provider.arrivals
                # "server.4-slots": a small server that handles four requests at a time, the rest queue.
                slots = provider._slots if request.has("server.4-slots") else contextlib.nullcontext()
                with slots:
                    handler = _handler(self.path.split("?")[0], provider.routes)
                    reply = hostile(request) or provider.official_reply(request) or (
                        handler(request) if handler else _no_such_path(request))
                    if request.has("hostile.stream-refusal-sse") and _wants_stream(request) and reply.status >= 400:
                        # A relay that refuses a streamed request with its error status and an SSE body.
                        reply = Reply(status=reply.status, chunks=[sse_event("error", reply.body)],
                                      headers={"content-type": "text/event-stream"})
                    if request.has("server.no-answer") and request.method == "POST":
                        time.sleep(5)  # longer than the self-test's read limit: no status, no byte
                    if request.method == "POST" and arrival > stall_after(request.faults):
                        time.sleep(30)  # a server gone slow mid-run: what a user interrupts
                    if request.has("server.first-token-300ms"):
                        reply = _first_token_after(reply, 0.3)
                    self._write(reply)
                if reply.status >= 500 and request.has("conn.close-after-500"):
                    self.poisoned = True

            def _write(self, reply: Reply) -> None:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.chunks is None:
                    body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    if self.command != "HEAD":  # HEAD: the headers GET would send, no body
                        self.wfile.write(body)
                    return
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                # A single-slot server that drops the stream it is running when another request arrives.
                cut_on_newcomer = "conn.cut-on-concurrent" in provider.faults
                arrived = provider.arrivals
                try:
                    for item in reply.chunks:
                        pause, chunk = item if isinstance(item, tuple) else (0.0, item)
                        if cut_on_newcomer:
                            pause = max(pause, 0.03)
                        if pause:
                            time.sleep(pause)
                        if cut_on_newcomer and provider.arrivals > arrived:
                            self.close_connection = True
                            self.connection.shutdown(2)
                            return
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                        self.wfile.flush()
                    if reply.reset_after:
                        self.close_connection = True
                        self.connection.shutdown(2)
                        return
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError, OSError):
                    self.close_connection = True

        return Handler


def stall_after(faults: frozenset[str]) -> float:
    """`server.stall-after-N`: the first N requests are answered at once, later POSTs only after 30 s."""
    found = [int(x.rsplit("-", 1)[1]) for x in faults if x.startswith("server.stall-after-")]
    return min(found) if found else float("inf")


def _no_such_path(f: FakeRequest) -> Reply:
    """A path no API has: 404 in the envelope of the API the request speaks (Anthropic's when it
    carries anthropic-version), or a framework's `{"detail": ...}` under `hostile.unknown-path-detail`."""
    if f.has("hostile.unknown-path-detail"):
        return Reply.json({"detail": "Not Found"}, 404)
    if "anthropic-version" in f.headers:
        return Reply.json({"type": "error", "error": {"type": "not_found_error", "message": "Not Found"}}, 404)
    return openai_error(404, "no such path", "invalid_request_error")


def _first_token_after(reply: Reply, delay: float) -> Reply:
    """The same reply, its first byte held back: a model that takes `delay` to start answering."""
    if reply.chunks is None:
        time.sleep(delay)
        return reply
    chunks = list(reply.chunks)
    if chunks:
        pause, first = chunks[0] if isinstance(chunks[0], tuple) else (0.0, chunks[0])
        chunks[0] = (pause + delay, first)
    return Reply(status=reply.status, body=reply.body, headers=reply.headers, chunks=chunks,
                 reset_after=reply.reset_after)


def parsed(f: FakeRequest, surface: str, refuse: Callable[[], Reply]) -> tuple[Any, Reply | None]:
    """The request's JSON body, or the answer to a body that is not JSON: the API's refusal, or,
    under `<surface>.malformed-500`, the HTML 500 of a web server that never reached the API."""
    try:
        return f.json(), None
    except ValueError:
        if f.has(f"{surface}.malformed-500"):
            return None, Reply(status=500, body=b"<html><body>Internal Server Error</body></html>",
                               headers={"content-type": "text/html"})
        return None, refuse()



def framework_fault(f: FakeRequest, surface: str, traceback: Callable[[], Reply]) -> Reply | None:
    """The answers of a framework around the API: its own 404 (`<surface>.detail-404`), or an
    unhandled exception shown to the caller (`<surface>.traceback-500`)."""
    if f.has(f"{surface}.detail-404"):
        return Reply.json({"detail": "Not Found"}, 404)
    if f.has(f"{surface}.traceback-500"):
        return traceback()
    return None


def openai_envelope(status: int, message: str, kind: str, f: FakeRequest, surface: str, code: str | None = None,
                    param: str | None = None) -> Reply:
    """An OpenAI-style error, or under a fault the departures relays show: a framework's
    `{"detail": ...}` (`<surface>.error-envelope-wrong`), llama-server's integer code without param."""
    if f.has(f"{surface}.error-envelope-wrong"):
        return Reply.json({"detail": message}, status)
    if f.has("openai.error-code-int"):
        return Reply.json({"error": {"code": status, "message": message, "type": kind}}, status)
    return openai_error(status, message, kind, code, param)


def openai_request(f: FakeRequest, surface: str, traceback: str) -> tuple[Any, Reply | None]:
    """The body of an OpenAI-style request, or what the server answers before reading it: a
    framework's fault (`traceback` is the unhandled exception it shows), a missing or wrong bearer
    key, a body that is not JSON."""
    fault = framework_fault(f, surface, lambda: openai_error(500, traceback, "server_error"))
    if fault:
        return None, fault
    if not f.has(f"{surface}.auth-open") and f.headers.get("authorization", "") != f"Bearer {KEY}":
        return None, openai_envelope(401, "Incorrect API key provided", "invalid_request_error", f, surface,
                                     "invalid_api_key")
    return parsed(f, surface, lambda: openai_envelope(400, "We could not parse the JSON body of your request.",
                                                      "invalid_request_error", f, surface))


def openai_error(status: int, message: str, kind: str, code: str | None = None, param: str | None = None) -> Reply:
    return Reply.json({"error": {"message": message, "type": kind, "param": param, "code": code}}, status)


HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>" + b"x" * 400


def _endless() -> Iterator[tuple[float, bytes]]:
    while True:  # a stream that never ends; the client's exchange cap must stop it
        yield 0.05, b": still thinking\n\n"


# JSON of the right syntax and the wrong types, where checks that trust shapes would crash.
ODD_VALUES: list[Any] = [None, [], "text", 7, {}, [None], {"choices": "x"}, {"choices": [None, 3]},
                         {"choices": [{"delta": None, "message": [], "index": "0"}], "usage": [1]},
                         {"content": {"a": 1}, "type": 5, "usage": {"input_tokens": "many"}},
                         {"output": [None, {"type": "message", "content": "x"}], "usage": None},
                         {"type": "message", "content": [None, {"type": "text", "text": None}]},
                         {"error": "plain string"}, {"error": {"message": 3}}, {"type": "error", "error": []}]
GARBAGE_STATUS = [200, 200, 200, 200, 400, 401, 404, 500]
GARBAGE_TYPES = ["application/json", "text/event-stream", "text/html", "application/octet-stream"]


def _garbage(f: FakeRequest) -> Reply:
    """A deterministic mix of statuses, content types and bodies of the wrong shape, per request."""
    salt = next((x for x in f.faults if x.startswith("hostile.garbage")), "")
    rnd = random.Random(zlib.crc32(salt.encode() + f.path.encode() + f.raw))
    status, kind = rnd.choice(GARBAGE_STATUS), rnd.choice(GARBAGE_TYPES)
    if kind == "text/event-stream":
        events = [rnd.choice([sse_data(rnd.choice(ODD_VALUES)), sse_event(rnd.choice(["error", "x", "message_start",
                                                                                         "response.completed"]),
                                                                           rnd.choice(ODD_VALUES)),
                              b"data: [DONE]\n\n", b"data: {\"trunc", b": c\n\n", bytes(rnd.randrange(256)
                                                                                      for _ in range(20))])
                  for _ in range(rnd.randrange(1, 8))]
        return Reply(status=status, chunks=events, headers={"content-type": kind})
    body = rnd.choice([json.dumps(rnd.choice(ODD_VALUES)).encode(), b"", b"\xff\xfe{", b"{\"a\": ",
                       json.dumps(rnd.choice(ODD_VALUES))[:7].encode()])
    return Reply(status=status, body=body, headers={"content-type": kind})


def _field_faults(f: FakeRequest) -> Reply | None:
    """`field-refused:<dotted.path>`: a relay whose own request model refuses an official field (a
    422 of `{"detail": [...]}`); `field-ignored:<dotted.path>`: one that drops it before the model."""
    wanted = [x.partition(":") for x in f.faults if x.startswith(("field-refused:", "field-ignored:"))]
    if not wanted:
        return None
    try:
        body = json.loads(f.raw)
    except ValueError:
        return None
    for kind, _, path in wanted:
        *parents, last = path.split(".")
        holder = body
        for step in parents:
            holder = holder.get(step) if isinstance(holder, dict) else None
        if not isinstance(holder, dict) or last not in holder:
            continue
        if kind == "field-refused":
            return Reply.json({"detail": [{"type": "extra_forbidden", "loc": ["body", *path.split(".")],
                                           "msg": "Extra inputs are not permitted"}]}, 422)
        del holder[last]
        f.raw = json.dumps(body).encode()
    return None


def _wants_stream(f: FakeRequest) -> bool:
    return b'"stream":true' in f.raw.replace(b" ", b"") or ":streamGenerateContent" in f.path


def _message_without_content(raw: bytes) -> bool:
    """A conversation entry (messages, input, contents) with a role and neither content nor parts:
    what a relay that reads `message["content"]` unchecked crashes on."""
    try:
        body = json.loads(raw)
    except ValueError:
        return False
    turns = [t for key in ("messages", "input", "contents") if isinstance(body, dict)
             and isinstance(body.get(key), list) for t in body[key]]
    return any(isinstance(t, dict) and "role" in t and "content" not in t and "parts" not in t for t in turns)


def hostile(f: FakeRequest) -> Reply | None:
    """Failure modes of real relays, on the API's POST routes (a GET of the model list stays sane,
    as on a relay whose chat backend is broken). None when no hostile fault is on."""
    if f.has("hostile.html-everywhere"):  # not an API at all: a web site's base URL
        return Reply(body=HTML, headers={"content-type": "text/html"})
    if f.has("hostile.google-key-refused"):  # the Gemini API's answer to a wrong key, on every route
        return Reply.json({"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                                     "status": "INVALID_ARGUMENT", "details": [
                                         {"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                          "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}, 400)
    if f.has("hostile.key-refused"):  # the user's key is wrong, on every route
        return openai_error(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key")
    elsewhere = next((x.split("=", 1)[1] for x in f.faults if x.startswith("hostile.redirect-to=")), None)
    if elsewhere:  # a relay that sends its callers on to another host (which must never get their key)
        return Reply(status=307, body=b"", headers={"location": elsewhere + f.path})
    if f.method != "POST":
        return None
    refused = _field_faults(f)
    if refused:
        return refused
    if any(x.startswith("hostile.garbage") for x in f.faults):
        return _garbage(f)
    wants_stream = _wants_stream(f)
    if f.has("hostile.html-200"):
        return Reply(body=HTML, headers={"content-type": "text/html"})
    if f.has("hostile.html-json-200"):
        return Reply(body=HTML, headers={"content-type": "application/json"})
    if f.has("hostile.html-502"):
        return Reply(status=502, body=HTML, headers={"content-type": "text/html"})
    if f.has("hostile.truncated-json"):
        return Reply(body=b'{"id": "chatcmpl-1", "object": "chat.completion", "choices": [{"index": 0, "mess',
                     headers={"content-type": "application/json"})
    if f.has("hostile.bad-encoding"):
        return Reply(body=b'{"not": "gzip at all"}', headers={"content-type": "application/json",
                                                              "content-encoding": "gzip"})
    if f.has("hostile.huge-body"):
        return Reply(body=b'{"padding": "' + b"a" * (30 * 1024 * 1024) + b'"}',
                     headers={"content-type": "application/json"})
    if f.has("hostile.no-content-500") and _message_without_content(f.raw):
        return Reply(status=500, body=b"Internal Server Error", headers={"content-type": "text/plain"})
    if f.has("hostile.500"):
        return Reply(status=500, body=b"Internal Server Error", headers={"content-type": "text/plain"})
    if f.has("hostile.429-storm"):
        return Reply.json({"error": {"message": "slow down", "type": "rate_limit_error", "param": None,
                                     "code": "rate_limited"}}, 429, **{"retry-after": "1"})
    if not wants_stream:
        return None
    start = [b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":'
             b'[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}\n\n']
    if f.has("hostile.stream-stall"):
        return Reply.sse([*start, (30.0, b"data: [DONE]\n\n")])
    if f.has("hostile.stream-endless"):
        return Reply.sse(_endless())
    if f.has("hostile.stream-reset"):
        return Reply(chunks=start, headers={"content-type": "text/event-stream"}, reset_after=True)
    if f.has("hostile.stream-invalid-utf8"):
        return Reply.sse([*start, b'data: {"x": "\xff\xfe\xfd"}\n\n', b"data: [DONE]\n\n"])
    return None
