"""`llmconform sweep`: one cheap probe per model a provider lists or promises.

Exit codes as `run`: 0 no FAIL finding, 1 at least one, 2 a usage or configuration error — one line
saying what to fix, before any model is probed — and 130 when interrupted (SIGINT/SIGTERM).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

from llmconform import interrupt, options, preflight
from llmconform.client import Limits
from llmconform.options import UsageError
from llmconform.profile import (
    Profile,
    ProfileError,
    load_profile,
    profile_from_flags,
    resolve_profile_path,
    sdk_base_url_env,
)
from llmconform.redact import RedactingStream, Redactor
from llmconform.settings import Mode
from llmconform.sweep import plan as planning
from llmconform.sweep import render, sources
from llmconform.sweep import report as reporting
from llmconform.sweep.run import SweepRun
from llmconform.target import Target, build_target

EXIT_USAGE = 2
# Caps when neither the profile nor a flag sets one: a sweep's list may hold hundreds of names, so
# its cost is bounded by default and the report says what the cap left out.
DEFAULT_REQUESTS = 200
DEFAULT_OUTPUT_TOKENS = 4000


def parser() -> argparse.ArgumentParser:
    """`run`'s shared options (provider, mode, reports, budget, bounds: `options.add_common`), with
    the sweep's own meaning where it differs, and what to sweep."""
    p = options.Parser(prog="llmconform sweep", description="One cheap probe per model a provider lists or promises: "
                       "does it answer, is it what it claims, how fast, what it bills. Exit 0 no FAIL, 1 a FAIL, 2 "
                       "usage error (one line, before any model is probed), 130 interrupted (SIGINT/SIGTERM; the "
                       "reports say \"interrupted\": true).")
    options.add_common(p, read_s=30.0, total_s=60.0, several_profiles=False, helps={
        "--profile": "profile YAML, or a bundled vendor's name (e.g. toiotech)",
        "--surface": "surface(s) chat models are probed on: openai-chat, anthropic-messages, openai-responses, gemini "
                     "(default: the profile's first)",
        "--model": "the model the flags' profile names (with --base-url; the models swept come from --models)",
        "--record": "live, writing redacted cassettes (<cassette-dir>/sweep/<vendor>/)",
        "--replay": "offline: answer from the cassettes a --record sweep wrote; nothing is sent",
        "--junit": "JUnit XML (one testcase per model)",
        "--plan": "print the requests and their cost; send nothing",
        "--timeout-total": "per-model time limit: one whole exchange (default %(default)s s)"})
    what = p.add_argument_group("what to sweep")
    what.add_argument("--models", default="all", metavar="SRC",
                      help="listed (GET /v1/models), catalogue (the profile's), all (both; default), or a,b,c")
    what.add_argument("--shard", metavar="i/n", help="sweep only shard i of n (a hash of the model name)")
    what.add_argument("--reference", metavar="PROFILE",
                      help="a trusted endpoint: the same canaries for the same model names, similarity per model")
    what.add_argument("--no-timing", action="store_true", help="skip the timing re-probe (no TTFT, no repeat check)")
    return p


# -- profiles -------------------------------------------------------------------------------------

def resolve_profile(value: str) -> Profile:
    """A profile file, or a bundled vendor's name (`toiotech`)."""
    return load_profile(resolve_profile_path(value))


def flags_profile(args: argparse.Namespace, base_url: str | None = None) -> Profile:
    """The provider from flags. The model list and embeddings are declared too, so that each surface
    the sweep touches finds its key (the named variable, else its SDK's own)."""
    chat = args.surfaces or ["openai-chat"]
    # Gemini's own API lists its models itself (GET /v1beta/models); the others' list is /v1/models.
    others = [] if chat == ["gemini"] else ["models", "embeddings"]
    return profile_from_flags(base_url or args.base_url, args.api_key_env, [*chat, *others],
                              args.model or "(sweep)")


def env_base_url(args: argparse.Namespace) -> str | None:
    """As `run`: without --profile or --base-url, the SDKs' base-URL variable of the chat surface
    (OPENAI_BASE_URL, or ANTHROPIC_BASE_URL for --surface anthropic-messages) names the provider;
    its `/v1` is the SDKs' habit, so it is dropped."""
    for surface in args.surfaces or ["openai-chat"]:
        url = os.environ.get(sdk_base_url_env(surface), "").strip().rstrip("/")
        if url:
            return url.removesuffix("/v1")
    return None


