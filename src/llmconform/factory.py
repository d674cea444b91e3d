"""The one way a request is made from a probe: its operation in the surface's spec (method and
path), the probe's body (the profile's documented request of that name, else the spec's entry),
the model, and the path and query parameters.

The target, the surfaces' builders, the sweep, schemathesis's cases and the pre-flight all make
their requests here; a builder (`surfaces`) comes first only in the target, which asks for this
request when a probe has none.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from llmconform import spec
from llmconform.exchange import Request
from llmconform.profile import SurfaceConfig

INVALID = "invalid:"
# A body not given: looked up (documented, else the spec's probe); `None` given is no body.
_LOOK_UP: Any = object()


def method_of(surface: str, operation: str) -> str:
    """The HTTP method of the surface's operation at `operation` (a path template): POST where the
    spec declares one there, else the one it declares."""
    found = [op.method for op in spec.load(surface).operations() if op.path == operation]
    if not found:
        raise KeyError(f"{surface} spec has no operation at {operation}")
    return "post" if "post" in found else found[0]


def body_of(surface: str, operation: str, probe: str, model: str, config: SurfaceConfig | None = None, *,
            least_reasoning: bool = True) -> Any:
    """A probe's body, in the one lookup order: the profile's documented request of that name, else
    the spec's entry on the operation (`invalid:<name>` from `x-llmconform-invalid`) with the least
    reasoning the spec allows for the model (not for the sweep, which sends its probes as written);
    `{model}` filled in."""
    if probe.startswith(INVALID):
        body = spec.load(surface).operation(operation).invalid[probe.removeprefix(INVALID)].value
    elif config is not None and probe in config.requests:
        body = config.requests[probe]
    else:
        body = spec.load(surface).operation(operation).probes[probe].value
        if least_reasoning:
            body = spec.least_reasoning(surface, model, config.features if config else frozenset(), body)
    return spec.fill_model(body, model)


def request(surface: str, probe: str, *, model: str | None, operation: str, config: SurfaceConfig | None = None,
            method: str | None = None, path: dict[str, str] | None = None, query: dict[str, str] | None = None,
            sent_to: str | None = None, body: Any = _LOOK_UP, headers: tuple[tuple[str, str], ...] = (),
            auth: str = "valid", refusal_expected: bool | None = None) -> Request:
    """The request of one probe of `surface` on its spec's `operation` (a path template such as
    `/v1beta/models/{model}:generateContent`).

    method: the operation's (given only for a request outside the spec, such as the pre-flight's
    model list). path: the template's parameters beyond `{model}`; query: appended, encoded;
    sent_to: a path the document sent a request to, instead of the template's. body: looked up as
    `body_of` says unless given (a GET sends none); an `invalid:` probe is expected to be refused.
    model: None only for a request that names none (the model list, asked before any surface's model)."""
    verb = (method or method_of(surface, operation)).upper()
    if body is _LOOK_UP and verb == "GET":
        body = None
    elif body is _LOOK_UP:
        if model is None:
            raise ValueError(f"{surface} probe {probe}: a body of the spec's is sent with a model")
        body = body_of(surface, operation, probe, model, config)
    if sent_to is None:
        sent_to = spec.fill_model(operation, model) if model is not None else operation
        for name, value in (path or {}).items():
            sent_to = sent_to.replace("{" + name + "}", quote(value, safe=""))
    if query:
        sent_to += "?" + "&".join(f"{quote(name)}={quote(value)}" for name, value in query.items())
    # A file answered (speech's audio), not JSON: delivered as bytes.
    declared = [op for op in spec.load(surface).operations() if op.path == operation and op.method == verb.lower()]
    return Request(surface=surface, probe=probe, method=verb, path=sent_to, body=body, auth=auth,
                   headers=headers,
                   refusal_expected=probe.startswith(INVALID) if refusal_expected is None else refusal_expected,
                   binary=bool(declared) and not declared[0].answers_json)
