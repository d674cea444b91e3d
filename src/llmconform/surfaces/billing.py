"""The billing concern's readers (issue 20): what each billing probe was billed, read by the API's
own accounting (the surface spec's `x-llmconform-usage`: which counts are parts of which totals),
and where each API puts a stream's usage. The rules themselves are in tests/common/test_billing.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from llmconform import checks, spec
from llmconform.surfaces import (
    BILLING_WORD,
    SURFACE_MODULES,
    anthropic_messages,
    filler,
    openai_responses,
    sub,
)
from llmconform.surfaces.responses_stream import EVENTS as RESPONSE_EVENTS
from llmconform.surfaces.responses_stream import TERMINAL
from llmconform.verdict import excerpt

if TYPE_CHECKING:
    from llmconform.exchange import Exchange


# The same prompt is the same count: plain, streamed and sent again, within 2 tokens or 2 %.
SAME_SLACK, SAME_SHARE = 2, 0.02
# A counting endpoint may differ from the billed input by a few tokens (Anthropic documents its count
# as an estimate that "may differ by a small amount"): 3 tokens or 3 %.
COUNT_SLACK, COUNT_SHARE = 3, 0.03
# Billed tokens per filler word: about 1 (each word is one token); above SLOPE_HIGH the count is
# inflated, below SLOPE_LOW it does not follow the prompt.
SLOPE_HIGH, SLOPE_LOW = 1.1, 0.9
# What a chat template adds to a prompt is a few dozen tokens at most; more is a hidden prompt.
HIDDEN_OVERHEAD = 100

# The request fields that hold the prompt (the filler and the instruction beside it).
_PROMPT_KEYS = {"content", "text", "input", "system", "instructions"}


def slack(value: int, tokens: int, share: float) -> int:
    return max(tokens, round(abs(value) * share))


@dataclass(frozen=True)
class Bill:
    """What one answer (or one stream piece) says was billed. `input` is the input billed by the
    API's cache rule (Anthropic's cache reads and writes added; OpenAI's and Gemini's cached tokens
    already within it); `counted` the input count as its field gives it."""

    surface: str
    where: str
    usage: dict[str, Any] = field(default_factory=dict)
    input: int | None = None
    counted: int | None = None
    cached: int | None = None
    output: int | None = None
    reasoning: int | None = None

    @property
    def present(self) -> bool:
        return bool(self.usage)

    def shown(self) -> str:
        """The usage as it arrived, for a verdict's `received`."""
        return f"{self.where}: {excerpt(self.usage, 200)}"


def bill_of(surface: str, data: Any, where: str) -> Bill:
    usage = spec.usage(surface)
    holder = usage.holder(data)
    if not holder:
        return Bill(surface, where)
    zero = 0 if usage.omitted_zero else None  # proto3 JSON leaves a zero count out (Gemini)

    def either(value: int | None) -> int | None:
        return zero if value is None else value

    counted, output = usage.counts(data)
    billed = usage.billed_input(data)
    cached = usage.part(data, usage.cached_part) if usage.cached_part else (
        spec.count(holder.get(usage.cached_input[-1])) if usage.cached_input else None)
    return Bill(surface, where, holder, either(billed), either(counted), either(cached), either(output),
                usage.part(data, usage.reasoning_part) if usage.reasoning_part else None)


def plain_bill(exchange: Exchange) -> Bill:
    """The bill of a plain (not streamed) answer, which must be a 2xx JSON object."""
    return bill_of(exchange.request.surface, checks.ok_json(exchange), spec.usage(exchange.request.surface).at[0])


def answer_text(exchange: Exchange) -> str:
    text = SURFACE_MODULES[exchange.request.surface].text
    return text(checks.ok_json(exchange)) if text is not None else ""


def streamed_text(exchange: Exchange) -> str:
    surface = SURFACE_MODULES[exchange.request.surface]
    return "".join(surface.event_text(d) for d in exchange.data_objects())


# -- where a stream puts its usage ------------------------------------------------------------------

@dataclass
class Streamed:
    """A stream's usage where its API puts it: the final bill, the places that break the API's rule
    (each a FAIL) and the departures clients tolerate (W)."""

    bill: Bill
    broken: list[str] = field(default_factory=list)
    tolerated: list[str] = field(default_factory=list)


def streamed(exchange: Exchange) -> Streamed:
    return streamed_pieces(exchange.request.surface, exchange.data_objects())


def streamed_pieces(surface: str, pieces: list[dict[str, Any]]) -> Streamed:
    """As `streamed`, from the stream's JSON-object pieces as they arrived (the sweep reads a stream
    defensively, whether or not it ended as its API says)."""
    return _READERS[surface](surface, pieces)


