"""gemini: Google's own API — POST /v1beta/models/{model}:generateContent, :streamGenerateContent
(?alt=sse, or a JSON array without it), :countTokens, GET /v1beta/models and /v1beta/models/{model}.

Unlike the other surfaces the model is named in the path, not the body, and streaming is chosen by
the endpoint and `alt=sse`, not by a body flag: the requests other than the plain probes are built
here, from the spec's probes of each operation.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from llmconform import checks, factory, spec
from llmconform.exchange import Request
from llmconform.surfaces import (
    UNKNOWN_MODEL,
    Dependent,
    JsonAnswer,
    Surface,
    answer_json,
    billing_builders,
    malformed_json,
    register,
    sub,
    whole_text,
    with_auth,
)
from llmconform.verdict import Error, expect, skip

if TYPE_CHECKING:
    from llmconform.exchange import Exchange
    from llmconform.surfaces import Probing

NAME = "gemini"
GENERATE = "/v1beta/models/{model}:generateContent"
STREAM = "/v1beta/models/{model}:streamGenerateContent"
COUNT_TOKENS = "/v1beta/models/{model}:countTokens"
MODELS = "/v1beta/models"
MODEL = "/v1beta/models/{model}"
# Streamed as server-sent events (without it, one JSON array).
SSE = {"alt": "sse"}
HEADER, QUERY = "x-goog-api-key", "query-key"
FUNCTION = "get_weather"
TOOL_RESULT = "18 degrees Celsius and sunny"

SPEC = spec.load(NAME)
# Top-level fields of OpenAI's answers (and LiteLLM's `text` convenience): a translated backend.
OPENAI_FIELDS = SPEC.listed("GenerateContentResponse", "openai-fields")


# -- reading answers ----------------------------------------------------------------------------

def finish_reasons() -> tuple[str, ...]:
    """The FinishReason values the spec declares."""
    return tuple(spec.load(NAME).schemas["FinishReason"]["enum"])


def candidates(data: Any) -> list[dict[str, Any]]:
    found = data.get("candidates") if isinstance(data, dict) else None
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def parts(data: Any, index: int = 0) -> list[dict[str, Any]]:
    """The parts of one candidate's content (the first by default)."""
    found = candidates(data)
    if len(found) <= index:
        return []
    content = sub(found[index], "content").get("parts")
    return [p for p in content if isinstance(p, dict)] if isinstance(content, list) else []


def text(data: Any, index: int = 0) -> str:
    """The visible answer of a candidate: its text parts that are not thoughts, joined."""
    return "".join(p["text"] for p in parts(data, index)
                   if isinstance(p.get("text"), str) and p.get("thought") is not True)


def answered_text(exchange: Exchange, what: str) -> str:
    """The visible text of an answer that must be whole: a GenerateContentResponse with non-empty text,
    not a limit spent on thinking (the request is described as `what` in the verdicts)."""
    nothing_to_judge(answer_json(exchange), exchange.request.output_limit)
    return whole_text(exchange, what, NAME, "GenerateContentResponse", text, "candidates")


def thoughts(data: Any, index: int = 0) -> list[dict[str, Any]]:
    return [p for p in parts(data, index) if p.get("thought") is True]


def function_calls(data: Any, index: int = 0) -> list[dict[str, Any]]:
    return [p["functionCall"] for p in parts(data, index) if isinstance(p.get("functionCall"), dict)]


def finish_reason(data: Any, index: int = 0) -> Any:
    found = candidates(data)
    return found[index].get("finishReason") if len(found) > index else None


def usage(data: Any) -> dict[str, Any]:
    """The usage object of an answer or stream piece, where the spec's usage reader finds it."""
    return SPEC.usage.holder(data)


