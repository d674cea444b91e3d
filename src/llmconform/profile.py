"""Profiles: which provider, which surfaces, which models, which key variable, which budget."""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from llmconform import spec
from llmconform.clients import CLIENTS
from llmconform.paths import bundled_vendors, safe_name
from llmconform.suggest import closeness, nearest, unknown_keys

# The surfaces are the specs present (`openapi/<surface>.yaml`).
SURFACES = spec.surfaces()


@functools.cache
def auth_styles() -> tuple[str, ...]:
    """The styles a profile may name: each key placement a spec's `securitySchemes` declares, and
    `none` (no key sent). Read when first asked, not on import: a broken spec is then refused by the
    command that reads it, in one line."""
    return (*dict.fromkeys(style for surface in SURFACES for style in spec.auth_styles(surface)), "none")


def native_auth(surface: str) -> str:
    """The key placement a surface's official API documents (its spec's first security scheme), used
    when a profile names no style."""
    styles = spec.auth_styles(surface) if surface in SURFACES else ()
    return styles[0] if styles else "bearer"


# What a surface is assumed to offer when its profile lists no features.
DEFAULT_FEATURES = frozenset({"stream", "tools"})
# A reference page's template value ("<string>", "<integer>"): API docs generated from a schema show
# their curl examples with these (the relays' docs on Mintlify and Apifox do).
PLACEHOLDER = re.compile(r"<[a-z_ ]+>")
# Every feature a check can need (its @pytest.mark.feature); selftest/test_units.py holds the suite to it.
FEATURES = ("stream", "tools", "vision", "documents", "reasoning", "json-mode", "thinking", "count_tokens",
            "state",
            # issue 22: a reasoning answer sent back on the next turn (signatures, encrypted reasoning), and
            # the exact requests of the coding agents (`clients:`, `--client`); declared by no vendor
            # profile by default, so that their offline replays send nothing new.
            "reasoning-round-trip", "agent-clients",
            # issue 22: Responses WebSocket mode (response.create over one connection); few relays serve it.
            "websocket",
            # issue 23: paid per item, not per token (an image, speech, seconds of audio or video, a
            # search): never in DEFAULT_FEATURES, and no request to an operation whose spec names one in
            # its `x-llmconform-cost` is sent unless the profile declares it (the client refuses it).
            "images", "speech", "transcription", "rerank", "video", "music",
            # Audio inside a request (chat `input_audio` parts, `x-llmconform-feature` in the spec): no
            # generated or documented request carries it to a surface that does not declare it.
            "audio-input")


class ProfileError(Exception):
    """A profile (or the flags standing in for one) cannot be used; the message says what to fix."""


def check_features(features: Any, where: str) -> None:
    """Every feature named is one a check can need: a typo would turn its checks into silent skips."""
    for feature in features:
        if feature not in FEATURES:
            raise ProfileError(f"{where}: unknown feature {feature!r}{nearest(feature, FEATURES)}; "
                               f"known: {', '.join(FEATURES)}")


def sdk_key_env(surface: str) -> tuple[str, ...]:
    """The variables the surface's official SDK reads its key from (its spec's `x-llmconform-sdk`),
    honoured when neither a profile nor a flag names the key variable."""
    return spec.sdk(surface).key_env if surface in SURFACES else ()


def sdk_base_url_env(surface: str) -> str:
    """The variable an official SDK reads its base URL from, for a surface."""
    return spec.sdk(surface).base_url_env if surface in SURFACES else ""


def vendor_host(surface: str) -> str:
    """The vendor's own API host, the one place besides its SDK's base-URL variable an SDK key is meant for."""
    return spec.sdk(surface).host if surface in SURFACES else ""


def _root(url: str) -> str:
    """A base URL compared as the SDKs' and ours are written: no trailing slash, no /v1 or /v1beta."""
    url = url.strip().rstrip("/").lower()
    for suffix in ("/v1beta", "/v1"):
        url = url.removesuffix(suffix)
    return url


def sdk_key_belongs(surface: str, base_url: str) -> bool:
    """Whether a key from a surface's SDK variable is meant for this base URL: the vendor's own API
    host (over https), or the base URL its SDK variable names. Any other host is a third party the
    user must name the key for: an ambient key is never handed to a relay unasked."""
    parts = urlsplit(base_url)
    if parts.scheme == "https" and parts.hostname == vendor_host(surface):
        return True
    configured = os.environ.get(sdk_base_url_env(surface), "") if sdk_base_url_env(surface) else ""
    return bool(configured) and _root(configured) == _root(base_url)


