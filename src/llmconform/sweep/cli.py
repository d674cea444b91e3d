"""`llmconform sweep`: one cheap probe per model a provider lists or promises.

Exit codes as `run`: 0 no FAIL finding, 1 at least one, 2 a usage or configuration error — one line
saying what to fix, before any request is sent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

from llmconform.client import Limits
from llmconform.profile import Profile, ProfileError, load_profile, profile_from_flags, resolve_profile_path
from llmconform.redact import RedactingStream, Redactor
from llmconform.sweep import plan as planning
from llmconform.sweep import render, sources
from llmconform.sweep import report as reporting
from llmconform.sweep.run import SweepRun
from llmconform.target import Target, build_target

EXIT_USAGE = 2
MAX_CONCURRENCY = 8  # the client's connection pool
# Caps when neither the profile nor a flag sets one: a sweep's list may hold hundreds of names, so
# its cost is bounded by default and the report says what the cap left out.
DEFAULT_REQUESTS = 200
DEFAULT_OUTPUT_TOKENS = 4000


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors on one line (and exit 2, as argparse does)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see llmconform sweep --help)")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="llmconform sweep", description="One cheap probe per model a provider lists or promises: "
                "does it answer, is it what it claims, how fast. Exit 0 no FAIL, 1 a FAIL, 2 usage error.")
    who = p.add_argument_group("the provider")
    who.add_argument("--profile", metavar="P", help="profile YAML, or a bundled vendor's name (e.g. toiotech)")
    who.add_argument("--base-url", metavar="URL",
                     help="provider base URL, the part before /v1/... (instead of --profile)")
    who.add_argument("--api-key-env", metavar="VAR", help="environment variable holding the key (with --base-url)")
    who.add_argument("--model", metavar="M", help="the model the flags' profile names (with --base-url; "
                     "the models swept come from --models)")
    who.add_argument("--surface", action="append", default=[], metavar="S",
                     help="surface(s) chat models are probed on: openai-chat, anthropic-messages, openai-responses "
                     "(default: the profile's first)")
    what = p.add_argument_group("what to sweep")
    what.add_argument("--models", default="all", metavar="SRC",
                      help="listed (GET /v1/models), catalogue (the profile's), all (both; default), or a,b,c")
    what.add_argument("--plan", action="store_true", help="print the requests and their cost; send nothing")
    what.add_argument("--concurrency", type=int, default=2, metavar="N",
                      help=f"probes in flight at once (1-{MAX_CONCURRENCY}, default 2)")
    what.add_argument("--shard", metavar="i/n", help="sweep only shard i of n (a hash of the model name)")
    what.add_argument("--reference", metavar="PROFILE",
                      help="a trusted endpoint: the same canaries for the same model names, similarity per model")
    what.add_argument("--no-timing", action="store_true", help="skip the timing re-probe (no TTFT, no repeat check)")
    out = p.add_argument_group("reports")
    out.add_argument("--report-json", metavar="F", help="JSON report (- for stdout)")
    out.add_argument("--report-md", metavar="F", help="Markdown report")
    out.add_argument("--report-html", metavar="F", help="self-contained HTML report (sortable)")
    cost = p.add_argument_group("limits")
    cost.add_argument("--budget-requests", type=int, metavar="N", help="cap on requests (overrides the profile)")
    cost.add_argument("--budget-tokens", type=int, metavar="N", help="cap on output tokens (overrides the profile)")
    cost.add_argument("--timeout-connect", type=float, default=10.0, metavar="S", help="connect time limit")
    cost.add_argument("--timeout-read", type=float, default=30.0, metavar="S", help="longest silence in an answer")
    cost.add_argument("--timeout-total", type=float, default=60.0, metavar="S",
                      help="per-model time limit: one whole exchange")
    return p


# -- profiles -------------------------------------------------------------------------------------

def resolve_profile(value: str) -> Profile:
    """A profile file, or a bundled vendor's name (`toiotech`)."""
    return load_profile(resolve_profile_path(value))


def flags_profile(args: argparse.Namespace) -> Profile:
    """The provider from flags. The model list and embeddings are declared too, so that each surface
    the sweep touches finds its key (the named variable, else its SDK's own)."""
    chat = args.surface or ["openai-chat"]
    return profile_from_flags(args.base_url, args.api_key_env, [*chat, "models", "embeddings"],
                              args.model or "(sweep)")


