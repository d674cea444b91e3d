"""Where a sweep's model names come from, what kind each is, and which shard sweeps it.

Three sources: the provider's own list (`GET /v1/models`, in the OpenAI or the Anthropic flavour, or
Gemini's `GET /v1beta/models` for a profile that speaks only the Gemini API),
the profile's `catalogue:` (what the provider promises, with kinds), and names given on the command
line. A listed model the catalogue does not name gets its kind guessed from its name, and says so.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from llmconform import factory
from llmconform.profile import MODEL_KINDS, ProfileError
from llmconform.surfaces import gemini as gemini_surface
from llmconform.surfaces import models as models_surface

if TYPE_CHECKING:
    from llmconform.exchange import Exchange
    from llmconform.target import Target

SOURCES = ("listed", "catalogue", "all")
# The Anthropic list pages (default 20 per page, at most 1000); a relay's list is one page. A cap on
# pages keeps a hostile `has_more: true` forever from looping.
ANTHROPIC_PAGE = 1000
# googleapis google/ai/generativelanguage/v1beta/model_service.proto, ListModelsRequest.page_size: 50 when
# unset, "at most 1000 models per page"; further pages follow nextPageToken.
GEMINI_PAGE = 1000
MAX_PAGES = 5

# Kinds guessed from a name, first match wins; anything else is taken for a chat model. Only for
# names the catalogue does not give a kind: the guess is reported as a guess.
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("realtime", re.compile(r"realtime|-live\b|live-preview", re.I)),
    ("embeddings", re.compile(r"embed|^bge-|^e5-|^gte-|^m3e", re.I)),
    ("image", re.compile(r"dall-e|gpt-image|imagen|flux|seedream|stable-diffusion|sdxl|midjourney|-image\b|"
                         r"-image-|image-preview|kontext|imagine", re.I)),
    ("video", re.compile(r"sora|^veo|kling|vidu|hailuo|^wan\d|t2v|i2v|seedance|pixverse|runway|hunyuan-video|"
                         r"video", re.I)),
    ("audio", re.compile(r"tts|whisper|transcribe|-audio|audio-|speech|eleven|suno|^gpt-audio", re.I)),
    # No contract here at all (rerankers, moderation; Google's `aqa`, whose only method is generateAnswer in
    # its ListModels entry, googleapis google/ai/generativelanguage/v1beta/generative_service.proto
    # GenerateAnswer): never sent a chat probe they would refuse.
    ("other", re.compile(r"rerank|moderation|^aqa$", re.I)),
)
# OpenAI's legacy completions models: served on POST /v1/completions only; chat answers them 404 "This
# is not a chat model and thus not supported in the v1/chat/completions endpoint". Source: openai-python
# api_reference/openapi.transformed.yml (e43b422, 2026-08-21), CreateCompletionRequest.model's `Preset`
# enum (gpt-3.5-turbo-instruct, davinci-002, babbage-002), and the retired text-/code- models before them.
_COMPLETIONS_ONLY = re.compile(r"^(gpt-3\.5-turbo-instruct|davinci-002|babbage-002|text-(davinci|curie|babbage|ada)-\d+"
                               r"|code-(davinci|cushman)-\d+)(-\d{4})?$", re.I)
# OpenAI's models served on POST /v1/responses only; chat answers them 404 "This model is only supported in
# v1/responses and not in v1/chat/completions." Source: the same spec, ModelIdsResponses' `ResponsesOnlyModel`
# enum (o1-pro, o3-pro, o3-/o4-mini-deep-research, computer-use-preview, gpt-5-codex, gpt-5.1-codex-max,
# gpt-5-pro, gpt-5.5-pro and their dated snapshots); its families by name (-pro, -codex, -deep-research)
# for the snapshots and successors the enum does not name yet. Anchored on OpenAI's own prefixes: Google's
# `gemini-2.5-computer-use-preview-*` is a generateContent model.
_RESPONSES_ONLY = re.compile(r"^(o\d+(-mini)?-(pro|deep-research)|gpt-\d+(\.\d+)?(-\w+)?-(pro|codex(-max|-mini)?)"
                             r"|gpt-\d+(\.\d+)?-codex(-max|-mini)?|codex-mini(-latest)?|computer-use-preview)"
                             r"(-\d{4}-\d{2}-\d{2})?$", re.I)
# Responses-only models OpenAI answers only with a hosted tool in the request, which the cheap probe
# never sends: deep research refuses a request without one ("Deep research models require at least one of
# 'web_search_preview' or 'mcp' tools.", 400, as api.openai.com answers; platform.openai.com/docs/models/
# o3-deep-research), computer-use-preview is the computer_use_preview tool's model (the spec's
# ComputerUsePreviewTool). Not probed: their refusal would be the probe's fault.
_NEEDS_TOOLS = re.compile(r"^(o\d+(-mini)?-deep-research|computer-use-preview)(-\d{4}-\d{2}-\d{2})?$", re.I)
# Every kind a row may carry: the catalogue's, "completions" for OpenAI's completions-only models (no
# contract here), and "other" for a guessed name no kind fits.
ROW_KINDS = (*MODEL_KINDS, "completions", "other")


def guess_kind(name: str) -> str:
    # Without a namespace: Google's OpenAI-compatible list names its models `models/veo-3.0-...`, relays
    # `google/veo-3`; the anchored patterns read the model's own name.
    name = name.rsplit("/", 1)[-1]
    if _COMPLETIONS_ONLY.match(name):
        return "completions"
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(name):
            return kind
    return "chat"


def needs_tools(name: str) -> bool:
    """An OpenAI model that answers no request without a hosted tool (see _NEEDS_TOOLS)."""
    return bool(_NEEDS_TOOLS.match(name.rsplit("/", 1)[-1]))


def responses_only(name: str) -> bool:
    """An OpenAI model that POST /v1/responses serves and chat completions does not (see _RESPONSES_ONLY)."""
    return bool(_RESPONSES_ONLY.match(name.rsplit("/", 1)[-1]))


def family(name: str) -> str:
    """A model's family on a provider: its leading letters without a provider namespace
    (`gpt-4o-mini` -> gpt, `anthropic/claude-3-haiku` -> claude, `qwen3-max` -> qwen)."""
    base = name.rsplit("/", 1)[-1].lower()
    match = re.match(r"[a-z]+", base)
    return match.group(0) if match else base


# -- the provider's list ----------------------------------------------------------------------------

@dataclass
class Listing:
    """What `GET /v1/models` gave: the ids in order (None when no list could be read) and the entries."""

    ids: list[str] | None
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    exchanges: list[Exchange] = field(default_factory=list)
    problem: str = ""  # why there is no list, for the report and the exit-2 line
    status: int | None = None


def gemini_listed(target: Target) -> bool:
    """A profile that speaks only the Gemini API lists its models there (GET /v1beta/models, with the
    gemini surface's key and auth style): it has no /v1/models."""
    return set(target.profile.surfaces) == {gemini_surface.NAME}


def list_path(target: Target) -> str:
    return gemini_surface.MODELS if gemini_listed(target) else models_surface.PATH


def _gemini_ids(data: Any) -> list[tuple[str, dict[str, Any]]]:
    """(model id, entry) of a ListModelsResponse: `name` is "models/{model}", the id is what follows."""
    found = data.get("models") if isinstance(data, dict) else None
    return [(item["name"].removeprefix("models/"), item) for item in found or []
            if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].removeprefix("models/")
            ] if isinstance(found, list) else []


