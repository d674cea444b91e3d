"""The command line: `llmconform run | sweep | compare | vendors | checks | spec diff | --version`.

`run` parses its own options, settles everything the user could have got wrong (profile, key
variable, cassettes, baseline, selection, the provider's answer to one probe) before the checks,
then hands pytest only the suite's path, its rootdir and the options given after `--`.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from llmconform import __version__, interrupt, options
from llmconform.clients import CLIENTS, checks_of
from llmconform.options import Parser, UsageError
from llmconform.paths import PACKAGE, bundled_vendors, cassettes_dir, root, suite_dir
from llmconform.profile import (
    SURFACES,
    Profile,
    ProfileError,
    check_features,
    load_profile,
    profile_from_flags,
    sdk_base_url_env,
    with_clients,
)
from llmconform.settings import Mode, RunSettings

if TYPE_CHECKING:
    from llmconform.sdkcache import Answers
    from llmconform.sdklane import Lane

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EPILOG = """exit codes: 0 at least one check decided and no FAIL (against --baseline: no regression and no
new failure) · 1 a FAIL (a regression or a new failure) · 2 usage or configuration error, with one line
saying what to fix, before any request is spent (or a run in which no check could be decided, with its
cause) · 130 interrupted (SIGINT/SIGTERM; the reports say "interrupted": true).
Without --api-key-env or a profile's auth, OPENAI_API_KEY / ANTHROPIC_API_KEY / GEMINI_API_KEY are
sent only to their vendor's own API host or to the URL in OPENAI_BASE_URL / ANTHROPIC_BASE_URL /
GOOGLE_GEMINI_BASE_URL; any other provider's key is named with --api-key-env. Without --base-url or
--profile, OPENAI_BASE_URL / ANTHROPIC_BASE_URL name the provider."""
MAX_FUZZ_CASES = 100  # schemathesis' own default per phase; the plan (and the default budget) grows with it


# -- run: options ----------------------------------------------------------------------------

def run_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="llmconform run", add_help=False, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="llmconform run (--profile NAME|FILE ... | --base-url URL --model M [--surface S ...]) [options] "
              "[-- PYTEST_ARGS]",
        description="Check a provider against the APIs it claims to speak, check by check.")
    groups = options.add_common(parser, read_s=60.0, total_s=120.0, several_profiles=True, helps={
        "--cassette-dir": "cassette root (replay: ./cassettes, then the bundled ones; record: ./cassettes)",
        "--plan": "print the requests and output tokens per surface, and the budget; send nothing",
        "--timeout-read": "longest silence in an answer; the pre-flight's first answer waits as long "
                          "(default %(default)s s)"})
    groups["provider"].add_argument("--feature", dest="features", action="append", default=[], metavar="F",
                                    help="a feature the provider offers (stream, tools, vision, reasoning, thinking, "
                                         "...)")
    selection = parser.add_argument_group("selection")
    selection.add_argument("--check", dest="checks", action="append", default=[], metavar="ID",
                           help="run this check only, by its report id (openai-chat/stream/done-sentinel)")
    selection.add_argument("--client", dest="clients", action="append", default=[], metavar="NAME",
                           help="codex | claude-code | gemini-cli: run the requests that coding agent sends and "
                                "answer one line for it (works, or breaks at <check>); repeatable")
    selection.add_argument("--select", action="append", default=[], metavar="GLOB",
                           help="run the checks whose id matches (openai-chat/stream/*)")
    groups["reports"].add_argument("--report-dir", metavar="DIR",
                                   help="<vendor>.{json,md,html,xml} for every provider (and combined.* for several)")
    groups["reports"].add_argument(
        "--baseline", metavar="FILE|DIR",
        help="an earlier report, or a folder of them (one per vendor, as --report-dir writes): exit 1 for a "
             "regression (a pass that now fails, warns, errors or is skipped) or a new failure (a FAIL on a check "
             "that did not fail there)")
    groups["budget"].add_argument(
        "--fuzz-cases", type=int, default=5, metavar="N",
        help=f"schemathesis cases per generated phase, live only (default 5, at most {MAX_FUZZ_CASES})")
    output = parser.add_argument_group("output")
    output.add_argument("-v", "--verbose", action="count", default=0, help="a line per check")
    output.add_argument("-q", "--quiet", action="count", default=0, help="only the closing line")
    output.add_argument("-h", "--help", action="store_true", help="this help")
    return parser


def parse_run(argv: list[str]) -> RunSettings:
    own, pytest_args = (argv[: argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    parser = run_parser()
    args, unknown = parser.parse_known_args(own)
    if unknown:
        raise UsageError(f"unknown option {unknown[0]!r} (`llmconform run --help` lists them; pytest's own "
                         "options go after --)")
    values = vars(args)
    values.pop("help")
    verbosity = values.pop("verbose") - values.pop("quiet")
    return RunSettings(**values, verbosity=verbosity, pytest_args=pytest_args)


# -- run: what the user gave, settled before any request --------------------------------------

def check_options(settings: RunSettings) -> None:
    """Every value typed on the command line, held to what exists and to sane bounds (the shared
    ones by `options.check_common`, as `sweep` holds them), and every output path to being
    writable — before any request, so a typo never costs a run."""
    options.check_common(settings, folders=("report_dir",))
    check_features(settings.features, "--feature")
    if not 0 <= settings.fuzz_cases <= MAX_FUZZ_CASES:
        raise UsageError(f"--fuzz-cases takes 0 to {MAX_FUZZ_CASES}, got {settings.fuzz_cases} (each case is a "
                         "request, and the default budget is the plan)")


def _from_env(settings: RunSettings) -> list[Profile]:
    """Profiles from the SDKs' base-URL variables; their `/v1` is the SDKs' habit, so it is dropped."""
    surfaces = settings.surfaces or [s for s in ("openai-chat", "anthropic-messages")
                                     if os.environ.get(sdk_base_url_env(s))]
    by_url: dict[str, list[str]] = {}
    for surface in surfaces:
        variable = sdk_base_url_env(surface)
        url = os.environ.get(variable, "").rstrip("/") if variable else ""
        if not url:
            raise ProfileError(f"surface {surface} needs a base URL: --base-url URL" + (f", or set {variable}"
                                                                                       if variable else ""))
        by_url.setdefault(url.removesuffix("/v1"), []).append(surface)
    return [profile_from_flags(url, settings.api_key_env, group, settings.model, settings.features)
            for url, group in by_url.items()]


def profiles(settings: RunSettings) -> list[Profile]:
    if settings.profiles and settings.base_url:
        raise ProfileError("give --profile or --base-url, not both")
    if settings.profiles:
        loaded = [load_profile(p) for p in settings.profiles]
        names = [p.name for p in loaded]
        if len(set(names)) < len(names):
            raise ProfileError(f"two profiles share the name {max(names, key=names.count)!r}: reports would collide")
        return loaded
    if settings.base_url:
        # With --client and no --surface, the surfaces the clients speak.
        spoken = [CLIENTS[c].surface for c in settings.clients if c in CLIENTS]
        return [profile_from_flags(settings.base_url, settings.api_key_env,
                                   settings.surfaces or list(dict.fromkeys(spoken)) or ["openai-chat"],
                                   settings.model, settings.features)]
    from_env = _from_env(settings)
    if from_env:
        return from_env
    raise ProfileError("no provider given: --profile NAME|FILE (`llmconform vendors` lists the bundled ones), "
                       "or --base-url URL --model M [--surface S] [--api-key-env VAR], or set OPENAI_BASE_URL")


def cassette_root(profile: Profile, settings: RunSettings) -> Path:
    """Where this provider's cassettes are read (replay) or written (record)."""
    if settings.record:
        return Path(settings.cassette_dir or "cassettes")
    searched = [Path(settings.cassette_dir)] if settings.cassette_dir else list(
        dict.fromkeys([Path("cassettes").resolve(), cassettes_dir()]))
    for folder in searched:
        files = {p.stem for p in (folder / profile.name).glob("*.yaml")}
        if files & set(profile.surfaces):
            return folder
        if files:
            raise ProfileError(f"{folder / profile.name} holds cassettes for {', '.join(sorted(files))} only; "
                               f"profile {profile.name} declares {', '.join(profile.surfaces)}")
    held = sorted({p.name for folder in searched if folder.is_dir() for p in folder.iterdir() if p.is_dir()})
    raise ProfileError(f"no cassette for provider {profile.name!r} in {', '.join(map(str, searched))} "
                       f"(they hold: {', '.join(held) or 'nothing'}); record one with --record, or pass --cassette-dir")


