"""From a check's outcome to its report row: the verdict and its evidence (what was expected,
what arrived, the reproduction), and for an exchange that did not deliver, the one check that owns
it — one FAIL per root cause, the other readers left undecided, naming it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from llmconform import result
from llmconform.checkid import check_id
from llmconform.exchange import Exchange
from llmconform.fixtures import TARGET_FIXTURE, exchanges_of, measured_of, probe_fixtures
from llmconform.target import Target
from llmconform.verdict import Undelivered, Verdict, excerpt


@dataclass
class Row(result.Row):
    """A check's verdict while the run goes on: the report's row, plus what places it among the
    owners of one root cause (merged into one FAIL at the end)."""

    cause: str = ""  # root-cause key of an undelivered exchange this row failed or erred on
    rank: tuple[int, int] = (1, 0)  # which of several owners of one cause keeps the FAIL: lowest


@dataclass
class Owners:
    """Who owns an exchange that did not deliver: per (target, surface, probe), the selected checks
    reading it in suite order and the owners its fixture declares (by outcome kind)."""

    readers: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    declared: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)
    primary: set[tuple[str, str, str]] = field(default_factory=set)
    order: dict[str, int] = field(default_factory=dict)

    def note(self, items: list[pytest.Item]) -> None:
        for index, item in enumerate(items):
            target, ident = target_of(item), check_id(item)
            if target is None or ident is None:
                continue
            self.order.setdefault(ident[1], index)
            if item.get_closest_marker("skip"):
                continue
            for (surface, name), owners, primary in probe_fixtures(item):
                key = (target.name, surface, name)
                self.readers.setdefault(key, []).append(ident[1])
                if owners:
                    self.declared[key] = {kind: f"{surface}/{owner}" for kind, owner in owners.items()}
                if primary:
                    self.primary.add(key)

    def of(self, target: Target, surface: str, ident: str, exc: Undelivered) -> tuple[str, bool]:
        """(the check owning this undelivered exchange, whether its probe is a primary one)."""
        exchange = exc.context.get("exchange")
        request = exchange.request if isinstance(exchange, Exchange) else None
        key = (target.name, request.surface if request else surface, request.probe if request else "")
        readers = self.readers.get(key, [])
        primary = key in self.primary
        if exc.owner:
            wanted = exc.owner if exc.owner.count("/") == 2 else f"{surface}/{exc.owner}"
            if wanted in self.order:
                return wanted, primary
        declared = self.declared.get(key, {})
        owner = declared.get(exc.kind) or declared.get("*")
        if owner and owner in readers:
            return owner, primary
        return (readers[0] if readers else ident), primary


def merge_root_causes(rows: list[Row]) -> None:
    """One FAIL per root cause: where several checks own the same cause (the same 500 to the stream
    and to the tool stream), the one on the primary probe, or else the first, keeps it; the others
    and every check pointing at them are left undecided, naming it."""
    keepers: dict[str, Row] = {}
    for row in sorted((r for r in rows if r.verdict == "fail" and r.cause), key=lambda r: r.rank):
        keepers.setdefault(row.cause, row)
    moved: dict[str, str] = {}
    for row in rows:
        # `cause#probe` (a refusal probe's 500): one problem with the same 500 to a plain request only.
        keeper = (keepers.get(row.cause.split("#")[0]) or keepers.get(row.cause)) if row.cause else None
        if row.verdict == "fail" and keeper is not None and keeper is not row:
            moved[row.id] = keeper.id
            _point_at(row, keeper.id, keeper.evidence.get("root_cause", ""))
    for row in rows:
        see = row.evidence.get("see")
        if row.verdict == "error" and see in moved:
            _point_at(row, moved[see], row.evidence.get("root_cause", ""))


def _point_at(row: Row, owner: str, summary: str) -> None:
    row.verdict = "error"
    row.message = f"{summary or 'undelivered'} (see {owner})"
    row.evidence["see"] = owner


def target_of(item: pytest.Item) -> Target | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get(TARGET_FIXTURE) if callspec else None


def row_of(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport, target: Target,
         surface: str, ident: str, *, owners: Owners) -> Row:
    redact = target.redactor.text
    exchanges: list[Exchange] = exchanges_of(item)
    evidence: dict[str, Any] = {}
    if exchanges:
        evidence["exchanges"] = [target.redactor.data(ex.evidence()) for ex in exchanges]
    if measured_of(item):
        evidence["measured"] = target.redactor.data(dict(measured_of(item)))
    reproduce = redact(exchanges[-1].curl()) if exchanges else ""
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return Row(ident, surface, "skip", redact(reason.removeprefix("Skipped: ")), evidence, reproduce)
    if report.passed:
        return Row(ident, surface, "pass", "", evidence, reproduce)
    exc = call.excinfo.value if call.excinfo else None
    if isinstance(exc, Undelivered):
        # One problem, one FAIL: its owner fails with the evidence, the others name the owner.
        evidence.update({"expected": exc.expected, "received": exc.received, "root_cause": redact(exc.summary)})
        evidence.update(target.redactor.data({k: v for k, v in exc.context.items() if k != "exchange"}))
        culprit = exc.context.get("exchange")
        if isinstance(culprit, Exchange):
            reproduce = redact(culprit.curl())
        owner, primary = owners.of(target, surface, ident, exc)
        rank = (0 if primary else 1, owners.order.get(ident, 1 << 30))
        if owner == ident:
            return Row(ident, surface, "fail", redact(exc.message), evidence, reproduce, cause=exc.cause, rank=rank)
        evidence["see"] = owner
        return Row(ident, surface, "error", redact(f"{exc.summary} (see {owner})"), evidence, reproduce,
                   cause=exc.cause, rank=rank)
    if isinstance(exc, Verdict):
        evidence.update({"expected": exc.expected, "received": exc.received})
        evidence.update(target.redactor.data({k: v for k, v in exc.context.items() if k != "exchange"}))
        culprit = exc.context.get("exchange")
        if isinstance(culprit, Exchange):
            reproduce = redact(culprit.curl())
            evidence["culprit"] = f"{culprit.request.surface}:{culprit.request.probe}"
        return Row(ident, surface, exc.verdict, redact(exc.message), evidence, reproduce)
    if isinstance(exc, AssertionError):
        return Row(ident, surface, "fail", redact(excerpt(str(exc), 400)), evidence, reproduce)
    # Anything else is the suite's own bug: reported, never counted as a provider's fault.
    where = call.excinfo.traceback[-1] if call.excinfo else None
    detail = f"{type(exc).__name__}: {exc}" + (f" at {where.path}:{where.lineno + 1}" if where else "")
    return Row(ident, surface, "error", redact("suite error — " + excerpt(detail, 400)), evidence, reproduce)
