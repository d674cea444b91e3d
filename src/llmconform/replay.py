"""Cassettes: vcrpy's format, matchers and filters, with the suite's own routing.

Exchanges are shared across tests and sent concurrently, so instead of patching the HTTP stack
per test (what pytest-recording's `vcr` fixture does) each exchange asks the vendor's cassette
directly: a replay never opens a socket, and several vendors can replay in one session.
pytest-recording's network guard is still on for the whole of a replay (Plugin.pytest_sessionstart).

Layout: `cassettes/<vendor>/<surface>.yaml`, one vcrpy cassette per surface. URIs are stored
relative to a placeholder host, so a cassette replays against any base URL; matching is on
method, path, query, the JSON body, and the auth state the probe used (valid, none, wrong). A
multipart/form-data body (a clip to transcribe) is kept as its text fields and, of each file, the
part's name and content type: the file's bytes are the sender's own (a clip made on the spot) and
the boundary anyone's, so a replay matches on what the request asked, not on its bytes.
"""

from __future__ import annotations

import functools
import json
import threading
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from vcr import matchers
from vcr.cassette import Cassette
from vcr.errors import UnhandledHTTPRequestError
from vcr.persisters.filesystem import CassetteNotFoundError
from vcr.record_mode import RecordMode
from vcr.request import Request as VcrRequest
from vcr.serialize import deserialize, serialize
from vcr.serializers import yamlserializer

from llmconform import spec
from llmconform.exchange import Exchange, Request
from llmconform.redact import SECRET_HEADERS, SECRET_QUERY_KEYS, Redactor

CANONICAL_HOST = "https://provider.invalid"
# Beside the cassettes of a recording that was interrupted half-way: a replay refuses them.
PARTIAL_MARKER = "PARTIAL"
# The httpx request extension carrying the suite's Request: a cassette matches on its probe's auth state.
PROBE_EXTENSION = "llmconform.request"
AUTH_MARKER = "x-llmconform-auth"
PROBE_MARKER = "x-llmconform-probe"
# A sequence step and its poll: the same GET polled three times replays its three recorded answers.
STEP_MARKER = "x-llmconform-step"
# What a cassette keeps of a request's headers: those the specs declare (anthropic-version,
# anthropic-beta), never a key's, and the suite's own markers.
# Read on first use, not at import: the command line imports this module before it can turn a
# broken spec into its one-line refusal.
@functools.cache
def _kept_request_headers() -> tuple[str, ...]:
    return ("content-type", *(h for h in spec.header_names() if h not in SECRET_HEADERS),
            AUTH_MARKER, PROBE_MARKER, STEP_MARKER)


FORM = "multipart/form-data"


def form_of(content_type: str, raw: bytes) -> dict[str, dict[str, str]] | None:
    """A multipart/form-data body as a cassette keeps it: {"form": its text fields, "files": each
    file part's name -> its content type}; None when the body is not multipart (or not readable as such)."""
    if content_type.split(";")[0].strip().lower() != FORM or "boundary=" not in content_type:
        return None
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    if not message.is_multipart():
        return None
    form: dict[str, str] = {}
    files: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        if part.get_filename() is not None:
            files[name] = part.get_content_type()
        else:
            form[name] = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)
    return {"form": form, "files": files}


def _same_fields(form: Any, body: Any) -> bool:
    """A form of text fields alone and a JSON object of the same strings ask the same: an API that
    takes either encoding (createVideo: CreateVideoMultipartBody, CreateVideoJsonBody) reads one
    request."""
    return (isinstance(form, dict) and not form.get("files") and isinstance(body, dict)
            and all(isinstance(v, str) for v in body.values()) and form.get("form") == body)


def _same_form(a: Any, b: Any) -> bool:
    """Two kept forms ask the same: the same text fields, and files under the same names of the same
    kind (audio for audio: the document's clip is its own, ours another)."""
    def kinds(form: Any) -> dict[str, str]:
        return {name: str(kind).split("/")[0] for name, kind in (form.get("files") or {}).items()}

    return (isinstance(a, dict) and isinstance(b, dict) and a.get("form") == b.get("form")
            and kinds(a) == kinds(b))


