"""The one HTTP client every request goes through: auth, time limits, retries, size cap, budget,
timings, recording and replay."""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import socket
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from llmconform import __version__, interrupt, spec
from llmconform.exchange import NOT_RECORDED, UNDECLARED, WRONG_KEY, Exchange, Request, Timings
from llmconform.profile import Profile
from llmconform.redact import MASK, Redactor
from llmconform.replay import PROBE_EXTENSION, CassetteStore, NotRecorded, ReplayTransport
from llmconform.settings import Mode
from llmconform.sse import StreamParser


@dataclass(frozen=True)
class Limits:
    connect_s: float = 10.0
    read_s: float = 60.0  # the longest silence inside an answer
    total_s: float = 120.0  # a whole exchange, stream included
    max_bytes: int = 8 * 1024 * 1024
    retries: int = 2  # on RETRIED
    max_retry_wait_s: float = 8.0


# Sent again after a pause: rate limits, an unavailable server, and Anthropic's 529 overloaded_error
# (anthropic-sdk-python and openai-python _base_client.py _should_retry retry 429 and every 5xx).
# Still answered after the retries, the server's load leaves the exchange undecided (exchange.UNDECIDED):
# Google's 503 UNAVAILABLE ("most likely a transient condition, which can be corrected by retrying
# with a backoff": googleapis google/rpc/code.proto), OpenAI's 503 ("the engine is currently
# overloaded": platform docs, Error codes) and Anthropic's 529 break no rule of their APIs.
LOADED = {503: "unavailable", 529: "overloaded"}
RETRIED = (429, *LOADED)
UNSIZED = 10**9  # a cap not yet sized from the plan (only the pre-flight runs before that)


class Budget:
    """Requests and output tokens a run may spend; once either is spent nothing more is sent."""

    def __init__(self, max_requests: int | None, max_output_tokens: int | None) -> None:
        self.explicit = (max_requests is not None, max_output_tokens is not None)
        self.max_requests = max_requests if max_requests is not None else UNSIZED
        self.max_output_tokens = max_output_tokens if max_output_tokens is not None else UNSIZED
        self.requests = 0
        self.output_tokens = 0
        self._lock = threading.Lock()

    def take_request(self) -> bool:
        with self._lock:
            if self.requests >= self.max_requests or self.output_tokens >= self.max_output_tokens:
                return False
            self.requests += 1
            return True

    def size(self, requests: int, output_tokens: int) -> None:
        """Caps not set by the user become the plan's: what a full run of the profile spends."""
        if not self.explicit[0]:
            self.max_requests = requests
        if not self.explicit[1]:
            self.max_output_tokens = output_tokens

    def spend_tokens(self, tokens: int) -> None:
        with self._lock:
            self.output_tokens += max(tokens, 0)


def output_tokens(exchange: Exchange) -> int | None:
    """Output tokens the provider reports for an exchange, read where its surface's spec says
    usage sits (the last count a stream gave; a JSON-array stream's last piece with usage)."""
    return spec.usage(exchange.request.surface).last(exchange.payloads())[1]


def undeclared(profile: Profile, request: Request) -> str | None:
    """Why a request must not be sent: it goes to a paid media operation (its spec's
    `x-llmconform-cost`) whose feature the profile does not declare for the surface. Every request
    passes here (checks, schemathesis, the sweep), in every mode, before the budget is touched."""
    cost = spec.cost_of(request.surface, request.method, request.path)
    if cost is None:
        return None
    config = profile.surfaces.get(request.surface)
    if config is not None and cost.feature in config.features:
        return None
    return (f"feature '{cost.feature}' ({cost.kind}: {cost.unit or 'paid per request'}) not declared for "
            f"{request.surface} by profile {profile.name}: nothing sent")


def retry_after(headers: Mapping[str, str]) -> float | None:
    """The wait a `Retry-After` header asks for, in seconds (a number or an HTTP date); None without one."""
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(parsed.timestamp() - time.time(), 0.0) if parsed else None