def _chat(surface: str, pieces: list[dict[str, Any]]) -> Streamed:
    """Usage null on every chunk but the last, which carries the whole request's (ChatCompletionChunk
    .usage with include_usage)."""
    carrying = [i for i, p in enumerate(pieces) if isinstance(p.get("usage"), dict)]
    if not carrying:
        return Streamed(Bill(surface, "the last chunk"), ["no chunk carries usage though include_usage was asked"])
    last = carrying[-1]
    found = Streamed(bill_of(surface, pieces[last], f"chunk {last} of {len(pieces)}"))
    if last != len(pieces) - 1:
        found.broken.append(f"usage on chunk {last}, not on the last chunk ({len(pieces) - 1})")
    if len(carrying) > 1:
        found.tolerated.append(f"usage on {len(carrying) - 1} chunk(s) before the last (documented null)")
    return found


def _messages(surface: str, pieces: list[dict[str, Any]]) -> Streamed:
    """message_start's message.usage holds the input counts; message_delta's usage the cumulative
    ones (MessageDeltaUsage), which repeat the input where given."""
    events = anthropic_messages.EVENTS
    start = next((p for p in pieces if p.get("type") == events["start"]), {})
    first = bill_of(surface, sub(start, "message"), f"{events['start']}.message.usage")
    deltas = [p["usage"] for p in pieces
              if p.get("type") == events["message-delta"] and isinstance(p.get("usage"), dict)]
    broken = []
    if not first.present:
        broken.append(f"no usage in {events['start']}.message")
    if not deltas:
        broken.append(f"no usage in {events['message-delta']}")
    merged = {**first.usage, **{k: v for k, v in (deltas[-1] if deltas else {}).items() if v is not None}}
    final = bill_of(surface, {"usage": merged}, f"{events['start']} + {events['message-delta']} usage")
    if first.present and final.input is not None and first.input != final.input:
        broken.append(f"{events['start']} bills {first.input} input tokens, the final count {final.input}")
    return Streamed(final, broken)


def _responses(surface: str, pieces: list[dict[str, Any]]) -> Streamed:
    """The terminal event's response carries the usage (null only on response.failed)."""
    end = openai_responses.terminal(pieces)
    if end is None:
        return Streamed(Bill(surface, "the terminal event"), [f"no terminal event ({' / '.join(TERMINAL)})"])
    kind = str(end.get("type"))
    found = Streamed(bill_of(surface, end, f"{kind}.response.usage"))
    if not found.bill.present and kind != RESPONSE_EVENTS["failed"]:
        found.broken.append(f"no usage on {kind}")
    return found


def _gemini(surface: str, pieces: list[dict[str, Any]]) -> Streamed:
    """The final piece carries usageMetadata (earlier ones may too)."""
    if not pieces:
        return Streamed(Bill(surface, "the final piece"), ["no piece at all"])
    found = Streamed(bill_of(surface, pieces[-1], f"usageMetadata of the final piece ({len(pieces)})"))
    if not found.bill.present:
        found.broken.append("no usageMetadata on the final piece")
    return found


_READERS = {"openai-chat": _chat, "anthropic-messages": _messages, "openai-responses": _responses,
            "gemini": _gemini}


# -- the prompt measured by difference -----------------------------------------------------------------

_RUN = re.compile(rf"\b{BILLING_WORD}(?:\s+{BILLING_WORD}\b)*")


def prompt_strings(value: Any, key: str = "") -> list[str]:
    """The prompt's strings of a request body (message contents, parts' text, input, system)."""
    if isinstance(value, str):
        return [value] if key in _PROMPT_KEYS else []
    if isinstance(value, list):
        return [s for v in value for s in prompt_strings(v, key)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in prompt_strings(v, k)]
    return []


def filler_words(body: Any) -> int:
    """The longest run of the filler word in a request's prompt."""
    runs = [m.group(0).split() for s in prompt_strings(body) for m in _RUN.finditer(s)]
    return max((len(r) for r in runs), default=0)


def instruction(body: Any) -> str:
    """The prompt without its filler: what the intercept holds besides the template."""
    text = " ".join(prompt_strings(body))
    return _RUN.sub("", text.replace(filler(filler_words(body)), ""))


@dataclass(frozen=True)
class Fit:
    slope: float
    intercept: float
    points: tuple[tuple[int, int], ...]


def fit(points: list[tuple[int, int]]) -> Fit | None:
    """The least-squares line of billed input against filler words (None with fewer than two sizes)."""
    sizes = {n for n, _ in points}
    if len(sizes) < 2:
        return None
    mean_n = sum(n for n, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    slope = (sum((n - mean_n) * (y - mean_y) for n, y in points)
             / sum((n - mean_n) ** 2 for n, _ in points))
    return Fit(round(slope, 3), round(mean_y - slope * mean_n, 1), tuple(points))
