"""What a sweep finds, per model and across models. Each finding has one id, `sweep/<concern>/<name>`,
listed in FINDINGS with its verdict and its rule (CHECKS.md and the README quote them).

Per-model findings read one row's observations; cross-model ones (`duplicate`, `hidden-prompt`)
read every row of a provider, so `compare` recomputes them when it merges shards.
"""

from __future__ import annotations

import difflib
import json
import re
import statistics
from typing import Any
from urllib.parse import urlsplit

from llmconform import spec
from llmconform.exchange import NOT_RECORDED, PROVIDER_FAULTS
from llmconform.fingerprint import PERSONAS
from llmconform.surfaces import SURFACE_MODULES
from llmconform.sweep.probes import Observation
from llmconform.sweep.sources import family
from llmconform.verdict import excerpt

Finding = dict[str, Any]

# id -> (verdict, rule). A refusal's verdict is the one given when the provider lists or promises
# the model; for a name only the user gave, see refusal_finding.
FINDINGS: dict[str, tuple[str, str]] = {
    "sweep/available/unknown-model": ("fail", "a listed or promised model is refused as unknown"),
    "sweep/available/no-channel": ("fail", "a listed or promised model is refused for want of an upstream "
                                           "(new-api / one-api 'no available channel', 503)"),
    "sweep/available/server-error": ("fail", "a listed or promised model answers a 5xx"),
    "sweep/available/timeout": ("fail", "no complete answer within the per-model time limit"),
    "sweep/available/broken": ("fail", "a 2xx answer that is not the surface's answer (HTML, garbage, no events)"),
    "sweep/available/rejected": ("fail", "the cheap probe, a valid request, is refused with another 4xx"),
    "sweep/available/auth": ("warn", "the key is refused for this model (401/403) though the provider accepts it"),
    "sweep/available/quota": ("error", "the account's quota or balance is spent: undecided"),
    "sweep/available/rate-limited": ("error", "still rate-limited after the client's retries: undecided"),
    "sweep/available/unreachable": ("error", "the request could not be sent: undecided"),
    "sweep/stream/broken": ("fail", "the streamed probe fails (a 5xx, a broken or unreadable stream) where the same "
                                    "request without streaming is answered"),
    "sweep/echo/substituted": ("warn", "the answer names another model than the one asked for (not the same name "
                                       "or a dated snapshot of it)"),
    "sweep/auth/hidden-prompt": ("warn", "input tokens far above the fixed prompt's, against a local estimate and "
                                         "the same family's models on the provider"),
    "sweep/auth/persona": ("warn", "the answer claims an identity (I'm Claude Code, ChatGPT, ...) nobody asked for"),
    "sweep/fingerprint/backend": ("warn", "ids, usage fields or headers point to a backend other than the model's "
                                          "own vendor (Bedrock, Vertex, Azure, OpenRouter, another vendor)"),
    "sweep/catalogue/unlisted": ("warn", "the catalogue promises the model; the provider's list lacks it"),
    "sweep/catalogue/unpromised": ("warn", "the provider lists the model; the catalogue does not promise it"),
    "sweep/consistency/duplicate": ("warn", "two names whose temperature-0 answers and token counts are identical: "
                                            "one backend behind both"),
    "sweep/consistency/repeat": ("warn", "a model the profile calls deterministic answers differently on a second "
                                         "temperature-0 try"),
    "sweep/reference/similarity": ("warn", "the canaries' answers differ from a trusted reference endpoint's for "
                                           "the same model name"),
}
CROSS_MODEL = ("sweep/consistency/duplicate", "sweep/auth/hidden-prompt")


def finding(ident: str, message: str, *, expected: str, received: Any, reproduce: str = "", verdict: str | None = None,
            **evidence: Any) -> Finding:
    return {"id": ident, "verdict": verdict or FINDINGS[ident][0], "message": message,
            "evidence": {"expected": expected, "received": excerpt(received), **evidence},
            "reproduce": reproduce}


# -- refusals -------------------------------------------------------------------------------------

NO_CHANNEL = re.compile(r"无可用渠道|没有可用|暂无可用|no available channel|no channel|no available (provider|upstream|"
                        r"endpoint|deployment|account)|no healthy upstream|upstream (is )?unavailable|"
                        r"all (channels|upstreams|providers)|service (temporarily )?unavailable", re.I)
