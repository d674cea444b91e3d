"""A target: one provider under test in one mode, with its client and its exchange cache.

Exchanges are made once per session and shared by every check that reads them; independent ones
are sent concurrently (`prefetch`), dependent ones (a tool-result turn needs the tool call) are
built from the exchanges they depend on.
"""

from __future__ import annotations

import contextlib
import functools
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from llmconform import factory, interrupt, spec, websocket
from llmconform.client import Budget, Client, Limits, retry_after
from llmconform.exchange import ANSWERED, Exchange, Request, Sequence, Unlinked
from llmconform.profile import Profile, ProfileError, SurfaceConfig
from llmconform.redact import Redactor, weak_reason
from llmconform.replay import CassetteStore
from llmconform.settings import Mode
from llmconform.surfaces import SURFACE_MODULES, Dependent, Surface

TIMING_PROBE = "stream"  # the plain stream of each surface: TTFT and tokens/s are read from it
FUZZ_OUTPUT_CAP = 16  # schemathesis cases ask for at most this many output tokens (fuzz._cheap)
UNLIMITED_ESTIMATE = 256


@dataclass
class Target:
    profile: Profile
    mode: Mode
    client: Client
    redactor: Redactor
    cassettes: CassetteStore | None = None
    fuzz_cases: int = 5
    exchanges: list[Exchange] = field(default_factory=list)
    _cache: dict[str, Future[Exchange]] = field(default_factory=dict)
    _sequences: dict[tuple[str, str], Future[Sequence]] = field(default_factory=dict)
    # A probe's exchange by (surface, probe), once sent: every check reading it gets it without
    # building its request again (the cache above is keyed by the request).
    _probed: dict[tuple[str, str], Exchange] = field(default_factory=dict)
    # Two probes that send the same bytes share one exchange; it is named after the first of them in
    # suite order (prefetch), not after whichever thread got there first: a run's evidence is the same
    # each time. Request key -> (surface, probe).
    _named: dict[str, tuple[str, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=6))

    @property
    def name(self) -> str:
        return self.profile.name

    def surface_config(self, surface: str) -> SurfaceConfig | None:
        return self.profile.surfaces.get(surface)

    def model(self, surface: str) -> str:
        config = self.surface_config(surface)
        if config is None:
            raise KeyError(surface)
        return config.model

    def surface(self, name: str) -> Surface:
        return SURFACE_MODULES[name]

    # -- requests -----------------------------------------------------------------------------

    def request(self, surface: str, probe: str, *, auth: str = "valid") -> Request:
        """The request a probe sends: a builder's, the profile's documented one, or the spec's."""
        kind = self.surface(surface)
        config = self.surface_config(surface)
        if spec.sequence(surface, probe) is not None:
            raise ValueError(f"{surface} probe {probe} is a sequence of requests: read it with Target.sequence")
        builder = kind.builders.get(probe)
        if isinstance(builder, Dependent):
            return self._continued(surface, probe, builder)
        if builder is not None:
            return builder(self)
        # A paid operation's model is the one the profile names for its feature (a speech model and a
        # transcription model are two), else the surface's.
        cost = spec.load(surface).operation(kind.path, factory.method_of(surface, kind.path)).cost
        model = config.model_for(cost.feature) if cost is not None and config is not None else self.model(surface)
        return factory.request(surface, probe, model=model, operation=kind.path, config=config,
                               headers=kind.default_headers, auth=auth)

    def _continued(self, surface: str, probe: str, dependent: Dependent) -> Request:
        """A dependent probe's request: built from the answer to the probe it continues, or its
        fallback where that answer gives nothing to continue or the profile documents this request
        (the documented conversation is sent as it stands)."""
        config = self.surface_config(surface)
        documented = dependent.fallback is not None and config is not None and probe in config.requests
        if not documented:
            first = self.request(surface, dependent.after)
            built = dependent.build(first, self.send(first))
            if built is not None:
                return built
        if dependent.fallback is None:
            raise ValueError(f"{surface} probe {probe} has no conversation to fall back on")
        return dependent.fallback(self)

    def step_request(self, surface: str, probe: str, step: spec.Step, done: Sequence) -> Request:
        """The request of one step of a sequence, made by the one request factory: its method and
        path, its body (the profile's documented one for `probe/step`, else the step's), and what its
        links take from the exchanges before it. Unlinked when a link finds nothing there (the step
        is not sent)."""
        kind, model, config = self.surface(surface), self.model(surface), self.surface_config(surface)
        name = f"{probe}/{step.name}"
        body = step.value
        if config is not None and name in config.requests:
            body = config.requests[name]
        elif body is not None:
            body = spec.least_reasoning(surface, model, config.features if config else frozenset(), body)
        body = spec.fill_model(body, model) if body is not None else None
        params: dict[str, dict[str, str]] = {"path": {}, "query": {}, "header": dict(kind.default_headers)}
        url: str | None = None
        for where, source in step.links:
            value = done.linked(source, step.name)
            if where == "url":  # an absolute URL an answer named: the client sends no key off the provider
                if not str(value).startswith(("http://", "https://")):
                    raise Unlinked(f"{source}: {str(value)[:80]!r} is not an absolute http(s) URL")
                url = str(value)
                continue
            if where.startswith("body"):
                body = spec.pointer_set(body if body is not None else {}, where[len("body#"):], value)
            else:
                place, _, key = where.partition(".")
                params[place][key] = str(value)
        request = factory.request(surface, name, model=model, operation=step.path, config=config,
                                  method=step.method, path=params["path"], query=params["query"], body=body,
                                  headers=tuple(params["header"].items()), sent_to=url)
        if url is None and re.search(r"\{[^}/]*\}", request.path.split("?")[0]):
            raise Unlinked(f"{step.method} {request.path}: a path parameter no link fills")
        # HEAD asks for the headers alone: no JSON body comes back.
        return replace(request, step=name, binary=request.binary or step.method == "HEAD")

    # -- exchanges ----------------------------------------------------------------------------

    def send(self, request: Request) -> Exchange:
        """The exchange for a request, sent at most once per session."""
        with self._lock:
            future = self._cache.get(request.key)
            if future is None:
                future = Future()
                self._cache[request.key] = future
                owner = True
            else:
                owner = False
        if owner:
            named = self._named.get(request.key)
            if named is not None and named != (request.surface, request.probe):
                request = replace(request, surface=named[0], probe=named[1])
            try:
                future.set_result(self.client.send(request))
            except BaseException as exc:  # a suite bug: every check reading it reports it
                future.set_exception(exc)
        return future.result()

    def probe(self, surface: str, name: str) -> Exchange:
        found = self._probed.get((surface, name))
        if found is None:
            found = self._probed[(surface, name)] = self.send(self.request(surface, name))
        return found

    def resolve(self, surface: str, name: str) -> Exchange | Sequence:
        """A probe's exchange, or a sequence probe's (a WebSocket probe's) exchanges."""
        if spec.websocket(surface, name) is not None:
            return self.websocket(surface, name)
        return self.sequence(surface, name) if spec.sequence(surface, name) is not None else self.probe(surface, name)

    def websocket(self, surface: str, probe: str) -> Sequence:
        """The turns of a WebSocket probe (`transport: websocket`), sent on one connection once per
        session: its `response.create` body is the probe's request body."""
        def send() -> Sequence:
            request = self.request(surface, probe)
            body = request.body if isinstance(request.body, dict) else {}
            return websocket.run(self.client, surface, probe, request.path, body)

        return self._once(surface, probe, send)

    def sequence(self, surface: str, probe: str) -> Sequence:
        """The exchanges of a sequence probe, its steps sent in order once per session (each step,
        each poll, on its own cache key)."""
        steps = spec.sequence(surface, probe)
        if steps is None:
            raise KeyError(f"{surface} probe {probe} is not a sequence")
        return self._once(surface, probe, lambda: self._run(surface, probe, steps))

    def _once(self, surface: str, probe: str, send: Callable[[], Sequence]) -> Sequence:
        """`send` run by the first check that asks for this probe; every other check, on any thread,
        waits for its sequence."""
        with self._lock:
            future = self._sequences.get((surface, probe))
            owner = future is None
            if future is None:
                future = self._sequences[(surface, probe)] = Future()
        if owner:
            try:
                future.set_result(send())
            except BaseException as exc:  # a suite bug: every check reading it reports it
                future.set_exception(exc)
        return future.result()

    def _run(self, surface: str, probe: str, steps: tuple[spec.Step, ...]) -> Sequence:
        done = Sequence(surface, probe, tuple(step.name for step in steps))
        for step in steps:
            if interrupt.STOP.is_set():
                done.not_sent[step.name] = "the run was interrupted"
                continue
            try:
                request = self.step_request(surface, probe, step, done)
            except Unlinked as exc:
                done.not_sent[step.name] = str(exc)
                continue
            self._poll(step, request, done)
        return done

    def _poll(self, step: spec.Step, request: Request, done: Sequence) -> None:
        """Send a step; a polled one again, `every` seconds apart (longer when the answer asks so
        with Retry-After, up to the client's cap on a wait), until its `until` holds on the last
        answer, a poll is not answered, `max_polls` are spent or the run is stopped."""
        sent = done.steps.setdefault(step.name, [])
        started = time.monotonic()
        for poll in range(step.sends):
            if poll and self.mode != Mode.REPLAY and interrupt.STOP.wait(self._poll_wait(step, sent[-1])):
                done.unsettled[step.name] = f"the run was interrupted after {poll} poll(s)"
                return
            exchange = self.send(replace(request, poll=poll))
            sent.append(exchange)
            if step.until is None or exchange.outcome.kind != ANSWERED:
                return
            payloads = exchange.payloads()
            if step.until.holds(payloads[-1] if payloads else None):
                return
        assert step.until is not None  # a step without `until` returned after its one send
        _, seen = spec.pointer_get(sent[-1].payloads()[-1] if sent[-1].payloads() else None, step.until.pointer)
        done.unsettled[step.name] = (
            f"{step.until.pointer} still {seen!r} after {len(sent)} poll(s) over {time.monotonic() - started:.1f} s "
            f"(max_polls {step.max_polls}, every {step.every:g} s), never one of {list(step.until.values)}")

    def _poll_wait(self, step: spec.Step, last: Exchange) -> float:
        asked = retry_after(last.headers)
        return step.every if asked is None else max(step.every, min(asked, self.client.limits.max_retry_wait_s))

    def prefetch(self, probes: Iterable[tuple[str, str]]) -> None:
        """Send independent probes concurrently; the tests then read them from the cache.

        The timing probes go first, one at a time, with nothing else in flight: their TTFT and
        tokens/s measure the provider, not the suite's own requests queueing on it."""
        wanted = list(dict.fromkeys(probes))
        for surface, name in wanted:
            if spec.websocket(surface, name) is None and spec.sequence(surface, name) is None:
                with contextlib.suppress(Exception):  # a probe that cannot be built fails where it is read
                    self._named.setdefault(self.request(surface, name).key, (surface, name))
        if self.mode != Mode.REPLAY:
            for surface, name in wanted:
                if name == TIMING_PROBE:
                    with contextlib.suppress(Exception):
                        self.probe(surface, name).alone = True
        for surface, name in wanted:
            self._pool.submit(self._quiet(functools.partial(self.resolve, surface, name)))

    def plan(self, probes: Iterable[tuple[str, str]], phases: Iterable[tuple[str, str]]) -> dict[str, tuple[int, int]]:
        """Surface -> (requests, output tokens) that sending these probes and schemathesis phases
        spends at most."""
        planned: dict[str, list[int]] = {}
        for surface, name in self._with_prior(probes):
            spent = planned.setdefault(surface, [0, 0])
            if spec.websocket(surface, name) is not None:  # each response.create is one request
                spent[0] += websocket.CREATES
                spent[1] += websocket.CREATES * self._output_limit(surface, name)
                continue
            steps = spec.sequence(surface, name)
            for step in steps or ():  # every step, a polled one at its max_polls
                spent[0] += step.sends
                spent[1] += step.sends * self._step_limit(surface, f"{name}/{step.name}", step)
            if steps is None:
                spent[0] += 1
                spent[1] += self._output_limit(surface, name)
        for surface, phase in dict.fromkeys(phases):
            cases = self.fuzz_cases
            if phase == "examples":
                with contextlib.suppress(KeyError):
                    cases = len(spec.load(surface).operation(self.surface(surface).path).examples)
            elif self.mode == Mode.REPLAY:
                continue
            spent = planned.setdefault(surface, [0, 0])
            spent[0] += cases
            spent[1] += cases * FUZZ_OUTPUT_CAP
        return {surface: (requests, tokens) for surface, (requests, tokens) in planned.items()}

    def costs(self, probes: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
        """Surface -> cost class -> requests to paid media operations these probes would send (the
        ones the profile does not declare are never sent, and are not counted); read without sending
        anything (a probe that continues another's answer is counted as the one it continues)."""
        found: dict[str, dict[str, int]] = {}
        for surface, name in dict.fromkeys(probes):
            steps = spec.sequence(surface, name)
            if steps is not None:  # a sequence: each step, a polled one at its max_polls
                sent = [(step.method, step.path, step.sends) for step in steps]
            else:
                builder = self.surface(surface).builders.get(name)
                try:
                    request = self.request(surface, builder.after if isinstance(builder, Dependent) else name)
                except (KeyError, ValueError):
                    continue
                sent = [(request.method, request.path, 1)]
            config = self.surface_config(surface)
            for method, path, times in sent:
                cost = spec.cost_of(surface, method, path)
                if cost is not None and config is not None and cost.feature in config.features:
                    kinds = found.setdefault(surface, {})
                    kinds[cost.kind] = kinds.get(cost.kind, 0) + times
        return found

    def _with_prior(self, probes: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """These probes, and the ones a dependent among them continues (sent first, whether or not
        a check reads them: a tool-result turn costs its tool call too)."""
        wanted = list(dict.fromkeys(probes))
        for surface, name in list(wanted):
            builder = self.surface(surface).builders.get(name) if surface in SURFACE_MODULES else None
            while isinstance(builder, Dependent) and (surface, builder.after) not in wanted:
                wanted.append((surface, builder.after))
                builder = self.surface(surface).builders.get(builder.after)
        return wanted

    def _output_limit(self, surface: str, name: str) -> int:
        """A probe's output-token limit, read without sending anything (a dependent probe's is its
        basic probe's); a probe that sets none is counted at a generous estimate."""
        try:
            built = self.surface(surface).builders.get(name) is None
            request = self.request(surface, name if built else "basic")
        except (KeyError, ValueError):
            return 0
        if request.output_limit is not None:
            return request.output_limit
        return 0 if request.method == "GET" or request.refusal_expected else UNLIMITED_ESTIMATE

    def _step_limit(self, surface: str, name: str, step: spec.Step) -> int:
        """A step's output-token limit: none for a GET or DELETE (nothing is generated)."""
        if step.method in ("GET", "DELETE"):
            return 0
        config = self.surface_config(surface)
        body = config.requests[name] if config is not None and name in config.requests else step.value
        limit = spec.output_limit_of(surface, body)
        return limit if limit is not None else UNLIMITED_ESTIMATE

    @staticmethod
    def _quiet(call: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            # An exception here surfaces again, with its context, when a check reads the exchange.
            with contextlib.suppress(Exception):
                call()

        return run

    def close(self, *, interrupted: bool = False) -> None:
        """Wait for the requests in flight, then save a recording. Interrupted, nothing is waited
        for (the client has cut what was in flight) and the recording is saved marked partial."""
        self._pool.shutdown(wait=not interrupted, cancel_futures=True)
        self.client.close()
        if self.cassettes is not None and self.mode == Mode.RECORD:
            self.cassettes.save(partial=interrupted)


def preflight(base_url: str, timeout: float = 5.0) -> None:
    """Exit-2 early for a base URL nothing listens on, before any check is spent on it."""
    parts = urlsplit(base_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            pass
    except OSError as exc:
        raise ProfileError(f"base URL {base_url} is unreachable ({exc.strerror or exc}); "
                           "check the address, or run offline with --replay") from None


def build_target(profile: Profile, *, mode: Mode | str, cassette_root: Path | None, limits: Limits,
                 budget_requests: int | None = None, budget_tokens: int | None = None,
                 fuzz_cases: int = 5, concurrency: int = 2, plan_only: bool = False) -> Target:
    """A provider ready to be checked; with `plan_only`, one whose plan is read and nothing sent
    (no key needed, no connection made)."""
    try:
        mode = Mode(mode)
    except ValueError:
        raise ProfileError(f"unknown mode {mode!r}") from None
    keys = profile.api_keys(required=mode != Mode.REPLAY and not plan_only)
    redactor = Redactor(keys.values())
    for variable, key in keys.items():
        why = weak_reason(key)
        if why:  # used as given; said once, so that nobody mistakes it for a real key's protection
            print(f"llmconform: the key in {variable} is weak ({why}): it is used, and masked only where it is "
                  "sent or echoed as a key, not wherever its letters occur", file=sys.stderr)
    cassettes = None
    if mode in (Mode.REPLAY, Mode.RECORD) and cassette_root is not None:
        cassettes = CassetteStore(cassette_root / profile.name, record=mode == Mode.RECORD, redactor=redactor)
    if mode != Mode.REPLAY and not plan_only:
        preflight(profile.base_url)
    budget = Budget(budget_requests if budget_requests is not None else profile.budget.max_requests,
                    budget_tokens if budget_tokens is not None else profile.budget.max_output_tokens)
    exchanges: list[Exchange] = []
    lock = threading.Lock()

    def remember(exchange: Exchange) -> None:
        with lock:
            exchanges.append(exchange)

    client = Client(profile, keys=keys, mode=mode, redactor=redactor, limits=limits, budget=budget,
                    cassettes=cassettes, on_exchange=remember, concurrency=concurrency)
    return Target(profile=profile, mode=mode, client=client, redactor=redactor, cassettes=cassettes,
                  fuzz_cases=fuzz_cases, exchanges=exchanges,
                  _pool=ThreadPoolExecutor(max_workers=max(concurrency, 1)))