def fetch_gemini(target: Target) -> Listing:
    """Gemini's list, page by page (`nextPageToken`), up to MAX_PAGES."""
    listing = Listing(ids=[])
    token = ""
    for page in range(MAX_PAGES):
        query = {"pageSize": str(GEMINI_PAGE), **({"pageToken": token} if token else {})}
        exchange = target.client.send(factory.request(
            gemini_surface.NAME, "list" if not page else f"list:page-{page + 1}",
            model=None, operation=gemini_surface.MODELS, query=query))
        listing.exchanges.append(exchange)
        listing.status = exchange.status
        data = _page(listing, exchange, page, gemini_surface.MODELS)
        if data is None:
            return listing
        for ident, item in _gemini_ids(data):
            if ident not in listing.entries:
                assert listing.ids is not None
                listing.ids.append(ident)
            listing.entries[ident] = item
        following = data.get("nextPageToken") if isinstance(data, dict) else None
        if not isinstance(following, str) or not following:
            break
        token = following
    return listing


def _page(listing: Listing, exchange: Exchange, page: int, path: str) -> Any:
    """A page's JSON, or None with the listing's problem said (no list at all if it was the first)."""
    if exchange.problem or exchange.status is None or not 200 <= exchange.status < 300:
        listing.ids = None if page == 0 else listing.ids
        listing.problem = (f"GET {path} answered "
                           + (f"{exchange.status}: {exchange.excerpt()[:160]}" if exchange.status is not None
                              else f"nothing ({exchange.problem}: {exchange.problem_detail})"))
        return None
    try:
        return json.loads(exchange.body)
    except (ValueError, UnicodeDecodeError):
        listing.ids = None if page == 0 else listing.ids
        listing.problem = f"GET {path} answered a body that is not JSON: {exchange.excerpt()[:160]}"
        return None


def fetch_listed(target: Target) -> Listing:
    """The provider's model list, every page of it (up to MAX_PAGES)."""
    if gemini_listed(target):
        return fetch_gemini(target)
    first = target.request(models_surface.NAME, "list")
    anthropic = models_surface.flavour(target) == models_surface.ANTHROPIC
    request = replace(first, path=f"{first.path}?limit={ANTHROPIC_PAGE}") if anthropic else first
    listing = Listing(ids=[])
    for page in range(MAX_PAGES):
        exchange = target.client.send(request)
        listing.exchanges.append(exchange)
        listing.status = exchange.status
        data = _page(listing, exchange, page, models_surface.PATH)
        if data is None:
            return listing
        for item in models_surface.entries(data):
            if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
                if item["id"] not in listing.entries:
                    assert listing.ids is not None
                    listing.ids.append(item["id"])
                listing.entries[item["id"]] = item
        more = isinstance(data, dict) and data.get("has_more") is True and isinstance(data.get("last_id"), str)
        if not (anthropic and more):
            break
        request = replace(first, probe=f"list:page-{page + 2}",
                          path=f"{first.path}?limit={ANTHROPIC_PAGE}&after_id={quote(data['last_id'])}")
    return listing


# -- command-line values ------------------------------------------------------------------------------

def parse_models(value: str) -> tuple[str, list[str]]:
    """`--models`: a source name, or comma-separated model names (source "names")."""
    value = value.strip()
    if value in SOURCES:
        return value, []
    names = list(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if not names:
        raise ProfileError(f"--models takes listed, catalogue, all or model names separated by commas, got {value!r}")
    return "names", names


def parse_shard(value: str | None) -> tuple[int, int] | None:
    """`--shard i/n`, 1 <= i <= n."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ProfileError(f"--shard takes i/n with 1 <= i <= n (e.g. 1/4), got {value!r}")
    return int(match.group(1)), int(match.group(2))


def shard_of(model: str, count: int) -> int:
    """The shard (1..count) a model belongs to: a hash of its name, so every job of a CI matrix agrees
    without talking to the others, and adding a model moves no other one."""
    digest = hashlib.sha256(model.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1