def _check(args: argparse.Namespace) -> tuple[Profile, str, list[str], tuple[int, int] | None]:
    if len(args.profiles) > 1:
        raise UsageError("a sweep takes one provider: give --profile once (`llmconform compare` puts several "
                         "sweeps side by side)")
    if args.profiles and args.base_url:
        raise ProfileError("name the provider with --profile P, or with --base-url URL [--api-key-env VAR] "
                           "(one of them)")
    if not args.profiles and not args.base_url and env_base_url(args) is None:
        raise ProfileError("no provider given: --profile P (`llmconform vendors` lists the bundled ones), or "
                           "--base-url URL [--api-key-env VAR], or set OPENAI_BASE_URL")
    options.check_common(args)
    profile = (resolve_profile(args.profiles[0]) if args.profiles
               else flags_profile(args, args.base_url or env_base_url(args)))
    source, names = sources.parse_models(args.models)
    if source == "catalogue" and not profile.catalogue:
        raise ProfileError(f"--models catalogue: profile {profile.name} has no catalogue: add `catalogue:` "
                           "(kind -> model names) to it, or use --models listed")
    shard = sources.parse_shard(args.shard)
    planning.chat_surfaces(profile, args.surfaces)  # refuses a surface chat models cannot be probed on
    if args.replay:
        folder = cassette_folder(args, profile)
        if not any(folder.glob("*.yaml")):
            raise ProfileError(f"no sweep cassette for {profile.name} in {folder}: record one with "
                               "llmconform sweep --record (or pass --cassette-dir)")
    return profile, source, names, shard


def cassette_root(args: argparse.Namespace) -> Path:
    """Where sweeps' cassettes live: `<cassette-dir>/sweep/<vendor>/`, apart from the runs' own."""
    return Path(args.cassette_dir or "cassettes") / "sweep"


def cassette_folder(args: argparse.Namespace, profile: Profile) -> Path:
    return cassette_root(args) / profile.name


def _budgets(args: argparse.Namespace, profile: Profile) -> tuple[int, int]:
    return (args.budget_requests or profile.budget.max_requests or DEFAULT_REQUESTS,
            args.budget_tokens or profile.budget.max_output_tokens or DEFAULT_OUTPUT_TOKENS)


# -- the command ----------------------------------------------------------------------------------------

def _plan(args: argparse.Namespace, profile: Profile, source: str, names: list[str],
          shard: tuple[int, int] | None) -> int:
    if source == "listed" or (source == "all" and not profile.catalogue):
        items: list[planning.Item] = []  # the list is not read: --plan sends nothing
    else:
        items = planning.in_shard(planning.select(profile, None, source, names, args.surfaces), shard)
    limits = options.limits(args)
    sys.stdout.write(planning.render(profile, items, source=source, list_requests=1, budget=_budgets(args, profile),
                                     retries=limits.retries, timing=not args.no_timing, reference=args.reference,
                                     shard=shard))
    return 0


def _write(report: dict[str, object], args: argparse.Namespace) -> None:
    writers = {"json": lambda r: json.dumps(r, indent=2, ensure_ascii=False) + "\n", "md": render.markdown,
               "html": render.html, "xml": render.junit}
    for path, kind in ((args.report_json, "json"), (args.report_md, "md"), (args.report_html, "html"),
                       (args.junit, "xml")):
        if not path:
            continue
        text = writers[kind](report)
        if path == "-":
            sys.stdout.write(text)
        else:
            Path(path).write_text(text, encoding="utf-8")


def _in(profile: Profile) -> str:
    variables = profile.key_envs()
    return f" in {', '.join(variables)}" if variables else ""


def _target(args: argparse.Namespace, profile: Profile, limits: Limits, budget: tuple[int, int],
            mode: Mode = Mode.LIVE) -> Target:
    try:
        return build_target(profile, mode=mode, limits=limits, budget_requests=budget[0], budget_tokens=budget[1],
                            cassette_root=cassette_root(args) if mode != Mode.LIVE else None,
                            concurrency=args.concurrency)
    except ValueError as exc:  # a cassette that cannot be used (unreadable, or a recording cut short)
        raise ProfileError(str(exc).splitlines()[0]) from None


