"""The official SDKs as real clients, fed the exchanges the provider already answered.

Each SDK gets an httpx transport that plays back the recorded answer byte for byte, so the
SDK parses exactly what the provider sent — no extra request, no extra cost, and it works on a
replay too. An answer the SDK cannot parse or stream fails with the SDK's own exception.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import os
import re
import ssl
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from llmconform import spec
from llmconform.exchange import Exchange
from llmconform.verdict import Fail, excerpt

LANE = "http://sdk-lane.invalid"
_NO_TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # never used to connect: the lane plays back answers


# The words every SDK check's skip says when its SDK is missing (the closing line counts them).
NOT_INSTALLED = "SDK is not installed"
_DISTRIBUTION = {"google.genai": "google-genai"}


def missing(package: str) -> str:
    """The skip reason of an SDK check whose SDK is missing (it is a dependency: something removed it)."""
    name = _DISTRIBUTION.get(package, package)
    return f"the {name} {NOT_INSTALLED} (pip install {name}; llmconform depends on it)"


def available(package: str) -> bool:
    """Whether an SDK is installed (a dependency, unless removed); `google.genai` without `google` is not."""
    try:
        return importlib.util.find_spec(package) is not None
    except ModuleNotFoundError:  # find_spec imports the parents of a dotted name
        return False


# The parameters each call takes by name; everything else of the request rides in extra_body.
_REQUIRED = {"chat.completions.create": ("model", "messages"), "responses.create": ("model", "input"),
             "responses.stream": ("model", "input"), "messages.create": ("model", "max_tokens", "messages"),
             "messages.stream": ("model", "max_tokens", "messages")}
_FINAL = {"responses.stream": "get_final_response", "messages.stream": "get_final_message"}


def arguments(exchange: Exchange, api: str) -> dict[str, Any]:
    """The keyword arguments that replay the exchange's request through the SDK call `api`: the
    parameters it takes by name, everything else in `extra_body` — the request as sent, typos
    included. `stream` is left to the call (a stream helper streams by itself)."""
    body = dict(exchange.request.body)
    body.pop("stream", None)
    named = {name: body.pop(name) for name in _REQUIRED[api]}
    return {**named, "extra_body": body}
_EVENT_END = re.compile(rb"\r\n\r\n|\n\n|\r\r")


class _Progress(threading.local):
    """How far the SDK got through a recorded stream: the chunks (one per event) it has read."""

    def __init__(self) -> None:
        self.read: list[bytes] | None = None
        self.total = 0


_PROGRESS = _Progress()


def _event_chunks(body: bytes) -> list[bytes]:
    """The body cut after each event's blank line, so the SDK reads it one event at a time."""
    chunks, start = [], 0
    for match in _EVENT_END.finditer(body):
        chunks.append(body[start:match.end()])
        start = match.end()
    if start < len(body):
        chunks.append(body[start:])
    return chunks


