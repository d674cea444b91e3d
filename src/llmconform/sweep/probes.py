"""The sweep's requests, and what one answer shows: text, the model that answered, usage, timings,
ids, headers. The bodies are the `sweep*` probes of `openapi/`; answers are read with the surfaces'
own readers, defensively (a hostile answer is an observation, never an exception)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from llmconform import factory
from llmconform.client import Client
from llmconform.exchange import Exchange, Request
from llmconform.fingerprint import _ids, usage_keys
from llmconform.report import first_token_ms
from llmconform.sse import NOT_JSON
from llmconform.surfaces import SURFACE_MODULES
from llmconform.sweep.plan import probe_body


def request(surface: str, model: str, probe: str = "sweep", label: str | None = None, *,
            plain: bool = False) -> Request:
    """A sweep probe for one model; `plain`: the same request without streaming (and without the
    stream's options), for a model whose streams fail."""
    kind = SURFACE_MODULES[surface]
    body = probe_body(surface, probe, model)
    if plain:
        body = {k: v for k, v in body.items() if k not in ("stream", "stream_options")}
    # Where streaming is chosen by the endpoint (Gemini's `:streamGenerateContent?alt=sse`), not by a
    # body flag, the streamed sweep probe is sent there, as the surface's own streamed probes are.
    operation, query = kind.stream_at if kind.stream_at is not None and not plain else (kind.path, None)
    return factory.request(surface, f"{label or probe}:{model}", model=model, operation=operation, query=query,
                           body=body, headers=kind.default_headers)


def send(client: Client, sent: Request) -> Exchange:
    """The client's exchange for a request; sent once more when the connection broke before any
    answer arrived (a pooled keep-alive connection the server had already closed — llama-server
    does): nothing was answered, so the provider is not judged on it. Both tries count in the budget."""
    exchange = client.send(sent)
    if exchange.problem == "reset" and exchange.status is None:
        exchange = client.send(sent)
    return exchange


def _text(surface: str, data: Any) -> str:
    """The visible text of a whole (non-stream) answer (none on a surface that answers no text)."""
    text = SURFACE_MODULES[surface].text
    return text(data) if text is not None else ""


def _model_of(data: Any) -> str | None:
    """The model an answer (or one stream event) names: top level, Anthropic's message_start, or a
    Responses event's response."""
    if not isinstance(data, dict):
        return None
    for holder in (data, data.get("message"), data.get("response")):
        if isinstance(holder, dict) and isinstance(holder.get("model"), str) and holder["model"]:
            return str(holder["model"])
    version = data.get("modelVersion")  # Gemini's answers name the model that served them here
    return version if isinstance(version, str) and version else None


@dataclass
class Observation:
    """What one exchange showed."""

    exchange: Exchange
    payloads: list[Any] = field(default_factory=list)  # the JSON body, or every stream event's data
    readable: bool = False  # a 2xx answer whose body / events parse as the surface's answer
    text: str = ""
    answered_model: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    ttft_ms: float | None = None
    total_ms: float | None = None
    ids: list[str] = field(default_factory=list)
    usage_keys: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        status = self.exchange.status
        return status is not None and 200 <= status < 300 and self.exchange.problem is None and self.readable

    @property
    def tokens_per_s(self) -> float | None:
        """Output tokens after the first over the time after the first token."""
        out, ttft, total = self.output_tokens, self.ttft_ms, self.total_ms
        if out is None or ttft is None or total is None or out < 2 or total <= ttft:
            return None
        return round((out - 1) / ((total - ttft) / 1000), 1)

    def error_body(self) -> Any:
        try:
            return json.loads(self.exchange.body)
        except (ValueError, UnicodeDecodeError):
            return None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def observe(exchange: Exchange) -> Observation:
    surface = exchange.request.surface
    reader = SURFACE_MODULES[surface]
    seen = Observation(exchange=exchange, total_ms=exchange.timings.total_ms)
    ok_status = exchange.status is not None and 200 <= exchange.status < 300
    if exchange.events is not None:
        seen.payloads = [p for p in (e.json() for e in exchange.events) if p is not NOT_JSON]
        seen.text = "".join(reader.event_text(p) for p in seen.payloads)
        seen.ttft_ms = first_token_ms(exchange)
        # A stream is an answer once one event names a model or carries text or usage.
        seen.readable = ok_status and any(isinstance(p, dict) for p in seen.payloads)
    else:
        try:
            body = json.loads(exchange.body)
        except (ValueError, UnicodeDecodeError):
            body = None
        seen.payloads = [body] if body is not None else []
        seen.readable = ok_status and isinstance(body, dict)
        if isinstance(body, dict):
            seen.text = _text(surface, body)
    cache = 0
    for payload in seen.payloads:
        seen.answered_model = seen.answered_model or _model_of(payload)
        tokens_in, tokens_out = reader.usage_counts(payload) if isinstance(payload, dict) else (None, None)
        seen.input_tokens = _count(tokens_in) if _count(tokens_in) is not None else seen.input_tokens
        seen.output_tokens = _count(tokens_out) if _count(tokens_out) is not None else seen.output_tokens
        # Input counted apart (Anthropic's cache writes and reads): a hidden prompt that was cached still came in.
        cache = max(cache, reader.usage.cached(payload))
        seen.ids += _ids(payload)
        seen.usage_keys |= usage_keys(surface, payload)
    if seen.input_tokens is not None and cache:
        seen.input_tokens += cache
    seen.ids = list(dict.fromkeys(seen.ids))
    return seen
