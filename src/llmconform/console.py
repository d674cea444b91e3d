"""What a run prints while it runs and when it ends: a progress line (redrawn by rich on a
terminal, plain periodic lines in a CI log), the findings, and a closing line that counts checks —
the same counts as the report, never pytest's count of test items."""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING, Any, TextIO

from llmconform import __version__
from llmconform.result import by_severity
from llmconform.sdk import NOT_INSTALLED
from llmconform.settings import Mode
from llmconform.verdict import VERDICTS, excerpt

if TYPE_CHECKING:
    from llmconform.result import Report
    from llmconform.target import Target

PLAIN_PROGRESS_EVERY_S = 15.0
_SHOWN = ("fail", "error", "warn")


def _one_line(message: str) -> str:
    return excerpt(" ".join(message.split()), 160)


def _sdk_skips(reports: list[Report]) -> str:
    """The SDK checks a missing SDK left undecided, said on the closing line (never only with -v)."""
    reasons = Counter(row.message for report in reports for row in report.results
                      if row.verdict == "skip" and NOT_INSTALLED in row.message)
    if not reasons:
        return ""
    return (f"; {sum(reasons.values())} SDK checks skipped: "
            + "; ".join(reason.split(" (")[0] for reason in reasons))


class Console:
    def __init__(self, stream: TextIO, verbosity: int = 0) -> None:
        self.stream = stream
        self.verbosity = verbosity
        self.total = 0
        self.done = 0
        self.targets: list[Target] = []
        self.surface = ""
        self.started = time.monotonic()
        self._last_plain = self.started
        self._progress: Any = None
        self._task: Any = None

    def line(self, text: str = "") -> None:
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    # -- while it runs ----------------------------------------------------------------------

    def start(self, total: int, targets: list[Target], plans: dict[str, tuple[int, int]]) -> None:
        self.total, self.targets = total, targets
        vendors = ", ".join(f"{t.name} ({t.mode})" for t in targets)
        if self.verbosity >= 0:
            self.line(f"llmconform {__version__} · {vendors} · {total} checks")
        live = any(t.mode != Mode.REPLAY for t in targets)
        for target in targets:
            if target.mode != Mode.REPLAY and self.verbosity >= 0:
                requests, tokens = plans[target.name]
                budget = target.client.budget
                self.line(f"plan for {target.name}: at most {requests} requests and {tokens} output tokens "
                          f"(budget {budget.max_requests} requests, {budget.max_output_tokens} output tokens)")
        if live and self.verbosity >= 0 and self.stream.isatty():
            from rich.console import Console as RichConsole
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), console=RichConsole(file=self.stream), transient=True)
            self._progress.start()
            self._task = self._progress.add_task(self._spent(), total=total)

    def plan(self, target: Target, by_surface: dict[str, tuple[int, int]], checks: int,
             costs: dict[str, dict[str, int]] | None = None) -> None:
        """`run --plan`: what a run of this target would send at most, per surface, with the paid
        media requests among them by cost class; nothing is sent."""
        budget = target.client.budget
        self.line(f"plan for {target.name} ({target.profile.base_url}): {checks} checks; nothing is sent")
        for surface, (requests, tokens) in by_surface.items():
            paid = ", ".join(f"{n} {kind}" for kind, n in sorted((costs or {}).get(surface, {}).items()))
            self.line(f"  {surface:20} {requests:6} requests {tokens:8} output tokens"
                      + (f"  (paid media: {paid}; no generated schema/fuzz cases: each could be paid)"
                         if paid else ""))
        requests, tokens = (sum(spent[i] for spent in by_surface.values()) for i in (0, 1))
        self.line(f"  {'total':20} {requests:6} requests {tokens:8} output tokens")
        self.line(f"  budget: {budget.max_requests} requests, {budget.max_output_tokens} output tokens "
                  f"({'set' if any(budget.explicit) else 'the plan'}; a run stops sending once either is spent)")

    def _spent(self) -> str:
        live = [t for t in self.targets if t.mode != Mode.REPLAY]
        requests = sum(t.client.budget.requests for t in live)
        cap = sum(t.client.budget.max_requests for t in live)
        tokens = sum(t.client.budget.output_tokens for t in live)
        token_cap = sum(t.client.budget.max_output_tokens for t in live)
        return (f"{self.surface or 'starting'} · {requests}/{cap} requests · {tokens}/{token_cap} output tokens"
                f"{self._left(requests, cap)}")

    def _left(self, requests: int, cap: int) -> str:
        """What is left, estimated from the pace of the requests so far against the plan (an upper
        bound: checks that need fewer requests end sooner)."""
        if not requests or self.done >= self.total:
            return ""
        seconds = (time.monotonic() - self.started) / requests * max(cap - requests, 0)
        return f" · at most ~{seconds / 60:.0f} min left" if seconds >= 90 else f" · at most ~{seconds:.0f} s left"

    def row(self, vendor: str, ident: str, verdict: str, message: str) -> None:
        self.done += 1
        surface = ident.split("/")[0]
        # The label names what is being checked: the skip rows of surfaces no profile declares pass by unnamed.
        if any(surface in t.profile.surfaces for t in self.targets):
            self.surface = surface
        if self.verbosity >= 1:
            shown = f" — {_one_line(message)}" if message and verdict != "pass" else ""
            self.line(f"{verdict.upper():5} {ident} [{vendor}]{shown}")
        if self._progress is not None:
            self._progress.update(self._task, completed=self.done, description=self._spent())
        elif any(t.mode != Mode.REPLAY for t in self.targets) and self.verbosity >= 0:
            now = time.monotonic()
            if now - self._last_plain >= PLAIN_PROGRESS_EVERY_S:
                self._last_plain = now
                self.line(f"progress: {self.done}/{self.total} checks · {self._spent()} · "
                          f"{now - self.started:.0f} s")

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    # -- at the end -------------------------------------------------------------------------

    def _root_causes(self, report: Report) -> None:
        """First, the problems that took other checks down with them (the report's root_causes)."""
        causes = [c for c in report.root_causes if c["took_down"]]
        if causes:
            self.line("root causes (each left the checks after it undecided):")
        for cause in causes:
            head = f"{cause['check']}: " if cause["check"] else ""
            taken = cause["took_down"]
            self.line(f"  {head}{excerpt(cause['problem'], 140)}")
            self.line(f"    took down {len(taken)}: {', '.join(taken[:8])}" + (" …" if len(taken) > 8 else ""))

    def summary(self, reports: list[Report], regressions: list[str], written: list[str]) -> None:
        self.stop()
        total: Counter[str] = Counter()
        for report in reports:
            counts = report.summary
            total.update(counts)
            if self.verbosity < 0:
                continue
            self.line(f"--- {report.vendor} ({report.mode}): " + ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS))
            self._root_causes(report)
            for row in by_severity([r for r in report.results if r.verdict in _SHOWN]):
                self.line(f"{row.verdict.upper():5} {row.id}: {_one_line(row.message)}")
            for verdict in report.client_verdicts():  # issue 22: the one line per coding agent
                self.line(verdict.line)
            metrics = report.metrics
            if report.mode != Mode.REPLAY:
                self.line(f"spent: {metrics.requests} requests, {metrics.output_tokens} output tokens; "
                          f"TTFT p50 {metrics.ttft_p50_ms} ms, p90 {metrics.ttft_p90_ms} ms (timing probes sent alone)")
        for line in regressions:
            self.line(line)
        for path in written:
            if self.verbosity >= 0:
                self.line(f"reports: {path}")
        checks = sum(total.values())
        compared = [r.baseline for r in reports if r.baseline is not None]
        against = (f"; against the baseline: {sum(len(c.regressed) for c in compared)} regressions, "
                   f"{sum(len(c.new_failures) for c in compared)} new failures" if compared else "")
        stopped = any(r.interrupted for r in reports)
        self.line(f"llmconform: {'INTERRUPTED, ' if stopped else ''}{checks} checks"
                  + (" decided before the stop" if stopped else "") + " — "
                  + ", ".join(f"{total.get(v, 0)} {v}" for v in VERDICTS)
                  + against + f" ({time.monotonic() - self.started:.1f} s){_sdk_skips(reports)}")
