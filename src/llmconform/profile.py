"""Profiles: which provider, which surfaces, which models, which key variable, which budget."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from llmconform.paths import bundled_vendors, safe_name

SURFACES = ("openai-chat", "openai-responses", "anthropic-messages", "gemini", "models", "embeddings")
AUTH_STYLES = ("bearer", "x-api-key", "x-goog-api-key", "query-key", "none")
# The header each surface's official API documents, used when a profile names no style.
NATIVE_AUTH = {
    "openai-chat": "bearer",
    "openai-responses": "bearer",
    "anthropic-messages": "x-api-key",
    "gemini": "x-goog-api-key",
    "models": "bearer",
    "embeddings": "bearer",
}
# What a surface is assumed to offer when its profile lists no features.
DEFAULT_FEATURES = frozenset({"stream", "tools"})


class ProfileError(Exception):
    """A profile (or the flags standing in for one) cannot be used; the message says what to fix."""


# The SDKs' own environment, honoured when neither a profile nor a flag names the key variable.
SDK_KEY_ENV = {
    "openai-chat": ("OPENAI_API_KEY",),
    "openai-responses": ("OPENAI_API_KEY",),
    "models": ("OPENAI_API_KEY",),
    "embeddings": ("OPENAI_API_KEY",),
    "anthropic-messages": ("ANTHROPIC_API_KEY",),
    "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
}


def sdk_base_url_env(surface: str) -> str:
    """The variable an official SDK reads its base URL from, for a surface."""
    return {"anthropic-messages": "ANTHROPIC_BASE_URL", "gemini": "GOOGLE_GEMINI_BASE_URL"}.get(surface,
                                                                                             "OPENAI_BASE_URL")


# A profile's name becomes file and folder names (reports, cassettes).
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class SurfaceConfig:
    model: str
    features: frozenset[str] = DEFAULT_FEATURES
    auth_style: str | None = None
    # The variable holding this surface's key when it is not the profile's (the SDKs' defaults).
    auth_env: str | None = None
    # Probe name -> the exact request body to send instead of the suite's own probe (the vendor's
    # documented request, so that a replay of its documents can feed the checks).
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)


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

    def auth_style_for(self, surface: str) -> str:
        config = self.surfaces.get(surface)
        if config and config.auth_style:
            return config.auth_style
        return self.auth_style or NATIVE_AUTH.get(surface, "bearer")

    def key_env_for(self, surface: str) -> str | None:
        """The variable that holds the key for a surface: the surface's own, else the profile's."""
        config = self.surfaces.get(surface)
        return (config.auth_env if config else None) or self.auth_env

    def key_envs(self) -> list[str]:
        return list(dict.fromkeys(v for v in (self.key_env_for(s) for s in self.surfaces) if v))

    def api_keys(self, *, required: bool) -> dict[str, str]:
        """Variable -> key, from the environment variables the profile names — never from the profile."""
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
        raise ProfileError(f"{where}: unknown surface '{name}' (known: {', '.join(SURFACES)})")
    if not isinstance(data, dict):
        raise ProfileError(f"{where}.{name}: must be a mapping with at least 'model'")
    model = _require(data, "model", f"{where}.{name}", str)
    features = data.get("features")
    if features is not None and not (isinstance(features, list) and all(isinstance(f, str) for f in features)):
        raise ProfileError(f"{where}.{name}: 'features' must be a list of names")
    style = data.get("auth")
    if style is not None and style not in AUTH_STYLES:
        raise ProfileError(f"{where}.{name}: auth must be one of {', '.join(AUTH_STYLES)}")
    requests = data.get("requests") or {}
    if not isinstance(requests, dict) or not all(isinstance(v, dict) for v in requests.values()):
        raise ProfileError(f"{where}.{name}: 'requests' must map probe names to request bodies")
    return SurfaceConfig(model=model, features=frozenset(features) if features is not None else DEFAULT_FEATURES,
                         auth_style=style, requests=requests)


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
    if style is not None and style not in AUTH_STYLES:
        raise ProfileError(f"{where}: auth.style must be one of {', '.join(AUTH_STYLES)}, got {style!r}")
    surfaces_data = _require(data, "surfaces", where, dict)
    surfaces = {n: _surface(n, v, f"{where}: surfaces") for n, v in surfaces_data.items()}
    if not surfaces:
        raise ProfileError(f"{where}: 'surfaces' declares none (e.g. openai-chat: {{model: M}})")
    if not auth or ("env" not in auth and style is None):
        surfaces = _with_sdk_key_env(surfaces)
    budget_data = data.get("budget") or {}
    if not isinstance(budget_data, dict):
        raise ProfileError(f"{where}: 'budget' must be a mapping (max_requests, max_output_tokens)")
    try:
        budget = Budget(**{k: int(v) for k, v in budget_data.items()})
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"{where}: budget: {exc}") from None
    headers = data.get("headers") or {}
    if not isinstance(headers, dict):
        raise ProfileError(f"{where}: 'headers' must be a mapping")
    return Profile(name=name, base_url=base_url, auth_env=auth.get("env"), auth_style=style, surfaces=surfaces,
                   budget=budget, headers={str(k): str(v) for k, v in headers.items()}, source=source)


def _with_sdk_key_env(surfaces: dict[str, SurfaceConfig]) -> dict[str, SurfaceConfig]:
    """No key variable named: each surface takes its SDK's variable when that one is set."""
    chosen = {}
    for name, config in surfaces.items():
        variable = next((v for v in SDK_KEY_ENV.get(name, ()) if os.environ.get(v)), None)
        chosen[name] = replace(config, auth_env=variable) if variable and not config.auth_env else config
    return chosen


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
    return parse_profile({
        "name": name or safe_name(host),
        "base_url": base_url,
        "auth": {"env": api_key_env} if api_key_env else {},
        "surfaces": {s: {"model": model, **({"features": features} if features else {})} for s in surfaces},
    })