# A profile's name becomes file and folder names (reports, cassettes).
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class SurfaceConfig:
    model: str
    features: frozenset[str] = DEFAULT_FEATURES
    auth_style: str | None = None
    # The variable holding this surface's key when it is not the profile's (the SDKs' defaults).
    auth_env: str | None = None
    # An SDK variable that is set but meant for another host (sdk_key_belongs): never sent; a live
    # run asks the user to name the key instead.
    foreign_env: str | None = None
    # Probe name -> the exact request body to send instead of the suite's own probe (the vendor's
    # documented request, so that a replay of its documents can feed the checks).
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Feature -> the model its requests name where it is not the surface's `model` (openai-audio:
    # a speech model and a transcription model are two models).
    models: dict[str, str] = field(default_factory=dict)

    def model_for(self, feature: str | None) -> str:
        return self.models.get(feature or "", self.model)

    def placeholders(self) -> list[str]:
        """`probe.field` of each request value that is a reference page's template placeholder
        (`"<string>"`): kept for an offline replay of that page, never worth sending live."""
        return [found for probe, body in self.requests.items() for found in template_values(body, probe)]


def template_values(value: Any, where: str = "") -> list[str]:
    """`where.path = value` of each string in `value` that is a template placeholder (PLACEHOLDER)."""
    if isinstance(value, str):
        return [f"{where} = {value!r}"] if PLACEHOLDER.fullmatch(value) else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in template_values(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in template_values(item, f"{where}[{index}]")]
    return []


@dataclass(frozen=True)
class Budget:
    # None: sized from the run's plan of probes, so a full run of what the profile declares fits.
    max_requests: int | None = None
    max_output_tokens: int | None = None


@dataclass(frozen=True)
class Profile:
    name: str
    base_url: str
    auth_env: str | None
    auth_style: str | None
    surfaces: dict[str, SurfaceConfig]
    budget: Budget = Budget()
    headers: dict[str, str] = field(default_factory=dict)
    source: Path | None = None
    # The models the provider promises, with their kind (`llmconform sweep`); parsed by parse_catalogue.
    catalogue: tuple[CatalogueEntry, ...] = ()
    # The coding agents to answer one verdict for (issue 22: `clients:`, `--client`); see with_clients.
    clients: tuple[str, ...] = ()

    def auth_style_for(self, surface: str) -> str:
        config = self.surfaces.get(surface)
        if config and config.auth_style:
            return config.auth_style
        return self.auth_style or native_auth(surface)

    def key_env_for(self, surface: str) -> str | None:
        """The variable that holds the key for a surface: the surface's own, else the profile's."""
        config = self.surfaces.get(surface)
        return (config.auth_env if config else None) or self.auth_env

    def key_envs(self) -> list[str]:
        return list(dict.fromkeys(v for v in (self.key_env_for(s) for s in self.surfaces) if v))

    def api_keys(self, *, required: bool) -> dict[str, str]:
        """Variable -> key, from the environment variables the profile names — never from the profile."""
        if required:
            for surface, config in self.surfaces.items():
                if config.foreign_env and not self.key_env_for(surface):
                    raise ProfileError(
                        f"${config.foreign_env} is set, but its key is meant for "
                        f"{vendor_host(surface)} or ${sdk_base_url_env(surface)}, not "
                        f"{self.base_url}: name the variable holding this provider's key with --api-key-env VAR "
                        "(a profile: auth.env), or send none with --api-key-env none (auth.style: none)")
        keys = {}
        for variable in self.key_envs():
            value = os.environ.get(variable)
            if value:
                keys[variable] = value
            elif required:
                raise ProfileError(f"environment variable {variable} is not set: export it with the key "
                                   f"for {self.name} (profile {self.source or 'from flags'})")
        return keys


def _require(data: dict[str, Any], key: str, where: str, kind: type) -> Any:
    if key not in data:
        raise ProfileError(f"{where}: missing required key '{key}'")
    value = data[key]
    if not isinstance(value, kind):
        raise ProfileError(f"{where}: '{key}' must be a {kind.__name__}, got {type(value).__name__}")
    return value