def check_placeholders(settings: RunSettings, found: list[Profile]) -> None:
    """A request a profile gives that still holds a reference page's template value (`"<string>"`)
    replays that page's documented answer offline; sent live, it would spend a request on a template
    and FAIL the provider for the profile's mistake."""
    if settings.replay or settings.plan:
        return
    for profile in found:
        for surface, config in profile.surfaces.items():
            held = config.placeholders() if not settings.surfaces or surface in settings.surfaces else []
            if held:
                raise ProfileError(f"profile {profile.name}: surfaces.{surface}.requests holds a document's template "
                                   f"value ({held[0]}); give a real value, or drop that request, to run live "
                                   "(it is for --replay)")


def check_selection(settings: RunSettings) -> None:
    if not settings.checks and not settings.select:
        return
    from llmconform.catalogue import checks

    known = [entry.id for entry in checks()]
    for ident in settings.checks:
        if ident not in known:
            raise ProfileError(f"no check {ident!r} (`llmconform checks` lists them)")
    for glob in settings.select:
        if not any(fnmatch.fnmatchcase(ident, glob) for ident in known):
            raise ProfileError(f"--select {glob!r} matches no check (`llmconform checks` lists them)")


def check_baseline(path: str, vendors: list[str]) -> dict[str, Any]:
    """The baseline of every vendor (a report file, or a folder with one per vendor, matched by
    name): missing, unreadable, garbage or another vendor's is a configuration error, before any request."""
    from llmconform.report.baseline import load_baselines
    from llmconform.result import ReportError

    try:
        return load_baselines(path, vendors)
    except ReportError as exc:
        raise ProfileError(str(exc)) from None


