"""Gemini's /v1beta/models/... routes, conforming unless a `gemini.*` fault says otherwise."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from llmconform import spec
from selftest.fakes import server
from selftest.fakes.replies import billed_prompt, canned, code_word, words
from selftest.fakes.server import KEY, MODEL, FakeRequest, Reply, openai_error, route_prefix, sse_data

THOUGHT = "17 * 23 = 17 * 20 + 17 * 3 = 340 + 51 = 391."
# Opaque, as Google's are (base64 of the model's encrypted thinking).
THOUGHT_SIGNATURE = "CiQB0e2Kb3FakeThoughtSignatureLlmconformSelftest0123456789+/=="
STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
          500: "INTERNAL"}


# -- reading the request (both spellings, single objects for lists, as Google's parser takes them) ----

def _field(body: Any, camel: str, snake: str) -> Any:
    return body.get(camel, body.get(snake)) if isinstance(body, dict) else None


def _listed(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, dict) else []


def _parts(content: Any) -> list[dict[str, Any]]:
    return [p for p in _listed(content.get("parts") if isinstance(content, dict) else None) if isinstance(p, dict)]


def _text_of(content: Any) -> str:
    return " ".join(str(p.get("text", "")) for p in _parts(content) if isinstance(p.get("text"), str))


def _contents(body: Any) -> list[dict[str, Any]]:
    return [c for c in _listed(body.get("contents") if isinstance(body, dict) else None) if isinstance(c, dict)]


def _config(body: Any) -> dict[str, Any]:
    config = _field(body, "generationConfig", "generation_config")
    return config if isinstance(config, dict) else {}


def _function_config(body: Any) -> dict[str, Any]:
    tool_config = _field(body, "toolConfig", "tool_config")
    config = _field(tool_config, "functionCallingConfig", "function_calling_config")
    return config if isinstance(config, dict) else {}


def _declared(body: Any) -> list[str]:
    names = []
    for tool in _listed(body.get("tools") if isinstance(body, dict) else None):
        for declaration in _listed(_field(tool, "functionDeclarations", "function_declarations")):
            if isinstance(declaration, dict) and isinstance(declaration.get("name"), str):
                names.append(declaration["name"])
    return names


def _has_part(body: Any, kind: str) -> bool:
    return any(kind in p for c in _contents(body) for p in _parts(c))


# -- errors -------------------------------------------------------------------------------------

def _error(status: int, message: str, f: FakeRequest) -> Reply:
    if f.has("gemini.error-envelope-openai"):
        return openai_error(status, message, "invalid_request_error")
    name = "INTERNAL" if f.has("gemini.error-status-wrong") else STATUS.get(status, "UNKNOWN")
    return Reply.json({"error": {"code": status, "message": message, "status": name}}, status)


def _key(f: FakeRequest) -> str | None:
    query = parse_qs(urlsplit(f.path).query)
    header = None if f.has("gemini.header-key-ignored") else f.headers.get("x-goog-api-key")
    from_query = None if f.has("gemini.query-key-ignored") else (query.get("key") or [None])[0]
    return header or from_query


def _refused(f: FakeRequest) -> Reply | None:
    if f.has("gemini.auth-open"):
        return None
    key = _key(f)
    if key is None:
        return _error(403, "Method doesn't allow unregistered callers. Please use an API key.", f)
    if key != KEY:
        return _error(400, "API key not valid. Please pass a valid API key.", f)
    return None


def _snake_case(body: Any) -> bool:
    """Google's REST examples' snake_case spellings (a relay that only knows lowerCamelCase trips on them)."""
    if not isinstance(body, dict):
        return False
    tools = [t for t in _listed(body.get("tools")) if isinstance(t, dict)]
    return any(k in body for k in ("system_instruction", "generation_config", "tool_config")) or any(
        "function_declarations" in t for t in tools)


def _body(f: FakeRequest, schema: str) -> tuple[Any, Reply | None]:
    body, refused = server.parsed(f, "gemini", lambda: _error(400, "Invalid JSON payload received.", f))
    if refused:
        return None, refused
    if f.has("gemini.snake-case-500") and _snake_case(body):
        return None, _error(500, "Internal error encountered.", f)
    problems = spec.load("gemini").errors(schema, body)
    if problems and not f.has("gemini.validation-off"):
        return None, _error(400, f"Invalid value: {problems[0]}", f)
    if not isinstance(body, dict):
        return None, _error(400, "The request must be a JSON object.", f)
    if f.has("gemini.crash-on-odd-input") and any(not _text_of(c).isascii() or not _text_of(c).strip()
                                                   for c in _contents(body)):
        return None, _error(500, "Internal error encountered.", f)
    return body, None


# -- the answer ---------------------------------------------------------------------------------

def _answer_text(body: dict[str, Any], f: FakeRequest) -> str:
    contents = _contents(body)
    last = _text_of(contents[-1]) if contents else ""
    history = " ".join(_text_of(c) for c in contents[:-1])
    system = _text_of(_field(body, "systemInstruction", "system_instruction"))
    if contents and _has_part({"contents": contents[-1:]}, "functionResponse"):
        return "It is 18 degrees Celsius and sunny in Paris."
    documents = [] if f.has("gemini.document-dropped") else [
        base64.b64decode(str(p["inlineData"].get("data", ""))).decode("utf-8", "replace") for c in contents
        for p in _parts(c) if isinstance(p.get("inlineData"), dict)
        and p["inlineData"].get("mimeType") == "text/plain"]
    word = code_word(documents, last)
    if word:
        return word
    images = [p for c in contents[-1:] for p in _parts(c) if isinstance(p.get("inlineData"), dict)
              and str(p["inlineData"].get("mimeType", "")).startswith("image/")]
    if "colour" in last and (f.has("gemini.image-dropped") or not images):
        return "I do not see an image."
    if "JSON object" in last:
        return "The city is Paris." if f.has("gemini.json-mode-ignored") else '{"city": "Paris"}'
    if "weather" in last:
        return "I cannot look up the weather, but Paris is often mild."
    return canned(last, history, system, f, "gemini", "think")



def _call(body: dict[str, Any], f: FakeRequest) -> dict[str, Any] | None:
    config = _function_config(body)
    mode = str(config.get("mode", "AUTO")).upper()
    declared = _declared(body)
    if not declared or f.has("gemini.tool-config-ignored"):
        return None
    if mode == "NONE" and not f.has("gemini.mode-none-ignored"):
        return None
    if mode not in ("ANY", "NONE") and "weather" not in " ".join(_text_of(c) for c in _contents(body)[-1:]):
        return None
    if mode == "AUTO" and _has_part({"contents": _contents(body)[-1:]}, "functionResponse"):
        return None
    allowed = [n for n in config.get("allowedFunctionNames") or [] if n in declared] or declared
    args: Any = {"location": "Paris"}
    if f.has("gemini.args-string"):
        args = json.dumps(args)
    return {"name": allowed[0], "args": args}


def _prompt_tokens(body: dict[str, Any], f: FakeRequest) -> int:
    count = sum(len(_text_of(c).split()) for c in _contents(body))
    count += len(_text_of(_field(body, "systemInstruction", "system_instruction")).split())
    return count + 3 + (5000 if f.has("gemini.usage-inflated") else 0)


def _generate(body: dict[str, Any], f: FakeRequest) -> tuple[list[dict[str, Any]], str, int, int]:
    """(parts, finishReason, candidates tokens, thoughts tokens) for a request."""
    config = _config(body)
    limit = config.get("maxOutputTokens") if isinstance(config.get("maxOutputTokens"), int) else 8192
    thinking = _field(config, "thinkingConfig", "thinking_config")
    include = isinstance(thinking, dict) and thinking.get("includeThoughts") is True
    parts: list[dict[str, Any]] = []
    thought_tokens = len(THOUGHT.split()) if include else 0
    if f.has("gemini.safety-withheld"):  # the content flagged and withheld: SAFETY, no parts
        return [], "SAFETY", 0, 0
    if f.has("gemini.thinking-spends-limit") and limit < 100 and _field(thinking, "thinkingBudget",
                                                                        "thinking_budget") != 0:
        # A 2.5 / 3 model thinks by default and its thoughts count against maxOutputTokens: a small
        # limit goes to thoughts, and Google answers MAX_TOKENS with a content without parts.
        return [], "MAX_TOKENS", 0, limit
    call = _call(body, f)
    if call and isinstance(thinking, dict):
        # A thinking model signs the first functionCall part of a step (Google's thought-signatures guide).
        signed: dict[str, Any] = {"functionCall": call}
        if not f.has("gemini.signature-dropped"):
            signed["thoughtSignature"] = THOUGHT_SIGNATURE
        return [*([{"text": THOUGHT, "thought": True}] if include else []), signed], "STOP", 6, thought_tokens
    if call:
        return [{"functionCall": call}], "STOP", 6, thought_tokens
    answer = _answer_text(body, f)
    tokens, reason = words(answer), "STOP"
    sequences = [s for s in config.get("stopSequences") or [] if isinstance(s, str) and s]
    if sequences and not f.has("gemini.stop-ignored"):
        joined = "".join(tokens)
        hits = [joined.find(s) for s in sequences if s in joined]
        if hits:
            tokens = words(joined[:min(hits)]) if joined[:min(hits)] else []
    room = max(limit - thought_tokens, 0)
    if len(tokens) > room and not f.has("gemini.max-tokens-ignored"):
        tokens, reason = tokens[:room], "MAX_TOKENS"
    if include and f.has("gemini.thoughts-in-text"):
        parts.append({"text": f"<thought>{THOUGHT}</thought>" + "".join(tokens)})
    else:
        if include:
            parts.append({"text": THOUGHT, "thought": True})
        if tokens and not f.has("gemini.parts-empty"):
            parts.append({"text": "".join(tokens)})
    if f.has("gemini.thoughts-uncounted"):
        thought_tokens = 0
    return parts, reason, len(tokens), thought_tokens


def _usage(body: dict[str, Any], output: int, thoughts: int, f: FakeRequest) -> dict[str, Any]:
    prompt, cached = billed_prompt(_prompt_tokens(body, f), f, "gemini")
    if f.has("gemini.usage-over-limit"):
        output = int(_config(body).get("maxOutputTokens") or 0) + 5
    meta: dict[str, Any] = {"promptTokenCount": prompt, "candidatesTokenCount": output,
                            "totalTokenCount": prompt + output + thoughts,
                            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}]}
    if not output:
        del meta["candidatesTokenCount"]  # proto3 JSON leaves a zero int32 out, as Google's answers do
    if thoughts:
        meta["thoughtsTokenCount"] = thoughts
    if cached or f.has("gemini.usage-cached-over"):
        meta["cachedContentTokenCount"] = prompt + 5 if f.has("gemini.usage-cached-over") else cached
    if f.has("gemini.usage-negative"):
        meta["candidatesTokenCount"] = -1
    if f.has("gemini.usage-total-wrong"):
        meta["totalTokenCount"] += 1
    if f.has("gemini.usage-details-inconsistent"):
        meta["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt + 7}]
    if f.has("gemini.usage-extra"):
        meta["claude_cache_creation_5_m_tokens"] = 0
    if f.has("gemini.usage-output-omitted"):  # proto3 JSON: left out is 0, beside the text answered
        del meta["candidatesTokenCount"]
    return meta


def _model_version(model: str, f: FakeRequest) -> str:
    return "gemini-alias-model" if f.has("gemini.model-alias") else model


def _response(body: dict[str, Any], model: str, f: FakeRequest) -> dict[str, Any]:
    parts, reason, output, thoughts = _generate(body, f)
    content: dict[str, Any] = {"parts": parts} if parts else {}  # an empty repeated field is left out too
    if not f.has("gemini.no-role"):  # Content.role is optional (googleapis content.proto)
        content["role"] = "assistant" if f.has("gemini.role-assistant") else "model"
    candidate: dict[str, Any] = {"content": content, "index": 0}
    if not f.has("gemini.finish-reason-missing"):
        candidate["finishReason"] = reason
    data: dict[str, Any] = {"candidates": [candidate], "usageMetadata": _usage(body, output, thoughts, f),
                            "modelVersion": _model_version(model, f)}
    if f.has("gemini.no-usage"):  # usage_metadata is output only, not required (generative_service.proto)
        del data["usageMetadata"]
    if f.has("gemini.no-model-version"):
        del data["modelVersion"]
    if f.has("gemini.two-candidates"):
        data["candidates"].append({**candidate, "index": 1})
    if f.has("gemini.schema-candidates-object"):
        data["candidates"] = candidate
    if not f.has("gemini.no-response-id"):
        data["responseId"] = "" if f.has("gemini.response-id-empty") else "fakeResponseId0001"
    if f.has("gemini.openai-fields"):
        data.update({"id": "chatcmpl-fake0001", "text": "".join(p.get("text", "") for p in parts)})
    return data


def _pieces(body: dict[str, Any], model: str, f: FakeRequest) -> list[dict[str, Any]]:
    """The answer in pieces, as Google streams it: a few words per piece, every piece with the prompt
    count, the last with the finishReason and the whole usage."""
    whole = _response(body, model, f)
    parts, reason = whole["candidates"][0]["content"].get("parts", []), whole["candidates"][0].get("finishReason")
    meta = whole.get("usageMetadata", {})
    texts = [p["text"] for p in parts if isinstance(p.get("text"), str) and p.get("thought") is not True]
    pieces = [] if f.has("gemini.stream-empty-text") else words("".join(texts))
    chunks: list[list[dict[str, Any]]] = [[p] for p in parts if "functionCall" in p]
    if f.has("gemini.stream-args-split") and chunks:
        arguments = json.dumps(chunks[0][0]["functionCall"]["args"])
        chunks = [[{"functionCall": {"name": chunks[0][0]["functionCall"]["name"], "args": piece}}]
                  for piece in (arguments[:6], arguments[6:])]
    if f.has("gemini.stream-call-unfinished") and chunks:
        # A call begun with willContinue: true (python-genai FunctionCall.will_continue) and never finished.
        chunks = [[{"functionCall": {"name": chunks[0][0]["functionCall"]["name"], "willContinue": True}}]]
    if f.has("gemini.stream-call-partial") and chunks:
        # python-genai's own shape (google/genai/tests/models/test_function_call_streaming.py): the
        # name with willContinue, then the arguments in partialArgs, every part naming the function.
        name = chunks[0][0]["functionCall"]["name"]
        chunks = [[{"functionCall": {"name": name, "willContinue": True}}],
                  [{"functionCall": {"name": name, "partialArgs": [{"jsonPath": "$.location", "stringValue": "Paris"}],
                                     "willContinue": False}}]]
    if f.has("gemini.stream-cumulative"):
        chunks += [[{"text": "".join(pieces[:i + 2])}] for i in range(0, len(pieces), 2)]
    elif f.has("gemini.stream-cumulative-short-first") and pieces:
        # A snapshot relay whose first piece is under 4 characters (half of Google's recorded text
        # streams start so): "Th", then the whole text so far every time.
        chunks += [[{"text": pieces[0][:2]}]] + [[{"text": "".join(pieces[:i + 2])}] for i in range(0, len(pieces), 2)]
    else:
        chunks += [[{"text": "".join(pieces[i:i + 2])}] for i in range(0, len(pieces), 2)]
    chunks = chunks or ([[]] if f.has("gemini.thinking-spends-limit") else [[{"text": ""}]])
    role = "assistant" if f.has("gemini.stream-role-assistant") else "model"
    pieces = []
    for position, chunk in enumerate(chunks):
        candidate: dict[str, Any] = {"content": {"parts": chunk, "role": role} if chunk else {"role": role},
                                     "index": 0}
        last = position == len(chunks) - 1
        if last or f.has("gemini.stream-finish-every"):
            candidate["finishReason"] = reason
        elif f.has("gemini.stream-finish-early-other"):
            candidate["finishReason"] = "MAX_TOKENS" if reason != "MAX_TOKENS" else "STOP"
        elif f.has("gemini.stream-null-finish"):
            candidate["finishReason"] = None
        if last and f.has("gemini.stream-no-final-reason"):
            candidate.pop("finishReason", None)
        changed = f.has("gemini.stream-response-id-changes") and position > 0
        piece: dict[str, Any] = {"candidates": [candidate],
                                 "responseId": f"fakeStreamId{position:04d}" if changed else "fakeStreamId0001"}
        if "modelVersion" in whole:
            piece["modelVersion"] = whole["modelVersion"]
        if meta and last and not f.has("gemini.stream-no-final-usage"):
            piece["usageMetadata"] = meta
            if f.has("gemini.stream-usage-zeros"):
                piece["usageMetadata"] = {"promptTokenCount": 0, "candidatesTokenCount": 0, "totalTokenCount": 0}
        elif meta and not last:
            piece["usageMetadata"] = {"promptTokenCount": meta["promptTokenCount"],
                                      "totalTokenCount": meta["promptTokenCount"]}
        if f.has("gemini.stream-text-int") and position == 0:
            chunk[0]["text"] = 5
        pieces.append(piece)
    return pieces


def _stream(body: dict[str, Any], model: str, f: FakeRequest, sse: bool) -> Reply:
    pieces = _pieces(body, model, f)
    if not sse and not f.has("gemini.stream-json-as-sse"):
        if f.has("gemini.stream-json-no-usage"):
            pieces[-1].pop("usageMetadata", None)
        if f.has("gemini.stream-json-no-finish"):
            pieces[-1]["candidates"][0].pop("finishReason", None)
        return Reply.json(pieces[0] if f.has("gemini.stream-json-object") else pieces)
    raw = [sse_data(p) for p in pieces]
    if f.has("gemini.stream-openai-chunks"):
        raw.insert(0, sse_data({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": model,
                                "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]}))
    if f.has("gemini.stream-error-event"):
        overloaded = {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}
        raw.insert(1, sse_data({"error": overloaded}))
    if f.has("gemini.stream-not-json-event"):
        raw.insert(1, b"data: {not json\n\n")
    if f.has("gemini.stream-invalid-utf8"):
        raw.insert(1, b'data: {"candidates": [], "bad": "\xff\xfe"}\n\n')
    if f.has("gemini.stream-done"):
        raw.append(sse_data("[DONE]"))
    content_type = "application/json" if f.has("gemini.stream-content-type-json") else "text/event-stream"
    return Reply(chunks=raw, headers={"content-type": content_type, "cache-control": "no-cache"})


def _reject(body: dict[str, Any], f: FakeRequest) -> Reply | None:
    """What the API refuses beyond the schema, and the faults that refuse what it accepts."""
    if f.has("gemini.function-response-rejected") and _has_part(body, "functionResponse"):
        return _error(400, "functionResponse is not supported", f)
    if f.has("gemini.json-schema-params-rejected") and any(
            "parametersJsonSchema" in d for t in _listed(body.get("tools")) if isinstance(t, dict)
            for d in _listed(t.get("functionDeclarations")) if isinstance(d, dict)):
        return _error(400, 'Invalid JSON payload received. Unknown name "parametersJsonSchema"', f)
    refused = _signatures(body, f)
    if refused:
        return refused
    if f.has("gemini.image-500") and any("inlineData" in p or "inline_data" in p
                                         for c in _contents(body) for p in _parts(c)):
        return _error(500, "Internal error encountered.", f)
    return None


def _signatures(body: dict[str, Any], f: FakeRequest) -> Reply | None:
    """A thinking request whose last model turn holds a functionCall: its thoughtSignature must come
    back as it was given (Google: 400 INVALID_ARGUMENT when missing or altered)."""
    model_turns = [c for c in _contents(body) if c.get("role") == "model"]
    calls = [p for p in _parts(model_turns[-1]) if "functionCall" in p] if model_turns else []
    if not calls or not isinstance(_field(_config(body), "thinkingConfig", "thinking_config"), dict):
        return None
    signature = calls[0].get("thoughtSignature")
    if signature is not None and f.has("gemini.signature-rejected"):
        return _error(400, 'Invalid JSON payload received. Unknown name "thoughtSignature"', f)
    if signature is None:
        if f.has("gemini.missing-signature-500"):
            return _error(500, "Internal error encountered.", f)
        return _error(400, "Function call is missing a thought_signature in functionCall parts. This is required for "
                      "tools to work correctly.", f)
    if signature != THOUGHT_SIGNATURE:
        return _error(400, "Corrupted thought signature.", f)
    return None


# Google's own ListModels entries for models that are no generateContent model, with the
# supportedGenerationMethods Google lists for them (googleapis google/ai/generativelanguage/v1beta/
# model.proto, Model; model_service.proto, ListModelsResponse), and a Gemma model that is one.
OFFICIAL_MODELS = [
    {"name": f"models/{name}", "version": version, "displayName": name, "description": "",
     "inputTokenLimit": limits[0], "outputTokenLimit": limits[1], "supportedGenerationMethods": methods}
    for name, version, limits, methods in (
        ("gemini-embedding-001", "001", (2048, 1), ["embedContent", "countTextTokens", "countTokens",
                                                    "asyncBatchEmbedContent"]),
        ("text-embedding-004", "004", (2048, 1), ["embedContent"]),
        ("imagen-4.0-generate-001", "001", (480, 8192), ["predict"]),
        ("veo-3.0-generate-001", "3.0", (480, 8192), ["predictLongRunning"]),
        ("aqa", "001", (7168, 1024), ["generateAnswer"]),
        ("gemini-2.0-flash-live-001", "001", (131072, 8192), ["bidiGenerateContent", "countTokens"]),
        ("gemma-3-27b-it", "001", (131072, 8192), ["generateContent", "countTokens"]))]


def _models(model: str, f: FakeRequest) -> dict[str, Any]:
    name = model if f.has("gemini.model-name-bare") else f"models/{model}"
    return {"name": name, "version": "001", "displayName": "Fake model", "description": "A loopback fake",
            "inputTokenLimit": 8192, "outputTokenLimit": 2048,
            "supportedGenerationMethods": ["generateContent", "countTokens"], "temperature": 1, "topP": 0.95,
            "topK": 40, "maxTemperature": 2, "thinking": True}


@route_prefix("/v1beta/models")
def gemini(f: FakeRequest) -> Reply:
    path = urlsplit(f.path).path
    sse = parse_qs(urlsplit(f.path).query).get("alt") == ["sse"]
    refused = _refused(f)
    if refused:
        return refused
    rest = path.removeprefix("/v1beta/models").lstrip("/")
    model, _, method = rest.partition(":")
    if f.method == "GET":
        if f.has("gemini.models-404"):
            return Reply.json({"detail": "Not Found"}, 404)
        if not model:
            listed = [] if f.has("gemini.models-hidden") else [_models(MODEL, f)]
            every = [*listed, _models("fake-embedding-001", f)]
            if f.has("gemini.models-official"):
                every = [*listed, *OFFICIAL_MODELS]
            if f.has("gemini.models-paged"):  # one model a page, the next named by nextPageToken
                start = int(parse_qs(urlsplit(f.path).query).get("pageToken", ["0"])[0])
                return Reply.json({"models": every[start:start + 1],
                                   **({"nextPageToken": str(start + 1)} if start + 1 < len(every) else {})})
            return Reply.json({"models": every})
        if model != MODEL:
            return _error(404, f"models/{model} is not found for API version v1beta", f)
        return Reply.json(_models(model, f))
    if model != MODEL and not f.has("gemini.any-model"):
        return _error(404, f"models/{model} is not found for API version v1beta, or is not supported for "
                      f"{method or 'this method'}.", f)
    if method == "countTokens":
        body, problem = _body(f, "CountTokensRequest")
        if problem:
            return problem
        tokens = _prompt_tokens({"contents": body.get("contents")}, f) + (40 if f.has("gemini.count-tokens-far") else 0)
        return Reply.json({"totalTokens": str(tokens) if f.has("gemini.count-tokens-string") else tokens})
    if method not in ("generateContent", "streamGenerateContent"):
        return _error(404, f"unknown method {method}", f)
    body, problem = _body(f, "GenerateContentRequest")
    if problem:
        return problem
    refused = _reject(body, f)
    if refused:
        return refused
    if method == "streamGenerateContent":
        return _stream(body, model, f, sse)
    data = _response(body, model, f)
    if f.has("gemini.content-type-text"):
        return Reply(body=json.dumps(data).encode(), headers={"content-type": "text/plain"})
    return Reply.json(data)
