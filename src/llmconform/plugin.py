"""The pytest plugin: options, the target fixture, probe fixtures, verdicts, reports, exit code.

It stays inert in any pytest run whose tests do not ask for `llmconform_target` (the suite's
`tests/conftest.py` does), so it can be installed as an entry point without touching other
projects' test runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from llmconform.client import Limits
from llmconform.exchange import Exchange
from llmconform.profile import Profile, ProfileError, load_profile, profile_from_flags
from llmconform.report import build_report, compare_baseline, root_causes, write_reports
from llmconform.target import Target, build_target
from llmconform.verdict import Undelivered, Verdict, excerpt

TARGET_FIXTURE = "llmconform_target"
EXCHANGES = pytest.StashKey[list[Exchange]]()
STATE = pytest.StashKey["RunState"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("llmconform", "llmconform: conformance of LLM API providers")
    add = group.addoption
    add("--profile", action="append", default=[], metavar="FILE", help="provider profile YAML (repeatable)")
    add("--base-url", metavar="URL", help="provider base URL, the part before /v1/... (instead of --profile)")
    add("--api-key-env", metavar="VAR", help="environment variable that holds the key (with --base-url)")
    add("--surface", action="append", default=[], metavar="S",
        help="surface(s) to check: openai-chat, openai-responses, anthropic-messages, ... (repeatable)")
    add("--model", metavar="M", help="model to request (with --base-url)")
    add("--feature", action="append", default=[], metavar="F",
        help="feature the provider offers: stream, tools, vision, reasoning, thinking, ... (with --base-url)")
    add("--record", action="store_true", help="live run that writes cassettes under --cassette-dir/<vendor>/")
    add("--replay", action="store_true", help="offline: replay cassettes, never touch the network")
    add("--cassette-dir", default="cassettes", metavar="DIR", help="cassette root (default: cassettes)")
    add("--report-json", metavar="F", help="JSON report")
    add("--report-md", metavar="F", help="Markdown report")
    add("--report-html", metavar="F", help="self-contained HTML report")
    add("--junit", metavar="F", help="JUnit XML report (one testcase per check)")
    add("--report-dir", metavar="DIR", help="write <vendor>.{json,md,html,xml} for every profile")
    add("--baseline", metavar="F", help="earlier JSON report: exit 1 only for regressions against it")
    add("--budget-requests", type=int, metavar="N", help="cap on requests sent (overrides the profile)")
    add("--budget-tokens", type=int, metavar="N", help="cap on output tokens spent (overrides the profile)")
    add("--timeout-read", type=float, default=60.0, metavar="S", help="longest silence inside an answer")
    add("--timeout-total", type=float, default=120.0, metavar="S", help="cap on one whole exchange")
    add("--max-response-bytes", type=int, default=8 * 1024 * 1024, metavar="N", help="response size cap")
    add("--fuzz-cases", type=int, default=5, metavar="N",
        help="schemathesis cases per generated phase in live runs (its default would be 100)")


@dataclass
class Row:
    id: str
    surface: str
    verdict: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    reproduce: str = ""
    cause: str = ""  # root-cause key of an undelivered exchange this row failed or erred on
    rank: tuple[int, int] = (1, 0)  # which of several owners of one cause keeps the FAIL: lowest


@dataclass
class RunState:
    config: pytest.Config
    targets: list[Target] | None = None
    rows: dict[str, list[Row]] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    regressions: list[str] = field(default_factory=list)
    # (target, surface, probe) -> the selected checks reading it, in suite order; and its declared owners
    readers: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    owners: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    primary: set[tuple[str, str, str]] = field(default_factory=set)

    def build_targets(self) -> list[Target]:
        if self.targets is None:
            self.targets = _targets(self.config)
        return self.targets


def _profiles(config: pytest.Config) -> list[Profile]:
    option = config.option
    if option.base_url:
        return [profile_from_flags(option.base_url, option.api_key_env, option.surface, option.model,
                                   option.feature)]
    if not option.profile:
        raise ProfileError("no provider given: use --profile vendors/NAME.yaml, or --base-url URL --model M "
                           "--surface S [--api-key-env VAR]")
    return [load_profile(path) for path in option.profile]


def _targets(config: pytest.Config) -> list[Target]:
    option = config.option
    if option.record and option.replay:
        raise ProfileError("--record and --replay exclude each other")
    mode = "replay" if option.replay else "record" if option.record else "live"
    limits = Limits(read_s=option.timeout_read, total_s=option.timeout_total,
                    max_bytes=option.max_response_bytes)
    try:
        return [build_target(profile, mode=mode, cassette_root=Path(option.cassette_dir), limits=limits,
                             budget_requests=option.budget_requests, budget_tokens=option.budget_tokens,
                             fuzz_cases=option.fuzz_cases)
                for profile in _profiles(config)]
    except ValueError as exc:  # a cassette that cannot be read
        raise ProfileError(str(exc).splitlines()[0]) from None


def _state(config: pytest.Config) -> RunState:
    return config.stash[STATE]


# -- identity of a check ----------------------------------------------------------------------

def check_id(item: pytest.Item) -> tuple[str, str] | None:
    """(surface, surface/concern/name) from tests/<surface>/test_<concern>.py::test_<name>."""
    path = Path(str(item.path))
    if not path.name.startswith("test_"):
        return None
    surface = path.parent.name.replace("_", "-")
    concern = path.stem.removeprefix("test_").replace("_", "-")
    name = getattr(item, "originalname", item.name).removeprefix("test_").replace("_", "-")
    return surface, f"{surface}/{concern}/{name}"


def _target_of(item: pytest.Item) -> Target | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get(TARGET_FIXTURE) if callspec else None


# -- probe fixtures ---------------------------------------------------------------------------

def probe(surface: str, name: str, owners: dict[str, str] | None = None, primary: bool = False) -> Any:
    """A fixture yielding the exchange of one probe, shared by every check that reads it.

    `owners` names the check that owns each way the exchange can fail to deliver (an outcome kind
    such as `refused` or `cut`, or `*` for any), relative to the surface; undeclared, the first
    check reading the probe owns it. The owner fails once; the other readers are left undecided.
    A `primary` probe (the plain request, the stream) keeps the FAIL when the same problem (the
    same refusal) meets several probes.
    """

    def fixture(request: pytest.FixtureRequest, llmconform_target: Target) -> Exchange:
        if llmconform_target.surface_config(surface) is None:
            pytest.skip(f"surface {surface} not declared by profile {llmconform_target.name}")
        exchange = llmconform_target.probe(surface, name)
        request.node.stash.setdefault(EXCHANGES, []).append(exchange)
        exchange.require()
        return exchange

    fixture.llmconform_probe = (surface, name)  # type: ignore[attr-defined]
    fixture.llmconform_owners = owners or {}  # type: ignore[attr-defined]
    fixture.llmconform_primary = primary  # type: ignore[attr-defined]
    return pytest.fixture(fixture)


def exchanges_of(item: pytest.Item) -> list[Exchange]:
    return item.stash.get(EXCHANGES, [])


def record_exchange(item: pytest.Item, exchange: Exchange) -> None:
    """Tests that send ad-hoc requests (schemathesis cases) attach them as evidence this way."""
    item.stash.setdefault(EXCHANGES, []).append(exchange)


def _probes_of(item: pytest.Item) -> list[tuple[str, str]]:
    return [marker for marker, _, _ in _probe_fixtures(item)]


def _probe_fixtures(item: pytest.Item) -> list[tuple[tuple[str, str], dict[str, str], bool]]:
    found = []
    fixtureinfo = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", []):
        for definition in (fixtureinfo.name2fixturedefs.get(name, ()) if fixtureinfo else ()):
            marker = getattr(definition.func, "llmconform_probe", None)
            if marker:
                found.append((marker, getattr(definition.func, "llmconform_owners", {}),
                              getattr(definition.func, "llmconform_primary", False)))
    return found


def _note_readers(state: RunState, items: list[pytest.Item]) -> None:
    """Which selected checks read which probe, in suite order: the owners of undelivered exchanges."""
    for index, item in enumerate(items):
        target, ident = _target_of(item), check_id(item)
        if target is None or ident is None:
            continue
        state.order.setdefault(ident[1], index)
        if item.get_closest_marker("skip"):
            continue
        for (surface, name), owners, primary in _probe_fixtures(item):
            key = (target.name, surface, name)
            state.readers.setdefault(key, []).append(ident[1])
            if owners:
                state.owners[key] = {kind: f"{surface}/{owner}" for kind, owner in owners.items()}
            if primary:
                state.primary.add(key)


def _owner(state: RunState, target: Target, surface: str, ident: str, exc: Undelivered) -> tuple[str, bool]:
    """(the check owning this undelivered exchange, whether its probe is a declared primary one)."""
    exchange = exc.context.get("exchange")
    probe_name = exchange.request.probe if isinstance(exchange, Exchange) else ""
    key = (target.name, exchange.request.surface if isinstance(exchange, Exchange) else surface, probe_name)
    readers = state.readers.get(key, [])
    declared = state.owners.get(key, {})
    primary = key in state.primary
    if exc.owner:
        wanted = exc.owner if exc.owner.count("/") == 2 else f"{surface}/{exc.owner}"
        if wanted in state.order:
            return wanted, primary
    declared_owner = declared.get(exc.kind) or declared.get("*")
    if declared_owner and declared_owner in readers:
        return declared_owner, primary
    return (readers[0] if readers else ident), primary


def _merge_root_causes(rows: list[Row]) -> None:
    """One FAIL per root cause: where several checks own the same cause (the same 500 to the stream
    and to the tool stream), the one on the primary probe, or else the first, keeps it; the others
    and every check pointing at them are left undecided, naming it."""
    owners: dict[str, Row] = {}
    for row in sorted((r for r in rows if r.verdict == "fail" and r.cause), key=lambda r: r.rank):
        owners.setdefault(row.cause, row)
    moved: dict[str, str] = {}
    for row in rows:
        keeper = owners.get(row.cause) if row.cause else None
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


# -- hooks ------------------------------------------------------------------------------------

@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.stash[STATE] = RunState(config)
    option = config.option
    if getattr(option, "profile", None) or getattr(option, "base_url", None):
        # A provider was named: refuse a bad profile, a missing key or a dead URL before collecting.
        try:
            config.stash[STATE].build_targets()
        except ProfileError as exc:
            raise pytest.UsageError(str(exc)) from None
    config.addinivalue_line("markers", "feature(name): the check needs a feature the profile must declare")
    config.addinivalue_line("markers", "live_only: the check needs generated requests (no cassette can hold)")
    config.addinivalue_line("markers", "after_all: the check reads every exchange of the run, so it runs last")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if TARGET_FIXTURE not in metafunc.fixturenames:
        return
    try:
        targets = _state(metafunc.config).build_targets()
    except ProfileError as exc:
        raise pytest.UsageError(str(exc)) from None
    metafunc.parametrize(TARGET_FIXTURE, targets, ids=[t.name for t in targets], scope="session")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    state = _state(config)
    if state.targets is None:
        return
    wanted = set(config.option.surface)
    keep, deselected = [], []
    for item in items:
        ident = check_id(item)
        if ident and wanted and ident[0] not in wanted:
            deselected.append(item)
            continue
        keep.append(item)
        target = _target_of(item)
        if target is None or ident is None:
            continue
        reason = _skip_reason(item, target, ident[0])
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = keep
    # Checks over every exchange of a run (the error envelopes of all it saw) run after the others.
    items.sort(key=lambda item: bool(item.get_closest_marker("after_all")))
    _note_readers(state, items)
    # Every exchange the selected checks will read, sent concurrently before the first check runs.
    for target in state.targets:
        target.prefetch(p for item in items if _target_of(item) is target and not item.get_closest_marker("skip")
                        for p in _probes_of(item) if target.surface_config(p[0]) is not None)


def _skip_reason(item: pytest.Item, target: Target, surface: str) -> str | None:
    config = target.surface_config(surface)
    if config is None:
        return f"surface {surface} not declared by profile {target.name}"
    for marker in item.iter_markers("feature"):
        needed = marker.args[0]
        if needed not in config.features:
            return f"feature '{needed}' not declared for {surface} by profile {target.name}"
    if item.get_closest_marker("live_only") and target.mode == "replay":
        return "generated requests are sent live only (no cassette holds them)"
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome: Any = yield
    report: pytest.TestReport = outcome.get_result()
    target = _target_of(item)
    ident = check_id(item)
    if target is None or ident is None:
        return
    if report.when == "teardown" or (report.when == "setup" and report.passed):
        return
    row = _row(item, call, report, target, *ident)
    row.rank = (row.rank[0], _state(item.config).order.get(row.id, 1 << 30))
    report.llmconform_verdict = row.verdict  # type: ignore[attr-defined]
    if row.verdict in ("fail", "warn", "error"):
        report.longrepr = f"{row.id}: {row.verdict.upper()} — {row.message}"
    if row.verdict == "warn":
        report.outcome = "passed"
    _state(item.config).rows.setdefault(target.name, []).append(row)


def _row(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport, target: Target,
         surface: str, ident: str) -> Row:
    redact = target.redactor.text
    exchanges = exchanges_of(item)
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
        evidence.update({"expected": exc.expected, "received": exc.received,
                         "root_cause": redact(exc.summary)})
        evidence.update(target.redactor.data({k: v for k, v in exc.context.items() if k != "exchange"}))
        culprit = exc.context.get("exchange")
        if isinstance(culprit, Exchange):
            reproduce = redact(culprit.curl())
        owner, primary = _owner(_state(item.config), target, surface, ident, exc)
        if owner == ident:
            return Row(ident, surface, "fail", redact(exc.message), evidence, reproduce, exc.cause,
                       (0 if primary else 1, 0))
        evidence["see"] = owner
        return Row(ident, surface, "error", redact(f"{exc.summary} (see {owner})"), evidence, reproduce, exc.cause)
    if isinstance(exc, Verdict):
        evidence.update({"expected": exc.expected, "received": exc.received})
        evidence.update(target.redactor.data({k: v for k, v in exc.context.items() if k != "exchange"}))
        culprit = exc.context.get("exchange")
        if isinstance(culprit, Exchange):
            reproduce = redact(culprit.curl())
        return Row(ident, surface, exc.verdict, redact(exc.message), evidence, reproduce)
    if isinstance(exc, AssertionError):
        return Row(ident, surface, "fail", redact(excerpt(str(exc), 400)), evidence, reproduce)
    # Anything else is the suite's own bug: reported, never counted as a provider's fault.
    where = call.excinfo.traceback[-1] if call.excinfo else None
    detail = f"{type(exc).__name__}: {exc}" + (f" at {where.path}:{where.lineno + 1}" if where else "")
    return Row(ident, surface, "error", redact("suite error — " + excerpt(detail, 400)), evidence, reproduce)


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> tuple[str, str, str] | None:
    verdict = getattr(report, "llmconform_verdict", None)
    if verdict == "warn" and report.when == "call":
        return "warned", "W", "WARN"
    if verdict == "error":
        return "error", "E", "ERROR"
    return None


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if not state or not state.rows:
        return
    write = terminalreporter.write_line
    for name, rows in state.rows.items():
        _merge_root_causes(rows)
        counts = {v: sum(r.verdict == v for r in rows) for v in ("pass", "fail", "warn", "skip", "error")}
        terminalreporter.section(f"llmconform: {name}", sep="-")
        causes = [c for c in root_causes(_results(rows)) if c["took_down"]]
        if causes:
            write("root causes (each took down the checks after it):")
            for cause in causes:
                head = f"{cause['check']}: " if cause["check"] else ""
                write(f"  {head}{excerpt(cause['problem'], 140)}")
                write(f"    took down {len(cause['took_down'])}: {', '.join(cause['took_down'][:8])}"
                      + (" …" if len(cause["took_down"]) > 8 else ""))
        write("  ".join(f"{k} {v}" for k, v in counts.items()))
        for row in sorted(rows, key=lambda r: r.id):
            if row.verdict in ("fail", "warn", "error"):
                write(f"{row.verdict.upper():5} {row.id}: {excerpt(row.message, 160)}")
    for line in state.regressions:
        write(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(STATE, None)
    if not state or state.targets is None:
        return
    for target in state.targets:
        target.close()
    option = session.config.option
    failed = False
    reports = []
    for target in state.targets:
        rows = state.rows.get(target.name, [])
        _merge_root_causes(rows)
        report = build_report(target, rows, started=state.started)
        reports.append(report)
        if option.baseline:
            regressed, improved = compare_baseline(report, option.baseline)
            state.regressions += [f"REGRESSED {r}" for r in regressed] + [f"IMPROVED  {r}" for r in improved]
            failed |= bool(regressed)
        else:
            failed |= report["summary"]["fail"] > 0
    write_reports(reports, json_path=option.report_json, md_path=option.report_md, html_path=option.report_html,
                  junit_path=option.junit, directory=option.report_dir)
    if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED if failed else pytest.ExitCode.OK


def _results(rows: list[Row]) -> list[dict[str, Any]]:
    return [{"id": r.id, "verdict": r.verdict, "message": r.message, "evidence": r.evidence} for r in rows]


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if state and state.targets:
        for target in state.targets:
            target.client.close()

