"""The official SDKs as real clients, fed the exchanges the provider already answered.

Each SDK gets an httpx transport that plays back the recorded answer byte for byte, so the
SDK parses exactly what the provider sent — no extra request, no extra cost, and it works on a
replay too. An answer the SDK cannot parse or stream fails with the SDK's own exception.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import httpx

from llmconform.exchange import Exchange
from llmconform.verdict import Fail

LANE = "http://sdk-lane.invalid"


def available(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


def http_client(exchange: Exchange, http: Any = httpx) -> Any:
    """An HTTP client (of `http`, httpx or an httpx-like module) that answers with the recorded answer."""
    headers = {k: v for k, v in exchange.headers.items()
               if k not in ("content-length", "content-encoding", "transfer-encoding")}

    def answer(request: Any) -> Any:
        return http.Response(exchange.status or 599, headers=headers, content=exchange.body)

    return http.Client(transport=http.MockTransport(answer), base_url=LANE)


def openai_client(exchange: Exchange) -> Any:
    import openai

    return openai.OpenAI(api_key="sdk-lane", base_url=f"{LANE}/v1", max_retries=0,
                         http_client=http_client(exchange))


def anthropic_client(exchange: Exchange) -> Any:
    import anthropic
    import anthropic._base_client

    # Newer anthropic releases speak httpx2 (an httpx fork) and refuse httpx clients.
    http = getattr(anthropic._base_client, "httpx2", httpx)
    return anthropic.Anthropic(api_key="sdk-lane", base_url=LANE, max_retries=0,
                               http_client=http_client(exchange, http))


def consume(exchange: Exchange, sdk: str, call: Callable[[], Any]) -> Any:
    """Run an SDK call over the recorded answer; its exception becomes a Fail with evidence. An
    answer that was refused, cut or not what was asked for is its owning check's to fail, once:
    the SDK would only raise on it again."""
    exchange.answered()
    if exchange.request.stream:
        exchange.stream_events()
    else:
        exchange.json()
    try:
        return call()
    except Exception as exc:  # any SDK exception is the evidence
        raise Fail(f"the {sdk} SDK to consume the answer", f"{type(exc).__name__}: {exc}",
                   sdk_exception=type(exc).__name__, exchange=exchange) from None
