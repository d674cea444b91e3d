"""The pytest plugin of one `llmconform run`: parametrizes the checks by target, selects and skips
them, turns each test's outcome into a report row, and writes the reports.

It is an object handed to `pytest.main(plugins=[...])` by the CLI, never an auto-loaded entry
point: installing llmconform adds no option and no hook to anybody else's pytest run.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from llmconform import result
from llmconform.checkid import check_id, rule_of
from llmconform.console import Console
from llmconform.exchange import Exchange
from llmconform.fixtures import TARGET_FIXTURE, exchanges_of, probe_fixtures, probes_of
from llmconform.report import build_report, write_reports
from llmconform.report.baseline import compare as compare_baseline
from llmconform.report.baseline import lines as baseline_lines
from llmconform.result import Report
from llmconform.settings import RunSettings
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
            target, ident = _target_of(item), check_id(item)
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


def selected(ident: str, surface: str, settings: RunSettings) -> bool:
    """Whether a check is among those the command line asked for (all, when it named none)."""
    if settings.surfaces and surface not in settings.surfaces:
        return False
    if not settings.checks and not settings.select:
        return True
    return ident in settings.checks or any(fnmatch.fnmatchcase(ident, glob) for glob in settings.select)


def _target_of(item: pytest.Item) -> Target | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get(TARGET_FIXTURE) if callspec else None


class Plugin:
    # The name it is registered under, which the suite's conftest looks for.
    __name__ = "llmconform"

    def __init__(self, settings: RunSettings, targets: list[Target], console: Console,
                 baselines: dict[str, Report] | None = None) -> None:
        self.settings = settings
        self.baselines = baselines or {}  # vendor -> its --baseline report, read before any request
        self.results: list[Report] = []  # the run's reports, as the result model reads them
        self.written: list[str] = []  # the report files written
        self.targets = targets
        self.console = console
        self.rows: dict[str, list[Row]] = {t.name: [] for t in targets}
        self.started = time.time()
        self.regressions: list[str] = []
        self.collect_errors: list[str] = []
        self.exit_code = 0
        self.owners = Owners()

    # -- collection -------------------------------------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "feature(name): the check needs a feature the profile must declare")
        config.addinivalue_line("markers", "live_only: the check needs generated requests (no cassette can hold)")
        config.addinivalue_line("markers", "check(id): the check's id, surface/concern/name")
        config.addinivalue_line("markers", "after_all: the check reads every exchange of the run, so it runs last")

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if TARGET_FIXTURE in metafunc.fixturenames:
            metafunc.parametrize(TARGET_FIXTURE, self.targets, ids=[t.name for t in self.targets], scope="session")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(f"{report.nodeid}: {excerpt(str(report.longrepr), 600)}")

    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        keep, deselected = [], []
        for item in items:
            ident = check_id(item)
            if ident is None:
                self.collect_errors.append(f"{item.nodeid}: declares no check id (@pytest.mark.check(\"s/c/n\"))")
                continue
            if not selected(ident[1], ident[0], self.settings):
                deselected.append(item)
                continue
            keep.append(item)
            target = _target_of(item)
            reason = _skip_reason(item, target, ident[0]) if target else None
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = keep
        if self.collect_errors:
            return  # the suite itself is broken: nothing is sent, the CLI reports it
        # Checks over every exchange of a run (the error envelopes of all it saw) run after the others.
        items.sort(key=lambda item: bool(item.get_closest_marker("after_all")))
        self.owners.note(items)
        plans = {}
        for target in self.targets:
            runs = [item for item in items if _target_of(item) is target and not item.get_closest_marker("skip")]
            probes = [p for item in runs for p in probes_of(item) if target.surface_config(p[0]) is not None]
            idents = [ident for _, ident in filter(None, (check_id(item) for item in runs))]
            phases = [(ident.split("/")[0], ident.rsplit("/", 1)[1].removeprefix("fuzz-"))
                      for ident in idents if "/schema/" in ident]
            requests, tokens = target.plan(probes, phases)
            target.client.budget.size(target.client.budget.requests + requests, tokens)
            plans[target.name] = (requests, tokens)
        self.console.start(len(items), self.targets, plans)
        # Every exchange the selected checks will read, sent before the first check runs.
        for target in self.targets:
            target.prefetch(p for item in items if _target_of(item) is target and not item.get_closest_marker("skip")
                            for p in probes_of(item) if target.surface_config(p[0]) is not None)

    # -- verdicts ---------------------------------------------------------------------------

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
        outcome: Any = yield
        report: pytest.TestReport = outcome.get_result()
        target = _target_of(item)
        ident = check_id(item)
        if target is None or ident is None:
            return
        if report.when == "teardown" or (report.when == "setup" and report.passed):
            return
        row = _row(item, call, report, target, *ident, owners=self.owners)
        if row.verdict == "warn":
            report.outcome = "passed"
        self.rows[target.name].append(row)
        self.console.row(target.name, row.id, row.verdict, row.message)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        for target in self.targets:
            target.close()
        failed = False
        rules = {ident[1]: rule_of(item) for item in session.items if (ident := check_id(item))}
        for target in self.targets:
            merge_root_causes(self.rows[target.name])
            report = build_report(target, self.rows[target.name], started=self.started, rules=rules)
            baseline = self.baselines.get(target.name)
            if baseline is not None:
                report.baseline = compare_baseline(report, baseline, self.settings.baseline or "")
                self.regressions += baseline_lines(report)
                failed |= bool(report.baseline.regressed)
            else:
                failed |= report.summary["fail"] > 0
            self.results.append(report)
        settings = self.settings
        self.written = write_reports(self.results, json_path=settings.report_json, md_path=settings.report_md,
                                     html_path=settings.report_html, junit_path=settings.junit,
                                     directory=settings.report_dir)
        self.exit_code = 1 if failed else 0

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        for target in self.targets:
            target.client.close()


def _skip_reason(item: pytest.Item, target: Target, surface: str) -> str | None:
    config = target.surface_config(surface)
    if config is None:
        return f"surface {surface} not declared by profile {target.name}"
    for marker in item.iter_markers("feature"):
        needed = marker.args[0]
        if needed not in config.features:
            return f"feature '{needed}' not declared for {surface} by profile {target.name}"
    if item.get_closest_marker("live_only") and target.mode == "replay":
        # A recorded live run holds its generated cases (positive:0.., negative:0..): those replay.
        phase = getattr(item, "originalname", item.name).removeprefix("test_fuzz_")
        held = target.cassettes.generated(surface) if target.cassettes is not None else set()
        if phase not in held:
            return (f"generated requests are sent live only: the cassettes of {target.name} hold no generated "
                    f"{surface} {phase} case (a live run with --record writes them)")
    return None


def _row(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport, target: Target,
         surface: str, ident: str, *, owners: Owners) -> Row:
    redact = target.redactor.text
    exchanges: list[Exchange] = exchanges_of(item)
    evidence: dict[str, Any] = {}
    if exchanges:
        evidence["exchanges"] = [target.redactor.data(ex.evidence()) for ex in exchanges]
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
