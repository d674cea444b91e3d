"""The pytest plugin of one `llmconform run`: parametrizes the checks by target, selects and skips
them, turns each test's outcome into a report row, and writes the reports.

It is an object handed to `pytest.main(plugins=[...])` by the CLI, never an auto-loaded entry
point: installing llmconform adds no option and no hook to anybody else's pytest run.
"""

from __future__ import annotations

import contextlib
import fnmatch
import gc
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pytest_recording import network

from llmconform import interrupt, sdkcache, sdklane
from llmconform.checkid import binding_of, binding_problems, check_id, rule_of
from llmconform.console import Console
from llmconform.exchange import Exchange
from llmconform.fixtures import EXCHANGES, TARGET_FIXTURE, exchanges_of, probes_of
from llmconform.report import build_report, write_reports
from llmconform.report.baseline import compare as compare_baseline
from llmconform.report.baseline import lines as baseline_lines
from llmconform.result import Report
from llmconform.rows import Owners, Row, bound, merge_root_causes, row_of, target_of
from llmconform.settings import Mode, RunSettings
from llmconform.target import Target
from llmconform.verdict import Skip, excerpt


def selected(ident: str, surface: str, settings: RunSettings) -> bool:
    """Whether a check is among those the command line asked for (all, when it named none)."""
    if settings.surfaces and surface not in settings.surfaces:
        return False
    if not settings.checks and not settings.select:
        return True
    return ident in settings.checks or any(fnmatch.fnmatchcase(ident, glob) for glob in settings.select)


