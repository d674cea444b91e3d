"""From a check's outcome to its report row: the verdict and its evidence (what was expected,
what arrived, the reproduction), and for an exchange that did not deliver, the one check that owns
it — one FAIL per root cause, the other readers left undecided, naming it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from llmconform import factory, result
from llmconform.checkid import Binding, check_id
from llmconform.exchange import Exchange
from llmconform.fixtures import TARGET_FIXTURE, exchanges_of, measured_of, probe_fixtures
from llmconform.settings import Mode
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
        exchange = exc.exchange
        request = exchange.request if isinstance(exchange, Exchange) else None
        key = (target.name, request.surface if request else surface, request.entry if request else "")
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


SHOULD_NOTE = "a SHOULD rule may only warn: FAIL downgraded to WARN"


def bound(row: Row, binding: Binding | None) -> Row:
    """The row with its rule's level and source; a FAIL of a "should" check becomes a WARN, saying
    so — only a rule the official API states (a "must") may fail a provider."""
    if binding is None:
        return row
    row.level, row.source = binding.level, binding.source
    if binding.level == "should" and row.verdict == "fail":
        row.verdict = "warn"
        row.message = f"{row.message} ({SHOULD_NOTE})" if row.message else SHOULD_NOTE
        row.evidence["downgraded"] = SHOULD_NOTE
    return row


# How a key in each auth style is sent, and the style a relay that drops it may still pass on.
AUTH_HEADERS = {"bearer": "Authorization: Bearer", "x-api-key": "x-api-key", "x-goog-api-key": "x-goog-api-key",
                "query-key": "the ?key= query parameter"}
OTHER_STYLE = {"x-api-key": "bearer", "bearer": "x-api-key", "x-goog-api-key": "query-key",
               "query-key": "x-goog-api-key"}


def dropped_header(target: Target, exchange: Exchange) -> tuple[str, str] | None:
    """(the auth header, the evidence) when a request sent with the user's key was refused (401/403)
    and the same key is accepted elsewhere: in another header style on the surface's plain request,
    or by the model list in the same style — the key is right and something on the way (a relay)
    drops the header. None when nothing shows it (then the key itself may be wrong)."""
    request = exchange.request
    if exchange.status not in (401, 403) or request.auth != "valid" or target.mode == Mode.REPLAY:
        return None
    style = request.auth_style or target.profile.auth_style_for(request.surface)
    if style not in OTHER_STYLE:
        return None
    evidence = []
    try:
        basic = target.request(request.surface, "basic")
    except (KeyError, ValueError):
        basic = None
    if basic is not None:
        other = OTHER_STYLE[style]
        retried = target.send(replace(basic, probe=f"basic:auth-{other}", auth_style=other))
        if retried.status is not None and 200 <= retried.status < 300:
            evidence.append(f"accepted in {AUTH_HEADERS[other]} on the same endpoint")
    if exchange.status == 401:  # not a 403: a key that may list the models may still lack a model's access
        listed = target.send(factory.request(request.surface, "preflight-models", model=None,
                                             operation=target.surface(request.surface).model_list, method="get"))
        if listed.status is not None and 200 <= listed.status < 300:
            evidence.append(f"accepted by the model list ({listed.request.method} {listed.request.path})")
    if not evidence:
        return None
    header = AUTH_HEADERS[style]
    return header, (f"the key sent in {header} was refused ({exchange.status}), but the same key was "
                    f"{' and '.join(evidence)}: {header} is dropped on the way (not forwarded upstream)")


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
        evidence.update(target.redactor.data(exc.evidence()))
        culprit = exc.exchange
        if isinstance(culprit, Exchange):
            reproduce = redact(culprit.curl())
            dropped = dropped_header(target, culprit) if exc.kind == "refused" else None
            if dropped:
                exc.summary = f"{exc.summary}: {dropped[1]}"
                evidence.update({"root_cause": redact(exc.summary), "dropped_header": dropped[0]})
        owner, primary = owners.of(target, surface, ident, exc)
        rank = (0 if primary else 1, owners.order.get(ident, 1 << 30))
        if owner == ident:
            message = exc.message + (f" — {evidence['root_cause']}" if "dropped_header" in evidence else "")
            return Row(ident, surface, "fail", redact(message), evidence, reproduce, cause=exc.cause, rank=rank)
        evidence["see"] = owner
        return Row(ident, surface, "error", redact(f"{exc.summary} (see {owner})"), evidence, reproduce,
                   cause=exc.cause, rank=rank)
    if isinstance(exc, Verdict):
        evidence.update({"expected": exc.expected, "received": exc.received})
        evidence.update(target.redactor.data(exc.evidence()))
        culprit = exc.exchange
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