QUOTA = re.compile(r"quota|额度|余额|欠费|insufficient[_ ](user_)?(quota|balance|credit)|balance|billing|"
                   r"credits?\b|payment required", re.I)
AUTH = re.compile(r"无权|no access|not allowed|permission|forbidden|unauthori[sz]ed|invalid (api[ _-]?)?key|"
                  r"api[ _-]?key|令牌|authentication", re.I)
UNKNOWN = re.compile(r"model_not_found|model not found|does not exist|unknown model|invalid model|no such model|"
                     r"not a valid model|模型不存在|不支持该模型|unsupported model|model .{0,60}not (supported|"
                     r"available|found|exist)", re.I)
# The official API's own word that the model exists and is served on another endpoint (never the
# provider's fault). OpenAI, 404 with param "model": "This is not a chat model and thus not supported in
# the v1/chat/completions endpoint. Did you mean to use v1/completions?" (completions-only models) and
# "This model is only supported in v1/responses and not in v1/chat/completions." (ResponsesOnlyModel of
# openai-python api_reference/openapi.transformed.yml). Google's 404 "... is not supported for
# generateContent" also names unknown models, so it is read against the list's methods (not_served).
NOT_SERVED = re.compile(r"not a chat model|only supported in v1/|not supported in the v1/[a-z/]+ endpoint|"
                        r"did you mean to use v1/|models require at least one of '", re.I)
# A 400 about the probe's own parameters (OpenAI's reasoning models refuse max_tokens and
# temperature 0): the model exists; the sweep asks again with the surface's `sweep-alt` probe.
PARAMETERS = re.compile(r"(max_tokens|temperature|max_completion_tokens|stream_options)", re.I)
# "incompatible": OpenAI's search models (gpt-4o-search-preview) answer 400 "Model incompatible request
# argument supplied: temperature" (param null), as users of api.openai.com report it (vercel/ai#5609).
UNSUPPORTED = re.compile(r"unsupported|not supported|does not support|only the default|invalid|incompatible", re.I)
ALT_PROBE = "sweep-alt"


def has_alt(surface: str) -> bool:
    """Whether the surface's spec declares the `sweep-alt` probe (chat's and Responses' do)."""
    return surface in SURFACE_MODULES and ALT_PROBE in SURFACE_MODULES[surface].operation.probes


def error_text(data: Any) -> str:
    """Every message, type and code an error envelope holds, whatever its flavour, as one line."""
    parts: list[str] = []

    def walk(value: Any, depth: int) -> None:
        if depth > 3:
            return
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            for key in ("message", "msg", "detail", "error", "type", "code", "status", "param"):
                if key in value:
                    walk(value[key], depth + 1)
        elif isinstance(value, int) and not isinstance(value, bool):
            parts.append(str(value))

    walk(data, 0)
    return " ".join(parts)[:600]


def wants_alt(seen: Observation) -> bool:
    status = seen.exchange.status
    if status != 400 or not has_alt(seen.exchange.request.surface):
        return False
    text = error_text(seen.error_body()) or seen.exchange.excerpt()
    return bool(PARAMETERS.search(text) and UNSUPPORTED.search(text))


def refusal_kind(seen: Observation) -> str | None:
    """Why a model is not available: None when it answered."""
    exchange = seen.exchange
    if seen.ok:
        return None
    problem = exchange.problem
    if problem in ("budget", NOT_RECORDED, "interrupted"):
        return "budget"  # not asked (budget spent, not in the replayed cassettes, interrupted): left out
    if problem in ("unreachable", "transport"):
        return "unreachable"
    if problem in ("timeout", "stalled", "never-ended"):
        return "timeout"
    if problem in PROVIDER_FAULTS:
        return "broken"
    status = exchange.status
    text = error_text(seen.error_body()) or exchange.body[:400].decode("utf-8", "replace")
    if status is None:
        return "unreachable"
    if 200 <= status < 300:
        return "broken"
    if status in (400, 404) and NOT_SERVED.search(text):
        return "not-served"
    if NO_CHANNEL.search(text):
        return "no-channel"
    if status == 402 or (status in (403, 429) and QUOTA.search(text)):
        return "quota"
    if status == 429:
        return "rate-limited"
    if status in (401, 403):
        return "auth"
    if status == 404 or UNKNOWN.search(text):
        return "unknown-model"
    if status == 503:
        return "no-channel"
    if status >= 500:
        return "server-error"
    return "rejected"