def canonical_uri(path: str) -> str:
    """The URI a cassette stores: placeholder host, key-like query parameters dropped."""
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in SECRET_QUERY_KEYS]
    return CANONICAL_HOST + parts.path + (f"?{urlencode(query)}" if query else "")


def json_body(r1: VcrRequest, r2: VcrRequest) -> None:
    """vcrpy matcher: bodies equal as JSON (key order and spacing do not matter)."""
    b1, b2 = r1.body or b"", r2.body or b""
    try:
        j1, j2 = json.loads(b1), json.loads(b2)
        kinds = (r1.headers.get("content-type"), r2.headers.get("content-type"))
        equal = (j1 == j2 or (kinds == (FORM, FORM) and _same_form(j1, j2))
                 or (kinds == (FORM, "application/json") and _same_fields(j1, j2))
                 or (kinds == ("application/json", FORM) and _same_fields(j2, j1)))
    except ValueError:
        equal = b1 == b2
    if not equal:
        raise AssertionError("JSON bodies differ")


def auth_state(r1: VcrRequest, r2: VcrRequest) -> None:
    """vcrpy matcher: a no-key probe never replays the answer recorded for a valid key."""
    if r1.headers.get(AUTH_MARKER, "valid") != r2.headers.get(AUTH_MARKER, "valid"):
        raise AssertionError("auth states differ")


def step_state(r1: VcrRequest, r2: VcrRequest) -> None:
    """vcrpy matcher: a sequence's step and poll (none outside a sequence) replay their own answer."""
    if r1.headers.get(STEP_MARKER, "") != r2.headers.get(STEP_MARKER, ""):
        raise AssertionError("sequence steps differ")


MATCH_ON = (matchers.method, matchers.path, matchers.query, json_body, auth_state, step_state)