def build_targets(settings: RunSettings, found: list[Profile], notice: TextIO) -> list[Any]:
    from llmconform import preflight
    from llmconform.target import build_target

    limits = options.limits(settings)

    def build(profile: Profile) -> Any:
        try:
            return build_target(profile, mode=settings.mode, limits=limits,
                                cassette_root=cassette_root(profile, settings) if settings.mode != Mode.LIVE else None,
                                budget_requests=settings.budget_requests, budget_tokens=settings.budget_tokens,
                                fuzz_cases=settings.fuzz_cases, concurrency=settings.concurrency,
                                plan_only=settings.plan)
        except ValueError as exc:  # a cassette that cannot be read
            raise ProfileError(str(exc).splitlines()[0]) from None

    if settings.plan:  # nothing is sent: no pre-flight, no key needed
        return [build(profile) for profile in found]
    targets = []
    for profile in found:
        target = build(profile)
        if settings.mode != Mode.REPLAY:
            finding = preflight.check(target)
            if finding.stripped_base_url:
                target.close()
                target = build(replace(profile, base_url=finding.stripped_base_url))
                if preflight.check(target).stripped_base_url:
                    raise ProfileError(f"404 from {profile.base_url} and from {finding.stripped_base_url}: "
                                       "the base URL is the part before /v1/... of the provider's API")
                print(f"llmconform: {profile.base_url} answered 404; its /v1 belongs to the paths, so the base URL "
                      f"used is {finding.stripped_base_url}", file=notice)
        targets.append(target)
    return targets


@contextlib.contextmanager
def _no_autoload() -> Iterator[None]:
    """The suite's pytest run loads only the plugins it names: others installed beside llmconform
    (pytest-base-url, pytest-xdist, ...) stay out of it, as llmconform stays out of theirs."""
    before = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = before