def _counted(chunks: list[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        if _PROGRESS.read is not None:
            _PROGRESS.read.append(chunk)
        yield chunk


def http_client(exchange: Exchange, http: Any = httpx) -> Any:
    """An HTTP client (of `http`, httpx or an httpx-like module) that answers with the recorded answer.
    A stream is handed over event by event, so that a failure can name the event the SDK was on."""
    headers = {k: v for k, v in exchange.headers.items()
               if k not in ("content-length", "content-encoding", "transfer-encoding")}

    def answer(request: Any) -> Any:
        if exchange.is_event_stream:
            chunks = _event_chunks(exchange.body)
            _PROGRESS.total = len(chunks)
            return http.Response(exchange.status or 599, headers=headers, content=_counted(chunks))
        return http.Response(exchange.status or 599, headers=headers, content=exchange.body)

    return http.Client(transport=http.MockTransport(answer), base_url=LANE)


@contextlib.contextmanager
def _long_lived(package: str) -> Iterator[None]:
    """Around the imports of an SDK: its first import builds thousands of classes (pydantic models)
    that live as long as the process, so the collector is paused meanwhile (it would walk them over
    and over as they pile up) and they are frozen after it (no later full collection walks them
    again) — together more than a second of an offline replay."""
    if package in sys.modules:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def openai_client(exchange: Exchange) -> Any:
    with _long_lived("openai"):
        import openai

    return openai.OpenAI(api_key="sdk-lane", base_url=f"{LANE}/v1", max_retries=0,
                         http_client=http_client(exchange))


def anthropic_client(exchange: Exchange) -> Any:
    with _long_lived("anthropic"):
        import anthropic
        import anthropic._base_client

    # Newer anthropic releases speak httpx2 (an httpx fork) and refuse httpx clients.
    http = getattr(anthropic._base_client, "httpx2", httpx)
    return anthropic.Anthropic(api_key="sdk-lane", base_url=LANE, max_retries=0,
                               http_client=http_client(exchange, http))


def gemini_client(exchange: Exchange) -> Any:
    """A google-genai client whose every request is answered with the recorded exchange."""
    with _long_lived("google.genai"):
        from google import genai
        from google.genai import types

    # An httpx client is handed in, so the SDK uses httpx (not httpx2) for it. The lane never opens
    # a connection: the TLS context the SDK would otherwise build for its async and websocket
    # clients (loading the CA bundle twice per client, a tenth of a second each) is a bare one.
    return genai.Client(api_key="sdk-lane", http_options=types.HttpOptions(
        base_url=LANE, api_version="v1beta", httpx_client=http_client(exchange),
        async_client_args={"verify": _NO_TLS, "ssl": _NO_TLS}, retry_options=types.HttpRetryOptions(attempts=1)))


def _gemini_reproduction(exchange: Exchange, api: str, variable: str) -> str:
    """The google-genai call for a Gemini request: the model from the path, the key in x-goog-api-key,
    generationConfig and the other top-level fields as the SDK's config (it takes either spelling)."""
    request = exchange.request
    path = request.path.split("?", 1)[0]
    url = exchange.url.split("?", 1)[0]
    base = url[: -len(path)] if url.endswith(path) else url
    model = path.split("/v1beta/models/", 1)[-1].split(":", 1)[0]
    body = request.content.decode("utf-8", errors="replace")
    call = f"client.models.{api.removeprefix('models.')}(model={model!r}, contents=contents, config=config)"
    return "\n".join([
        "import json, os",
        "from google import genai",
        f"options = {{'base_url': {base!r}, 'api_version': 'v1beta'}}",
        f"client = genai.Client(api_key=os.environ[{variable!r}], http_options=options)",
        f"body = json.loads({body!r}); contents = body.pop('contents', None)",
        "config = {**body.pop('generationConfig', {}), **body}",
        f"for part in {call}: print(part)" if api.endswith("_stream") else f"print({call})"])


def reproduction(exchange: Exchange, sdk: str, api: str) -> str:
    """Five lines of Python that make the same SDK call against the provider itself."""
    request = exchange.request
    url = exchange.url.split("?", 1)[0]
    base = url[: -len(request.path)] if url.endswith(request.path) else url
    variable = exchange.key_env or "API_KEY"
    if sdk == "google-genai":
        return _gemini_reproduction(exchange, api, variable)
    bearer = any(name.lower() == "authorization" for name in exchange.sent_headers)
    if sdk == "anthropic":
        make = (f"anthropic.Anthropic(base_url={base!r}, {'auth_token' if bearer else 'api_key'}="
                f"os.environ[{variable!r}], max_retries=0)")
    else:
        make = f"openai.OpenAI(base_url={(base + '/v1')!r}, api_key=os.environ[{variable!r}], max_retries=0)"
    body = request.content.decode("utf-8", errors="replace")
    named = "{k: body.pop(k) for k in " + repr(_REQUIRED.get(api, ("model",))) + "}"
    lines = [f"import json, os, {sdk}", f"client = {make}",
             f"body = json.loads({body!r}); stream = body.pop('stream', False)"]
    if api in _FINAL:
        lines += [f"with client.{api}(**{named}, extra_body=body) as events:",
                  f"    print(*events, events.{_FINAL[api]}(), sep='\\n')"]
    else:
        lines += [f"answer = client.{api}(**{named}, stream=stream, extra_body=body)",
                  "for part in (answer if stream else [answer]): print(part)"]
    return "\n".join(lines)


def _package_dir(sdk: str) -> str | None:
    found = importlib.util.find_spec({"google-genai": "google.genai"}.get(sdk, sdk))
    return os.path.dirname(found.origin) + os.sep if found and found.origin else None


def _where(frame: Any, lineno: int, root: str | None) -> str:
    name = frame.f_code.co_filename
    shown = name[len(root) - len(os.path.basename(root.rstrip(os.sep))) - 1:] if root and name.startswith(root) \
        else os.path.basename(name)
    return f"{shown}:{lineno} in {getattr(frame.f_code, 'co_qualname', frame.f_code.co_name)}"


def diagnosis(exc: BaseException, exchange: Exchange, sdk: str, api: str, read: list[bytes] | None,
              total: int) -> dict[str, Any]:
    """What broke the SDK: the call, the exception, the frame inside the SDK, and the event it was on."""
    root = _package_dir(sdk)
    frames = list(traceback.walk_tb(exc.__traceback__))
    inside = [(f, n) for f, n in frames if root and f.f_code.co_filename.startswith(root)]
    found: dict[str, Any] = {"sdk_call": f"{sdk}: client.{api}()", "sdk_exception": type(exc).__name__}
    if inside:
        found["sdk_frame"] = _where(*inside[-1], root)
    if frames and (not inside or frames[-1] != inside[-1]):
        found["frame"] = _where(*frames[-1], root)
    cause = exc.__cause__ or exc.__context__
    if cause is not None:
        found["cause"] = f"{type(cause).__name__}: {excerpt(str(cause), 200)}"
    errors = getattr(exc, "errors", None)
    if callable(errors):  # pydantic: the fields that did not validate
        with contextlib.suppress(Exception):
            found["fields"] = [".".join(map(str, e.get("loc", ()))) for e in errors()[:5]]
    if read:
        found["sdk_event"] = (f"event {len(read)} of {total} (the last the SDK read): "
                              f"{excerpt(read[-1].decode('utf-8', errors='replace').strip(), 300)}")
    return found


def consume(exchange: Exchange, sdk: str, call: Callable[[], Any], *, api: str | None = None) -> Any:
    """Run an SDK call over the recorded answer; its exception becomes a Fail whose evidence names the
    SDK call, the exception, the frame in the SDK that raised it, the event it was reading, and five
    lines of Python that make the same call against the provider."""
    # An answer that was refused, cut or not what was asked for is its owning check's to fail, once:
    # the SDK would only raise on it again.
    exchange.answered()
    if exchange.request.stream:
        exchange.stream_events()
    else:
        exchange.json()
    # The SDK call a check makes when it names none: its surface's (the reproduction calls the same).
    api = api or spec.sdk(exchange.request.surface).call
    _PROGRESS.read, _PROGRESS.total = [], 0
    try:
        return call()
    except Exception as exc:  # any SDK exception is the evidence
        found = diagnosis(exc, exchange, sdk, api, _PROGRESS.read, _PROGRESS.total)
        where = f" at {found['sdk_frame']}" if "sdk_frame" in found else ""
        on = f", on {found['sdk_event'].split(' (')[0]}" if "sdk_event" in found else ""
        raise Fail(f"the {sdk} SDK (client.{api}()) to consume the answer",
                   f"{type(exc).__name__}: {exc}{where}{on}", exchange=exchange,
                   python=reproduction(exchange, sdk, api), **found) from None
    finally:
        _PROGRESS.read = None
