"""What differs between API surfaces: the endpoint, default headers, dependent probes, and where
text and usage sit in a response. Shapes are not here: they live in `openapi/`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from llmconform import checks, spec
from llmconform.exchange import STREAM_ENDS, Request
from llmconform.verdict import expect

if TYPE_CHECKING:
    from llmconform.exchange import Exchange
    from llmconform.profile import Profile, SurfaceConfig
    from llmconform.sse import Event

class Probing(Protocol):
    """What a builder may ask of the run resolving it (the target, one layer up, implements it):
    the profile, the model, another probe's request. Nothing here sends: surfaces never import the
    target, and a probe that needs another's answer is a `Dependent`, resolved by the target."""

    profile: Profile

    def model(self, surface: str) -> str: ...

    def surface_config(self, surface: str) -> SurfaceConfig | None: ...

    def request(self, surface: str, probe: str, *, auth: str = "valid") -> Request: ...


Builder = Callable[[Probing], Request]


@dataclass(frozen=True)
class Dependent:
    """A probe that continues another one's conversation (a tool call answered, a thinking turn
    sent back). The target sends `after` first, then asks `build`, a pure function of that probe's
    request and exchange, for this one's request. `build` returns None when the answer gives it
    nothing to continue (no tool call came back): the target then sends `fallback`, the spec's own
    fixed conversation, as it does when the profile documents this probe's request."""

    after: str
    build: Callable[[Request, Exchange], Request | None]
    fallback: Builder | None = None


def parse_arguments(arguments: Any) -> Any:
    """Tool-call arguments parsed from their JSON string; None when they are not JSON."""
    if not isinstance(arguments, str):
        return None
    try:
        return json.loads(arguments)
    except ValueError:
        return None


def answer_json(exchange: Exchange) -> dict[str, Any]:
    """The JSON object a 2xx exchange answered; empty for anything else (a dependent probe then
    falls back to the spec's own request)."""
    if exchange.status is None or not 200 <= exchange.status < 300:
        return {}
    try:
        data = json.loads(exchange.body)
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def ends_with(events: list[Event], ends: tuple[str, ...]) -> bool:
    """A stream is over once one event's `type` is among `ends` (its spec's), or an SSE event is
    named `error`: closed before that, it was cut."""
    for event in events:
        data = event.json()
        if (isinstance(data, dict) and data.get("type") in ends) or event.event == "error":
            return True
    return False


def whole_text(exchange: Exchange, what: str, surface: str, schema: str, text: Callable[[Any], str],
               shown: str) -> str:
    """The visible text of an answer that must be whole: the surface's `schema` matched and the
    text (read by `text`) not empty; `what` names the request, `shown` the field a verdict quotes."""
    data = checks.ok_json(exchange)
    spec.load(surface).check(schema, data, what=f"the answer to {what}")
    expect(text(data).strip(), f"a non-empty text answer to {what}", data.get(shown))
    return text(data)