def not_served(kind: str | None, surface: str, list_entry: dict[str, Any] | None) -> bool:
    """A refusal the official API gives a model it serves elsewhere: OpenAI's text (NOT_SERVED), or
    Google's 404 for a model whose listed supportedGenerationMethods (googleapis
    google/ai/generativelanguage/v1beta/model.proto) lack generateContent, the method probed."""
    if kind == "not-served":
        return True
    methods = (list_entry or {}).get("supportedGenerationMethods")
    return (kind in ("unknown-model", "rejected") and surface == "gemini" and isinstance(methods, list)
            and "generateContent" not in methods)


REFUSAL_LABELS = {
    "not-served": "not served on this surface (the official API serves it elsewhere)",
    "unknown-model": "unknown model", "no-channel": "no channel / upstream unavailable", "quota": "quota",
    "auth": "key refused for this model", "rate-limited": "rate-limited", "server-error": "server error (5xx)",
    "timeout": "no answer in time", "broken": "unusable answer", "rejected": "probe rejected",
    "unreachable": "unreachable", "budget": "not sent (budget)",
}


# What a streamed probe's failure may be a broken stream rather than an unavailable model: asked
# again without streaming.
STREAM_FALLBACK = ("server-error", "broken")


def stream_failure(seen: Observation) -> dict[str, Any]:
    """The row's account of a streamed probe that failed where the plain request answered."""
    exchange = seen.exchange
    kind = refusal_kind(seen) or "broken"
    detail = (f"status {exchange.status}: {exchange.excerpt()}" if exchange.problem is None
              else f"{exchange.problem}: {exchange.problem_detail}")
    return {"ok": False, "kind": kind, "status": exchange.status,
            "why": f"{REFUSAL_LABELS.get(kind, kind)} ({excerpt(detail, 160)}); answered without streaming"}


def stream_finding(seen: Observation) -> Finding:
    exchange = seen.exchange
    account = stream_failure(seen)
    return finding("sweep/stream/broken", f"streaming fails: {account['why']}",
                   expected="a 200 event stream, as the same request without streaming is answered",
                   received=account["why"], reproduce=exchange.curl(), status=exchange.status,
                   problem=exchange.problem, request=f"{exchange.request.method} {exchange.url}")


def refusal_finding(kind: str, seen: Observation, *, promised: bool) -> Finding | None:
    """The finding for a refusal: as FINDINGS says for a listed / promised model. A name only the
    user gave that the provider does not serve is no finding (the user's ask, not the provider's
    fault), unless the provider crashed or hung on it."""
    if kind == "budget":
        return None
    ident = f"sweep/available/{kind}"
    verdict = FINDINGS[ident][0]
    if not promised:
        if kind in ("server-error", "timeout", "broken"):
            verdict = "warn"
        elif verdict in ("fail", "warn"):
            return None
    exchange = seen.exchange
    received = (f"status {exchange.status}: {exchange.excerpt()}" if exchange.status is not None
                else f"{exchange.problem}: {exchange.problem_detail}")
    why = "listed or promised, " if promised else ""
    return finding(ident, f"{why}not available: {REFUSAL_LABELS[kind]} ({excerpt(received, 160)})",
                   verdict=verdict, expected="a 2xx answer to the cheap probe", received=received,
                   reproduce=exchange.curl(), status=exchange.status, problem=exchange.problem,
                   request=f"{exchange.request.method} {exchange.url}", time_ms=exchange.timings.total_ms)


# -- echo ---------------------------------------------------------------------------------------------

_SNAPSHOT_SUFFIX = re.compile(r"([-@](\d{4}-?\d{2}-?\d{2}|\d{4}|latest|v\d+(\.\d+)*|preview|\d{3,4}))+$")


def _tail(name: str) -> str:
    """Without a provider namespace (`openai/gpt-4o`, `models/gemini-2.5-pro`, `hosted_vllm/x`)."""
    return name.strip().lower().rsplit("/", 1)[-1]


def echo(requested: str, answered: str | None) -> str | None:
    """same | snapshot (a dated or `-latest` name of the same model) | other; None when no model named."""
    if not answered:
        return None
    a, r = _tail(answered), _tail(requested)
    if a == r:
        return "same"
    if _SNAPSHOT_SUFFIX.sub("", a) == _SNAPSHOT_SUFFIX.sub("", r):
        return "snapshot"
    return "other"


