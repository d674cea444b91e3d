"""relay-midjourney: the Midjourney task of relays built on new-api (paid per imagine or blend: the
`images` feature) — POST /mj/submit/imagine, then GET /mj/task/{id}/fetch and the list query POST
/mj/task/list-by-condition; and POST /mj/submit/blend, submitted once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmconform import factory
from llmconform.surfaces import Surface, register

if TYPE_CHECKING:
    from llmconform.exchange import Request
    from llmconform.surfaces import Probing

NAME = "relay-midjourney"
PATH = "/mj/submit/imagine"
BLEND = "/mj/submit/blend"


def _blend(target: Probing) -> Request:
    """The spec's blend probe, on its own operation (the profile's own `blend` request first)."""
    return factory.request(NAME, "blend", model=target.model(NAME), operation=BLEND,
                           config=target.surface_config(NAME))


SURFACE = register(Surface(name=NAME, path=PATH, builders={"blend": _blend}))