def sub(data: Any, key: str) -> dict[str, Any]:
    """`data[key]` when both are JSON objects, else an empty one: answers are read defensively."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Steer:
    """A system-like prompt a surface takes (the rule `{surface}/params/{probe}`, read from the probe
    of that name): how the rule names it, how a verdict names the request, the word the prompt asks
    for, and how a verdict names the steer."""

    probe: str
    prompt: str
    what: str
    word: str
    steer: str


@dataclass(frozen=True)
class JsonAnswer:
    """A probe beside the plain one answered with one JSON body (the rule `{surface}/{concern}/content-type`):
    its concern, its probe, how the rule names the request, and the feature it needs (if any)."""

    concern: str
    probe: str
    what: str
    feature: str | None = None


# A refusal's reader: (exchange, the statuses allowed, what was refused, the run's Probing or None)
# → the error body, failing unless it is the surface's native envelope.
ErrorReader = Callable[["Exchange", "tuple[int, ...] | range", str, "Probing | None"], dict[str, Any]]


@dataclass(frozen=True)
class Surface:
    """Everything the suite knows of one API surface beyond its spec, declared once by its module:
    the rules written once in `tests/common/` are parametrized over the surfaces whose readers and
    flags fit them, and a surface without a reader gets no rule that needs it. What its spec
    declares is read from there: the surfaces a profile may name and their key placements
    (`securitySchemes`), the SDK's call and variables (`x-llmconform-sdk`), usage, method and path."""

    name: str
    path: str
    default_headers: tuple[tuple[str, str], ...] = ()
    builders: dict[str, Builder | Dependent] = field(default_factory=dict)
    # How a verdict names the plain answer ("the chat completion").
    answer: str = "the answer"
    # The visible text of a whole answer (None: the surface answers no text), the concern its
    # reasoning checks sit under, and how a verdict names that text.
    text: Callable[[Any], str] | None = None
    reasoning: str = "reasoning"
    text_field: str = "the text"
    # The text of an answer that must be whole, with a non-empty text (`what` names the request).
    answered_text: Callable[[Exchange, str], str] | None = None
    # The visible text one stream event carries (for time-to-first-token and joins).
    event_text: Callable[[Any], str] = lambda data: ""
    # The pieces a stream's text is read from (default: its events' JSON objects), and a check that
    # leaves a stream undecided when it holds no text to judge: its output limit went to reasoning, or
    # (Anthropic's) the API refused the answer or ended the stream with an error event (None: it cannot).
    streamed_pieces: Callable[[Exchange], list[Any]] | None = None
    spent_on_reasoning: Callable[[Exchange], None] | None = None
    # How a stream says it is over (installed in `exchange.STREAM_ENDS` on registration): a stream
    # closed before it was cut. None: no end event (Gemini's), or no stream.
    stream_end: Callable[[list[Event]], bool] | None = None
    # Where a streamed request goes when streaming is chosen by the endpoint, not a body flag: the
    # operation and its query (Gemini's `:streamGenerateContent?alt=sse`). None: its own path.
    stream_at: tuple[str, dict[str, str]] | None = None
    # A stream whose every event is one object of a single schema: (its check's name, the schema).
    event_schema: tuple[str, str] | None = None
    # The names of the tools an answer (and a stream) calls, where tool_choice names the one tool to
    # call; how a verdict names such a call.
    forced_call_names: Callable[[Exchange], list[Any]] | None = None
    streamed_call_names: Callable[[Exchange], list[Any]] | None = None
    call: str = "call of the requested function"
    # Its refusals and rejections, where the envelope names more than OpenAI's (None: OpenAI's).
    native_error: ErrorReader | None = None
    native_rejected: Callable[[Exchange, str], dict[str, Any]] | None = None
    # The probes beside the plain one that are answered with one JSON body.
    json_answers: tuple[JsonAnswer, ...] = ()
    # The system-like prompts it takes (`params/<probe>`).
    steers: tuple[Steer, ...] = ()
    # Where its provider's model list is (the pre-flight's second opinion).
    model_list: str = "/v1/models"
    # Capabilities the shared rules select on. `chat_like`: a conversation and images are sent as
    # chat messages are (Responses' input is its own); `sse`: its `stream` probe is answered with
    # server-sent events on its own path; `refuses_key_401`: a missing key is refused 401 (Google
    # answers 400/403); `errors`: every error it answers is in its spec's envelope (the one its
    # operation's 4XX names: `error_schema`).
    chat_like: bool = False
    sse: bool = False
    refuses_key_401: bool = True
    errors: bool = True
    # The rules written once (`concern/name`) the surface has its own version of, in tests/<surface>/.
    own: frozenset[str] = frozenset()

    @property
    def usage(self) -> spec.Usage:
        """The one usage reader of the surface, declared by its spec (`x-llmconform-usage`): the
        budget, the report, the sweep and the checks all read usage through it."""
        return spec.usage(self.name)

    def usage_counts(self, data: Any) -> tuple[int | None, int | None]:
        """Usage counts (input, output) of a body, a stream event, or a JSON-array stream."""
        return self.usage.counts(data)

    @property
    def operation(self) -> spec.Operation:
        """Its spec's operation at its path (method and path are the spec's)."""
        found = [op for op in spec.load(self.name).operations() if op.path == self.path]
        if not found:
            raise KeyError(f"{self.name} spec has no operation at {self.path}")
        return next((op for op in found if op.method == "post"), found[0])

    @property
    def paid(self) -> bool:
        """Its operation is paid per item (an image, speech, a video job: its spec's `x-llmconform-cost`).
        The rules written once reach it only by their cost-aware path (docs/architecture.md, "Paid
        surfaces"): a rule whose request is refused before anything is generated (a missing or wrong
        key: at worst one paid item, where a broken server serves it) runs under the feature the
        operation costs, counted in `--plan` with its cost class; a rule reading only what was seen
        (the error envelopes, the free unknown-path probe, the answer its own checks asked for) adds
        no paid request; invalid input only where its spec declares it for the operation, under the
        feature. Generated requests (schema examples, fuzz), many and each possibly paid, never go to
        a paid operation."""
        return self.operation.cost is not None

    @property
    def cost_feature(self) -> str | None:
        """The feature a profile declares before any request to its paid operation is sent (None: not paid)."""
        cost = self.operation.cost
        return cost.feature if cost is not None else None

    @property
    def error_schema(self) -> str:
        """The schema of its errors: the one its operation's 4XX answer names (a relay's task routes
        answer their own `TaskError`), else OpenAI's `ErrorResponse`."""
        answers = self.operation.definition.get("responses") or {}
        answer = answers.get("4XX") or answers.get("400") or {}
        ref = ((answer.get("content") or {}).get("application/json") or {}).get("schema", {}).get("$ref", "")
        return ref.rsplit("/", 1)[-1] if ref else "ErrorResponse"

    @property
    def primary(self) -> str:
        """The probe its own checks send in every run, which a rule written once may read without
        adding a request: `basic` on every unpaid surface; on a paid one the probe its spec marks
        `primary` (a task surface's is its task sequence: its `basic` stands in for the pre-flight alone)."""
        if not self.paid:
            return "basic"
        return next((name for name, entry in self.operation.probes.items() if entry.primary), "basic")

    @property
    def sends_basic(self) -> bool:
        """Its `basic` probe is sent by its own checks anyway: a rule reading it adds no request."""
        return self.primary == "basic"

    @property
    def answers_json(self) -> bool:
        """Its operation's 200 answer is one JSON body (speech answers a file)."""
        answer = (self.operation.definition.get("responses") or {}).get("200", {}).get("content", {})
        return "application/json" in answer

    @property
    def sends_json(self) -> bool:
        """Its operation takes a JSON request body (invalid input, schema and fuzz rules apply)."""
        return "application/json" in ((self.operation.definition.get("requestBody") or {}).get("content") or {})

    @property
    def echoes_model(self) -> bool:
        """Its 200 answer requires the `model` it was asked for (Gemini's names its modelVersion)."""
        answer = (self.operation.definition.get("responses") or {}).get("200", {}).get("content", {})
        ref = (answer.get("application/json") or {}).get("schema", {}).get("$ref", "")
        return bool(ref) and "model" in (spec.load(self.name).schema(ref.rsplit("/", 1)[-1]).get("required") or ())

    def refused(self, exchange: Exchange, statuses: tuple[int, ...] | range, what: str,
                target: Probing | None = None) -> dict[str, Any]:
        """A refusal with one of `statuses` and this surface's native error envelope (and error kind)."""
        if self.native_error is not None:
            return self.native_error(exchange, statuses, what, target)
        return checks.error_envelope(exchange, self.name, statuses, what, schema=self.error_schema)

    def rejected(self, exchange: Exchange, what: str) -> dict[str, Any]:
        """Invalid input rejected with a 4xx and this surface's native envelope and error kind."""
        if self.native_rejected is not None:
            return self.native_rejected(exchange, what)
        return checks.rejected(exchange, self.name, what, schema=self.error_schema)

    def pieces(self, exchange: Exchange) -> list[Any]:
        """The pieces a stream's text is read from."""
        return self.streamed_pieces(exchange) if self.streamed_pieces is not None else exchange.data_objects()