def echo_finding(requested: str, seen: Observation) -> Finding | None:
    if echo(requested, seen.answered_model) != "other":
        return None
    return finding("sweep/echo/substituted", f"asked for {requested}, answered by {seen.answered_model}",
                   expected=f"model {requested} (or a dated snapshot of it) in the answer",
                   received=f"model: {seen.answered_model}", reproduce=seen.exchange.curl(),
                   requested=requested, answered=seen.answered_model)


def persona_finding(seen: Observation) -> Finding | None:
    match = PERSONAS.search(seen.text or "")
    if not match:
        return None
    return finding("sweep/auth/persona", f"claims an identity nobody asked for: {match.group(0)!r}",
                   expected="an answer to the prompt, with no identity claimed", received=seen.text,
                   reproduce=seen.exchange.curl(), persona=match.group(0))


# -- backend fingerprints -------------------------------------------------------------------------

# The vendor behind a model family's own API.
FIRST_PARTY: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), v) for p, v in (
    (r"^(gpt|o\d|chatgpt|text-embedding|dall-e|gpt-image|whisper|tts-|davinci|babbage|codex|sora)", "openai"),
    (r"^claude", "anthropic"), (r"^(gemini|gemma|imagen|veo|text-embedding-00|embedding-gecko)", "google"),
    (r"^deepseek", "deepseek"), (r"^(qwen|qwq)", "alibaba"), (r"^(glm|chatglm|cogview)", "zhipu"),
    (r"^(kimi|moonshot)", "moonshot"), (r"^grok", "xai"),
    (r"^(mistral|mixtral|codestral|magistral|ministral|pixtral)", "mistral"), (r"^(abab|minimax)", "minimax"),
    (r"^(doubao|seed)", "bytedance"), (r"^ernie", "baidu"), (r"^hunyuan", "tencent"),
))
# Backends that serve models (a vendor's own API or a cloud reseller) — as opposed to the software
# stack of the relay itself (new-api, LiteLLM, llama.cpp), which every model of a provider shares.
RESELLERS = frozenset({"bedrock", "vertex", "azure", "openrouter"})
SERVING = frozenset({"openai", "anthropic", "google", "deepseek", *RESELLERS})
_HOST_HINTS = {"bedrock": "amazonaws.com", "vertex": "googleapis.com", "azure": "azure", "openrouter": "openrouter"}

_ID_SIGNALS = ((re.compile(r"^(msg|toolu)_bdrk_"), "bedrock"), (re.compile(r"^(msg|toolu)_vrtx_"), "vertex"),
               (re.compile(r"^gen-\d"), "openrouter"))
_HEADER_SIGNALS = (("x-amzn-requestid", "bedrock"), ("x-amzn-bedrock-", "bedrock"), ("x-amz-", "bedrock"),
                   ("apim-request-id", "azure"), ("x-ms-region", "azure"), ("azureml-model-session", "azure"),
                   ("x-ms-rai-invoked", "azure"), ("openai-processing-ms", "openai"), ("openai-organization", "openai"),
                   ("openai-version", "openai"), ("anthropic-ratelimit-", "anthropic"),
                   ("anthropic-organization-id", "anthropic"), ("x-vertex-", "vertex"),
                   ("x-oneapi-request-id", "one-api"),
                   ("x-new-api-version", "new-api"), ("x-litellm-", "litellm"), ("x-openrouter-", "openrouter"))
_USAGE_SIGNALS = (("cache_creation_input_tokens", "anthropic"), ("cache_read_input_tokens", "anthropic"),
                  ("prompt_cache_hit_tokens", "deepseek"), ("prompt_cache_miss_tokens", "deepseek"),
                  ("is_byok", "openrouter"), ("claude_cache_creation_5_m_tokens", "new-api"))


# The official prefix of an Anthropic Messages id: on a chat completion, a Messages backend.
_MESSAGES_ID = spec.load("anthropic-messages").id_prefixes("Message")


def first_party(model: str) -> str | None:
    tail = _tail(model)
    return next((vendor for pattern, vendor in FIRST_PARTY if pattern.search(tail)), None)