def usage_given(data: Any, where: str) -> dict[str, Any]:
    """The usageMetadata of an answer or a stream's last piece; the check skipped (not applicable) when
    there is none: GenerateContentResponse.usage_metadata is output only and not REQUIRED (googleapis
    google/ai/generativelanguage/v1beta/generative_service.proto), and Google's own documented stream
    carries none. The rules on the counts hold where counts are given: an answer without them breaks
    none (whether usage comes at all is billing/usage-present's to judge)."""
    meta = usage(data)
    if not meta:
        skip(f"no usageMetadata in {where}: optional in the reference (output only, not required), so no "
             "count rule applies; its absence is no departure")
    return meta


def streamed_calls(found: list[Any]) -> list[dict[str, Any]]:
    """The function calls a stream's pieces carry, each assembled from its pieces: every functionCall
    part is a call of its own (Google sends parallel calls in one piece or in several), except that
    a part following one with `willContinue: true` continues it (python-genai google/genai/types.py
    FunctionCall.will_continue / partial_args: "another partial message for the current FunctionCall
    is expected to follow"; the arguments then stream in `partialArgs`). An assembled call keeps the
    first name given, the `args` objects merged, `partialArgs` joined, and `willContinue` of its last
    part (true when the stream ended mid-call)."""
    calls: list[dict[str, Any]] = []
    for piece in found:
        for call in function_calls(piece):
            if calls and calls[-1].get("willContinue") is True:
                current = calls[-1]
                if not current.get("name") and call.get("name"):
                    current["name"] = call["name"]
                if "args" in call:
                    merged = current.get("args", {})
                    current["args"] = {**merged, **call["args"]} \
                        if isinstance(merged, dict) and isinstance(call["args"], dict) else call["args"]
                if isinstance(call.get("partialArgs"), list):
                    current["partialArgs"] = [*current.get("partialArgs", []), *call["partialArgs"]]
                current["willContinue"] = call.get("willContinue", False)
                current["pieces"] += 1
            else:
                calls.append({**call, "pieces": 1})
    return calls


def pieces(data: Any) -> list[Any]:
    """A stream's pieces: the payloads of its events, or the items of its JSON array."""
    return data if isinstance(data, list) else [data]


def event_text(data: Any) -> str:
    return text(data)


def streamed_nothing_to_judge(exchange: Exchange) -> None:
    """nothing_to_judge over an alt=sse stream: the last piece's finishReason and usage, the
    text of every piece."""
    found = streamed_pieces(exchange)
    nothing_to_judge(found[-1], exchange.request.output_limit, found[:-1])


def streamed_pieces(exchange: Exchange) -> list[dict[str, Any]]:
    """The pieces a `?alt=sse` stream delivered (its events' JSON objects), at least one: the stream
    has no end event of its own, so one that closes with none arrived whole yet holds no answer."""
    found = exchange.data_objects()
    expect(found, "at least one event", exchange.excerpt())
    return found


# The counts usageMetadata may give (its properties that are token counts); the total, and the
# counts it is the sum of, as the reference defines it (an absent count is zero).
COUNTS = tuple(name for name, prop in SPEC.schema("UsageMetadata")["properties"].items()
               if str(prop.get("$ref", "")).endswith("/TokenCount"))
TOTAL, SUMMED = SPEC.total("UsageMetadata").field, SPEC.total("UsageMetadata").of


def is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def count(meta: Any, name: str) -> Any:
    """One token count of a usageMetadata, an absent one read as 0: every count is a plain proto3
    `int32` (googleapis google/ai/generativelanguage/v1beta/generative_service.proto, message
    UsageMetadata), and the protobuf JSON mapping leaves zero values out — a thinking model whose
    limit went to thoughts answers without candidatesTokenCount."""
    return meta.get(name, 0) if isinstance(meta, dict) else 0


def usage_numbers(meta: dict[str, Any], served_text: bool) -> None:
    """The input count and the total are there, the output count too beside an answer (an absent
    one is 0, which no answer with text can have), and every count given is a non-negative integer."""
    usage = SPEC.usage
    required = [usage.input[0], TOTAL] + ([usage.output[0]] if served_text else [])
    for name in required:
        expect(is_count(meta.get(name)), f"usageMetadata.{name} a non-negative integer", meta.get(name))
    for name in COUNTS:
        if name in meta:
            expect(is_count(meta[name]), f"usageMetadata.{name} a non-negative integer", meta[name])