def _check(args: argparse.Namespace) -> tuple[Profile, str, list[str], tuple[int, int] | None]:
    if bool(args.profile) == bool(args.base_url):
        raise ProfileError("name the provider with --profile P, or with --base-url URL [--api-key-env VAR] "
                           "(one of them)")
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        raise ProfileError(f"--concurrency takes 1 to {MAX_CONCURRENCY}, got {args.concurrency}")
    for name in ("budget_requests", "budget_tokens"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ProfileError(f"--{name.replace('_', '-')} takes a positive number, got {value}")
    for name in ("timeout_connect", "timeout_read", "timeout_total"):
        if getattr(args, name) <= 0:
            raise ProfileError(f"--{name.replace('_', '-')} takes a positive number of seconds")
    profile = resolve_profile(args.profile) if args.profile else flags_profile(args)
    source, names = sources.parse_models(args.models)
    if source == "catalogue" and not profile.catalogue:
        raise ProfileError(f"--models catalogue: profile {profile.name} has no catalogue: add `catalogue:` "
                           "(kind -> model names) to it, or use --models listed")
    shard = sources.parse_shard(args.shard)
    planning.chat_surfaces(profile, args.surface)  # refuses a surface chat models cannot be probed on
    for path in (args.report_json, args.report_md, args.report_html):
        if path and path != "-" and not Path(path).resolve().parent.exists():
            Path(path).resolve().parent.mkdir(parents=True, exist_ok=True)
    return profile, source, names, shard


def _budgets(args: argparse.Namespace, profile: Profile) -> tuple[int, int]:
    return (args.budget_requests or profile.budget.max_requests or DEFAULT_REQUESTS,
            args.budget_tokens or profile.budget.max_output_tokens or DEFAULT_OUTPUT_TOKENS)


# -- the command ----------------------------------------------------------------------------------------

def _plan(args: argparse.Namespace, profile: Profile, source: str, names: list[str],
          shard: tuple[int, int] | None) -> int:
    if source == "listed" or (source == "all" and not profile.catalogue):
        items: list[planning.Item] = []  # the list is not read: --plan sends nothing
    else:
        items = planning.in_shard(planning.select(profile, None, source, names, args.surface), shard)
    limits = Limits()
    sys.stdout.write(planning.render(profile, items, source=source, list_requests=1, budget=_budgets(args, profile),
                                     retries=limits.retries, timing=not args.no_timing, reference=args.reference,
                                     shard=shard))
    return 0


def _write(report: dict[str, object], args: argparse.Namespace) -> None:
    for path, kind in ((args.report_json, "json"), (args.report_md, "md"), (args.report_html, "html")):
        if not path:
            continue
        text = (json.dumps(report, indent=2, ensure_ascii=False) + "\n" if kind == "json"
                else render.markdown(report) if kind == "md" else render.html(report))
        if path == "-":
            sys.stdout.write(text)
        else:
            Path(path).write_text(text, encoding="utf-8")


def _in(profile: Profile) -> str:
    variables = profile.key_envs()
    return f" in {', '.join(variables)}" if variables else ""


def _sweep(args: argparse.Namespace, profile: Profile, source: str, names: list[str],
           shard: tuple[int, int] | None) -> int:
    limits = Limits(connect_s=args.timeout_connect, read_s=args.timeout_read, total_s=args.timeout_total)
    requests, tokens = _budgets(args, profile)
    targets: list[Target] = []
    try:
        reference = None
        if args.reference:
            reference_profile = resolve_profile(args.reference)
            reference = build_target(reference_profile, mode="live", cassette_root=None, limits=limits,
                                     budget_requests=_budgets(args, reference_profile)[0],
                                     budget_tokens=_budgets(args, reference_profile)[1],
                                     concurrency=args.concurrency)
            targets.append(reference)
        target = build_target(profile, mode="live", cassette_root=None, limits=limits,
                              budget_requests=requests, budget_tokens=tokens, concurrency=args.concurrency)
        targets.append(target)
        listing = sources.fetch_listed(target)
        if listing.status in (401, 403):
            raise ProfileError(f"{profile.name} refuses the key{_in(profile)}: {listing.problem[:200]}")
        items = planning.in_shard(planning.select(profile, listing, source, names, args.surface), shard)
        sweep = SweepRun(target=target, items=items, concurrency=args.concurrency, timing=not args.no_timing,
                         reference=reference)
        rows = sweep.run()
        report = reporting.build(sweep, rows, source=source, listing=listing, catalogue_size=len(profile.catalogue),
                                 shard=shard)
    finally:
        for each in targets:
            each.close()
    found = reporting.problems(report)
    if found:  # a suite bug, said plainly; the report is still written for the bug report
        print(f"llmconform sweep: the report departs from its schema: {found[0]}", file=sys.stderr)
    _write(report, args)
    terminal = sys.stderr if args.report_json == "-" else sys.stdout
    terminal.write(render.text(report))
    refusals = [r["refusal"]["kind"] for r in rows if r["refusal"]]
    if refusals and not any(r["available"] for r in rows) and set(refusals) == {"auth"}:
        print(f"llmconform sweep: {profile.name} refuses the key{_in(profile)} for every model: check the key",
              file=sys.stderr)
        return EXIT_USAGE
    return 2 if found else reporting.exit_code(report)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser().parse_args(argv)
    except UsageError as exc:
        print(f"llmconform sweep: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        profile, source, names, shard = _check(args)
        if args.plan:
            return _plan(args, profile, source, names, shard)
        redactor = Redactor(profile.api_keys(required=False).values())
        # Whatever is printed passes the redactor: an error body that echoes the key stays masked.
        sys.stdout, sys.stderr = RedactingStream(sys.stdout, redactor), RedactingStream(sys.stderr, redactor)  # type: ignore[assignment]
        try:
            return _sweep(args, profile, source, names, shard)
        finally:
            sys.stdout, sys.stderr = sys.stdout._inner, sys.stderr._inner  # type: ignore[attr-defined]
    except ProfileError as exc:
        print(f"llmconform sweep: {exc}", file=sys.stderr)
        return EXIT_USAGE