def pytest_args(settings: RunSettings) -> list[str]:
    args = [str(suite_dir()), "--rootdir", str(root()), "-c", str(PACKAGE / "suite.ini"),
            "-p", "no:terminal", "-p", "no:cacheprovider",
            "--import-mode=importlib", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    return args + settings.pytest_args  # a replay blocks the network itself (Plugin.pytest_sessionstart)


def run(argv: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """`llmconform run`; SIGINT/SIGTERM stop it at once, with exit 130 (see interrupt)."""
    stderr = stderr or sys.stderr
    with interrupt.handled():
        try:
            return _run(argv, stdout, stderr)
        except KeyboardInterrupt:  # before the checks began, or a second Ctrl-C while reports were written
            print("llmconform: interrupted before the run could report (nothing more is sent)", file=stderr)
            return interrupt.EXIT_INTERRUPTED


def _run(argv: list[str], stdout: TextIO | None, stderr: TextIO | None) -> int:
    from llmconform import sdkcache, sdklane

    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    own = argv[: argv.index("--")] if "--" in argv else argv
    if "-h" in own or "--help" in own:
        stdout.write(run_parser().format_help())
        return EXIT_OK
    lane = None
    try:
        settings = parse_run(argv)
        answers = None
        # A replay's SDK checks run in a worker (sdklane) whose SDK imports cost more CPU than
        # collecting the suite: started before anything else is imported or read, it has the most time
        # (a replay that picks its checks starts it once collected, if an SDK check is left: the plugin).
        # The same replay run again reuses the SDK answers of the last (sdkcache): no worker then.
        if settings.replay and not settings.plan and not {"--collect-only", "--co"} & set(settings.pytest_args):
            answers = sdkcache.Answers.open(argv)
            if not answers.warm and sdklane.early(settings.checks, settings.select, settings.pytest_args):
                lane = sdklane.start()
        return _run_with(settings, lane, stdout, stderr, answers)
    except (UsageError, ProfileError) as exc:
        print(f"llmconform: {exc}", file=stderr)
        return EXIT_USAGE
    finally:
        if lane is not None:
            lane.stop()  # the run's plugin stopped it already, unless the run never began


def _run_with(settings: RunSettings, lane: Lane | None, stdout: TextIO, stderr: TextIO,
              answers: Answers | None = None) -> int:
    import pytest

    from llmconform.console import Console
    from llmconform.plugin import Plugin

    try:
        check_options(settings)
        found = profiles(settings)
        check_placeholders(settings, found)
        if settings.clients:  # only the clients' checks, their features declared on their surfaces
            found = [with_clients(p, settings.clients) for p in found]
            settings.checks = list(dict.fromkeys([*settings.checks, *checks_of(settings.clients)]))
        check_selection(settings)
        baselines = check_baseline(settings.baseline, [p.name for p in found]) if settings.baseline else {}
        targets = build_targets(settings, found, stderr)
    except (UsageError, ProfileError) as exc:
        print(f"llmconform: {exc}", file=stderr)
        return EXIT_USAGE
    # With the JSON report on stdout, everything else goes to stderr.
    console = Console(stderr if settings.report_json == "-" else stdout, settings.verbosity)
    plugin = Plugin(settings, targets, console, baselines, lane, answers)
    with _no_autoload(), contextlib.redirect_stdout(io.StringIO()) as swallowed:
        code = pytest.main(pytest_args(settings), plugins=[plugin])
    if plugin.interrupted:
        written = report_paths(settings, [r.vendor for r in plugin.results])
        console.summary(plugin.results, plugin.regressions, written)
        if settings.report_json == "-":
            from llmconform.report import document
            from llmconform.result import dumps

            stdout.write(dumps(document(plugin.results)))
        return interrupt.EXIT_INTERRUPTED
    if plugin.collect_errors:
        for line in plugin.collect_errors:
            print(f"llmconform: suite error collecting {line}", file=stderr)
        return EXIT_USAGE
    if settings.plan:
        return EXIT_OK
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR) or not plugin.results:
        print(f"llmconform: the run did not complete (pytest exit {int(code)}): "
              f"{swallowed.getvalue().strip()[-400:] or 'see the options given after --'}", file=stderr)
        return EXIT_USAGE
    written = report_paths(settings, [r.vendor for r in plugin.results])
    console.summary(plugin.results, plugin.regressions, written)
    if settings.report_json == "-":
        from llmconform.report import document
        from llmconform.result import dumps

        stdout.write(dumps(document(plugin.results)))
    ran = sum(len(r.results) for r in plugin.results)
    decided = sum(n for r in plugin.results for v, n in r.summary.items() if v in ("pass", "fail", "warn"))
    if not decided:  # exit 0 is earned: a run that decided nothing is no success, whatever it skipped
        print("llmconform: no check ran (the pytest options after -- left none)" if not ran else
              f"llmconform: no check reached a verdict: {undecided_cause(plugin.results)}", file=stderr)
        return EXIT_USAGE
    return plugin.exit_code


def undecided_cause(reports: list[Any]) -> str:
    """Why nothing was decided, in one line: the most frequent reason a check was left undecided
    (with the problem that took the most checks down, when the reports name one), else the skips."""
    from collections import Counter

    causes = [c for r in reports for c in r.root_causes if c.get("took_down")]
    errors = Counter(" ".join(row.message.split()) for r in reports for row in r.results if row.verdict == "error")
    counts = Counter(row.verdict for r in reports for row in r.results)
    told = f"{counts['error']} undecided (error), {counts['skip']} skipped"
    if not errors:
        return f"{told} (every one skipped): see the skip reasons in the report"
    reason = errors.most_common(1)[0][0]
    if causes:
        cause = " ".join(str(max(causes, key=lambda c: len(c["took_down"]))["problem"]).split())
        reason = reason if cause in reason else f"{cause}; {reason}"
    return f"{told}; the most frequent: {reason[:200]}"


def report_paths(settings: RunSettings, vendors: list[str]) -> list[str]:
    paths = [p for p in (settings.report_json, settings.report_md, settings.report_html, settings.junit)
             if p and p != "-"]
    if settings.report_dir:
        paths.append(f"{Path(settings.report_dir) / '<vendor>'}.{{json,md,html,xml}} for "
                     + ", ".join(vendors))
        if len(vendors) > 1:
            paths.append(f"{Path(settings.report_dir) / 'combined'}.{{json,md,html,xml}}: every vendor")
    return paths


# -- the other commands -------------------------------------------------------------------------

def compare(argv: list[str]) -> int:
    from llmconform.report import matrix
    from llmconform.result import Report, ReportError, load, load_one

    parser = argparse.ArgumentParser(prog="llmconform compare",
                                     description="runs side by side (columns are runs: vendor, mode, date)")
    parser.add_argument("reports", nargs="*", metavar="REPORT.json")
    parser.add_argument("--md", metavar="F", help="write the matrix as Markdown")
    parser.add_argument("--html", metavar="F", help="write the matrix as self-contained HTML")
    parser.add_argument("--diff", nargs=2, metavar=("OLD.json", "NEW.json"),
                        help="list what changed between two runs of one vendor")
    args = parser.parse_args(argv)
    if not args.reports and not args.diff:
        parser.error("give the JSON reports to compare (or --diff OLD.json NEW.json)")
    from llmconform.sweep import compare as sweep_compare

    try:
        if args.reports and sweep_compare.claims(args.reports):  # sweep reports: the model x vendor matrix
            if args.diff:
                raise ValueError("--diff compares two runs of one vendor; sweep reports compare as a matrix")
            swept = sweep_compare.load(args.reports)
            return _matrix(args, sweep_compare.text(swept), lambda: sweep_compare.markdown(swept),
                           lambda page: sweep_compare.html(swept))
    except (OSError, ValueError) as exc:
        print(f"llmconform compare: {exc}", file=sys.stderr)
        return EXIT_USAGE
    runs: list[tuple[Report, str]] = []
    seen: set[tuple[str, ...]] = set()
    path = ""
    try:
        if args.diff:
            old, new = (load_one(path := p) for p in args.diff)
            path = ""
            sys.stdout.write(matrix.diff(old, new))
            return EXIT_OK
        for path in args.reports:
            found = load(path)
            for report in found:
                if report.key not in seen:  # one run from its own file and a combined one is one column
                    seen.add(report.key)
                    runs.append((report, path))
                elif len(found) == 1:  # the run's own file: its column links to the vendor's own page
                    runs = [(r, path if r.key == report.key else source) for r, source in runs]
    except ReportError as exc:
        reason = str(exc).removeprefix(path).lstrip(": ") if path else str(exc)
        print(f"llmconform compare: cannot use {path}: {reason}" if path else f"llmconform compare: {reason}",
              file=sys.stderr)
        return EXIT_USAGE
    reports = [report for report, _ in runs]
    labels = [report.label for report in reports]
    names = [Path(source).name for _, source in runs]
    for report, source in runs:  # two runs alike to the minute (shards, quick reruns): their files tell them apart
        if labels.count(report.label) > 1:
            report.column = Path(source).name if names.count(Path(source).name) == 1 else source

    def href(source: str, page: str) -> str | None:
        # Each column links to the HTML report written beside its JSON (what --report-dir writes).
        sibling = Path(source).with_suffix(".html")
        if not sibling.exists():
            return None
        return os.path.relpath(os.path.abspath(sibling), os.path.dirname(os.path.abspath(page))).replace(os.sep, "/")

    return _matrix(args, matrix.text(reports), lambda: matrix.markdown(reports),
                   lambda page: matrix.html(reports, [href(source, page) for _, source in runs]))


def _matrix(args: argparse.Namespace, text: str, markdown: Callable[[], str], html: Callable[[str], str]) -> int:
    """Run reports and sweep reports alike: the Markdown and HTML files named (the HTML told where it
    is written, for its links), and the text on stdout."""
    for path, page in ((args.md, markdown), (args.html, lambda: html(args.html))):
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(page(), encoding="utf-8")
    sys.stdout.write(text)
    return EXIT_OK


def vendors(argv: list[str]) -> int:
    for name, path in bundled_vendors().items():
        try:
            profile = load_profile(path)
            print(f"{name:12} {profile.base_url:32} {', '.join(profile.surfaces)}")
        except ProfileError as exc:
            print(f"{name:12} (unusable: {exc})")
    return EXIT_OK


def checks(argv: list[str]) -> int:
    from llmconform.catalogue import checks as catalogue

    for entry in catalogue():
        print(f"{entry.id}  {entry.level.upper() or '-'}  {entry.rule}  [source: {entry.source or '-'}]"
              if "-v" in argv else entry.id)
    return EXIT_OK


def spec_command(argv: list[str]) -> int:
    """`llmconform spec diff OFFICIAL_FILE [--surface S] [--json]`: what a newer official definition
    changed against a surface's spec, and the checks that read each change (exit 1 when any)."""
    from llmconform import catalogue, drift

    parser = argparse.ArgumentParser(prog="llmconform spec", description=spec_command.__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    compare_with = commands.add_parser("diff", help="compare a surface's spec with a newer official OpenAPI file")
    compare_with.add_argument("official", metavar="OFFICIAL_FILE",
                              help="the official definition, an OpenAPI document (YAML or JSON)")
    compare_with.add_argument("--surface", choices=SURFACES,
                              help="the spec in openapi/ to compare (default: the one sharing most schemas)")
    compare_with.add_argument("--spec", metavar="FILE",
                              help="hold this OpenAPI file against it, not openapi/<surface>.yaml (needs --surface)")
    compare_with.add_argument("--json", action="store_true", help="print the changes as JSON")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    if args.spec and not args.surface:
        print("llmconform: --spec needs --surface: the surface whose checks read that spec", file=sys.stderr)
        return EXIT_USAGE
    try:
        found = drift.diff(args.official, args.surface, catalogue.checks(), SURFACES, args.spec)
    except drift.DriftError as exc:
        print(f"llmconform: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(found.to_json(), indent=2, ensure_ascii=False) if args.json else found.text())
    return EXIT_FAIL if found.changes else EXIT_OK


def sweep(argv: list[str]) -> int:
    from llmconform.sweep.cli import main as sweep_main

    return sweep_main(argv)


COMMANDS = {"run": run, "compare": compare, "sweep": sweep, "vendors": vendors, "checks": checks,
            "spec": spec_command}
USAGE = f"""usage: llmconform run (--profile NAME|FILE ... | --base-url URL --model M) [options] [-- PYTEST_ARGS]
       llmconform sweep (--profile NAME|FILE | --base-url URL) [--models listed|catalogue|all|a,b]
                        [--plan] [--record|--replay] [options]   one cheap probe per model
       llmconform compare REPORT.json ... [--md F] [--html F] | --diff OLD.json NEW.json
       llmconform vendors       the bundled vendor profiles
       llmconform checks [-v]   every check id (with its level, rule and source)
       llmconform spec diff OFFICIAL_FILE [--surface S] [--json]
                                what a newer official OpenAPI definition changed, and the checks reading it
       llmconform --version

`llmconform run --help` and `llmconform sweep --help` list their options.

{EPILOG}"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return EXIT_OK if argv else EXIT_USAGE
    if argv[0] in ("--version", "-V", "version"):
        print(f"llmconform {__version__}")
        return EXIT_OK
    command = COMMANDS.get(argv[0])
    if command is None:
        print(f"llmconform: unknown command {argv[0]!r}\n\n{USAGE}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return command(argv[1:])
    except Exception as exc:
        from llmconform.spec import SpecError  # loaded already when a spec was read

        if not isinstance(exc, SpecError):
            raise
        # A spec breaking the extensions' grammar (the suite's own bug, or a user's spec): one line.
        print(f"llmconform: {exc}", file=sys.stderr)
        return EXIT_USAGE


def entry() -> None:
    """The console script: main(), then straight out. A run leaves large object graphs behind (the
    SDKs' models, the specs); tearing them down costs a second and changes nothing, so, as mypy
    does, the process ends without it once its output is flushed."""
    try:
        code = main()
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `llmconform ... | head`: the reader left, which is no error of ours
        code = EXIT_OK
    except KeyboardInterrupt:  # Ctrl-C outside a run's own handling (compare, checks): no traceback
        code = interrupt.EXIT_INTERRUPTED
    os._exit(code)


if __name__ == "__main__":
    entry()