# Finish reasons of a candidate whose content was flagged and withheld (googleapis
# generative_service.proto Candidate.FinishReason: "flagged for safety reasons", recitation, an
# unsupported language, blocklisted terms, prohibited content, SPII, and their image kinds).
WITHHELD = ("SAFETY", "RECITATION", "LANGUAGE", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
            "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION")
# Finish reasons with which the model may stop having given nothing, no content withheld: OTHER
# ("Unknown reason"), a malformed or unexpected tool call, too many tool calls, no image (the same
# enum). STOP and MAX_TOKENS are judged as they are; FINISH_REASON_UNSPECIFIED is "unused".
JUDGED = ("STOP", "MAX_TOKENS", "FINISH_REASON_UNSPECIFIED")


def prompt_blocked(data: Any) -> Any:
    """The blockReason of an answer whose prompt was blocked: no candidates, and
    promptFeedback.block_reason set (googleapis generative_service.proto PromptFeedback: "If set, the
    prompt was blocked and no candidates are returned"); None otherwise."""
    if candidates(data) or not isinstance(data, dict):
        return None
    reason = sub(data, "promptFeedback").get("blockReason")
    return reason if isinstance(reason, str) and reason else None


def blocked_error(reason: Any) -> Error:
    return Error(f"prompt blocked (blockReason {reason})",
                 f"promptFeedback.blockReason {reason} and no candidates: the prompt was blocked. That is the API's "
                 "to decide, not a departure from it, but leaves no answer to check here.", blockReason=reason)


def answered_candidates(data: Any) -> list[dict[str, Any]]:
    """The candidates of an answer, the check undecided when the prompt was blocked (no candidates
    then, by the reference)."""
    blocked = prompt_blocked(data)
    if blocked is not None:
        raise blocked_error(blocked)
    return candidates(data)


def stopped_otherwise(data: Any) -> None:
    """Leave a check of why the model stopped (a limit, a stop sequence) undecided when the prompt was
    blocked, or the model stopped for another reason the enum names (SAFETY, RECITATION, OTHER, a
    malformed call, ...), text or none: the rule under test never came into play."""
    blocked = prompt_blocked(data)
    if blocked is not None:
        raise blocked_error(blocked)
    reason = finish_reason(data)
    if isinstance(reason, str) and reason in finish_reasons() and reason not in JUDGED:
        raise Error(f"stopped for another reason (finishReason {reason})",
                    f"finishReason {reason}: the model stopped for a reason the API names before the rule under test "
                    "came into play. No departure, but nothing to check here.", finishReason=reason)