def _check_base_url(url: str, where: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ProfileError(f"{where}: base_url must be an http(s) URL like https://api.example.com, got {url!r}")
    return url.rstrip("/")


def _surface(name: str, data: Any, where: str) -> SurfaceConfig:
    if name not in SURFACES:
        raise ProfileError(f"{where}: unknown surface '{name}'{nearest(name, SURFACES)}; known: {', '.join(SURFACES)}")
    if not isinstance(data, dict):
        raise ProfileError(f"{where}.{name}: must be a mapping with at least 'model'")
    model = _require(data, "model", f"{where}.{name}", str)
    features = data.get("features")
    if features is not None and not (isinstance(features, list) and all(isinstance(f, str) for f in features)):
        raise ProfileError(f"{where}.{name}: 'features' must be a list of names")
    check_features(features or [], f"{where}.{name}.features")
    style = data.get("auth")
    if style is not None and style not in auth_styles():
        raise ProfileError(f"{where}.{name}: auth must be one of {', '.join(auth_styles())}")
    requests = data.get("requests") or {}
    if not isinstance(requests, dict) or not all(isinstance(v, dict) for v in requests.values()):
        raise ProfileError(f"{where}.{name}: 'requests' must map probe names to request bodies")
    models = data.get("models") or {}
    if not isinstance(models, dict) or not all(isinstance(v, str) and v for v in models.values()):
        raise ProfileError(f"{where}.{name}: 'models' must map feature names to model names")
    check_features(models, f"{where}.{name}.models")
    return SurfaceConfig(model=model, features=frozenset(features) if features is not None else DEFAULT_FEATURES,
                         auth_style=style, requests=requests, models=dict(models))


def parse_profile(data: Any, source: Path | None = None) -> Profile:
    where = str(source) if source else "profile"
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: a profile is a YAML mapping (name, base_url, auth, surfaces)")
    name = _require(data, "name", where, str)
    if not _NAME.match(name):
        raise ProfileError(f"{where}: name {name!r} becomes file names: use letters, digits, '.', '_' and '-'")
    base_url = _check_base_url(_require(data, "base_url", where, str), where)
    auth = data.get("auth") or {}
    if not isinstance(auth, dict):
        raise ProfileError(f"{where}: 'auth' must be a mapping like {{env: VAR, style: bearer}}")
    if "key" in auth or "api_key" in auth:
        raise ProfileError(f"{where}: keys never go in a profile; name the environment variable with auth.env")
    style = auth.get("style")
    if style is not None and style not in auth_styles():
        raise ProfileError(f"{where}: auth.style must be one of {', '.join(auth_styles())}, got {style!r}")
    surfaces_data = _require(data, "surfaces", where, dict)
    surfaces = {n: _surface(n, v, f"{where}: surfaces") for n, v in surfaces_data.items()}
    if not surfaces:
        raise ProfileError(f"{where}: 'surfaces' declares none (e.g. openai-chat: {{model: M}})")
    if not auth or ("env" not in auth and style is None):
        surfaces = _with_sdk_key_env(surfaces, base_url)
    budget_data = data.get("budget") or {}
    if not isinstance(budget_data, dict):
        raise ProfileError(f"{where}: 'budget' must be a mapping (max_requests, max_output_tokens)")
    try:
        budget = Budget(**{k: int(v) for k, v in budget_data.items()})
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"{where}: budget: {exc}") from None
    for key, value in vars(budget).items():
        if value is not None and value < 1:
            raise ProfileError(f"{where}: budget.{key} must be at least 1, got {value} (a cap of nothing would "
                               "leave every check undecided); leave it out to size it from the plan")
    headers = data.get("headers") or {}
    if not isinstance(headers, dict):
        raise ProfileError(f"{where}: 'headers' must be a mapping")
    catalogue = parse_catalogue(data.get("catalogue"), where)
    clients = data.get("clients") or []
    if not isinstance(clients, list):
        raise ProfileError(f"{where}: 'clients' must be a list of names ({', '.join(CLIENTS)})")
    _known_clients(clients, f"{where}: clients")
    _check_schema(data, where)  # what the readers above do not look at: unknown keys, above all
    profile = Profile(name=name, base_url=base_url, auth_env=auth.get("env"), auth_style=style, surfaces=surfaces,
                      budget=budget, headers={str(k): str(v) for k, v in headers.items()}, source=source,
                      catalogue=catalogue)
    return with_clients(profile, clients, f"{where}: clients")