def with_auth(surface: str, probe: str, auth: str) -> Builder:
    """A probe sent again with no key or a wrong key."""

    def build(target: Probing) -> Request:
        # Refused by design: the client judges it as such, never as a served answer's failure.
        return replace(target.request(surface, probe), probe=f"{probe}:auth-{auth}", auth=auth,
                       refusal_expected=True)

    return build


def malformed_json(surface: str) -> Builder:
    """The surface's own basic request with its JSON body cut in half (a JSON object is not whole
    before its last byte, so it is never JSON): must be answered 400, never 500."""

    def build(target: Probing) -> Request:
        basic = target.request(surface, "basic")
        content = basic.content
        return replace(basic, probe="malformed-json", body=None, raw_body=content[: len(content) // 2],
                       refusal_expected=True)

    return build


UNKNOWN_MODEL = "llmconform-no-such-model"


def unknown_model(surface: str) -> Builder:
    """The basic probe asking for a model no provider serves."""

    def build(target: Probing) -> Request:
        basic = target.request(surface, "basic")
        return replace(basic, probe="unknown-model", body={**basic.body, "model": UNKNOWN_MODEL},
                       refusal_expected=True)

    return build


UNKNOWN_PATH = "/v1/llmconform-no-such-path"


def unknown_path(surface: str) -> Builder:
    """The basic probe sent to a path no API has (beside the surface's own, with its headers and
    key): the 404 says in which envelope the server answers what it does not route."""

    def build(target: Probing) -> Request:
        basic = target.request(surface, "basic")
        return replace(basic, probe="unknown-path", path=UNKNOWN_PATH, refusal_expected=True)

    return build


def refusal_builders(surface: str) -> dict[str, Builder | Dependent]:
    """The probes every surface gets unless it builds its own (`register` adds them): its basic
    request with no key and with a wrong key, refused before anything is generated, and the same
    request to a path no API has (free: no operation is there). A paid surface gets the shared
    auth and error rules through these alone, without a line of its own."""
    return {
        "unknown-path": unknown_path(surface),
        "auth-none": with_auth(surface, "basic", "none"),
        "auth-wrong": with_auth(surface, "basic", "wrong"),
    }


def common_builders(surface: str) -> dict[str, Builder | Dependent]:
    return {
        **refusal_builders(surface),
        "malformed-json": malformed_json(surface),
        "unknown-model": unknown_model(surface),
    }


# -- billing (issue 20): one prompt sent plain, streamed, again, and at other sizes --------------

# The filler the billing prompt carries: a word that is one token in the common tokenizers (GPT's,
# Llama's, Gemma's, Qwen's: " the"), repeated. The spec's billing-plain probe holds a run of
# BILLING_RUN of them; the probes below hold more, so that billed tokens can be fitted against it.
BILLING_WORD = "the"
BILLING_RUN = 8
BILLING_SIZES = {"billing-words-a": 64, "billing-words-b": 200}


def filler(n: int) -> str:
    return " ".join([BILLING_WORD] * n)


def _refill(value: Any, n: int) -> Any:
    """Every string of a request body with its run of filler words resized to `n`."""
    if isinstance(value, str):
        return value.replace(filler(BILLING_RUN), filler(n))
    if isinstance(value, list):
        return [_refill(v, n) for v in value]
    if isinstance(value, dict):
        return {k: _refill(v, n) for k, v in value.items()}
    return value


def _resized(surface: str, probe: str, n: int) -> Builder:
    """billing-plain with `n` filler words (a profile's own billing-plain without the run is sent as
    it is; the check reads the sizes from what was sent)."""

    def build(target: Probing) -> Request:
        plain = target.request(surface, "billing-plain")
        return replace(plain, probe=probe, body=_refill(plain.body, n))

    return build


def _repeat(first: Request, answered: Exchange) -> Request:
    """billing-plain sent again, after its answer (a prompt cache, if any, is warm by then)."""
    return replace(first, probe="billing-repeat", repeat=1)


def billing_builders(surface: str, count: Callable[[Probing], Request] | None = None) -> dict[str, Builder | Dependent]:
    """The billing probes code builds for a surface: the repeat, the resized prompts and, where the
    API has one, the counting endpoint's request for billing-plain's prompt (`count`)."""
    builders: dict[str, Builder | Dependent] = {"billing-repeat": Dependent("billing-plain", _repeat)}
    builders.update({probe: _resized(surface, probe, n) for probe, n in BILLING_SIZES.items()})
    if count is not None:
        builders["billing-count"] = count
    return builders


SURFACE_MODULES: dict[str, Surface] = {}


def register(surface: Surface) -> Surface:
    surface = replace(surface, builders={**refusal_builders(surface.name), **surface.builders})
    SURFACE_MODULES[surface.name] = surface
    if surface.stream_end is not None:
        STREAM_ENDS[surface.name] = surface.stream_end
    return surface


def having(rule: Callable[[Surface], Any]) -> list[str]:
    """The names of the surfaces a rule written once fits (its readers and flags), sorted: what
    `tests/common` parametrizes over."""
    return sorted(name for name, surface in SURFACE_MODULES.items() if rule(surface))


def _load_all() -> None:
    """Each surface module registers itself on import."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_load_all()