def to_vcr_request(request: Request) -> VcrRequest:
    headers = {name.lower(): value for name, value in request.headers if name.lower() not in SECRET_HEADERS}
    headers = {k: v for k, v in headers.items() if k in _kept_request_headers()}
    content = request.content or None
    form = form_of(dict((k.lower(), v) for k, v in request.headers).get("content-type", ""), request.content)
    if form is not None:
        content = json.dumps(form, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        headers["content-type"] = FORM
    elif request.content:
        headers["content-type"] = "application/json"
    headers[AUTH_MARKER] = request.auth + (f":{request.auth_style}" if request.auth_style else "")
    headers[PROBE_MARKER] = f"{request.surface}:{request.probe}"
    if request.step:
        headers[STEP_MARKER] = f"{request.step}#{request.poll}"
    return VcrRequest(request.method, canonical_uri(request.path), content, headers)


class _SurfaceFiles:
    """vcrpy persister: a vendor's cassette is a folder with one YAML file per surface."""

    @staticmethod
    def load_cassette(cassette_path: str, serializer: Any) -> tuple[list[Any], list[Any]]:
        requests: list[Any] = []
        responses: list[Any] = []
        for file in sorted(Path(cassette_path).glob("*.yaml")):
            found = deserialize(file.read_text(encoding="utf-8"), serializer)
            requests += found[0]
            responses += found[1]
        if not requests:
            raise CassetteNotFoundError(cassette_path)
        return requests, responses

    @staticmethod
    def save_cassette(cassette_path: str, cassette_dict: dict[str, Any], serializer: Any) -> None:
        by_surface: dict[str, dict[str, list[Any]]] = {}
        for request, response in zip(cassette_dict["requests"], cassette_dict["responses"], strict=True):
            surface = request.headers.get(PROBE_MARKER, "other:").split(":")[0] or "other"
            group = by_surface.setdefault(surface, {"requests": [], "responses": []})
            group["requests"].append(request)
            group["responses"].append(response)
        folder = Path(cassette_path)
        folder.mkdir(parents=True, exist_ok=True)
        for surface, group in by_surface.items():
            (folder / f"{surface}.yaml").write_text(serialize(group, serializer), encoding="utf-8")


class CassetteStore:
    """One vendor's cassettes, for replay (read-only) or record (rewritten at the end)."""

    def __init__(self, folder: Path, *, record: bool, redactor: Redactor) -> None:
        self.folder = folder
        self._redactor = redactor
        if not record and (folder / PARTIAL_MARKER).exists():
            raise ValueError(f"the cassettes in {folder} are from a recording interrupted half-way: record them "
                             "again with --record (or delete the folder)")
        self._lock = threading.Lock()
        self._cassette = Cassette.load(
            path=str(folder), serializer=yamlserializer, persister=_SurfaceFiles,
            record_mode=RecordMode.ALL if record else RecordMode.NONE, match_on=MATCH_ON,
            allow_playback_repeats=True,
        )

    def __len__(self) -> int:
        return len(self._cassette)

    def generated(self, surface: str) -> set[str]:
        """The phases of generated cases (`positive`, `negative`) the cassettes hold for a surface."""
        with self._lock:
            probes = [r.headers.get(PROBE_MARKER, "") for r in self._cassette.requests]
        return {probe.split(":")[1] for probe in probes
                if probe.startswith(f"{surface}:") and probe.count(":") == 2
                and probe.split(":")[1] in ("positive", "negative") and probe.split(":")[2].isdigit()}

    def play(self, request: Request) -> dict[str, Any] | None:
        with self._lock:
            try:
                return self._cassette.play_response(to_vcr_request(request))
            except UnhandledHTTPRequestError:
                return None

    def record(self, exchange: Exchange) -> None:
        body = self._redactor.bytes(exchange.body)
        try:
            stored: str | bytes = body.decode("utf-8")
        except UnicodeDecodeError:
            stored = body  # kept byte for byte: the invalid UTF-8 is the evidence
        response = {
            "status": {"code": exchange.status, "message": ""},
            "headers": {k: [self._redactor.text(v)] for k, v in exchange.headers.items()
                        if k not in SECRET_HEADERS and k not in ("set-cookie", "content-encoding",
                                                                  "content-length", "transfer-encoding")},
            "body": {"string": stored},
        }
        with self._lock:
            self._cassette.append(to_vcr_request(exchange.request), response)

    def save(self, *, partial: bool = False) -> None:
        """Write the recording; an interrupted one is marked partial (PARTIAL beside it), so that
        it is never replayed as if it were complete. A complete recording removes the mark."""
        with self._lock:
            if self._cassette.dirty:
                self._cassette._save(force=True)
            marker = self.folder / PARTIAL_MARKER
            if partial:
                self.folder.mkdir(parents=True, exist_ok=True)
                marker.write_text("This recording was interrupted before every request was sent: replay refuses "
                                  "it. Record again with --record.\n", encoding="utf-8")
            else:
                marker.unlink(missing_ok=True)


def recorded_body(response: dict[str, Any]) -> bytes:
    body = response.get("body", {}).get("string", b"")
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def recorded_headers(response: dict[str, Any]) -> dict[str, str]:
    return {k.lower(): (v[0] if isinstance(v, list) else str(v)) for k, v in response.get("headers", {}).items()}


class NotRecorded(httpx.TransportError):
    """The cassette holds no answer to this request: the vendor's documents do not show it."""


class ReplayTransport(httpx.BaseTransport):
    """httpx's own seam for replay: the vendor's cassette answers, and nothing is sent. The client
    sends through it exactly as it sends live, so a replayed exchange is read by the same code."""

    def __init__(self, cassettes: CassetteStore | None) -> None:
        self._cassettes = cassettes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        probe = request.extensions.get(PROBE_EXTENSION)
        recorded = self._cassettes.play(probe) if self._cassettes and isinstance(probe, Request) else None
        if recorded is None:
            raise NotRecorded("no recorded exchange", request=request)
        # A stream, not `content=`: httpx would add a Content-Length the recording never had.
        return httpx.Response(int(recorded["status"]["code"]), headers=recorded_headers(recorded),
                              stream=httpx.ByteStream(recorded_body(recorded)), request=request)