def _known_clients(names: Any, where: str) -> None:
    for name in names:
        if name not in CLIENTS:
            raise ProfileError(f"{where}: unknown client {name!r}{nearest(name, CLIENTS)}; known: {', '.join(CLIENTS)}")


def with_clients(profile: Profile, names: Any, where: str = "--client") -> Profile:
    """The profile asked for a verdict per coding agent: each client's surface must be declared, and
    gets the features its checks need (so that they are sent, not skipped)."""
    _known_clients(names, where)
    surfaces = dict(profile.surfaces)
    for name in names:
        client = CLIENTS[name]
        config = surfaces.get(client.surface)
        if config is None:
            raise ProfileError(f"{where}: {name} speaks {client.surface}, which profile {profile.name} does not "
                               f"declare: add surfaces.{client.surface} with the model {name} uses")
        surfaces[client.surface] = replace(config, features=config.features | set(client.features))
    chosen = tuple(dict.fromkeys([*profile.clients, *names]))
    return replace(profile, surfaces=surfaces, clients=chosen)


def _with_sdk_key_env(surfaces: dict[str, SurfaceConfig], base_url: str) -> dict[str, SurfaceConfig]:
    """No key variable named: each surface takes its SDK's variable when that one is set and meant
    for this base URL; set but meant for another host, it is noted (never sent)."""
    chosen = {}
    for name, config in surfaces.items():
        variable = next((v for v in sdk_key_env(name) if os.environ.get(v)), None)
        if not variable or config.auth_env:
            chosen[name] = config
        elif sdk_key_belongs(name, base_url):
            chosen[name] = replace(config, auth_env=variable)
        else:
            chosen[name] = replace(config, foreign_env=variable)
    return chosen


@functools.cache
def schema() -> dict[str, Any]:
    """The profile's JSON Schema, shipped in the package (schemas/profile.schema.json)."""
    text = resources.files("llmconform").joinpath("schemas/profile.schema.json").read_text(encoding="utf-8")
    found = dict(json.loads(text))
    # The surfaces and key placements are the specs' (see SURFACES): the file lists none of them.
    found["properties"]["surfaces"]["properties"] = {name: {"$ref": "#/$defs/surface"} for name in SURFACES}
    found["$defs"]["auth_style"] = {"enum": list(auth_styles())}
    return found