def nothing_to_judge(data: Any, limit: int | None, before: list[Any] | None = None) -> None:
    """Leave a check undecided (error, never pass or fail) when a conforming answer holds nothing to
    judge: no text and no functionCall (Google sends a content without parts, or none), and either
    - the prompt was blocked: promptFeedback.blockReason and no candidates at all, or
    - a thinking model spent the whole maxOutputTokens on thoughts: finishReason MAX_TOKENS with
      thoughtsTokenCount above 0 (Gemini 2.5 and 3 think by default; thoughts count against
      maxOutputTokens), or
    - the content was flagged and withheld: finishReason SAFETY, RECITATION, BLOCKLIST, ..., or
    - the model stopped with nothing for another reason the enum names: OTHER, a malformed or
      unexpected tool call (MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL), ...
    `data` is the answer, or a stream's last piece with `before` the pieces streamed before it. Call
    it before asserting on the answer of a probe (as openai_responses.limit_spent_on_reasoning)."""
    answered = [*(before or []), data]
    if any(text(p).strip() or function_calls(p) for p in answered):
        return
    blocked = prompt_blocked(data)
    if blocked is not None:
        raise blocked_error(blocked)
    reason = finish_reason(data)
    if reason in WITHHELD:
        raise Error(f"answer withheld (finishReason {reason})",
                    f"finishReason {reason} with no text: the content was flagged and withheld. "
                    "That is the API's to decide, not a departure from it, but leaves nothing to check here.",
                    finishReason=reason)
    if isinstance(reason, str) and reason in finish_reasons() and reason not in JUDGED:
        message = candidates(data)[0].get("finishMessage")
        raise Error(f"stopped without an answer (finishReason {reason})",
                    f"finishReason {reason} with no text and no functionCall"
                    + (f" ({str(message)[:120]!r})" if message else "") + ": the model stopped with nothing, a "
                    "reason the API names. That is no departure from the API, but leaves nothing to check here.",
                    finishReason=reason)
    if reason != "MAX_TOKENS":
        return
    spent = count(usage(data), "thoughtsTokenCount")
    if not (is_count(spent) and spent > 0):
        return
    raise Error("limit spent on thinking",
                f"finishReason MAX_TOKENS (maxOutputTokens = {limit}) with no text: the model spent {spent} "
                "tokens on thoughts. That is conforming (Gemini 2.5 and 3 think by default), but leaves nothing "
                "to check here; give this probe a larger maxOutputTokens or a thinkingConfig in the profile's "
                "`requests`.", finishReason="MAX_TOKENS", thoughtsTokenCount=spent)


def usage_arithmetic(meta: dict[str, Any]) -> None:
    """totalTokenCount = promptTokenCount + candidatesTokenCount + thoughtsTokenCount (+ toolUse…)."""
    values = {name: meta.get(name, 0) for name in SUMMED}
    expect(all(is_count(v) for v in values.values()) and is_count(meta.get(TOTAL)), "integer token counts", meta)
    expect(meta[TOTAL] == sum(values.values()),
           f"{TOTAL} = {' + '.join(SUMMED[:-1])} (+ {SUMMED[-1]})", {TOTAL: meta[TOTAL], **values})


def declared_functions(body: Any, allowed_only: bool = True) -> list[str]:
    """The function names a request declares (with `allowed_only`, its allowedFunctionNames when it
    lists them), in either spelling."""
    names: list[str] = []
    for tool in (body.get("tools") or []) if isinstance(body, dict) else []:
        if isinstance(tool, dict):
            for key in ("functionDeclarations", "function_declarations"):
                found = tool.get(key)
                declarations: list[Any] = found if isinstance(found, list) else []
                names += [d["name"] for d in declarations if isinstance(d, dict) and isinstance(d.get("name"), str)]
    if allowed_only and isinstance(body, dict):
        config = sub(sub(body, "toolConfig") or sub(body, "tool_config"), "functionCallingConfig")
        allowed = config.get("allowedFunctionNames")
        if isinstance(allowed, list) and allowed:
            return [n for n in allowed if isinstance(n, str)]
    return names


def model_names(data: Any) -> list[str]:
    """The `name`s of a ListModelsResponse's models."""
    found = data.get("models") if isinstance(data, dict) else None
    return [m["name"] for m in found if isinstance(m, dict) and isinstance(m.get("name"), str)] \
        if isinstance(found, list) else []


def path_model(path: str) -> str:
    """The model a request path names (/v1beta/models/<model>:method)."""
    rest = path.split("/v1beta/models/", 1)[-1]
    return rest.split(":", 1)[0].split("?", 1)[0]


def model_of(request: Request) -> str:
    return path_model(request.path)


# -- error envelopes ----------------------------------------------------------------------------

def _status_names(body: dict[str, Any], exchange: Exchange, what: str) -> None:

    error = sub(body, "error")
    expect(error.get("code") == exchange.status, f"{what}: error.code {exchange.status} (the HTTP status)",
           error.get("code"), exchange=exchange)
    checks.error_kind(body, exchange.status, NAME, what, exchange=exchange)


