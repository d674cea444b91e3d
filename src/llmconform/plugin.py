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
from llmconform.report import build_report, write_reports
from llmconform.report.baseline import compare as compare_baseline
from llmconform.report.baseline import lines as baseline_lines
from llmconform.report.baseline import load_baselines
from llmconform.result import Report, ReportError, Row
from llmconform.target import Target, build_target
from llmconform.verdict import Verdict, excerpt

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
class RunState:
    config: pytest.Config
    targets: list[Target] | None = None
    rows: dict[str, list[Row]] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    regressions: list[str] = field(default_factory=list)
    baselines: dict[str, Report] = field(default_factory=dict)  # vendor -> its --baseline report
    written: list[str] = field(default_factory=list)  # report files written at the end

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

def probe(surface: str, name: str) -> Any:
    """A fixture yielding the exchange of one probe, shared by every check that reads it."""

    def fixture(request: pytest.FixtureRequest, llmconform_target: Target) -> Exchange:
        if llmconform_target.surface_config(surface) is None:
            pytest.skip(f"surface {surface} not declared by profile {llmconform_target.name}")
        exchange = llmconform_target.probe(surface, name)
        request.node.stash.setdefault(EXCHANGES, []).append(exchange)
        exchange.require()
        return exchange

    fixture.llmconform_probe = (surface, name)  # type: ignore[attr-defined]
    return pytest.fixture(fixture)


def exchanges_of(item: pytest.Item) -> list[Exchange]:
    return item.stash.get(EXCHANGES, [])


def record_exchange(item: pytest.Item, exchange: Exchange) -> None:
    """Tests that send ad-hoc requests (schemathesis cases) attach them as evidence this way."""
    item.stash.setdefault(EXCHANGES, []).append(exchange)


def _probes_of(item: pytest.Item) -> list[tuple[str, str]]:
    found = []
    fixtureinfo = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", []):
        for definition in (fixtureinfo.name2fixturedefs.get(name, ()) if fixtureinfo else ()):
            marker = getattr(definition.func, "llmconform_probe", None)
            if marker:
                found.append(marker)
    return found


# -- hooks ------------------------------------------------------------------------------------

@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.stash[STATE] = RunState(config)
    option = config.option
    if getattr(option, "profile", None) or getattr(option, "base_url", None):
        # A provider was named: refuse a bad profile, a missing key or a dead URL before collecting.
        try:
            targets = config.stash[STATE].build_targets()
            if getattr(option, "baseline", None):
                # A baseline that is missing, garbage or another vendor's is refused before any request.
                config.stash[STATE].baselines = load_baselines(option.baseline, [t.name for t in targets])
        except (ProfileError, ReportError) as exc:
            raise pytest.UsageError(str(exc)) from None
    config.addinivalue_line("markers", "feature(name): the check needs a feature the profile must declare")
    config.addinivalue_line("markers", "live_only: the check needs generated requests (no cassette can hold)")


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
        # A recorded live run holds its generated cases (positive:0.., negative:0..): those replay.
        phase = getattr(item, "originalname", item.name).removeprefix("test_fuzz_")
        held = target.cassettes.generated(surface) if target.cassettes is not None else set()
        if phase not in held:
            return (f"generated requests are sent live only: the cassettes of {target.name} hold no generated "
                    f"{surface} {phase} case (a live run with --record writes them)")
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
        counts = {v: sum(r.verdict == v for r in rows) for v in ("pass", "fail", "warn", "skip", "error")}
        terminalreporter.section(f"llmconform: {name}", sep="-")
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
    rules = {ident[1]: " ".join((getattr(item, "obj", None).__doc__ or "").split())
             for item in session.items if (ident := check_id(item)) and getattr(item, "obj", None) is not None}
    for target in state.targets:
        report = build_report(target, state.rows.get(target.name, []), started=state.started, rules=rules)
        baseline = state.baselines.get(target.name)
        if baseline is not None:
            report.baseline = compare_baseline(report, baseline, option.baseline)
            state.regressions += baseline_lines(report)
            failed |= bool(report.baseline.regressed)
        else:
            failed |= report.summary["fail"] > 0
        reports.append(report)
    state.written = write_reports(reports, json_path=option.report_json, md_path=option.report_md,
                                  html_path=option.report_html, junit_path=option.junit,
                                  directory=option.report_dir)
    if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED if failed else pytest.ExitCode.OK


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if state and state.targets:
        for target in state.targets:
            target.client.close()