def _check_schema(data: dict[str, Any], where: str) -> None:
    """The profile against its JSON Schema: a key it does not declare is named with the nearest known
    one (`budgets:` for `budget:` would otherwise be ignored and the intended cap with it)."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    validator = Draft202012Validator(schema())
    errors = list(validator.iter_errors(data))
    surface_keys = list(schema()["$defs"]["surface"]["properties"])
    for steps, key, known in unknown_keys(errors):  # oneOf branches too (the catalogue's two spellings)
        path = ".".join(str(p) for p in steps)
        at = f" in {path}" if path else ""
        hint = nearest(key, known)
        if not path and closeness(key, surface_keys) > closeness(key, known):  # `features:` beside `surfaces:`
            hint = f"{nearest(key, surface_keys)[:-2]}, under a surface: surfaces.<surface>.…?)"
        raise ProfileError(f"{where}: unknown key {key!r}{at}{hint}; known: {', '.join(known)}")
    if errors:
        error = best_match(errors)
        at = ".".join(str(p) for p in error.absolute_path) or "the profile"
        raise ProfileError(f"{where}: {at}: {error.message}")


def resolve_profile_path(name_or_path: str | Path) -> Path:
    """A profile file, or the name of a bundled vendor (`toapis`)."""
    path = Path(name_or_path)
    if path.exists() or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        return path
    bundled = bundled_vendors()
    if str(name_or_path) in bundled:
        return bundled[str(name_or_path)]
    raise ProfileError(f"no profile file {name_or_path!r} and no bundled vendor of that name "
                       f"(bundled: {', '.join(bundled) or 'none'}; `llmconform vendors` lists them)")


def load_profile(name_or_path: str | Path) -> Profile:
    path = resolve_profile_path(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"cannot read profile {path}: {exc.strerror}") from None
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ProfileError(f"{where}: not valid YAML: {problem}") from None
    return parse_profile(data, path)


def profile_from_flags(base_url: str, api_key_env: str | None, surfaces: list[str], model: str | None,
                       features: list[str] | None = None, name: str | None = None) -> Profile:
    if not surfaces:
        raise ProfileError("--base-url needs at least one --surface (e.g. --surface openai-chat)")
    if not model:
        raise ProfileError("--base-url needs --model (the model name the provider serves)")
    host = urlsplit(base_url).netloc or "provider"
    check_features(features or [], "--feature")
    # `--api-key-env none`: a server that takes no key (a local one), with an SDK key in the shell.
    auth = {"style": "none"} if api_key_env == "none" else {"env": api_key_env} if api_key_env else {}
    return parse_profile({
        "name": name or safe_name(host),
        "base_url": base_url,
        "auth": auth,
        "surfaces": {s: {"model": model, **({"features": features} if features else {})} for s in surfaces},
    })


# -- catalogue: the models a provider promises (read by `llmconform sweep`) -------------------------

MODEL_KINDS = ("chat", "embeddings", "image", "video", "audio", "realtime")


@dataclass(frozen=True)
class CatalogueEntry:
    model: str
    kind: str
    # Surfaces to probe it on when not the kind's default (a model served on /v1/responses only).
    surfaces: tuple[str, ...] = ()
    # Its temperature-0 answer is the same on every try (sweep/consistency/repeat holds it to that).
    deterministic: bool = False


def _catalogue_entry(item: Any, kind: str, where: str) -> CatalogueEntry:
    if isinstance(item, str) and item.strip():
        return CatalogueEntry(model=item.strip(), kind=kind)
    if not isinstance(item, dict) or not isinstance(item.get("model"), str) or not item["model"].strip():
        raise ProfileError(f"{where}: each entry is a model name or a mapping with 'model', got {item!r}")
    surfaces = item.get("surfaces") or []
    if not isinstance(surfaces, list) or any(s not in SURFACES for s in surfaces):
        raise ProfileError(f"{where}.{item['model']}: 'surfaces' must list surfaces among {', '.join(SURFACES)}")
    deterministic = item.get("deterministic", False)
    if not isinstance(deterministic, bool):
        raise ProfileError(f"{where}.{item['model']}: 'deterministic' must be true or false")
    return CatalogueEntry(model=item["model"].strip(), kind=str(item.get("kind", kind)),
                          surfaces=tuple(surfaces), deterministic=deterministic)


def parse_catalogue(data: Any, where: str = "profile") -> tuple[CatalogueEntry, ...]:
    """`catalogue:` as a mapping kind -> [model name | {model, surfaces, deterministic}], or as a
    list of {model, kind, ...}. A model is listed once."""
    if data is None:
        return ()
    where = f"{where}: catalogue"
    entries: list[CatalogueEntry] = []
    if isinstance(data, dict):
        for kind, items in data.items():
            if kind not in MODEL_KINDS:
                raise ProfileError(f"{where}: unknown kind {kind!r} (known: {', '.join(MODEL_KINDS)})")
            if not isinstance(items, list):
                raise ProfileError(f"{where}.{kind}: must be a list of model names")
            entries += [_catalogue_entry(item, kind, f"{where}.{kind}") for item in items]
    elif isinstance(data, list):
        for item in data:
            kind = item.get("kind") if isinstance(item, dict) else None
            if kind not in MODEL_KINDS:
                raise ProfileError(f"{where}: each entry needs a kind among {', '.join(MODEL_KINDS)}, got {item!r}")
            entries.append(_catalogue_entry(item, str(kind), where))
    else:
        raise ProfileError(f"{where}: a mapping of kind -> model names, or a list of {{model, kind}}")
    for entry in entries:
        if entry.kind not in MODEL_KINDS:
            raise ProfileError(f"{where}.{entry.model}: unknown kind {entry.kind!r}")
    seen: set[str] = set()
    for entry in entries:
        if entry.model in seen:
            raise ProfileError(f"{where}: {entry.model} is listed twice")
        seen.add(entry.model)
    return tuple(entries)