def backend_signals(seen: Observation) -> list[dict[str, str]]:
    """Each signal once: {backend, signal}."""
    found: dict[tuple[str, str], None] = {}
    surface = seen.exchange.request.surface
    for ident in seen.ids:
        for pattern, backend in _ID_SIGNALS:
            if pattern.search(ident):
                found[(backend, f"id {ident[:24]}")] = None
        if surface == "openai-chat" and ident.startswith(_MESSAGES_ID) and "_bdrk_" not in ident \
                and "_vrtx_" not in ident:
            found[("anthropic", f"a Messages id on a chat completion: {ident[:24]}")] = None
    prefixes: set[str] = set()
    for name, value in seen.exchange.headers.items():
        for prefix, backend in _HEADER_SIGNALS:
            if name.startswith(prefix) and prefix not in prefixes:  # one signal per header family
                prefixes.add(prefix)
                found[(backend, f"header {name}" if name == prefix else f"header {prefix}*")] = None
        if name == "server" and "llama.cpp" in value.lower():
            found[("llama.cpp", f"server: {value[:40]}")] = None
    if surface != "anthropic-messages":  # Anthropic's own usage fields are native there
        for key, backend in _USAGE_SIGNALS:
            if key in seen.usage_keys:
                found[(backend, f"usage.{key}")] = None
    for payload in seen.payloads[:1] + seen.payloads[-1:]:
        if isinstance(payload, dict):
            if "prompt_filter_results" in payload or any(isinstance(c, dict) and "content_filter_results" in c
                                                         for c in payload.get("choices") or []
                                                         if isinstance(payload.get("choices"), list)):
                found[("azure", "content filter results")] = None
            if isinstance(payload.get("provider"), str) and surface == "openai-chat":
                found[("openrouter", f"provider: {payload['provider'][:30]}")] = None
    return [{"backend": b, "signal": s} for b, s in found]


def backend_finding(model: str, seen: Observation, signals: list[dict[str, str]], base_url: str) -> Finding | None:
    """W when a signal names a backend that serves the model other than its own vendor: a reseller
    (unless the provider is that reseller), or another vendor's API. The relay's own software is
    reported in the row, not judged."""
    own = first_party(model)
    host = urlsplit(base_url).netloc.lower()
    odd = []
    for signal in signals:
        backend = signal["backend"]
        if backend not in SERVING or backend == own:
            continue
        if backend in RESELLERS and _HOST_HINTS[backend] in host:
            continue
        if own is None and backend not in RESELLERS:
            continue  # a vendor's marker on a name of no known vendor: nothing to hold it against
        odd.append(signal)
    if not odd:
        return None
    names = sorted({s["backend"] for s in odd})
    return finding("sweep/fingerprint/backend",
                   f"{model} points to {', '.join(names)}" + (f", not {own}" if own else ""),
                   expected=f"the markers of {own or 'the provider'} itself",
                   received="; ".join(s["signal"] for s in odd), reproduce=seen.exchange.curl(),
                   backends=names, signals=odd)


# -- consistency --------------------------------------------------------------------------------------

def repeat_finding(first: Observation, second: Observation) -> Finding | None:
    if not (first.ok and second.ok) or first.text == second.text:
        return None
    return finding("sweep/consistency/repeat", "a second temperature-0 try answered differently",
                   expected=f"the same answer as the first try: {first.text!r}", received=second.text,
                   reproduce=second.exchange.curl(), first=first.text, second=second.text)


# Identical answers shorter than this prove little (any two models may say "The sea is vast.").
DUPLICATE_MIN_CHARS = 24


def _same_model(a: str, b: str) -> bool:
    return echo(a, b) in ("same", "snapshot")


def duplicates(rows: list[dict[str, Any]]) -> dict[tuple[str, str], Finding]:
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in rows:
        answer = row.get("answer") or ""
        if not row.get("available") or len(answer) < DUPLICATE_MIN_CHARS or row.get("input_tokens") is None \
                or row.get("output_tokens") is None:
            continue
        key = (row["surface"], answer, row["input_tokens"], row["output_tokens"])
        groups.setdefault(key, []).append(row)
    found = {}
    for (_, answer, tokens_in, tokens_out), members in groups.items():
        for row in members:
            others = [m["model"] for m in members if m is not row and not _same_model(m["model"], row["model"])]
            if not others:
                continue
            found[(row["model"], row["surface"])] = finding(
                "sweep/consistency/duplicate", f"answers exactly as {', '.join(others)}: one backend behind both",
                expected="a different answer or token count from every other model name",
                received=f"{answer!r} with {tokens_in} input / {tokens_out} output tokens, as {', '.join(others)}",
                reproduce=row.get("reproduce", ""), same_as=others)
    return found


# -- hidden prompt ------------------------------------------------------------------------------------

