"""`llmconform run` (pytest with the plugin) and `llmconform compare` (one matrix from reports)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

SUITE = Path(__file__).resolve().parents[2] / "tests"
EXIT_USAGE = 2


def _run(argv: list[str]) -> int:
    import pytest

    suite = [a for a in argv if not a.startswith("-") and Path(a.split("::")[0]).exists()]
    args = [*argv, "-p", "no:cacheprovider", "-q", "-rN", "--tb=no", "--no-header",
            "-W", "ignore::pytest.PytestAssertRewriteWarning", "--import-mode=importlib", "-p", "no:schemathesis",
            "-p", "no:hypothesispytest"]
    if "--replay" in argv and "--block-network" not in argv:
        args.append("--block-network")  # pytest-recording: a replay must never reach the network
    if not suite:
        args.insert(0, str(SUITE))
    code = pytest.main(args)
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERRUPTED):
        return EXIT_USAGE
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("llmconform: no checks selected (check --surface and the test paths)", file=sys.stderr)
        return EXIT_USAGE
    if code == pytest.ExitCode.INTERNAL_ERROR:
        return EXIT_USAGE
    return int(code)


def _compare(argv: list[str]) -> int:
    from llmconform.report import (
        load_report,
        matrix,
    )

    parser = argparse.ArgumentParser(prog="llmconform compare", description="one matrix from JSON reports")
    parser.add_argument("reports", nargs="+", metavar="REPORT.json")
    parser.add_argument("--md", metavar="F", help="write the matrix as Markdown")
    parser.add_argument("--html", metavar="F", help="write the matrix as self-contained HTML")
    args = parser.parse_args(argv)
    from llmconform.sweep import compare as sweep_compare

    try:
        if sweep_compare.claims(args.reports):  # sweep reports: the model x vendor matrix
            return sweep_compare.main(args.reports, md=args.md, html_path=args.html)
        reports = [load_report(path) for path in args.reports]
    except (OSError, ValueError) as exc:
        print(f"llmconform compare: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for path, render in ((args.md, matrix.markdown), (args.html, matrix.html)):
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(render(reports), encoding="utf-8")
    sys.stdout.write(matrix.text(reports))
    return 0


USAGE = """usage: llmconform run --profile vendors/NAME.yaml [--surface S ...] [--report-json F] [--report-md F]
                      [--report-html F] [--junit F] [--baseline F] [--record | --replay]
                      [--budget-requests N]
       llmconform run --base-url URL --api-key-env VAR --surface openai-chat --model M [...]
       llmconform compare REPORT.json REPORT.json ... [--md F] [--html F]
       llmconform sweep --profile P [--models listed|catalogue|all|a,b] [--plan] [--concurrency N]
                        [--shard i/n] [--reference PROFILE] [--report-json F] [...]  (sweep --help)

`run` takes every pytest option too (-k, -x, -v); `llmconform run --help` lists them all.
Exit codes: 0 no FAIL (or no regression against --baseline), 1 a FAIL or regression,
2 usage or configuration error."""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if argv else EXIT_USAGE
    command, rest = argv[0], argv[1:]
    if command == "run":
        return _run(rest)
    if command == "compare":
        return _compare(rest)
    if command == "sweep":
        from llmconform.sweep.cli import main as sweep

        return sweep(rest)
    print(f"llmconform: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
    return EXIT_USAGE


def entry() -> None:
    """The console script: main(), then straight out. A run leaves large object graphs behind (the
    SDKs' models, the specs); tearing them down costs a second and changes nothing, so, as mypy
    does, the process ends without it once its output is flushed."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
