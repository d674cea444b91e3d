"""Streaming (`stream: true`): the chunk grammar clients parse."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces import sub
from llmconform.surfaces.openai_chat import choices, event_text
from llmconform.verdict import expect, fail, warn

pytestmark = pytest.mark.feature("stream")
CHAT = spec.load("openai-chat")


@pytest.mark.check("openai-chat/stream/done-sentinel", level="must",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "ChatCompletionStreamOptions.include_usage and the chat streaming examples (the stream ends "
                          "with the data: [DONE] message)")
def test_done_sentinel(stream):
    """The last event is `data: [DONE]`."""
    events = stream.stream_events()
    expect(events and events[-1].data == "[DONE]", "a final data: [DONE]",
           events[-1].raw if events else "no events")


@pytest.mark.check("openai-chat/stream/nothing-after-done", level="must",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "ChatCompletionStreamOptions.include_usage and the chat streaming examples (data: [DONE] "
                          "ends the stream)")
def test_nothing_after_done(stream):
    """Nothing follows `[DONE]`: no event, no half-written event."""
    events = stream.stream_events()
    done = [e.index for e in events if e.data == "[DONE]"]
    if not done:
        fail("a data: [DONE] event", "none")
    expect(done[0] == len(events) - 1 and not stream.framing.trailing,
           "[DONE] as the very last event", [e.raw for e in events[done[0] + 1:]] or stream.framing.trailing)


@pytest.mark.check("openai-chat/stream/constant-fields", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CreateChatCompletionStreamResponse.id, "
                          ".created (each chunk has the same), .model; "
                          "openapi/openai-chat.yaml#/components/schemas/ChatCompletionChunk")
def test_constant_fields(stream):
    """`id` and `created` are the same in every chunk (the official "each chunk has the same"), and
    `model` in every chunk that names one: a chunk with `choices: []` and `model: ""` (Azure
    OpenAI's prompt_filter_results chunk) is allowed by the official chunk schema. Only chunks that
    say they are chunks (`object: chat.completion.chunk`) are compared: Azure's filter chunk as sent
    (`object: ""`, `id: ""`, `created: 0`) breaks the object enum, and that is stream/chunk-schema's
    FAIL, not a second one here."""
    chunks = [c for c in stream.data_objects() if c.get("object") == "chat.completion.chunk"]
    checks.need(chunks, "at least one chunk with object chat.completion.chunk", stream.excerpt(),
                owner="stream/chunk-schema", exchange=stream)
    for name in ("id", "created", "model"):
        named = [c for c in chunks if name != "model" or c.get(name) != ""]
        values = list(dict.fromkeys(str(c.get(name)) for c in named))
        expect(len(values) == 1, f"one {name} across the stream", values[:4])


@pytest.mark.check("openai-chat/stream/created-seconds", level="must",
                   source="openai-python src/openai/types/chat/chat_completion_chunk.py ChatCompletionChunk.created "
                          "(\"The Unix timestamp (in seconds)\")")
def test_created_seconds(stream):
    """Every chunk's `created` is the Unix time in seconds (above 1e11 is milliseconds)."""
    chunks = stream.data_objects()
    expect(chunks, "at least one chunk", stream.excerpt())
    for index, chunk in enumerate(chunks):
        checks.unix_seconds(chunk.get("created"), f"chunk {index}'s created")


@pytest.mark.check("openai-chat/stream/first-role", level="should",
                   source="openai-python src/openai/types/chat/chat_completion_chunk.py ChoiceDelta.role (Optional; "
                          "clients tolerate its absence)")
def test_first_role(stream):
    """The first delta carries `role: assistant` (W when missing)."""
    chunks = [c for c in stream.data_objects() if choices(c)]
    expect(chunks, "a chunk with choices", stream.excerpt())
    delta = sub(choices(chunks[0])[0], "delta")
    if delta.get("role") != "assistant":
        warn("role 'assistant' in the first delta", delta)


def _finishes(chunks):
    seen = {}
    for position, chunk in enumerate(chunks):
        for choice in choices(chunk):
            if "finish_reason" in choice and choice["finish_reason"] is not None:
                seen.setdefault(choice.get("index"), []).append((position, choice["finish_reason"]))
    return seen


@pytest.mark.check("openai-chat/stream/finish-reason-once", level="must",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "CreateChatCompletionStreamResponse.choices[].finish_reason; "
                          "openapi/openai-chat.yaml#/components/schemas/ChatCompletionChunk; "
                          "openapi/openai-chat.yaml#/components/schemas/ChunkChoice; "
                          "openapi/openai-chat.yaml#/components/schemas/FinishReason")
def test_finish_reason_once(stream):
    """Exactly one non-null finish_reason per choice, in its last chunk; a stream without one was cut."""
    chunks = stream.data_objects()
    finishes = _finishes(chunks)
    expect(0 in finishes, "a finish_reason for choice 0 (a stream without one was truncated)",
           f"{len(chunks)} chunks, none with a finish_reason")
    for index, found in finishes.items():
        expect(len(found) == 1, f"one finish_reason for choice {index}", found)
        last = max(p for p, c in enumerate(chunks) for ch in choices(c) if ch.get("index") == index)
        expect(found[0][0] == last, f"finish_reason in the last chunk of choice {index}",
               f"at chunk {found[0][0]}, choice continues to chunk {last}")


@pytest.mark.check("openai-chat/stream/finish-reason-not-empty", level="must",
                   source="openai-python src/openai/types/chat/chat_completion_chunk.py Choice.finish_reason (an "
                          "enum, or null); openapi/openai-chat.yaml#/components/schemas/ChunkChoice; "
                          "openapi/openai-chat.yaml#/components/schemas/FinishReason")
def test_finish_reason_not_empty(stream):
    """finish_reason is null or a documented value, never `""`."""
    for position, chunk in enumerate(stream.data_objects()):
        for choice in choices(chunk):
            expect(choice.get("finish_reason") != "", "finish_reason null or a value, never \"\"",
                   f"chunk {position}: {choice}")


@pytest.mark.check("openai-chat/stream/no-error-event", level="should",
                   source="openai-python src/openai/_streaming.py (an error object in a stream is raised as an "
                          "APIError: allowed by the official client)")
def test_no_error_event(stream):
    """Errors come before the stream starts: no error object inside a 200 stream."""
    for event, chunk in stream.data_events():
        expect("error" not in chunk and event.event != "error", "no error event after status 200",
               event.raw)


@pytest.mark.check("openai-chat/stream/no-usage-without-option", level="should",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "ChatCompletionStreamOptions.include_usage (usage only when set; extra usage is tolerated)")
def test_no_usage_without_option(stream):
    """Without stream_options.include_usage no chunk carries usage (W)."""
    carrying = [i for i, c in enumerate(stream.data_objects()) if c.get("usage")]
    if carrying:
        warn("no usage chunk without stream_options.include_usage", f"usage in chunk(s) {carrying[:5]}")


@pytest.mark.check("openai-chat/stream/model-echo", level="must",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "CreateChatCompletionStreamResponse.model (required; an alias only warns); "
                          "openapi/openai-chat.yaml#/components/schemas/ChatCompletionChunk")
def test_model_echo(stream):
    """The chunks' `model` is the requested model or a dated snapshot of it — the rule the plain
    answer is held to (W: relays alias and substitute)."""
    chunks = stream.data_objects()
    checks.need(chunks, "at least one chunk", stream.excerpt(), owner="stream/constant-fields", exchange=stream)
    # The first chunk that names a model: Azure OpenAI's prompt_filter_results chunk comes first with
    # `choices: []` and `model: ""`, which the official chunk schema allows (model: a string).
    named = next((c.get("model") for c in chunks if c.get("model") != ""), "")
    checks.model_echo(stream.request.body.get("model"), named)


@pytest.mark.check("openai-chat/stream/usage-consistent", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CompletionUsage (total_tokens = "
                          "prompt_tokens + completion_tokens); openapi/openai-chat.yaml#/components/schemas/Usage")
def test_usage_consistent(stream_usage):
    """The usage chunk adds up and agrees with the stream — the rules the plain answer is held to:
    total = prompt + completion; prompt_tokens above 0; completion_tokens above 0 when text was
    streamed (F), and within ±50 % of the streamed text's estimate (W)."""
    chunks = stream_usage.data_objects()
    usage = [c["usage"] for c in chunks if isinstance(c.get("usage"), dict)]
    checks.need(usage, "a usage chunk (stream_options.include_usage)", f"{len(chunks)} chunks",
                owner="stream/include-usage", exchange=stream_usage)
    numbers = checks.usage_numbers(usage[-1], ("prompt_tokens", "completion_tokens", "total_tokens"),
                                   "total_tokens", ("prompt_tokens", "completion_tokens"))
    text = "".join(event_text(c) for c in chunks)
    reasoning = "".join(str(sub(ch, "delta").get("reasoning_content") or "") for c in chunks for ch in choices(c))
    checks.usage_consistent(numbers["prompt_tokens"], numbers["completion_tokens"], text + reasoning,
                            reasoning_tokens=sub(usage[-1], "completion_tokens_details").get("reasoning_tokens")
                            if not reasoning else None, where="the streamed usage")


@pytest.mark.check("openai-chat/stream/include-usage", level="must",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "ChatCompletionStreamOptions.include_usage (an extra chunk before [DONE], choices empty, "
                          "with usage); openapi/openai-chat.yaml#/components/schemas/ChatCompletionChunk")
def test_include_usage(stream_usage):
    """include_usage: exactly one extra chunk with `choices: []` and usage, just before [DONE];
    no other chunk carries usage."""
    chunks = stream_usage.data_objects()
    carrying = [i for i, c in enumerate(chunks) if c.get("usage")]
    expect(len(carrying) == 1, "exactly one chunk with usage", f"usage in chunks {carrying[:6]} of {len(chunks)}")
    position = carrying[0]
    expect(chunks[position].get("choices") == [], "the usage chunk has choices: []", chunks[position])
    expect(position == len(chunks) - 1, "the usage chunk last before [DONE]", f"chunk {position} of {len(chunks)}")
    CHAT.check("Usage", chunks[position]["usage"], what="the usage chunk")