HIDDEN_PROMPT_FLOOR = 200  # as the surfaces' */fingerprint/hidden-prompt checks: chat templates never reach it
FAMILY_FACTOR = 3


def input_estimate(body: Any) -> int:
    """A local, generous-side estimate of the prompt's tokens: a third of the request JSON's length."""
    return len(json.dumps(body, ensure_ascii=False)) // 3


def hidden_prompts(rows: list[dict[str, Any]]) -> dict[tuple[str, str], Finding]:
    """Input far above the local bound (5x the estimate, at least 200) and, where the provider has
    other models of the family with counts, far above theirs (3x their median + 50)."""
    found = {}
    counted = [r for r in rows if r.get("available") and isinstance(r.get("input_tokens"), int)]
    for row in counted:
        estimate = row.get("input_tokens_estimate") or 0
        local = max(HIDDEN_PROMPT_FLOOR, 5 * estimate)
        if row["input_tokens"] <= local:
            continue
        peers = [r["input_tokens"] for r in counted if r is not row and r["surface"] == row["surface"]
                 and family(r["model"]) == family(row["model"])]
        median = statistics.median(peers) if len(peers) >= 2 else None
        if median is not None and row["input_tokens"] <= FAMILY_FACTOR * median + 50:
            continue  # the whole family counts that much: the template, not a prompt added to one model
        against = f"a local bound of {local} ({estimate}-token estimate)" + (
            f" and the {family(row['model'])} family's median of {median:g} over {len(peers)} models"
            if median is not None else "")
        found[(row["model"], row["surface"])] = finding(
            "sweep/auth/hidden-prompt", f"{row['input_tokens']} input tokens for a one-line prompt: a hidden "
            "system prompt?", expected=f"input tokens near the prompt's, against {against}",
            received=f"{row['input_tokens']} input tokens", reproduce=row.get("reproduce", ""),
            input_tokens=row["input_tokens"], local_bound=local, family_median=median, family_peers=len(peers))
    return found


def apply_cross_model(rows: list[dict[str, Any]]) -> None:
    """(Re)compute the cross-model findings on a provider's rows, replacing earlier ones."""
    results = {"sweep/consistency/duplicate": duplicates(rows), "sweep/auth/hidden-prompt": hidden_prompts(rows)}
    for row in rows:
        row["findings"] = [f for f in row["findings"] if f["id"] not in CROSS_MODEL]
        for found in results.values():
            if (row["model"], row["surface"]) in found:
                row["findings"].append(found[(row["model"], row["surface"])])
        row["findings"].sort(key=lambda f: f["id"])


# -- catalogue ------------------------------------------------------------------------------------------

def catalogue_findings(model: str, listed: bool | None, in_catalogue: bool | None) -> list[Finding]:
    if in_catalogue and listed is False:
        return [finding("sweep/catalogue/unlisted", f"{model} is promised by the catalogue and missing from the "
                        "provider's list", expected=f"{model} in GET /v1/models", received="not listed")]
    if listed and in_catalogue is False:
        return [finding("sweep/catalogue/unpromised", f"{model} is listed by the provider and not promised by the "
                        "catalogue", expected=f"{model} in the profile's catalogue", received="listed only")]
    return []


# -- reference ------------------------------------------------------------------------------------------

SIMILARITY_THRESHOLD = 0.6


def _normal(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .\"'`")


def similarity(ours: list[str], theirs: list[str]) -> float:
    """The mean, over canaries, of difflib's ratio between the two answers (normalised: case,
    spacing, surrounding quotes and full stops)."""
    scores = [difflib.SequenceMatcher(None, _normal(a), _normal(b)).ratio()
              for a, b in zip(ours, theirs, strict=True)]
    return round(sum(scores) / len(scores), 3) if scores else 0.0


def reference_finding(model: str, score: float, canaries: list[dict[str, Any]], reproduce: str) -> Finding | None:
    if score >= SIMILARITY_THRESHOLD:
        return None
    return finding("sweep/reference/similarity",
                   f"canary answers {score:.2f} similar to the reference's for {model} (threshold "
                   f"{SIMILARITY_THRESHOLD})", expected=f"similarity >= {SIMILARITY_THRESHOLD} to the reference",
                   received="; ".join(f"{c['probe']}: {c['answer']!r} vs {c['reference_answer']!r}" for c in canaries),
                   reproduce=reproduce, similarity=score, canaries=canaries)
