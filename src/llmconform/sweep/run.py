"""Running a sweep: batches the budget covers, each in three passes.

1. the probe, to every model of the batch, `--concurrency` at a time: availability, echo, usage,
   persona, fingerprints (a model that refuses the probe's max_tokens / temperature 0 is asked
   again with the surface's `sweep-alt` probe);
2. the timing re-probe, the same request again to every model that answered, ONE AT A TIME: no
   probe waits behind another on the provider, so TTFT and tokens/s are the model's own; its answer
   also holds a deterministic model to its first one;
3. with `--reference`, the canaries to the provider and to the reference, concurrently.

Then the next batch, while the budget lasts; what it cannot cover is reported as left out.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from llmconform import interrupt
from llmconform.exchange import Exchange
from llmconform.sweep import billing as bills
from llmconform.sweep import findings as fnd
from llmconform.sweep import plan as planning
from llmconform.sweep.plan import Item
from llmconform.sweep.probes import Observation, observe, request, send
from llmconform.target import Target

TIMING_METHOD = ("TTFT and output tokens/s come from a second, identical request to each model that answered, "
                 "sent one at a time with nothing else in flight (the first probes go out --concurrency at a "
                 "time and may queue behind each other on the provider). TTFT: from sending the request to the "
                 "first stream event that carries text; tokens/s: output tokens after the first over the time "
                 "after the first token. latency_ms is the first probe's whole exchange.")


@dataclass
class Outcome:
    item: Item
    row: dict[str, Any]
    first: Observation | None = None
    probe: str = "sweep"
    done: bool = False  # its probe finished before any interrupt: the row stands
    stream_failed: Observation | None = None  # the streamed probe that failed where the plain one answered


@dataclass
class SweepRun:
    target: Target
    items: list[Item]
    concurrency: int = 2
    timing: bool = True
    reference: Target | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    left_out: list[Item] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    finished: float = 0.0
    interrupted: bool = False  # SIGINT/SIGTERM stopped it: rows not finished by then are left out

    # -- the loop ---------------------------------------------------------------------------------

    def run(self) -> list[dict[str, Any]]:
        pending = [i for i in self.items if i.probed]
        rows = {i.key: Outcome(i, base_row(i)) for i in self.items}
        for item in self.items:
            if not item.probed:
                rows[item.key].row["outcome"] = "not-probed"
        budget = self.target.client.budget
        pool = ThreadPoolExecutor(max_workers=self.concurrency)
        try:
            while pending:
                fits = planning.covered(pending, budget.max_requests - budget.requests,
                                        budget.max_output_tokens - budget.output_tokens,
                                        timing=self.timing, reference=self.reference is not None)
                if fits == 0:
                    break
                batch = [rows[i.key] for i in pending[:fits]]
                pending = pending[fits:]
                list(pool.map(self._probe, batch))
                answered = [o for o in batch if o.row["available"]]
                for outcome in answered:  # one at a time: nothing else is in flight
                    if self.timing and outcome.item.surface in planning.TIMED_SURFACES:
                        self._time(outcome)
                if self.reference is not None:
                    list(pool.map(self._canaries, [o for o in answered
                                                   if o.item.surface in planning.CANARY_SURFACES]))
        except KeyboardInterrupt:
            # Ctrl-C / SIGTERM (interrupt.handled): the client sends nothing more and has cut what was
            # in flight; a probe it cut is no refusal of the model, so its row is left out, untouched.
            self.interrupted = True
            for outcome in rows.values():
                if outcome.item.probed and not outcome.done:
                    outcome.row = base_row(outcome.item)
        finally:
            pool.shutdown(wait=not self.interrupted, cancel_futures=True)
        for item in pending:
            rows[item.key].row["outcome"] = "left-out"
        self.outcomes = list(rows.values())
        self.left_out = [o.item for o in self.outcomes if o.row["outcome"] == "left-out"]
        result = [o.row for o in self.outcomes]
        fnd.apply_cross_model(result)
        self.finished = time.time()
        return result

    # -- pass 1: the probe ----------------------------------------------------------------------------

    def _probe(self, outcome: Outcome) -> None:
        self._first_probe(outcome)
        # Finished only if no interrupt cut it short: a cut exchange says nothing about the model.
        outcome.done = not interrupt.STOP.is_set()

    def _first_probe(self, outcome: Outcome) -> None:
        item, row = outcome.item, outcome.row
        assert item.surface is not None
        seen = observe(send(self.target.client, request(item.surface, item.model)))
        if fnd.wants_alt(seen):
            outcome.probe = fnd.ALT_PROBE
            seen = observe(send(self.target.client, request(item.surface, item.model, outcome.probe)))
        if seen.exchange.request.stream and fnd.refusal_kind(seen) in fnd.STREAM_FALLBACK:
            # A gateway whose streams crash may still answer: the same request without streaming
            # tells a broken stream from an unavailable model (one more request, in the budget).
            plain = observe(send(self.target.client, request(item.surface, item.model, outcome.probe,
                                                             label=f"{outcome.probe}-plain", plain=True)))
            if plain.ok:
                outcome.stream_failed, seen = seen, plain
        outcome.first = seen
        exchange = seen.exchange
        row["probe"] = outcome.probe
        if outcome.stream_failed is not None:
            row["probe"] = f"{outcome.probe}, then without streaming"
            row["stream"] = fnd.stream_failure(outcome.stream_failed)
            row["findings"].append(fnd.stream_finding(outcome.stream_failed))
        row["status"] = exchange.status
        row["latency_ms"] = exchange.timings.total_ms
        row["reproduce"] = exchange.curl()
        row["input_tokens_estimate"] = fnd.input_estimate(exchange.request.body)
        kind = fnd.refusal_kind(seen)
        if kind == "budget":
            row["outcome"] = "left-out"
            return
        promised = bool(item.listed) or bool(item.in_catalogue)
        if fnd.not_served(kind, item.surface, item.list_entry):
            # The model exists and the official API serves it on another endpoint: no verdict on the
            # provider, the refusal kept as evidence.
            row.update(available=None, outcome="not-served", refusal=refusal_evidence("not-served", seen))
            return
        if kind is not None:
            row.update(available=False, outcome="refused", refusal=refusal_evidence(kind, seen))
            found = fnd.refusal_finding(kind, seen, promised=promised)
            if found:
                row["findings"].append(found)
            return
        signals = fnd.backend_signals(seen)
        row.update(available=True, outcome="answered", answered_model=seen.answered_model,
                   echo=fnd.echo(item.model, seen.answered_model), input_tokens=seen.input_tokens,
                   output_tokens=seen.output_tokens, answer=seen.text[:400], backend=signals,
                   billing=bills.measure(exchange, seen.text))
        for found in (fnd.echo_finding(item.model, seen), fnd.persona_finding(seen),
                      fnd.backend_finding(item.model, seen, signals, self.target.profile.base_url)):
            if found:
                row["findings"].append(found)

    # -- pass 2: timing -------------------------------------------------------------------------------

    def _time(self, outcome: Outcome) -> None:
        item, row = outcome.item, outcome.row
        assert item.surface is not None
        assert outcome.first is not None
        if outcome.stream_failed is not None:  # TTFT and tokens/s need a stream that works
            row["timing"] = {"measured": False, "why": f"the stream failed: {row['stream']['why']}",
                             "status": outcome.stream_failed.exchange.status}
            return
        seen = observe(send(self.target.client, request(item.surface, item.model, outcome.probe, label="sweep-timing")))
        if not seen.ok:
            kind = fnd.refusal_kind(seen) or "broken"
            detail = seen.exchange.problem_detail or seen.exchange.excerpt()[:160]
            row["timing"] = {"measured": False, "why": f"{fnd.REFUSAL_LABELS.get(kind, kind)}: {detail}",
                             "status": seen.exchange.status}
            return
        bills.repeat(row["billing"], seen.exchange)  # the same request: the same input billed
        row["ttft_ms"] = seen.ttft_ms
        row["output_tokens_per_s"] = seen.tokens_per_s
        row["timing"] = {"measured": seen.ttft_ms is not None, "ttft_ms": seen.ttft_ms,
                         "total_ms": seen.total_ms, "output_tokens": seen.output_tokens,
                         "why": None if seen.ttft_ms is not None else "no stream event carried text"}
        if item.deterministic:
            found = fnd.repeat_finding(outcome.first, seen)
            if found:
                row["findings"].append(found)

    # -- pass 3: canaries ---------------------------------------------------------------------------

    def _canaries(self, outcome: Outcome) -> None:
        assert self.reference is not None
        item, row = outcome.item, outcome.row
        assert item.surface is not None
        reference_surface = item.surface if item.surface in self.reference.profile.surfaces or not any(
            s in self.reference.profile.surfaces for s in planning.CANARY_SURFACES) else next(
            s for s in planning.CANARY_SURFACES if s in self.reference.profile.surfaces)
        ours: list[str] = []
        theirs: list[str] = []
        canaries: list[dict[str, Any]] = []
        for probe in planning.CANARIES:
            mine = observe(send(self.target.client, request(item.surface, item.model, probe)))
            other = observe(send(self.reference.client, request(reference_surface, item.model, probe)))
            if not (mine.ok and other.ok):
                failed = mine if not mine.ok else other
                kind = fnd.refusal_kind(failed) or "broken"
                row["reference"] = {"vendor": self.reference.name, "similarity": None,
                                    "threshold": fnd.SIMILARITY_THRESHOLD,
                                    "why": f"{'provider' if failed is mine else 'reference'}: "
                                           f"{fnd.REFUSAL_LABELS.get(kind, kind)} on {probe}", "canaries": canaries}
                return
            ours.append(mine.text)
            theirs.append(other.text)
            canaries.append({"probe": probe, "answer": mine.text[:200], "reference_answer": other.text[:200]})
        score = fnd.similarity(ours, theirs)
        for canary, a, b in zip(canaries, ours, theirs, strict=True):
            canary["score"] = fnd.similarity([a], [b])
        row["reference"] = {"vendor": self.reference.name, "similarity": score,
                            "threshold": fnd.SIMILARITY_THRESHOLD, "why": None, "canaries": canaries}
        found = fnd.reference_finding(item.model, score, canaries, row.get("reproduce", ""))
        if found:
            row["findings"].append(found)


def base_row(item: Item) -> dict[str, Any]:
    return {
        "model": item.model, "surface": item.surface, "kind": item.kind, "kind_source": item.kind_source,
        "listed": item.listed, "in_catalogue": item.in_catalogue, "available": None, "outcome": "left-out",
        "status": None, "refusal": None, "probe": None, "echo": None, "answered_model": None, "ttft_ms": None,
        "output_tokens_per_s": None, "latency_ms": None, "input_tokens": None, "input_tokens_estimate": None,
        "output_tokens": None, "answer": None, "backend": [], "timing": None, "reference": None, "stream": None,
        "billing": None,
        "findings": fnd.catalogue_findings(item.model, item.listed, item.in_catalogue), "reproduce": "",
        "note": item.note,
    }


def refusal_evidence(kind: str, seen: Observation) -> dict[str, Any]:
    exchange: Exchange = seen.exchange
    body = seen.error_body()
    return {"kind": kind, "label": fnd.REFUSAL_LABELS[kind], "status": exchange.status, "problem": exchange.problem,
            "message": fnd.error_text(body)[:300] or exchange.excerpt()[:300],
            "envelope": body if isinstance(body, dict) and len(str(body)) < 2000 else None,
            "body_excerpt": exchange.excerpt()}
