"""The sweep's billing column (issue 20): what the probe each model already answers says it billed,
read as the run's billing concern reads it (`surfaces.billing`: the usage where the API puts it,
counted by the API's own cache rule) — no extra request.

Per model: was usage reported at all (absent is not zero), are its parts within their totals (cached
input within the input it is part of, reasoning within the output, the output within the probe's
limit), does the billed input sit near the prompt's own tokens (a local estimate plus the run's
allowance for a chat template), and is the identical timing re-probe billed the same input.
"""

from __future__ import annotations

from typing import Any

from llmconform import checks, spec
from llmconform.exchange import Exchange
from llmconform.surfaces import billing

# The column's word per state, worst last.
REPORTED, NOT_ASKED, NOT_MEASURED = "reported", "not-asked", "not-measured"
MISSING, ZERO, INCONSISTENT = "missing", "zero", "inconsistent"
FLAGGED = (MISSING, ZERO, INCONSISTENT)

Billing = dict[str, Any]


def _asked(exchange: Exchange) -> bool:
    """False where the API sends a stream's usage only on request and the probe did not ask
    (openai-chat without stream_options.include_usage: its sweep-alt probe)."""
    body = exchange.request.body if isinstance(exchange.request.body, dict) else {}
    if exchange.request.surface == "openai-chat" and exchange.events is not None:
        return bool((body.get("stream_options") or {}).get("include_usage"))
    return True


def _bill(exchange: Exchange) -> tuple[billing.Bill, list[str]]:
    """The bill of a streamed or plain answer, and what breaks the API's rule on where usage sits."""
    surface = exchange.request.surface
    payloads = exchange.payloads()  # read defensively: a stream cut short still shows what it billed
    if exchange.events is not None:
        found = billing.streamed_pieces(surface, [p for p in payloads if isinstance(p, dict)])
        return found.bill, found.broken
    data = payloads[0] if payloads else None
    return billing.bill_of(surface, data, spec.usage(surface).at[0]), []


def measure(exchange: Exchange, text: str) -> Billing | None:
    """The billing cell of one answered probe; None on a surface whose spec declares no input and
    output counts (embeddings bill no output; the model list nothing)."""
    surface = exchange.request.surface
    usage = spec.usage(surface)
    if not (usage.input and usage.output):
        return None
    prompt = checks.estimate_tokens(" ".join(billing.prompt_strings(exchange.request.body)))
    cell: Billing = {"usage": REPORTED, "where": None, "input_tokens": None, "output_tokens": None,
                     "cached_tokens": None, "reasoning_tokens": None, "prompt_estimate": prompt,
                     "overhead_tokens": None, "repeat_input_tokens": None, "problems": [], "summary": ""}
    if not _asked(exchange):
        cell.update(usage=NOT_ASKED, summary="not asked (the probe's stream asks no usage)")
        return cell
    try:
        bill, broken = _bill(exchange)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # a hostile answer is an observation
        bill, broken = billing.Bill(surface, "the answer"), [f"usage unreadable ({type(exc).__name__})"]
    cell.update(where=bill.where, input_tokens=bill.input, output_tokens=bill.output, cached_tokens=bill.cached,
                reasoning_tokens=bill.reasoning)
    problems: list[str] = list(broken)
    state = INCONSISTENT if broken else REPORTED
    if not bill.present or bill.input is None or bill.output is None:
        state = MISSING
        what = "no usage" if not bill.present else "no input count" if bill.input is None else "no output count"
        problems.insert(0, f"{what} at {bill.where}")
    else:
        if bill.input == 0:
            state = ZERO
            problems.append("0 input tokens for the prompt sent")
        if bill.output == 0 and text.strip():
            state = ZERO
            problems.append(f"0 output tokens beside the text {text[:40]!r}")
        if usage.cached_part and bill.cached is not None and bill.cached > bill.input:
            problems.append(f"{bill.cached} cached tokens above the {bill.input} input they are part of")
        if bill.reasoning is not None and bill.reasoning > bill.output:
            problems.append(f"{bill.reasoning} reasoning tokens above the {bill.output} output they are part of")
        limit = exchange.request.output_limit
        if limit is not None and bill.output > limit:
            problems.append(f"{bill.output} output tokens above the probe's limit of {limit}")
        if state == REPORTED and problems:
            state = INCONSISTENT
        cell["overhead_tokens"] = bill.input - prompt
    cell.update(usage=state, problems=problems, summary=summary(state, cell, problems))
    return cell


def repeat(cell: Billing | None, exchange: Exchange) -> None:
    """The timing re-probe is the same request: billed the same input within the run's slack (2
    tokens or 2 %), or the cell says the count moved."""
    if cell is None or cell["input_tokens"] is None or cell["usage"] not in (REPORTED, INCONSISTENT):
        return
    try:
        bill, _ = _bill(exchange)
    except (ValueError, TypeError, KeyError, AttributeError):
        return
    cell["repeat_input_tokens"] = bill.input
    if bill.input is None:
        return
    first = cell["input_tokens"]
    if abs(first - bill.input) > billing.slack(first, billing.SAME_SLACK, billing.SAME_SHARE):
        cell["problems"].append(f"the same request billed {first}, then {bill.input} input tokens")
        cell["usage"] = INCONSISTENT
        cell["summary"] = summary(INCONSISTENT, cell, cell["problems"])


def summary(state: str, cell: Billing, problems: list[str]) -> str:
    """The column's text: the counts and how far the input sits above the prompt's estimate, or
    what is wrong with them."""
    if state == MISSING:
        return f"MISSING: {problems[0]}"
    counts = f"{cell['input_tokens']} in / {cell['output_tokens']} out"
    overhead = cell["overhead_tokens"]
    above = "" if overhead is None else f" ({overhead:+d} vs prompt ~{cell['prompt_estimate']}" + (
        ": hidden prompt?)" if overhead > billing.HIDDEN_OVERHEAD else ")")
    if state in (ZERO, INCONSISTENT):
        return f"{state.upper()}: {counts}; {'; '.join(problems)}"
    return counts + above