def native_error(exchange: Exchange, statuses: tuple[int, ...] | range, what: str) -> dict[str, Any]:
    """One of `statuses` with Google's `{"error": {"code", "message", "status"}}`, `code` the HTTP
    status and `status` its canonical name."""
    body = checks.error_envelope(exchange, NAME, statuses, what)
    _status_names(body, exchange, what)
    return body


def native_rejected(exchange: Exchange, what: str) -> dict[str, Any]:
    """Invalid input refused with a 400 and the Google envelope — never served, never a 5xx."""
    body = checks.rejected(exchange, NAME, what)
    _status_names(body, exchange, what)
    return body


# -- requests -----------------------------------------------------------------------------------

def _spec_request(target: Probing, name: str, template: str, query: dict[str, str] | None = None) -> Request:
    """A probe of one operation (or the profile's documented request of that name), sent to the
    operation's path with the profile's model."""
    return factory.request(NAME, name, model=target.model(NAME), operation=template,
                           config=target.surface_config(NAME), query=query)


def _stream(target: Probing) -> Request:
    return _spec_request(target, "stream", STREAM, SSE)


def _stream_json(target: Probing) -> Request:
    return _spec_request(target, "stream-json", STREAM)


def _tools_stream(target: Probing) -> Request:
    return _spec_request(target, "tools-stream", STREAM, SSE)


def _count_tokens(target: Probing) -> Request:
    return _spec_request(target, "count-tokens", COUNT_TOKENS)


def _billing_stream(target: Probing) -> Request:
    return _spec_request(target, "billing-stream", STREAM, SSE)


def _billing_count(target: Probing) -> Request:
    """billing-plain's prompt counted: its contents, as countTokens takes them."""
    plain = target.request(NAME, "billing-plain")
    return factory.request(NAME, "billing-count", model=target.model(NAME), operation=COUNT_TOKENS,
                           body={"contents": plain.body.get("contents")})


def _list_models(target: Probing) -> Request:
    # The whole list in one page: ListModels returns 50 models a page unless pageSize says otherwise, at
    # most 1000 (googleapis model_service.proto ListModelsRequest.page_size): a key may see more than 50.
    return factory.request(NAME, "models-list", model=None, operation=MODELS, query={"pageSize": "1000"})


def _get_model(target: Probing) -> Request:
    return factory.request(NAME, "models-get", model=target.model(NAME), operation=MODEL)


def _function_response(first: Request, forced: Exchange) -> Request | None:
    """The forced call answered: the model's functionCall turn sent back, then a user turn with a
    functionResponse for it (none when no call came back: the spec's fixed conversation is sent)."""
    calls = [c for c in function_calls(answer_json(forced)) if isinstance(c.get("name"), str) and c.get("name")]
    if not calls:
        return None
    call = calls[0]
    response: dict[str, Any] = {"name": call["name"], "response": {"content": TOOL_RESULT}}
    if isinstance(call.get("id"), str):
        response["id"] = call["id"]
    body = {k: v for k, v in first.body.items() if k != "toolConfig"}
    body["contents"] = [*first.body["contents"],
                        {"role": "model", "parts": [{"functionCall": call}]},
                        {"role": "user", "parts": [{"functionResponse": response}]}]
    return replace(first, probe="function-response", body=body)


def _unknown_model(target: Probing) -> Request:
    basic = target.request(NAME, "basic")
    return replace(basic, probe="unknown-model", path=spec.fill_model(GENERATE, UNKNOWN_MODEL))


def _with_style(style: str) -> Any:
    """The basic probe with the key sent in the given style (the profile's own style is the basic
    probe itself: no second request)."""

    def build(target: Probing) -> Request:
        basic = target.request(NAME, "basic")
        if target.profile.auth_style_for(NAME) == style:
            return basic
        return replace(basic, probe=f"basic:{style}", auth_style=style)

    return build


