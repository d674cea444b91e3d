"""A loopback relay that advertises many models, each with its own behaviour: what `llmconform sweep`
is tested against. It counts every request, and can hold generation to a number of slots (as
llama-server's `-np`), so that concurrent probes queue behind each other the way they do on a
real single-machine provider.

Answers are words picked by a hash of (the backend that really answers, the prompt): one backend
behind two names answers both alike; a substituted model answers unlike the name it stands in for.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from selftest.fakes.server import KEY, FakeProvider, FakeRequest, Reply, openai_error, sse_data, sse_event

WORDS = ("tide", "salt", "harbour", "gull", "wave", "shore", "anchor", "brine", "current", "reef", "horizon", "keel",
         "spray", "drift", "lantern", "coral", "mariner", "swell", "dune", "fathom", "kelp", "squall", "beacon", "cove")


@dataclass
class Behaviour:
    backend: str | None = None  # the model that really answers (default: the name asked for)
    answered: str | None = None  # the model name the answer carries (default: the name asked for)
    listed: bool = True
    kind: str = "chat"  # chat | embeddings | image (never probed)
    refusal: tuple[int, dict[str, Any]] | None = None  # status and error body, for every request
    chat_refusal: tuple[int, dict[str, Any]] | None = None  # the same, on chat completions only
    reflect_key: bool = False  # the refusal's message quotes the Authorization header it got
    prompt_tokens: int | None = None  # an injected prompt's count instead of the prompt's own
    persona: str = ""  # text put before every answer
    id_prefix: str = "chatcmpl-"
    headers: dict[str, str] = field(default_factory=dict)
    first_token_delay: float = 0.0  # seconds before the first token (the injected TTFT)
    token_delay: float = 0.0  # seconds between tokens
    unstable: bool = False  # another answer on every try, temperature 0 or not
    stall: float = 0.0  # seconds of silence before any answer (beyond the sweep's time limit)
    reasoning: bool = False  # refuses max_tokens and temperature 0, as OpenAI's reasoning models do
    stream_broken: bool = False  # every streamed request answered 500; plain requests answered
    # honest | zero (every count 0, text still sent) | missing (no usage object at all) | drifting (each
    # try of the same request billed 40 input tokens more: a count that is not the prompt's)
    usage: str = "honest"


def openai_refusal(status: int, message: str, kind: str, code: str | None = None) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"message": message, "type": kind, "param": None, "code": code}}


# OpenAI's own refusals of a model probed on chat completions that it serves on another endpoint: 404,
# invalid_request_error, param "model", code null (as api.openai.com answers them).
NOT_A_CHAT_MODEL = (404, {"error": {"message": "This is not a chat model and thus not supported in the "
                                               "v1/chat/completions endpoint. Did you mean to use v1/completions?",
                                    "type": "invalid_request_error", "param": "model", "code": None}})
RESPONSES_ONLY = (404, {"error": {"message": "This model is only supported in v1/responses and not in "
                                             "v1/chat/completions.",
                                  "type": "invalid_request_error", "param": "model", "code": None}})


def official_openai_models() -> dict[str, Behaviour]:
    """What api.openai.com's GET /v1/models lists (openai-python api_reference/openapi.transformed.yml,
    ListModelsResponse of Model {id, object, created, owned_by}), non-chat models included, each refused
    on chat as OpenAI refuses it: completions-only (CreateCompletionRequest's Preset enum), Responses-only
    (ModelIdsResponses' ResponsesOnlyModel enum), and the media, audio, embedding, moderation and
    realtime models (not chat models either)."""
    chat_refused = {name: Behaviour(refusal=NOT_A_CHAT_MODEL, kind=kind) for name, kind in (
        ("davinci-002", "chat"), ("babbage-002", "chat"), ("gpt-3.5-turbo-instruct", "chat"),
        ("dall-e-3", "image"), ("gpt-image-1", "image"), ("tts-1", "audio"), ("whisper-1", "audio"),
        ("gpt-4o-mini-transcribe", "audio"), ("omni-moderation-latest", "chat"),
        ("gpt-4o-realtime-preview", "realtime"), ("sora-2", "video"))}
    return {
        "gpt-4o": Behaviour(answered="gpt-4o-2024-08-06"),
        "gpt-4.1-mini": Behaviour(answered="gpt-4.1-mini-2025-04-14"),
        "text-embedding-3-small": Behaviour(kind="embeddings"),
        **chat_refused,
        **{name: Behaviour(chat_refusal=RESPONSES_ONLY) for name in (
            "o1-pro", "o3-pro-2025-06-10", "o3-deep-research", "computer-use-preview", "gpt-5-codex", "gpt-5-pro",
            "gpt-5.1-codex-max")},
    }


def standard_models() -> dict[str, Behaviour]:
    """A dozen and more behaviours, each on its own model; the healthy ones are gpt-4o, claude-sonnet-4-5,
    deepseek-chat, glm-4.6 (slow, healthy), text-embedding-3-small and dall-e-3 (not probed)."""
    return {
        "gpt-4o": Behaviour(answered="gpt-4o-2024-08-06"),
        "claude-sonnet-4-5": Behaviour(answered="claude-sonnet-4-5-20250929"),
        "deepseek-chat": Behaviour(),
        "glm-4.6": Behaviour(first_token_delay=0.6, token_delay=0.01),
        "text-embedding-3-small": Behaviour(kind="embeddings"),
        "dall-e-3": Behaviour(kind="image"),
        "o3-pro": Behaviour(refusal=openai_refusal(404, "The model `o3-pro` does not exist or you do not have access "
                                                        "to it.", "invalid_request_error", "model_not_found")),
        "gemini-2.5-pro": Behaviour(refusal=(503, {"error": {"message": "当前分组 default 下对于模型 gemini-2.5-pro "
                                                                        "无可用渠道", "type": "new_api_error"}})),
        "claude-opus-4-1": Behaviour(backend="claude-3-haiku", answered="claude-3-haiku-20240307"),
        "gpt-4o-mini": Behaviour(prompt_tokens=1850),
        "kimi-k2": Behaviour(persona="I'm Claude Code, Anthropic's official CLI for Claude."),
        "claude-sonnet-4": Behaviour(id_prefix="msg_bdrk_01", headers={"x-amzn-requestid": "5f1c-bedrock"}),
        "qwen-max": Behaviour(backend="qwen-shared-backend", answered="qwen-max"),
        "qwen-plus": Behaviour(backend="qwen-shared-backend", answered="qwen-plus"),
        "minimax-m2": Behaviour(unstable=True),
        "gpt-5": Behaviour(listed=False),  # promised by the catalogue, missing from the list, served
        "llama-3.3-70b": Behaviour(),  # listed, not promised
        "o1": Behaviour(refusal=openai_refusal(403, "用户额度不足, 剩余额度: $0.00", "new_api_error",
                                               "insufficient_user_quota")),
        "grok-4": Behaviour(refusal=openai_refusal(403, "该令牌无权访问模型 grok-4", "new_api_error"),
                            reflect_key=True),
        "ernie-x1-32k": Behaviour(refusal=openai_refusal(500, "upstream error: connection refused", "upstream_error")),
        "hunyuan-t1-latest": Behaviour(stall=4.0),
        "o4-mini": Behaviour(reasoning=True),  # healthy, through the alternative probe
        "gpt-4-vision-preview": Behaviour(refusal=openai_refusal(400, "messages[0].content: expected an array of "
                                                                      "content parts", "invalid_request_error")),
    }


# What each standard model must show, and nothing else: the self-test's table.
EXPECTED_FINDINGS = {
    "o3-pro": {"sweep/available/unknown-model"},
    "gemini-2.5-pro": {"sweep/available/no-channel"},
    "claude-opus-4-1": {"sweep/echo/substituted"},
    "gpt-4o-mini": {"sweep/auth/hidden-prompt"},
    "kimi-k2": {"sweep/auth/persona"},
    "claude-sonnet-4": {"sweep/fingerprint/backend"},
    "qwen-max": {"sweep/consistency/duplicate"},
    "qwen-plus": {"sweep/consistency/duplicate"},
    "minimax-m2": {"sweep/consistency/repeat"},
    "gpt-5": {"sweep/catalogue/unlisted"},
    "llama-3.3-70b": {"sweep/catalogue/unpromised"},
    "o1": {"sweep/available/quota"},
    "grok-4": {"sweep/available/auth"},
    "ernie-x1-32k": {"sweep/available/server-error"},
    "hunyuan-t1-latest": {"sweep/available/timeout"},
    "gpt-4-vision-preview": {"sweep/available/rejected"},
}
HEALTHY = ("gpt-4o", "claude-sonnet-4-5", "deepseek-chat", "glm-4.6", "text-embedding-3-small", "dall-e-3", "o4-mini")


def catalogue(models: dict[str, Behaviour], *, unpromised: tuple[str, ...] = ("llama-3.3-70b",)) -> dict[str, Any]:
    """The profile's catalogue for these models: every one but the unpromised, all deterministic."""
    found: dict[str, list[Any]] = {}
    for name, behaviour in models.items():
        if name in unpromised:
            continue
        entry: Any = {"model": name, "deterministic": True} if behaviour.kind == "chat" else name
        found.setdefault(behaviour.kind, []).append(entry)
    return found


class RelayFake:
    def __init__(self, models: dict[str, Behaviour] | None = None, *, key: str = KEY, slots: int | None = None,
                 page_size: int = 1000) -> None:
        self.models = standard_models() if models is None else models
        self.page_size = page_size  # the Anthropic list's largest page
        self.key = key
        self._slots = threading.Semaphore(slots) if slots else None
        self._tries: dict[str, itertools.count[int]] = {}
        self._lock = threading.Lock()
        self.server = FakeProvider(routes={"/v1/models": self._list, "/v1/chat/completions": self._chat,
                                           "/v1/messages": self._messages, "/v1/embeddings": self._embeddings,
                                           "/v1/responses": self._responses})

    # -- lifecycle / counters ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def requests(self) -> int:
        return self.server.requests

    def start(self) -> RelayFake:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> RelayFake:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- helpers ----------------------------------------------------------------------------------------

    def _authorised(self, f: FakeRequest) -> bool:
        return f.headers.get("authorization") == f"Bearer {self.key}" or f.headers.get("x-api-key") == self.key

    def _try(self, model: str) -> int:
        with self._lock:
            return next(self._tries.setdefault(model, itertools.count()))

    def _words(self, backend: str, prompt: str, count: int, salt: int) -> list[str]:
        digest = hashlib.sha256(f"{backend}\0{prompt}\0{salt}".encode()).digest()
        return [WORDS[b % len(WORDS)] for b in digest[:count]]

    def _refused(self, f: FakeRequest, behaviour: Behaviour) -> Reply | None:
        if behaviour.refusal is None:
            return None
        status, body = behaviour.refusal
        if behaviour.reflect_key:
            body = {"error": {**body["error"], "message": body["error"]["message"]
                              + f" (token {f.headers.get('authorization', '')})"}}
        return Reply.json(body, status)

    def _prepare(self, f: FakeRequest) -> tuple[dict[str, Any], str, Behaviour] | Reply:
        if not self._authorised(f):
            return openai_error(401, "Invalid token", "new_api_error", "invalid_api_key")
        try:
            body = f.json()
        except ValueError:
            return openai_error(400, "invalid JSON", "invalid_request_error")
        model = body.get("model") if isinstance(body, dict) else None
        behaviour = self.models.get(model) if isinstance(model, str) else None
        if behaviour is None:
            return openai_error(404, f"The model `{model}` does not exist", "invalid_request_error", "model_not_found")
        if behaviour.stall:
            time.sleep(behaviour.stall)
        refused = self._refused(f, behaviour)
        if refused:
            return refused
        if behaviour.reasoning and "max_tokens" in body:
            return openai_error(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
                                "'max_completion_tokens' instead.", "invalid_request_error", "unsupported_parameter")
        if behaviour.reasoning and body.get("temperature") not in (None, 1):
            return openai_error(400, "Unsupported value: 'temperature' does not support 0 with this model. Only the "
                                "default (1) value is supported.", "invalid_request_error", "unsupported_value")
        if behaviour.stream_broken and body.get("stream"):
            return openai_error(500, "upstream stream error", "server_error")
        return body, str(model), behaviour

    def _answer(self, body: dict[str, Any], model: str, behaviour: Behaviour) -> tuple[list[str], int]:
        prompt = str(body.get("messages") or body.get("input") or "")
        limit = body.get("max_tokens") or body.get("max_completion_tokens") or body.get("max_output_tokens") or 16
        salt = self._try(model) if behaviour.unstable else 0
        words = self._words(behaviour.backend or model, prompt, min(int(limit), 12), salt)
        if behaviour.persona:
            words = [*behaviour.persona.split(), *words][: max(int(limit), len(behaviour.persona.split()))]
        tokens_in = behaviour.prompt_tokens or (len(prompt) // 4 + 9)
        if behaviour.usage == "drifting":
            tokens_in += 40 * self._try(f"{model}\0usage")
        return words, tokens_in

    def _stream(self, chunks: list[bytes], behaviour: Behaviour, headers: dict[str, str]) -> Reply:
        def paced() -> Iterator[tuple[float, bytes]]:
            held = self._slots.acquire() if self._slots else False
            try:
                for index, chunk in enumerate(chunks):
                    yield (behaviour.first_token_delay if index == 1 else behaviour.token_delay if index > 1
                           else 0.0), chunk
            finally:
                if held and self._slots:
                    self._slots.release()

        return Reply.sse(paced(), **headers)

    # -- routes -----------------------------------------------------------------------------------------

    def _list(self, f: FakeRequest) -> Reply:
        if not self._authorised(f):
            return openai_error(401, "Invalid token", "new_api_error", "invalid_api_key")
        names = [n for n, b in self.models.items() if b.listed]
        if "x-api-key" in f.headers:  # the Anthropic flavour, paged
            query = parse_qs(urlsplit(f.path).query)
            limit = min(int(query.get("limit", ["20"])[0]), self.page_size)
            after = query.get("after_id", [None])[0]
            start = names.index(after) + 1 if after in names else 0
            page = names[start:start + limit]
            return Reply.json({"data": [{"type": "model", "id": n, "display_name": n,
                                         "created_at": "2025-01-01T00:00:00Z"} for n in page],
                               "has_more": start + limit < len(names), "first_id": page[0] if page else None,
                               "last_id": page[-1] if page else None})
        return Reply.json({"object": "list", "data": [{"id": n, "object": "model", "created": 1700000000,
                                                       "owned_by": "relay"} for n in names]})

    def _chat(self, f: FakeRequest) -> Reply:
        prepared = self._prepare(f)
        if isinstance(prepared, Reply):
            return prepared
        body, model, behaviour = prepared
        if behaviour.chat_refusal is not None:
            return Reply.json(behaviour.chat_refusal[1], behaviour.chat_refusal[0])
        words, tokens_in = self._answer(body, model, behaviour)
        ident = f"{behaviour.id_prefix}{hashlib.md5(model.encode()).hexdigest()[:20]}"
        answered = behaviour.answered or model
        usage: dict[str, Any] | None = {"prompt_tokens": tokens_in, "completion_tokens": len(words),
                                        "total_tokens": tokens_in + len(words)}
        if behaviour.usage == "zero":
            usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        elif behaviour.usage == "missing":
            usage = None
        if not body.get("stream"):
            return Reply.json({"id": ident, "object": "chat.completion", "created": 1700000000, "model": answered,
                               "choices": [{"index": 0, "finish_reason": "length",
                                            "message": {"role": "assistant", "content": " ".join(words)}}],
                               **({"usage": usage} if usage else {})}, **behaviour.headers)

        def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
            return sse_data({"id": ident, "object": "chat.completion.chunk", "created": 1700000000, "model": answered,
                             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra})

        chunks = [chunk({"role": "assistant", "content": ""})]
        chunks += [chunk({"content": (" " if i else "") + w}) for i, w in enumerate(words)]
        chunks.append(chunk({}, "length"))
        if (body.get("stream_options") or {}).get("include_usage") and usage:
            chunks.append(sse_data({"id": ident, "object": "chat.completion.chunk", "created": 1700000000,
                                    "model": answered, "choices": [], "usage": usage}))
        chunks.append(b"data: [DONE]\n\n")
        return self._stream(chunks, behaviour, behaviour.headers)

    def _messages(self, f: FakeRequest) -> Reply:
        prepared = self._prepare(f)
        if isinstance(prepared, Reply):
            return prepared
        body, model, behaviour = prepared
        words, tokens_in = self._answer(body, model, behaviour)
        ident = ("msg_bdrk_01" if behaviour.id_prefix.startswith("msg_bdrk") else "msg_01") + \
            hashlib.md5(model.encode()).hexdigest()[:20]
        answered = behaviour.answered or model
        text = " ".join(words)
        if not body.get("stream"):
            return Reply.json({"id": ident, "type": "message", "role": "assistant", "model": answered,
                               "content": [{"type": "text", "text": text}], "stop_reason": "max_tokens",
                               "stop_sequence": None, "usage": {"input_tokens": tokens_in,
                                                                "output_tokens": len(words)}}, **behaviour.headers)
        chunks = [sse_event("message_start", {"type": "message_start", "message": {
            "id": ident, "type": "message", "role": "assistant", "model": answered, "content": [],
            "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": tokens_in, "output_tokens": 1}}}),
            sse_event("content_block_start", {"type": "content_block_start", "index": 0,
                                              "content_block": {"type": "text", "text": ""}})]
        chunks += [sse_event("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {
            "type": "text_delta", "text": (" " if i else "") + w}}) for i, w in enumerate(words)]
        chunks += [sse_event("content_block_stop", {"type": "content_block_stop", "index": 0}),
                   sse_event("message_delta", {"type": "message_delta", "delta": {"stop_reason": "max_tokens",
                                                                                  "stop_sequence": None},
                                               "usage": {"output_tokens": len(words)}}),
                   sse_event("message_stop", {"type": "message_stop"})]
        # The first chunk (message_start) goes out at once; the injected delay comes before the text.
        chunks = [chunks[0] + chunks[1], *chunks[2:]]
        return self._stream(chunks, behaviour, behaviour.headers)

    def _responses(self, f: FakeRequest) -> Reply:
        """A Responses answer (streamed as response.created, output_text deltas, response.completed)."""
        prepared = self._prepare(f)
        if isinstance(prepared, Reply):
            return prepared
        body, model, behaviour = prepared
        words, tokens_in = self._answer(body, model, behaviour)
        text = " ".join(words)
        usage = {"input_tokens": tokens_in, "input_tokens_details": {"cached_tokens": 0},
                 "output_tokens": len(words), "output_tokens_details": {"reasoning_tokens": 0},
                 "total_tokens": tokens_in + len(words)}
        ident, item = f"resp_{hashlib.md5(model.encode()).hexdigest()[:20]}", "msg_0"
        message = {"type": "message", "id": item, "status": "completed", "role": "assistant",
                   "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}]}

        def response(status: str, output: list[Any], counts: Any) -> dict[str, Any]:
            return {"id": ident, "object": "response", "created_at": 1700000000, "status": status,
                    "model": behaviour.answered or model, "output": output, "usage": counts}

        if not body.get("stream"):
            return Reply.json(response("completed", [message], usage))
        chunks = [sse_event("response.created", {"type": "response.created", "sequence_number": 0,
                                                 "response": response("in_progress", [], None)})]
        chunks += [sse_event("response.output_text.delta", {
            "type": "response.output_text.delta", "item_id": item, "output_index": 0, "content_index": 0,
            "delta": (" " if i else "") + w, "logprobs": [], "sequence_number": i + 1}) for i, w in enumerate(words)]
        chunks.append(sse_event("response.completed", {"type": "response.completed",
                                                       "sequence_number": len(words) + 1,
                                                       "response": response("completed", [message], usage)}))
        return self._stream(chunks, behaviour, behaviour.headers)

    def _embeddings(self, f: FakeRequest) -> Reply:
        prepared = self._prepare(f)
        if isinstance(prepared, Reply):
            return prepared
        body, model, behaviour = prepared
        if behaviour.kind != "embeddings":
            return openai_error(400, f"{model} is not an embeddings model", "invalid_request_error")
        vector = [round(b / 255, 4) for b in hashlib.sha256(str(body.get("input")).encode()).digest()[:8]]
        return Reply.json({"object": "list", "model": behaviour.answered or model,
                           "data": [{"object": "embedding", "index": 0, "embedding": vector}],
                           "usage": {"prompt_tokens": 3, "total_tokens": 3}})