class Client:
    def __init__(self, profile: Profile, *, keys: dict[str, str], mode: Mode | str, redactor: Redactor,
                 limits: Limits | None = None, budget: Budget | None = None,
                 cassettes: CassetteStore | None = None,
                 on_exchange: Callable[[Exchange], None] | None = None, concurrency: int = 2) -> None:
        self.profile = profile
        self.mode = Mode(mode)
        self.limits = limits or Limits()
        self.budget = budget or Budget(profile.budget.max_requests, profile.budget.max_output_tokens)
        self.cassettes = cassettes
        transport: httpx.BaseTransport | None = None
        if self.mode == Mode.REPLAY:
            # The cassette answers through httpx's transport seam; a replay costs nothing and a
            # recorded 429 is the answer, not a reason to wait and ask again.
            transport = ReplayTransport(cassettes)
            self.budget = Budget(UNSIZED, UNSIZED)
            self.limits = dataclasses.replace(self.limits, retries=0)
        self._keys = keys  # variable -> key
        self._redactor = redactor
        self._on_exchange = on_exchange
        # The suite's own load stays small: a 4-slot server is not flooded into queueing timeouts.
        self._in_flight = threading.BoundedSemaphore(max(concurrency, 1))
        self._transport = transport
        self._http = self._client(keepalive=4)
        # Every socket this client opened, so that an interrupt cuts the requests in flight at once.
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        # Re-entrant: the signal handler calls cancel() in the main thread, which may hold it already.
        self._sockets_lock = threading.RLock()
        interrupt.on_stop(self.cancel)

    def cancel(self) -> None:
        """Cut every connection (a request in flight ends with no answer); nothing more is sent."""
        with self._sockets_lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _client(self, *, keepalive: int) -> httpx.Client:
        return httpx.Client(
            timeout=httpx.Timeout(self.limits.read_s, connect=self.limits.connect_s),
            follow_redirects=False, transport=self._transport,
            headers={"user-agent": f"llmconform/{__version__}"},
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=keepalive),
        )

    def close(self) -> None:
        self._http.close()

    # -- request building ---------------------------------------------------------------------

    def _auth(self, request: Request) -> tuple[dict[str, str], dict[str, str]]:
        """Headers and query parameters that authenticate the request as its probe wants."""
        if request.auth == "none":
            return {}, {}
        variable = self.profile.key_env_for(request.surface)
        # A replay sends nothing, and may run without the key: the placeholder keeps the declared
        # auth header in the reproduction line (as ${VAR}), so the printed curl is the request sent live.
        key = WRONG_KEY if request.auth == "wrong" else (
            self._keys.get(variable or "", "") or (MASK if self.mode == Mode.REPLAY else ""))
        style = request.auth_style or self.profile.auth_style_for(request.surface)
        if style == "none" or not key:
            return {}, {}
        if style == "bearer":
            return {"authorization": f"Bearer {key}"}, {}
        if style == "query-key":
            return {}, {"key": key}
        return {style: key}, {}

    def _url(self, request: Request, params: dict[str, str]) -> httpx.URL:
        url = httpx.URL(request.path if request.absolute else self.profile.base_url + request.path)
        return url.copy_merge_params(params) if params else url

    def _shown(self, url: httpx.URL, headers: dict[str, str], auth: str = "valid") -> tuple[str, dict[str, str]]:
        shown_url = str(url.copy_set_param("key", MASK)) if url.params.get("key") else str(url)
        shown_url = self._redactor.text(shown_url).replace("%3Credacted%3E", MASK)
        shown_headers = self._redactor.headers(headers.items())
        if auth == "wrong":
            # The wrong key is no secret and is what the probe sent: a reproduction carries it
            # literally, or, run as printed, it would send the good key from ${VAR}.
            shown_url = shown_url.replace(MASK, WRONG_KEY)
            shown_headers = {name: value.replace(MASK, WRONG_KEY) if headers.get(name, "").endswith(WRONG_KEY)
                             else value for name, value in shown_headers.items()}
        return shown_url, shown_headers

    # -- sending ------------------------------------------------------------------------------

    def _foreign(self, request: Request) -> bool:
        """An absolute URL off the provider's own origin (a result on a CDN): it gets no key and
        none of the profile's headers — a key is only ever sent where the profile sends it."""
        if not request.absolute:
            return False
        there, here = httpx.URL(request.path), httpx.URL(self.profile.base_url)
        return (there.scheme, there.host, there.port) != (here.scheme, here.host, here.port)

    def prepared(self, request: Request) -> tuple[httpx.URL, dict[str, str], Exchange]:
        """The URL and headers a request is sent with (its key among them, as its auth style
        puts it), and its exchange, which shows both with the key masked. The WebSocket mode
        (llmconform.websocket) opens its connection with the same."""
        foreign = self._foreign(request)
        auth_headers, params = ({}, {}) if foreign else self._auth(request)
        headers = {**({} if foreign else self.profile.headers), **dict(request.headers), **auth_headers}
        if request.content and not request.websocket:
            headers.setdefault("content-type", "application/json")
        url = self._url(request, params)
        if request.websocket:  # the same origin, its scheme the WebSocket one
            url = url.copy_with(scheme={"http": "ws", "https": "wss"}.get(url.scheme, url.scheme))
        shown_url, shown_headers = self._shown(url, headers, request.auth)
        exchange = Exchange(request=request, url=shown_url, sent_headers=shown_headers,
                            key_env=self.profile.key_env_for(request.surface))
        return url, headers, exchange

    def track(self, sock: socket.socket) -> None:
        """A socket opened outside httpx (the WebSocket mode's): an interrupt cuts it too."""
        with self._sockets_lock:
            self._sockets.add(sock)
        if interrupt.STOP.is_set():
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def redacted(self, text: str) -> str:
        """Text with every key masked: what an error from a transport may say."""
        return self._redactor.text(text)

    def delivered(self, exchange: Exchange) -> None:
        """An exchange made outside `send` (a WebSocket turn) joins the run's exchanges."""
        if self._on_exchange:
            self._on_exchange(exchange)

    def send(self, request: Request) -> Exchange:
        url, headers, exchange = self.prepared(request)
        refused = undeclared(self.profile, request)
        if refused:  # the cost guard: a paid media request the profile did not ask for is never sent
            exchange.problem, exchange.problem_detail = UNDECLARED, refused
            return exchange
        self._exchange(exchange, url, headers)
        if self.mode == Mode.RECORD and self.cassettes is not None and exchange.status is not None:
            self.cassettes.record(exchange)
        if self._on_exchange:
            self._on_exchange(exchange)
        return exchange

    def _exchange(self, exchange: Exchange, url: httpx.URL, headers: dict[str, str]) -> None:
        request = exchange.request
        for attempt in range(self.limits.retries + 1):
            if interrupt.STOP.is_set():
                exchange.problem, exchange.problem_detail = "interrupted", "the run was interrupted"
                return
            if not self.budget.take_request():
                if exchange.status == 429:
                    exchange.problem, exchange.problem_detail = "rate-limited", "budget spent while retrying"
                else:
                    exchange.problem, exchange.problem_detail = "budget", (
                        f"{self.budget.requests}/{self.budget.max_requests} requests, "
                        f"{self.budget.output_tokens}/{self.budget.max_output_tokens} output tokens spent")
                return
            exchange.attempts = attempt + 1
            fresh: dict[str, bool] = {}
            with self._in_flight:
                wait = self._attempt(exchange, url, headers, fresh)
            if interrupt.STOP.is_set():  # cut by the interrupt: not a reset to send again
                exchange.problem, exchange.problem_detail = "interrupted", "the run was interrupted"
                return
            if wait is None and self._reused_and_reset(exchange, fresh):
                # The server had closed a kept-alive connection (after a 500, without saying so):
                # this request never reached it. Once more on a new connection, within the budget,
                # so the reset is never reported against a request the server did not receive.
                if not self.budget.take_request():
                    exchange.problem_detail += "; not retried: the budget is spent"
                    break
                first = exchange.problem_detail
                exchange.attempts += 1
                with self._in_flight, self._client(keepalive=0) as once:
                    wait = self._attempt(exchange, url, headers, {}, http=once)
                exchange.retried = f"reset on a reused connection ({first}); sent again on a new one"
            if wait is None:
                break
            if attempt == self.limits.retries:
                break
            interrupt.STOP.wait(wait)
        if exchange.status == 429 and exchange.problem is None:
            exchange.problem = "rate-limited"
            exchange.problem_detail = f"429 after {exchange.attempts} attempt(s)"
        if exchange.status in LOADED and exchange.problem is None:
            exchange.problem = LOADED[exchange.status]
            exchange.problem_detail = f"{exchange.status} after {exchange.attempts} attempt(s)"
        # A GET or DELETE generates nothing: the usage a stored response shows (a poll's, a
        # retrieval's) was spent, and counted, by the request that created it.
        if exchange.status is not None and 200 <= exchange.status < 300 and request.method not in ("GET", "DELETE"):
            spent = output_tokens(exchange)
            self.budget.spend_tokens(spent if spent is not None else (request.output_limit or 0))

    @staticmethod
    def _reused_and_reset(exchange: Exchange, fresh: dict[str, bool]) -> bool:
        """The connection broke before any answer, and it was one kept alive from an earlier request."""
        return exchange.problem == "reset" and exchange.status is None and not fresh.get("connected") \
            and not exchange.retried

    def _attempt(self, exchange: Exchange, url: httpx.URL, headers: dict[str, str], fresh: dict[str, bool],
                 http: httpx.Client | None = None) -> float | None:
        """One try; returns the wait before a retry, or None when the answer is final. `fresh`
        learns whether this try opened a new connection (httpcore's trace says so)."""
        request = exchange.request

        def trace(event: str, info: Any) -> None:
            if event.startswith("connection.connect_tcp.complete"):
                fresh["connected"] = True
                stream = info.get("return_value")
                sock = stream.get_extra_info("socket") if stream is not None else None
                if isinstance(sock, socket.socket):
                    with self._sockets_lock:
                        self._sockets.add(sock)
                    if interrupt.STOP.is_set():  # connected just as the run was stopped: nothing goes out
                        with contextlib.suppress(OSError):
                            sock.shutdown(socket.SHUT_RDWR)
        exchange.problem, exchange.problem_detail = None, ""
        start = time.monotonic()
        deadline = start + self.limits.total_s

        def elapsed_ms() -> float:
            return round((time.monotonic() - start) * 1000, 1)

        body = bytearray()
        parser: StreamParser | None = None
        try:
            with (http or self._http).stream(request.method, url, headers=headers, content=request.content or None,
                                             extensions={"trace": trace, PROBE_EXTENSION: request}) as resp:
                exchange.status = resp.status_code
                exchange.headers = {k.lower(): v for k, v in resp.headers.items()}
                exchange.timings = Timings(headers_ms=elapsed_ms())
                if resp.status_code in RETRIED:
                    wait = retry_after(resp.headers)
                    if wait is None or wait <= self.limits.max_retry_wait_s:
                        resp.read()
                        exchange.body = resp.content[: self.limits.max_bytes]
                        return min(wait if wait is not None else 1.0, self.limits.max_retry_wait_s)
                if exchange.is_event_stream:
                    parser = StreamParser()
                for chunk in resp.iter_bytes():
                    if interrupt.STOP.is_set():
                        exchange.problem, exchange.problem_detail = "interrupted", "the run was interrupted"
                        break
                    now = elapsed_ms()
                    if exchange.timings.first_byte_ms is None:
                        exchange.timings.first_byte_ms = now
                    body += chunk
                    if parser:
                        parser.feed(chunk, now)
                        if request.refusal_expected and parser.events and 200 <= resp.status_code < 300:
                            break  # served: that is the verdict; the rest would only cost tokens
                    if len(body) > self.limits.max_bytes:
                        exchange.problem = "too-large"
                        exchange.problem_detail = f"more than {self.limits.max_bytes} bytes"
                        break
                    if time.monotonic() > deadline:
                        exchange.problem = "never-ended" if parser else "too-slow"
                        exchange.problem_detail = f"still arriving after {self.limits.total_s:.0f} s"
                        break
        except NotRecorded:
            exchange.problem = NOT_RECORDED
        except httpx.ConnectError as exc:
            exchange.problem, exchange.problem_detail = "unreachable", self._redactor.text(str(exc))[:200]
        except httpx.ConnectTimeout:
            exchange.problem, exchange.problem_detail = "unreachable", "connect timed out"
        except httpx.ReadTimeout:
            exchange.problem = "stalled" if exchange.status is not None else "timeout"
            exchange.problem_detail = f"nothing arrived for {self.limits.read_s:.0f} s"
        except httpx.DecodingError as exc:
            exchange.problem, exchange.problem_detail = "bad-encoding", str(exc)[:200]
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            exchange.problem = "reset"
            exchange.problem_detail = self._redactor.text(str(exc))[:200] or exc.__class__.__name__
        except httpx.HTTPError as exc:
            exchange.problem = "transport"
            exchange.problem_detail = self._redactor.text(f"{exc.__class__.__name__}: {exc}")[:200]
        exchange.body = bytes(body[: self.limits.max_bytes])
        exchange.timings.total_ms = elapsed_ms()
        if parser:
            parser.close(exchange.timings.total_ms)
            exchange.events, exchange.framing = parser.events, parser.framing
        return None
