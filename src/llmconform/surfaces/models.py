"""models: GET /v1/models, in the OpenAI flavour or (for an `x-api-key` provider) the Anthropic one.

The requests carry no body, so they are built here rather than read from the spec's probes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmconform import checks, factory, spec
from llmconform.exchange import Exchange, Request
from llmconform.surfaces import JsonAnswer, Surface, register, with_auth

if TYPE_CHECKING:
    from llmconform.surfaces import Probing

NAME = "models"
PATH = "/v1/models"

OPENAI, ANTHROPIC = "openai", "anthropic"
# flavour -> (list schema, error envelope schema) in openapi/models.yaml
SCHEMAS = {
    OPENAI: ("OpenAIModelList", "ErrorResponse"),
    ANTHROPIC: ("AnthropicModelList", "AnthropicErrorResponse"),
}


def flavour(target: Probing) -> str:
    """The list a provider must answer: Anthropic's when it authenticates with `x-api-key`, else OpenAI's."""
    return ANTHROPIC if target.profile.auth_style_for(NAME) == "x-api-key" else OPENAI


def entries(data: Any) -> list[Any]:
    """The `data` items of a list answer (any JSON values; an absent or odd `data` is empty)."""
    items = data.get("data") if isinstance(data, dict) else None
    return items if isinstance(items, list) else []


def listed_ids(data: Any) -> list[str]:
    return [item["id"] for item in entries(data)
            if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]]


def declared_models(target: Probing) -> list[str]:
    """Every model the profile names, in any surface, each once."""
    return list(dict.fromkeys(config.model for config in target.profile.surfaces.values()))


def native_error(exchange: Exchange, target: Probing, statuses: tuple[int, ...] | range,
                 what: str) -> dict[str, Any]:
    """One of `statuses`, as application/json, with the flavour's native error envelope (Anthropic's
    with the `error.type` the official API pairs with the status)."""
    kind = flavour(target)
    # The one envelope rule of every surface (a departure the SDKs read warns; the Anthropic
    # flavour declares none it tolerates).
    body = checks.error_envelope(exchange, NAME, statuses, what, schema=SCHEMAS[kind][1])
    if kind == ANTHROPIC:
        checks.error_kind(body, exchange.status, NAME, what, schema=SCHEMAS[kind][1], exchange=exchange)
    return body if isinstance(body, dict) else {}


def _list(target: Probing) -> Request:
    """GET /v1/models with the profile's key, no body; the Anthropic flavour adds anthropic-version."""
    headers = spec.load(NAME).header_defaults(PATH, "get", required=False) if flavour(target) == ANTHROPIC else ()
    # Also asked where no models surface is declared (the sweep's listing): it names no model.
    return factory.request(NAME, "list", model=None, operation=PATH, headers=headers)


def _refused(exchange: Exchange, statuses: tuple[int, ...] | range, what: str,
             target: Probing | None) -> dict[str, Any]:
    """The list's refusal in its provider's flavour (the run's), OpenAI's where no run is known."""
    if target is None:
        return checks.error_envelope(exchange, NAME, statuses, what)
    return native_error(exchange, target, statuses, what)


SURFACE = register(Surface(
    name=NAME, path=PATH,
    builders={"list": _list, "auth-none": with_auth(NAME, "list", "none"),
              "auth-wrong": with_auth(NAME, "list", "wrong")},
    native_error=_refused, json_answers=(JsonAnswer("list", "list", "models list"),),
    errors=False,
))