class Plugin:
    # The name it is registered under, which the suite's conftest looks for.
    __name__ = "llmconform"

    def __init__(self, settings: RunSettings, targets: list[Target], console: Console,
                 baselines: dict[str, Report] | None = None, lane: sdklane.Lane | None = None,
                 answers: sdkcache.Answers | None = None) -> None:
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
        self.interrupted = False
        self.owners = Owners()
        self._setup_s: dict[str, float] = {}
        self._closing = contextlib.ExitStack()  # what the run holds open until it ends (unconfigure)
        # The SDK lane's worker, when the CLI started it as soon as it knew the run was a replay.
        self.lane: sdklane.Lane | None = lane
        # The SDK answers stored by the last replay of the same command line (sdkcache): warm, the
        # worker is started only for a check whose inputs changed.
        self.answers = answers or sdkcache.Answers(None, None)
        self._decided: list[pytest.Item] = []  # skipped before they run, never run (_decide_skips)
        # Their rows in suite order, each with how many checks run before it (it is reported when
        # the next check starts): (checks before it, vendor, row).
        self._decided_rows: list[tuple[int, str, Row]] = []
        self._started = 0  # the checks pytest has started to run
        self._reported = 0  # the rows of _decided_rows reported so far

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self.settings.replay:
            # A replay must never reach the network: pytest-recording's guard, on from before the
            # cassettes are read to the end of the run. (Its pytest plugin would set it up and tear
            # it down around every check, through five fixtures each: a tenth of a replay's checks.)
            self._closing.enter_context(network.blocking_context())
            settings = self.settings
            if not session.config.option.collectonly and not self.answers.warm \
                    and sdklane.early(settings.checks, settings.select, settings.pytest_args):
                # The SDK checks run in a worker that imports the SDKs meanwhile (sdklane): more
                # CPU than collecting the suite, off the replay's path.
                self.lane = self.lane or sdklane.start()
        if self.lane is not None and (not self.settings.replay or session.config.option.collectonly):
            self.lane.stop()  # nothing for it to run
            self.lane = None
        if self.lane is not None:
            self._closing.callback(self.lane.stop)

    # -- collection -------------------------------------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "feature(name): the check needs a feature the profile must declare")
        config.addinivalue_line("markers", "live_only: the check needs generated requests (no cassette can hold)")
        config.addinivalue_line("markers", "check(id, level, source): the check's id, surface/concern/name; "
                                "its level (must | should) and the official source of its rule")
        config.addinivalue_line("markers", "after_all: the check reads every exchange of the run, so it runs last")
        # Thaws what collection froze (pytest_collection_finish) once the run is over: registered
        # before pytest's own clean-ups, it runs after them (the last of them collects garbage once
        # more, cheaply while the long-lived objects are frozen), and a run inside a longer process
        # (the self-tests) leaves nothing pinned.
        config.add_cleanup(gc.unfreeze)

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if TARGET_FIXTURE in metafunc.fixturenames:
            metafunc.parametrize(TARGET_FIXTURE, self.targets, ids=[t.name for t in self.targets], scope="session")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(f"{report.nodeid}: {excerpt(str(report.longrepr), 600)}")

    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        keep, deselected = [], []
        skipped: dict[pytest.Item, str] = {}  # decided while collecting: not declared, or live only
        for item in items:
            ident = check_id(item)
            if ident is None:
                self.collect_errors.append(f"{item.nodeid}: declares no check id (@pytest.mark.check(\"s/c/n\"))")
                continue
            # Every rule says how binding it is and where it comes from: a check without either is
            # the suite's bug, refused before a request is sent. (binding_of is None exactly when
            # there are problems; asked first, it is worked out here once for the whole run.)
            if binding_of(item) is None:
                self.collect_errors += [f"{item.nodeid}: {problem}" for problem in binding_problems(item)]
            if not selected(ident[1], ident[0], self.settings):
                deselected.append(item)
                continue
            keep.append(item)
            target = target_of(item)
            reason = _skip_reason(item, target, ident[0]) if target else None
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))
                skipped[item] = reason
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = keep
        if self.collect_errors:
            # The suite itself is broken: no check runs, nothing is sent, the CLI reports it.
            config.hook.pytest_deselected(items=list(items))
            items[:] = []
            return
        # Checks over every exchange of a run (the error envelopes of all it saw) run after the others.
        items.sort(key=lambda item: bool(item.get_closest_marker("after_all")))
        self.owners.note(items)
        plans = {}
        for target in self.targets:
            runs = [item for item in items if target_of(item) is target and not item.get_closest_marker("skip")]
            probes = [p for item in runs for p in probes_of(item) if target.surface_config(p[0]) is not None]
            idents = [ident for _, ident in filter(None, (check_id(item) for item in runs))]
            phases = [(ident.split("/")[0], ident.rsplit("/", 1)[1].removeprefix("fuzz-"))
                      for ident in idents if "/schema/" in ident]
            by_surface = target.plan(probes, phases)
            requests, tokens = (sum(spent[i] for spent in by_surface.values()) for i in (0, 1))
            target.client.budget.size(target.client.budget.requests + requests, tokens)
            plans[target.name] = (requests, tokens)
            if self.settings.plan:
                self.console.plan(target, by_surface, len(runs), target.costs(probes))
        if self.settings.plan:  # --plan: what would be sent is printed, and nothing runs
            config.hook.pytest_deselected(items=list(items))
            items[:] = []
            return
        if self.settings.replay and not config.option.collectonly:
            # The worker's checks run after the others (ownership stays in suite order, noted above;
            # rows are sorted by id): the worker has the whole replay to import the SDKs.
            items.sort(key=lambda item: (bool(item.get_closest_marker("after_all")), _in_lane(item)))
        self.console.start(len(items), self.targets, plans)
        # Every exchange the selected checks will read, sent before the first check runs.
        for target in self.targets:
            target.prefetch(p for item in items if target_of(item) is target and not item.get_closest_marker("skip")
                            for p in probes_of(item) if target.surface_config(p[0]) is not None)
        if not config.option.collectonly:
            self._decide_skips(items, skipped)

    def _decide_skips(self, items: list[pytest.Item], skipped: dict[pytest.Item, str]) -> None:
        """The checks skipped before they would run get their rows here instead of going through
        pytest's run of each (a millisecond apiece in setup, capture, logging and report hooks):
        those skipped while collecting (a surface or feature the profile does not declare,
        generated cases a replay does not hold: most rows of a multi-vendor replay), and in a
        replay those whose probe fixtures skip (an exchange the cassettes do not hold). Each row
        is the one row_of gives such a skip, and is reported where the check would have run:
        before the next check that runs."""
        keep = []
        for item in items:
            target, ident = target_of(item), check_id(item)
            if target is None or ident is None:
                keep.append(item)
                continue
            reason = skipped.get(item)
            if reason is None and target.mode == Mode.REPLAY:
                reason = _setup_skip(item, target)
            if reason is None:
                keep.append(item)
                continue
            exchanges = exchanges_of(item)
            evidence = {"exchanges": [target.redactor.data(ex.evidence()) for ex in exchanges]} if exchanges else {}
            reproduce = target.redactor.text(exchanges[-1].curl()) if exchanges else ""
            row = bound(Row(ident[1], ident[0], "skip", target.redactor.text(reason), evidence, reproduce),
                        binding_of(item))
            row.duration_s = 0.0
            self._decided_rows.append((len(keep), target.name, row))
            self._decided.append(item)
        items[:] = keep

    def _report_decided(self, started: int | None = None) -> None:
        """The decided rows that come before the check number `started` (1, 2, …), or all the rest."""
        rows = self._decided_rows
        while self._reported < len(rows) and (started is None or rows[self._reported][0] < started):
            _, vendor, row = rows[self._reported]
            self._reported += 1
            self.rows[vendor].append(row)
            self.console.row(vendor, row.id, row.verdict, row.message)

    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        self._report_decided(self._started + 1)
        self._started += 1

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        in_lane = any(map(_in_lane, session.items))
        if self.lane is not None and not in_lane:
            # No SDK check left to run (`-k`, `--check`, all skipped): its imports would only take CPU.
            self.lane.stop()
            self.lane = None
        elif (self.lane is None and in_lane and self.settings.replay and not session.config.option.collectonly
              and not self.settings.plan and not self.answers.warm):
            # A replay that picked its checks (sdklane.early): an SDK check is left, so the worker starts now.
            self.lane = sdklane.start()
            if self.lane is not None:
                self._closing.callback(self.lane.stop)
        # What is alive once the suite is collected (the imported packages, the specs, the items)
        # lives until the run ends: frozen, the collector stops walking it at every full collection
        # (those walks were a third of an offline replay). Thawed at the end (the clean-up pytest_configure registers).
        gc.freeze()
        # A row's evidence is the verdict's own (rows.row_of), never pytest's formatting of a failed
        # check's traceback; `--tb` (a terminal option, and the terminal is off) would make that
        # formatting read, parse and print every frame's source and arguments: ~40 ms per WARN.
        # Set once the suite is collected, so a suite error while collecting keeps its traceback.
        session.config.option.tbstyle = "no"

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        """An SDK check of a replay runs in the SDK lane's worker, on a copy of its exchanges."""
        ident = check_id(pyfuncitem)
        if not self.settings.replay or ident is None or not sdklane.takes(ident[1]):
            return None
        if self.lane is None and not self.answers.warm:
            return None  # no worker (no SDK installed, or a collect-only): pytest runs it here
        given = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        args = {name: value for name, value in given.items() if isinstance(value, Exchange)}
        if len(args) != len(given):
            return None
        path, name = pyfuncitem.path, pyfuncitem.function.__name__
        key = self.answers.key(path, name, args)
        answer = self.answers.get(key)
        if answer is None:
            if self.lane is None:  # warm, but this check's inputs changed since: the worker starts now
                self.lane = sdklane.start()
                if self.lane is None:
                    return None
                self._closing.callback(self.lane.stop)
            try:
                answer = self.lane.ask(path, name, args)
            except sdklane.NotPortable:
                return None  # pytest runs it here, as in a live run
            self.answers.put(key, answer)
        sdklane.conclude(answer, list(args.values()))
        return True

    # -- verdicts ---------------------------------------------------------------------------

    # A Skip raised below the plugin (a fixture's exchange not recorded, a check with nothing to
    # read) becomes pytest's own skip here, the one place that knows pytest's verdicts: pytest then
    # counts, reports and writes it as every other skip. It is raised after the `except`, so the
    # Skip is not chained to it as its context: pytest would walk that one's whole traceback,
    # reading each frame's source line, for a report line nobody reads (~1 ms per skip, 510 skips
    # in an offline replay).
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Generator[None, None, None]:
        try:
            return (yield)
        except Skip as exc:
            reason = exc.reason
        pytest.skip(reason)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        try:
            return (yield)
        except Skip as exc:
            reason = exc.reason
        pytest.skip(reason)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
        outcome: Any = yield
        report: pytest.TestReport = outcome.get_result()
        if report.when == "teardown":
            return
        target = target_of(item)
        ident = check_id(item)
        if target is None or ident is None:
            return
        if report.when == "setup" and report.passed:
            self._setup_s[item.nodeid] = report.duration  # waiting for its exchanges: part of the check's time
            return
        row = bound(row_of(item, call, report, target, *ident, owners=self.owners), binding_of(item))
        row.duration_s = round(report.duration + self._setup_s.pop(item.nodeid, 0.0), 3)
        if row.verdict == "warn":
            report.outcome = "passed"
        self.rows[target.name].append(row)
        self.console.row(target.name, row.id, row.verdict, row.message)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        # Ctrl-C or SIGTERM: what was decided is reported as such, nothing in flight is waited for.
        self.interrupted = exitstatus == pytest.ExitCode.INTERRUPTED or interrupt.STOP.is_set()
        for target in self.targets:
            target.close(interrupted=self.interrupted)
        if self.collect_errors or self.settings.plan:
            return  # no report of a suite that could not be collected, nor of a plan
        if not self.interrupted:
            self._report_decided()
        failed = False
        rules = {}
        for item in [*getattr(session, "items", []), *self._decided]:  # none when interrupted during collection
            ident, binding = check_id(item), binding_of(item)
            if ident:
                rules[ident[1]] = (rule_of(item), binding.level if binding else "", binding.source if binding else "")
        for target in self.targets:
            merge_root_causes(self.rows[target.name])
            report = build_report(target, self.rows[target.name], started=self.started, rules=rules)
            report.interrupted = self.interrupted
            baseline = self.baselines.get(target.name)
            if baseline is not None:
                report.baseline = compare_baseline(report, baseline, self.settings.baseline or "")
                self.regressions += baseline_lines(report)
                failed |= report.baseline.failing
            else:
                failed |= report.summary["fail"] > 0
            self.results.append(report)
        settings = self.settings
        self.written = write_reports(self.results, json_path=settings.report_json, md_path=settings.report_md,
                                     html_path=settings.report_html, junit_path=settings.junit,
                                     directory=settings.report_dir)
        self.exit_code = interrupt.EXIT_INTERRUPTED if self.interrupted else 1 if failed else 0
        if not self.interrupted:
            self.answers.save()

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        for target in self.targets:
            target.client.close()
        self._closing.close()


