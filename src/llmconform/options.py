"""The options `run` and `sweep` share — the provider, record or replay, the report files, the budget
and the time and size bounds — declared by one function and held to one set of bounds, so both
commands spell, default and refuse them alike. Each command adds its own options to the groups
returned, and settles the rest of its input itself."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, NoReturn

from llmconform.paths import unwritable
from llmconform.profile import SURFACES, ProfileError
from llmconform.settings import Mode, mode_of
from llmconform.suggest import nearest

if TYPE_CHECKING:
    from llmconform.client import Limits

# Bounds on what the user types: beyond them a run only spends requests on the user's own mistake.
MAX_CONCURRENCY = 8  # the client's connection pool
MIN_TIMEOUT_S = 1.0  # below a second, a healthy provider's answers would be reported as its too-slow FAILs
MIN_RESPONSE_BYTES = 64 * 1024  # below it, ordinary answers would be reported as too large
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
CONNECT_S = 10.0


class UsageError(Exception):
    """The user's mistake: printed as one line, exit 2."""


class Parser(argparse.ArgumentParser):
    """argparse, with its usage errors raised as one line (the command prints it, exit 2)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (`{self.prog} --help` lists the options)")


def add_common(parser: argparse.ArgumentParser, *, read_s: float, total_s: float, several_profiles: bool,
               helps: dict[str, str] | None = None) -> dict[str, Any]:
    """The shared options, in the groups `provider`, `mode`, `reports`, `budget` and `bounds`
    (returned by name, for each command to add its own to); `helps` replaces a flag's help where a
    command means it otherwise (`--model`: the model checked, or the profile's for a sweep)."""
    said = helps or {}

    def text(flag: str, default: str) -> str:
        return said.get(flag, default)

    provider = parser.add_argument_group("provider")
    provider.add_argument("--profile", dest="profiles", action="append", default=[], metavar="NAME|FILE",
                          help=text("--profile", "a bundled vendor (`llmconform vendors`) or a profile YAML"
                                    + ("; repeatable" if several_profiles else "")))
    provider.add_argument("--base-url", metavar="URL", help="the part before /v1/... (instead of --profile)")
    provider.add_argument("--api-key-env", metavar="VAR",
                          help="the environment variable holding the key (none: send no key)")
    provider.add_argument("--surface", dest="surfaces", action="append", default=[], metavar="S",
                          help=text("--surface", f"surface to check, repeatable: {', '.join(SURFACES)}"))
    provider.add_argument("--model", metavar="M", help=text("--model", "the model to request (with --base-url)"))
    mode = parser.add_argument_group("mode")
    exclusive = mode.add_mutually_exclusive_group()
    exclusive.add_argument("--replay", action="store_true",
                           help=text("--replay", "offline: replay cassettes, the network blocked"))
    exclusive.add_argument("--record", action="store_true", help=text("--record", "live, writing redacted cassettes"))
    mode.add_argument("--cassette-dir", metavar="DIR", help=text("--cassette-dir", "cassette root (./cassettes)"))
    reports = parser.add_argument_group("reports")
    reports.add_argument("--report-json", metavar="F", help="the JSON report; - writes it to stdout alone")
    reports.add_argument("--report-md", metavar="F", help="Markdown report")
    reports.add_argument("--report-html", metavar="F", help="self-contained HTML report")
    reports.add_argument("--junit", metavar="F", help=text("--junit", "JUnit XML (one testcase per check)"))
    budget = parser.add_argument_group("budget")
    budget.add_argument("--budget-requests", type=int, metavar="N", help="cap on requests (overrides the profile)")
    budget.add_argument("--budget-tokens", type=int, metavar="N", help="cap on output tokens (overrides the profile)")
    budget.add_argument("--concurrency", type=int, default=2, metavar="N",
                        help=f"requests in flight at once, 1-{MAX_CONCURRENCY} (default 2: a small server is not "
                             "flooded)")
    budget.add_argument("--plan", action="store_true",
                        help=text("--plan", "print the requests and output tokens, and the budget; send nothing"))
    bounds = parser.add_argument_group("bounds")
    bounds.add_argument("--timeout-connect", type=float, default=CONNECT_S, metavar="S",
                        help="time to open a connection (default %(default)s s)")
    bounds.add_argument("--timeout-read", type=float, default=read_s, metavar="S",
                        help=text("--timeout-read", "longest silence in an answer (default %(default)s s)"))
    bounds.add_argument("--timeout-total", type=float, default=total_s, metavar="S",
                        help=text("--timeout-total", "cap on one exchange, stream included (default %(default)s s)"))
    bounds.add_argument("--max-response-bytes", type=int, default=MAX_RESPONSE_BYTES, metavar="N",
                        help=f"response size cap (default %(default)s, at least {MIN_RESPONSE_BYTES})")
    return {"provider": provider, "mode": mode, "reports": reports, "budget": budget, "bounds": bounds}


def check_common(values: Any, *, folders: tuple[str, ...] = ()) -> None:
    """Every shared value held to what exists and to sane bounds, and every output path (the report
    files, and `folders` named by their attribute) to being writable — before any request, so a
    typo never costs a run. UsageError (ProfileError for an unknown surface) with one line."""
    for surface in values.surfaces:
        if surface not in SURFACES:
            raise ProfileError(f"unknown surface {surface!r}{nearest(surface, SURFACES)}; known: {', '.join(SURFACES)}")
    for flag, value in (("--budget-requests", values.budget_requests), ("--budget-tokens", values.budget_tokens)):
        if value is not None and value < 1:
            raise UsageError(f"{flag} takes at least 1, got {value} (a cap of nothing leaves every check undecided; "
                             "leave it out to size it from the plan)")
    if not 1 <= values.concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency takes 1 to {MAX_CONCURRENCY}, got {values.concurrency}")
    for flag, seconds in (("--timeout-connect", values.timeout_connect), ("--timeout-read", values.timeout_read),
                          ("--timeout-total", values.timeout_total)):
        if not seconds >= MIN_TIMEOUT_S:  # NaN too
            raise UsageError(f"{flag} takes at least {MIN_TIMEOUT_S:g} s, got {seconds:g} (shorter would report a "
                             "healthy provider as too slow)")
    if values.max_response_bytes < MIN_RESPONSE_BYTES:
        raise UsageError(f"--max-response-bytes takes at least {MIN_RESPONSE_BYTES}, got {values.max_response_bytes} "
                         "(smaller would report ordinary answers as too large)")
    if values.plan and values.replay:
        raise UsageError("--plan shows what a live run would send; a replay sends nothing")
    outputs = [(values.report_json, False), (values.report_md, False), (values.report_html, False),
               (values.junit, False), *((getattr(values, name), True) for name in folders)]
    if values.record:
        outputs.append((values.cassette_dir or "cassettes", True))
    for path, folder in outputs:
        why = unwritable(path, folder=folder) if path and path != "-" and not values.plan else None
        if why:
            raise UsageError(why)


def limits(values: Any) -> Limits:
    """The client's bounds from the shared options."""
    # Imported here: the client (httpx, vcrpy) is a third of a second the command line need not
    # spend before it has read its options — the replay's SDK worker starts as soon as it has.
    from llmconform.client import Limits

    return Limits(connect_s=values.timeout_connect, read_s=values.timeout_read, total_s=values.timeout_total,
                  max_bytes=values.max_response_bytes)


def mode(values: Any) -> Mode:
    """The mode the shared `--record` / `--replay` flags ask for (as `RunSettings.mode`)."""
    return mode_of(values.replay, values.record)
