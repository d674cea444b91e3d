"""Before any check: is what the user gave us usable? A refused key, a base URL with `/v1`, a web
page instead of an API — the user's mistakes, answered with one line and exit 2, never turned
into dozens of provider FAILs. The one probe it sends is the first check's, so nothing is wasted."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from llmconform import factory, spec
from llmconform.exchange import Exchange
from llmconform.profile import ProfileError
from llmconform.target import Target

_API_SUFFIXES = ("/v1", "/v1beta")


@dataclass(frozen=True)
class Finding:
    exchange: Exchange
    stripped_base_url: str | None = None  # the base URL to try instead, when it ended in /v1


def first_probe(target: Target) -> tuple[str, str]:
    """(surface, probe): the basic probe of the first surface the profile declares."""
    surface = next(iter(target.profile.surfaces))
    return surface, "list" if "list" in target.surface(surface).builders else "basic"


def looks_like_html(exchange: Exchange) -> bool:
    head = exchange.body.lstrip()[:64].lower()
    return exchange.content_type == "text/html" or head.startswith((b"<!doctype html", b"<html"))


def without_api_suffix(base_url: str) -> str | None:
    for suffix in _API_SUFFIXES:
        if base_url.rstrip("/").endswith(suffix):
            return base_url.rstrip("/")[: -len(suffix)]
    return None


def _model_list(target: Target, surface: str) -> Exchange:
    """A second opinion: the model list, with the same key as the surface's probe."""
    # The surface's provider's list (Gemini's is its own), outside the surface's spec: a GET.
    return target.send(factory.request(surface, "preflight-models", model=None,
                                       operation=target.surface(surface).model_list, method="get"))


def refused(exchange: Exchange) -> bool:
    """A key refused: 401/403, or Google's 400 whose reason is API_KEY_INVALID (how the Gemini API
    answers a wrong key)."""
    if exchange.status in (401, 403):
        return True
    return exchange.status == 400 and (b"API_KEY_INVALID" in exchange.body or b"API key not valid" in exchange.body)


def _no_answer(target: Target, surface: str, exchange: Exchange) -> str | None:
    """Why no HTTP answer came back, when that is the address or the server and not one answer's
    fault: a TLS handshake with a plain-HTTP port, a server that never answers, nothing listening,
    a connection closed without an answer on two routes. None when the provider answered."""
    base_url = target.profile.base_url
    detail = " ".join(exchange.problem_detail.split())[:120]
    if "SSL" in detail or "TLS" in detail:
        scheme = urlsplit(base_url).scheme
        other = "http" if scheme == "https" else "https"
        return (f"TLS with {base_url} failed ({detail}): is it a plain-HTTP port (or the other way round)? "
                f"try {other}://{urlsplit(base_url).netloc}")
    if exchange.problem == "timeout":
        return (f"no answer from {base_url} within {target.client.limits.read_s:g} s ({exchange.request.method} "
                f"{exchange.url} accepted the connection and sent nothing; --timeout-read sets the wait)")
    if exchange.problem == "unreachable":
        return f"{base_url} is unreachable ({detail}): check the address"
    if exchange.problem in ("reset", "transport") and _model_list(target, surface).status is None:
        return (f"{base_url} closed the connection without an answer on two routes ({detail}): is it an HTTP API, "
                "and is the scheme (http/https) right?")
    return None


def _key_refused(target: Target, surface: str, exchange: Exchange) -> None:
    """ProfileError when the surface's key is refused twice, on two routes: the key, not one
    endpoint's bug."""
    if not (refused(exchange) and refused(_model_list(target, surface))):
        return
    where = f"{exchange.request.method} {exchange.url}"
    variable = target.profile.key_env_for(surface)
    if variable:
        raise ProfileError(f"the key in ${variable} was refused ({exchange.status} on {where}): check the key, "
                           f"and that it is meant for {target.profile.base_url}")
    raise ProfileError(f"{target.profile.base_url} wants a key ({exchange.status} on {where}): pass --api-key-env "
                       "VAR naming the variable that holds it (or set auth.env in the profile)")


def _other_surfaces(target: Target) -> None:
    """Every other surface's key too (a profile may hold one per surface, each may be wrong): its
    basic probe, which its checks read anyway, so nothing is spent twice."""
    first = next(iter(target.profile.surfaces))
    for surface in list(target.profile.surfaces)[1:]:
        if target.profile.key_env_for(surface) == target.profile.key_env_for(first) and \
                target.profile.auth_style_for(surface) == target.profile.auth_style_for(first):
            continue  # the same key sent the same way: the first surface's answer holds for it
        probe = "list" if "list" in target.surface(surface).builders else "basic"
        _key_refused(target, surface, _free_probe(target, surface, probe))


def _free_probe(target: Target, surface: str, probe: str) -> Exchange:
    """The surface's first probe, or, where that one is paid per item (an image, speech: its spec's
    `x-llmconform-cost`), the model list with the same key: the pre-flight never buys media."""
    request = target.request(surface, probe)
    if spec.cost_of(surface, request.method, request.path) is not None:
        return _model_list(target, surface)
    return target.send(request)


def check(target: Target) -> Finding:
    """Raise ProfileError for the user's mistakes; otherwise the exchange it made (already cached
    for the checks that read it) and, for a 404 under a `/v1` base URL, the URL to use instead."""
    surface, probe = first_probe(target)
    exchange = _free_probe(target, surface, probe)
    if exchange.status is None:
        problem = _no_answer(target, surface, exchange)
        if problem:
            raise ProfileError(problem)
    status = exchange.status
    _key_refused(target, surface, exchange)
    if status == 404:
        stripped = without_api_suffix(target.profile.base_url)
        if stripped:
            return Finding(exchange, stripped_base_url=stripped)
    if status is not None and looks_like_html(exchange):
        models = _model_list(target, surface)
        if models.status is None or looks_like_html(models):
            raise ProfileError(f"{target.profile.base_url} answers web pages, not an API (status {status}, "
                               f"{exchange.content_type or 'no content type'}: {exchange.excerpt()[:80]}): "
                               "check that it is the API's base URL, the part before /v1/...")
    _other_surfaces(target)
    return Finding(exchange)
