"""A sweep's plan: one item per model and surface, what each costs, and how much of the list the
budget covers. `--plan` prints it and sends nothing; a sweep runs it batch by batch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from llmconform import factory, spec
from llmconform.profile import CatalogueEntry, Profile, ProfileError
from llmconform.surfaces import SURFACE_MODULES
from llmconform.sweep import sources

if TYPE_CHECKING:
    from llmconform.sweep.sources import Listing

# Surfaces a chat model can be probed on, in the order a profile's declaration picks the default
# (Gemini's own API last: a profile that also speaks an OpenAI or Anthropic surface is probed there).
CHAT_SURFACES = ("openai-chat", "anthropic-messages", "openai-responses", "gemini")
PROBED_KINDS = {"chat", "embeddings"}
# Media kinds, probed (one paid request each) only where the profile declares the surface and the
# feature that allows that cost (issue #23); otherwise listed as not probed.
MEDIA_SURFACES = {"image": ("openai-images", "images"), "audio": ("openai-audio", "speech"),
                  "video": ("openai-videos", "video")}
# The re-probe that measures TTFT / tokens/s (and holds a deterministic model to its answer) streams.
TIMED_SURFACES = frozenset(CHAT_SURFACES)
CANARY_SURFACES = frozenset({"openai-chat", "anthropic-messages"})
CANARIES = ("sweep-canary-echo", "sweep-canary-json", "sweep-canary-count")


@dataclass
class Item:
    """One row of the sweep: a model on one surface (None: a kind with no contract here)."""

    model: str
    kind: str
    kind_source: str  # catalogue | guessed
    surface: str | None
    listed: bool | None  # None: no list was read
    in_catalogue: bool | None  # None: the profile has no catalogue
    deterministic: bool = False
    list_entry: dict[str, Any] | None = None
    note: str | None = None  # why the official API serves it elsewhere or not at all (from its list or its name)

    @property
    def probed(self) -> bool:
        return self.surface is not None

    @property
    def key(self) -> tuple[str, str]:
        return self.model, self.surface or ""


def chat_surfaces(profile: Profile, chosen: list[str]) -> list[str]:
    """Where chat models are probed: `--surface` when given, else the first chat surface the profile
    declares (OpenAI chat when it declares none)."""
    if chosen:
        wrong = [s for s in chosen if s not in CHAT_SURFACES]
        if wrong:
            raise ProfileError(f"--surface {wrong[0]}: a sweep probes chat models on {', '.join(CHAT_SURFACES)} "
                               "(embeddings models are probed on embeddings by their kind)")
        return list(dict.fromkeys(chosen))
    declared = [s for s in CHAT_SURFACES if s in profile.surfaces]
    return declared[:1] or ["openai-chat"]


def select(profile: Profile, listing: Listing | None, source: str, names: list[str],
           surfaces: list[str]) -> list[Item]:
    """The sweep's items, in order: the catalogue's (its order), then listed-only models (the list's
    order); or the names given."""
    catalogue: dict[str, CatalogueEntry] = {e.model: e for e in profile.catalogue}
    listed_ids = listing.ids if listing is not None else None
    if source == "listed":
        if listed_ids is None:
            raise ProfileError(f"--models listed: {listing.problem if listing else 'no model list was read'}; "
                               "sweep the profile's catalogue (--models catalogue) or name models (--models a,b)")
        chosen = list(listed_ids)
    elif source == "catalogue":
        if not catalogue:
            raise ProfileError(f"--models catalogue: profile {profile.name} has no catalogue: add `catalogue:` "
                               "(kind -> model names) to it, or use --models listed")
        chosen = list(catalogue)
    elif source == "all":
        chosen = list(dict.fromkeys([*catalogue, *(listed_ids or [])]))
    else:
        chosen = names
    if not chosen:
        raise ProfileError(f"no models to sweep from {source}: " + (
            f"no model list could be read ({listing.problem})" if listing is not None and listing.ids is None
            else "the provider's list is empty"))
    chat = chat_surfaces(profile, surfaces)
    listed_set = set(listed_ids) if listed_ids is not None else None
    items: list[Item] = []
    for model in chosen:
        entry = catalogue.get(model)
        kind = entry.kind if entry else sources.guess_kind(model)
        # Gemini's list says what each model serves: one that cannot generateContent is no chat model.
        # googleapis google/ai/generativelanguage/v1beta/model.proto, Model.supported_generation_methods
        # ("The model's supported generation methods"): aqa's generateAnswer, imagen's predict, veo's
        # predictLongRunning, an embedder's embedContent.
        methods = (listing.entries.get(model) or {}).get("supportedGenerationMethods") if listing else None
        note: str | None = None
        if not entry and kind == "chat" and isinstance(methods, list) and "generateContent" not in methods:
            kind = "other"
        if isinstance(methods, list) and "generateContent" not in methods:
            note = f"its supportedGenerationMethods ({', '.join(map(str, methods))[:120]}) have no generateContent"
        if kind == "chat":
            on: list[str | None] = list(entry.surfaces if entry and entry.surfaces else chat)
            if not entry and sources.responses_only(model) and "openai-chat" in on:
                # OpenAI serves it on /v1/responses only (sources._RESPONSES_ONLY): probed there when the
                # profile declares Responses, else not probed rather than refused by chat.
                responses = "openai-responses" in on or "openai-responses" in profile.surfaces
                on = [s for s in on if s not in ("openai-chat", "openai-responses")]
                if responses and not sources.needs_tools(model):
                    on.append("openai-responses")
                if not on:
                    on = [None]
                    note = ("OpenAI answers it only with a hosted tool (deep research, computer use), which the "
                            "probe does not send" if sources.needs_tools(model) else
                            "OpenAI serves it on v1/responses only (ResponsesOnlyModel); declare openai-responses "
                            "to probe it there")
        elif kind == "completions":
            on = [None]
            note = "OpenAI serves it on v1/completions only (CreateCompletionRequest); no contract here"
        elif kind == "embeddings":
            # /v1/embeddings is OpenAI's; a provider probed on Gemini's own API alone does not serve it.
            on = [None] if chat == ["gemini"] else ["embeddings"]
        elif kind in MEDIA_SURFACES:
            media, feature = MEDIA_SURFACES[kind]
            config = profile.surfaces.get(media)
            on = [media] if config is not None and feature in config.features else [None]
        else:
            on = [None]
        for surface in on:
            items.append(Item(
                model=model, kind=kind, kind_source="catalogue" if entry else "guessed", surface=surface,
                listed=(model in listed_set) if listed_set is not None else None,
                in_catalogue=(entry is not None) if catalogue else None,
                deterministic=bool(entry and entry.deterministic),
                list_entry=listing.entries.get(model) if listing is not None else None,
                note=note if surface is None else None))
    return items


def in_shard(items: list[Item], shard: tuple[int, int] | None) -> list[Item]:
    if shard is None:
        return items
    index, count = shard
    return [i for i in items if sources.shard_of(i.model, count) == index]


# -- costs ------------------------------------------------------------------------------------------

def probe_body(surface: str, probe: str, model: str) -> dict[str, Any]:
    """A sweep request body, as `openapi/<surface>.yaml` declares it under x-llmconform-probes."""
    return dict(factory.body_of(surface, SURFACE_MODULES[surface].path, probe, model, least_reasoning=False))


def output_cap(surface: str, probe: str) -> int:
    limit = spec.output_limit_of(surface, probe_body(surface, probe, "m"))
    return limit if limit is not None else 0  # embeddings: no output tokens


@dataclass(frozen=True)
class Cost:
    requests: int
    output_tokens: int


def cost(item: Item, *, timing: bool, reference: bool) -> Cost:
    """First tries one item sends on the provider, and the output tokens they may spend at most."""
    if item.surface is None:
        return Cost(0, 0)
    requests, tokens = 1, output_cap(item.surface, "sweep")
    if timing and item.surface in TIMED_SURFACES:
        requests, tokens = requests + 1, tokens + output_cap(item.surface, "sweep")
    if reference and item.surface in CANARY_SURFACES:
        requests += len(CANARIES)
        tokens += sum(output_cap(item.surface, c) for c in CANARIES)
    return Cost(requests, tokens)


def covered(items: list[Item], requests: int, tokens: int, *, timing: bool, reference: bool) -> int:
    """How many of `items` (in order) fit in the budget left, each at its full cost."""
    count = 0
    for item in items:
        need = cost(item, timing=timing, reference=reference)
        if need.requests > requests or need.output_tokens > tokens:
            break
        requests, tokens, count = requests - need.requests, tokens - need.output_tokens, count + 1
    return count


def render(profile: Profile, items: list[Item], *, source: str, list_requests: int, budget: tuple[int, int],
           retries: int, timing: bool, reference: str | None, shard: tuple[int, int] | None) -> str:
    """`--plan`: every request the sweep would send, what it may spend, and what the budget leaves out."""
    probed = [i for i in items if i.probed]
    base = profile.base_url
    lines = [f"llmconform sweep --plan: {profile.name} ({base}), models from {source}"
             + (f", shard {shard[0]}/{shard[1]}" if shard else "") + ". Nothing is sent."]
    if list_requests:
        lines.append(f"  GET {base}{sources.models_surface.PATH}  (the provider's list; the models it adds are "
                     "probed too, within the budget: unknown until it is read)")
    total_requests, total_tokens = list_requests, 0
    for item in items:
        if not item.probed:
            why = (f"declare {MEDIA_SURFACES[item.kind][0]} with feature '{MEDIA_SURFACES[item.kind][1]}' to probe "
                   "it (one paid request)") if item.kind in MEDIA_SURFACES else item.note or "no contract here"
            lines.append(f"  -     {item.model}  ({item.kind}: not probed, {why})")
            continue
        assert item.surface is not None
        need = cost(item, timing=timing, reference=reference is not None)
        total_requests += need.requests
        total_tokens += need.output_tokens
        parts = ["probe"] + (["timing re-probe"] if timing and item.surface in TIMED_SURFACES else [])
        if reference and item.surface in CANARY_SURFACES:
            parts.append(f"{len(CANARIES)} canaries (and as many to the reference)")
        lines.append(f"  POST  {base}{spec.fill_model(SURFACE_MODULES[item.surface].path, item.model)}  "
                     f"model={item.model}  "
                     f"[{', '.join(parts)}]  <= {need.output_tokens} output tokens")
    fits = covered(probed, budget[0] - list_requests, budget[1], timing=timing, reference=reference is not None)
    bodies = sorted({i.surface for i in probed if i.surface})
    lines.append("")
    for surface in bodies:
        lines.append(f"  {surface} probe body: {probe_body(surface, 'sweep', '<model>')}")
    lines += [
        "",
        f"  {len({i.model for i in items})} models on {len(items)} rows ({len(probed)} probed, "
        f"{len(items) - len(probed)} not probed); "
        f"{total_requests} requests and at most {total_tokens} output tokens; up to "
        f"{total_requests * (retries + 1)} requests if every one were retried ({retries} retries on 429/503); "
        "a model refusing the probe's parameters (max_tokens, temperature 0) is asked once more, "
        "and a model whose stream fails (5xx, broken) once more without streaming.",
        f"  budget: {budget[0]} requests, {budget[1]} output tokens -> covers {fits} of {len(probed)} probed models"
        + (f"; {len(probed) - fits} left out unless refusals leave budget for them" if fits < len(probed) else ""),
    ]
    if reference:
        lines.append(f"  reference {reference}: the same canaries, on its own budget.")
    return "\n".join(lines) + "\n"