def _preflight(args: argparse.Namespace, profile: Profile, target: Target, listing: sources.Listing,
               source: str, limits: Limits, budget: tuple[int, int], targets: list[Target]
               ) -> tuple[Profile, Target, sources.Listing]:
    """The user's mistakes, as `run` catches them, read off the list request (the sweep's first): a
    base URL with /v1 (said, and dropped), TLS on a plain-HTTP port, nothing answering, a web page
    instead of an API, a refused key. One line and exit 2 (ProfileError); nothing more is sent."""
    exchange = listing.exchanges[0] if listing.exchanges else None
    if exchange is None or target.mode == Mode.REPLAY:
        return profile, target, listing
    if exchange.status == 404 and preflight.without_api_suffix(profile.base_url):
        stripped = preflight.without_api_suffix(profile.base_url)
        assert stripped is not None
        retried = replace(profile, base_url=stripped)
        again = _target(args, retried, limits, budget, target.mode)
        targets.append(again)
        second = sources.fetch_listed(again)
        if second.status == 404:
            raise ProfileError(f"404 from {profile.base_url} and from {stripped}: the base URL is the part before "
                               "/v1/... of the provider's API")
        print(f"llmconform sweep: {profile.base_url} answered 404; its /v1 belongs to the paths, so the base URL "
              f"used is {stripped}", file=sys.stderr)
        profile, target, listing, exchange = retried, again, second, second.exchanges[0]
    if exchange.status is None and exchange.problem in ("unreachable", "transport", "reset", "timeout", "bad-encoding"):
        detail = exchange.problem_detail or exchange.problem or ""
        if profile.base_url.startswith("https://") and re.search(r"ssl|tls|wrong.version|record layer", detail, re.I):
            raise ProfileError(f"{profile.base_url} does not speak TLS on that port ({detail[:120]}): if the server "
                               "is plain HTTP, use http://")
        raise ProfileError(f"no answer from {profile.base_url}{sources.list_path(target)} ({exchange.problem}: "
                           f"{detail[:160]}): check the address and that the server is up")
    if exchange.status in (401, 403) or (exchange.status == 400 and preflight.refused(exchange)):
        raise ProfileError(f"{profile.name} refuses the key{_in(profile)}: {listing.problem[:200]}")
    if exchange.status is not None and preflight.looks_like_html(exchange) and source in ("listed", "all"):
        raise ProfileError(f"{profile.base_url} answers web pages, not an API (status {exchange.status} on GET "
                           f"{sources.list_path(target)}: {exchange.excerpt()[:80]}): check that it is the API's base "
                           "URL, the part before /v1/...")
    return profile, target, listing


def _sweep(args: argparse.Namespace, profile: Profile, source: str, names: list[str],
           shard: tuple[int, int] | None) -> int:
    limits = options.limits(args)
    budget = _budgets(args, profile)
    mode = options.mode(args)
    targets: list[Target] = []
    sweep: SweepRun | None = None
    try:
        reference = None
        if args.reference:
            reference_profile = resolve_profile(args.reference)
            reference = _target(args, reference_profile, limits, _budgets(args, reference_profile), mode)
            targets.append(reference)
        target = _target(args, profile, limits, budget, mode)
        targets.append(target)
        listing = sources.fetch_listed(target)
        profile, target, listing = _preflight(args, profile, target, listing, source, limits, budget, targets)
        items = planning.in_shard(planning.select(profile, listing, source, names, args.surfaces), shard)
        sweep = SweepRun(target=target, items=items, concurrency=args.concurrency, timing=not args.no_timing,
                         reference=reference)
        rows = sweep.run()
        report = reporting.build(sweep, rows, source=source, listing=listing, catalogue_size=len(profile.catalogue),
                                 shard=shard)
    finally:
        for each in targets:
            each.close(interrupted=sweep.interrupted if sweep is not None else interrupt.STOP.is_set())
    report["recording"] = mode
    found = reporting.problems(report)
    if found:  # a suite bug, said plainly; the report is still written for the bug report
        print(f"llmconform sweep: the report departs from its schema: {found[0]}", file=sys.stderr)
    _write(report, args)
    terminal = sys.stderr if args.report_json == "-" else sys.stdout
    terminal.write(render.text(report))
    if sweep.interrupted:
        return interrupt.EXIT_INTERRUPTED
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
            with interrupt.handled():
                return _sweep(args, profile, source, names, shard)
        except KeyboardInterrupt:  # before any model was probed (the list, the pre-flight), or while writing
            print("llmconform sweep: interrupted before the sweep could report (nothing more is sent)",
                  file=sys.stderr)
            return interrupt.EXIT_INTERRUPTED
        finally:
            sys.stdout, sys.stderr = sys.stdout._inner, sys.stderr._inner  # type: ignore[attr-defined]
    except (UsageError, ProfileError) as exc:
        print(f"llmconform sweep: {exc}", file=sys.stderr)
        return EXIT_USAGE