def _in_lane(item: pytest.Item) -> bool:
    """An SDK check that will run (sdklane): a replay runs it in the worker."""
    ident = check_id(item)
    return ident is not None and sdklane.takes(ident[1]) and not item.get_closest_marker("skip")


def _setup_skip(item: pytest.Item, target: Target) -> str | None:
    """Why a check of a replay skips while its probe fixtures are set up (an exchange the cassettes
    do not hold), found by running those fixtures as pytest would, in its order, each read from the
    exchanges prefetched: the reason, with the exchanges it read on the check, or None (and nothing
    kept) when it would run — or when a fixture is not a probe's, or fails otherwise: pytest sets
    those up itself."""
    fixtureinfo = getattr(item, "_fixtureinfo", None)
    callspec = getattr(item, "callspec", None)
    if fixtureinfo is None or callspec is None:
        return None
    probes = []
    for name in getattr(item, "fixturenames", ()):
        if name in callspec.params or name in _PLAIN_FIXTURES:
            continue
        definitions = fixtureinfo.name2fixturedefs.get(name, ())
        func = definitions[-1].func if definitions else None
        if func is None or getattr(func, "llmconform_probe", None) is None:
            return None
        probes.append(func)
    request = _Setup(item)
    # Any other outcome (a verdict, a suite error) pytest meets again in its own setup, and reports.
    with contextlib.suppress(Exception):
        try:
            for func in probes:
                func(request=request, llmconform_target=target)
        except Skip as exc:
            return exc.reason
    item.stash[EXCHANGES] = []  # pytest's setup records them again
    return None


# Fixtures that set nothing up of their own: the request, the target, and the suite's autouse one.
_PLAIN_FIXTURES = frozenset({"request", TARGET_FIXTURE, "_target"})


@dataclass(frozen=True)
class _Setup:
    """What a probe fixture reads of pytest's request: the check (`node`)."""

    node: pytest.Item


def _skip_reason(item: pytest.Item, target: Target, surface: str) -> str | None:
    config = target.surface_config(surface)
    if config is None:
        return f"surface {surface} not declared by profile {target.name}"
    for marker in item.iter_markers("feature"):
        needed = marker.args[0]
        if needed not in config.features:
            return f"feature '{needed}' not declared for {surface} by profile {target.name}"
    if item.get_closest_marker("live_only") and target.mode == Mode.REPLAY:
        # A recorded live run holds its generated cases (positive:0.., negative:0..): those replay.
        phase = getattr(item, "originalname", item.name).removeprefix("test_fuzz_")
        held = target.cassettes.generated(surface) if target.cassettes is not None else set()
        if phase not in held:
            return (f"generated requests are sent live only: the cassettes of {target.name} hold no generated "
                    f"{surface} {phase} case (a live run with --record writes them)")
    return None