# -- issue 22: a thinking model's function call sent back, and what Gemini CLI sends ----------------

# Gemini CLI names itself (google-gemini/gemini-cli packages/core/src/core/contentGenerator.ts:
# User-Agent `GeminiCLI/<version> (<platform>; <arch>)`, beside @google/genai's x-goog-api-client).
GEMINI_CLI_HEADERS = (("User-Agent", "GeminiCLI/0.20.0 (linux; x64)"),
                      ("x-goog-api-client", "google-genai-sdk/1.30.0 gl-node/v20.19.0"))


def _call_turn(first: Request, answered: Exchange, probe: str, keep_signature: bool) -> Request:
    """The model's turn sent back as it came (its parts unchanged, thoughtSignature included — or,
    without `keep_signature`, every thoughtSignature removed), then a functionResponse for each call
    (a plain follow-up when no call came back: the check reading it is then undecided)."""
    found = parts(answer_json(answered))
    turn: list[dict[str, Any]] = [dict(p) for p in found] if found else [{"text": "I will check the weather."}]
    if not keep_signature:
        turn = [{k: v for k, v in p.items() if k != "thoughtSignature"} for p in turn]
    calls = [p["functionCall"] for p in turn if isinstance(p.get("functionCall"), dict)]
    replies: list[dict[str, Any]] = []
    for call in calls:
        response: dict[str, Any] = {"name": call.get("name"), "response": {"content": TOOL_RESULT}}
        if isinstance(call.get("id"), str):
            response["id"] = call["id"]
        replies.append({"functionResponse": response})
    body = dict(first.body)
    body["contents"] = [*first.body["contents"], {"role": "model", "parts": turn},
                        {"role": "user", "parts": replies or [{"text": "And in Rome?"}]}]
    return replace(first, probe=probe, body=body)


def _signature_returned(first: Request, answered: Exchange) -> Request:
    return _call_turn(first, answered, "signature-returned", keep_signature=True)


def _signature_missing(first: Request, answered: Exchange) -> Request:
    return _call_turn(first, answered, "signature-missing", keep_signature=False)


def _gemini_cli(target: Probing) -> Request:
    """Gemini CLI's streamed request, with the headers it sends."""
    return replace(_spec_request(target, "gemini-cli", STREAM, SSE), headers=GEMINI_CLI_HEADERS)


SURFACE = register(Surface(
    name=NAME, path=GENERATE,
    builders={"auth-none": with_auth(NAME, "basic", "none"), "auth-wrong": with_auth(NAME, "basic", "wrong"),
              "auth-header": _with_style(HEADER), "auth-query": _with_style(QUERY),
              "malformed-json": malformed_json(NAME), "unknown-model": _unknown_model,
              "stream": _stream, "stream-json": _stream_json, "tools-stream": _tools_stream,
              "count-tokens": _count_tokens, "models-list": _list_models, "models-get": _get_model,
              "function-response": Dependent("tools-forced", _function_response,
                                             lambda t: _spec_request(t, "function-response", GENERATE)),
              "billing-stream": _billing_stream, **billing_builders(NAME, _billing_count),
              "signature-returned": Dependent("thinking-tools", _signature_returned),
              "signature-missing": Dependent("thinking-tools", _signature_missing),
              "gemini-cli": _gemini_cli},
    answer="the answer", text=text, reasoning="thinking", text_field="the text parts",
    answered_text=answered_text, event_text=event_text, streamed_pieces=streamed_pieces,
    spent_on_reasoning=streamed_nothing_to_judge, event_schema=("event-schema", "GenerateContentResponse"),
    native_error=lambda exchange, statuses, what, target: native_error(exchange, statuses, what),
    native_rejected=native_rejected, model_list=MODELS, stream_at=(STREAM, SSE),
    json_answers=(JsonAnswer("stream-json", "stream-json", "gemini stream without `alt=sse`", "stream"),),
    chat_like=True, refuses_key_401=False, errors=False,
))
