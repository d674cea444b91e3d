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


def available(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


def _transport(exchange: Exchange) -> httpx.MockTransport:
    headers = {k: v for k, v in exchange.headers.items()
               if k not in ("content-length", "content-encoding", "transfer-encoding")}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(exchange.status or 599, headers=headers, content=exchange.body)

    return httpx.MockTransport(answer)


def http_client(exchange: Exchange) -> httpx.Client:
    return httpx.Client(transport=_transport(exchange), base_url="http://sdk-lane.invalid")


def consume(exchange: Exchange, sdk: str, call: Callable[[], Any]) -> Any:
    """Run an SDK call over the recorded answer; its exception becomes a Fail with evidence."""
    exchange.complete()
    try:
        return call()
    except Exception as exc:  # any SDK exception is the evidence
        raise Fail(f"the {sdk} SDK to consume the answer", f"{type(exc).__name__}: {exc}",
                   sdk_exception=type(exc).__name__, exchange=exchange) from None
