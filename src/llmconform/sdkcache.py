"""The SDK lane's answers, kept from one offline replay to the next.

An SDK check of a replay is a pure function of its inputs: the check's code (and the suite's), the
installed SDKs and what they are built on, and the recorded exchanges it reads. Importing the SDKs
costs more CPU than collecting the whole suite, so a replay run again with the same inputs takes
each SDK check's answer (pass, skip, or the verdict and evidence it raised) from the last run of the
same command instead of starting the worker: the same answer, rebound to this run's exchanges.

Keyed so that nothing stale is read: the key of every answer holds the content of the suite's own
files (llmconform, tests/, openapi/), the versions of Python and of the SDKs and their foundations,
the check and the exchanges' recorded content (everything but their timings, which a replay does not
reproduce). A changed cassette or check is a new key: its check goes to the worker, started then.

The answers of one command line (its report paths and verbosity aside) are one file under the
cache folder ($XDG_CACHE_HOME/llmconform/sdk-answers); the most recent few are kept.
`LLMCONFORM_SDK_CACHE=off` asks the worker every time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmconform.paths import PACKAGE, cache_dir, spec_dir, suite_dir

if TYPE_CHECKING:
    from llmconform.exchange import Exchange

SWITCH = "LLMCONFORM_SDK_CACHE"
KEPT = 16  # command lines whose answers are kept
# What an SDK check's answer depends on besides the suite's own files: the SDKs, and what they parse
# and send with (pydantic's validation, httpx's transport), and pytest (a skip is pytest's).
PACKAGES = ("openai", "anthropic", "google.genai", "pydantic", "pydantic_core", "httpx", "_pytest")
# Options that change where a run's results go, not which checks run on what: the same replay
# written to another report file reuses the answers too.
OUTPUT_OPTIONS = ("--report-json", "--report-md", "--report-html", "--junit", "--report-dir", "--baseline")
# The answers a later run may reuse: a check's own outcome. An "error" (the suite's own bug, or the
# worker gone) is asked again.
KEPT_KINDS = frozenset({"pass", "skip", "verdict", "assert"})


def _folder() -> Path:
    return cache_dir() / "sdk-answers"


@functools.cache
def _inputs() -> str:
    """The digest of everything an answer depends on but its check and exchanges."""
    digest = hashlib.sha256(sys.version.encode())
    for name in PACKAGES:
        # Where each package is installed, and when: an upgrade or a reinstall writes its files anew.
        # (Reading the installed versions' metadata would cost more than the rest of this digest.)
        try:
            found = importlib.util.find_spec(name)
            origin = found.origin if found is not None else None
            stat = os.stat(origin) if origin else None
        except (ImportError, ValueError, OSError):
            origin, stat = None, None
        installed = f"{origin}:{stat.st_mtime_ns}:{stat.st_size}" if stat is not None else "-"
        digest.update(f"\0{name}={installed}".encode())
    for folder, pattern in ((PACKAGE, "*.py"), (suite_dir(), "*.py"), (spec_dir(), "*.yaml")):
        for path in sorted(folder.rglob(pattern)):
            digest.update(b"\0" + str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _recorded(exchange: Exchange) -> str:
    """An exchange's content as recorded: its fields without the timings (a replay's own clock), its
    request as the session identifies it (`Request.key`: two probes sending the same bytes share one
    exchange, named after whichever was sent first)."""
    fields = {f.name: getattr(exchange, f.name) for f in dataclasses.fields(exchange) if f.name != "timings"}
    fields["request"] = (exchange.request.surface, exchange.request.key)
    if exchange.events is not None:
        fields["events"] = [(e.event, e.data, e.raw, e.index) for e in exchange.events]
    return repr(fields)


def _selecting(argv: list[str]) -> list[str]:
    """The command line without its output options (report paths, verbosity): what picks the checks
    and their exchanges. pytest's own arguments, after `--`, are kept whole."""
    own, rest = (argv[: argv.index("--")], argv[argv.index("--"):]) if "--" in argv else (argv, [])
    kept, skip = [], False
    for arg in own:
        if skip:
            skip = False
        elif arg in OUTPUT_OPTIONS:
            skip = True  # its value follows
        elif arg.split("=", 1)[0] in OUTPUT_OPTIONS or arg in ("--verbose", "--quiet") \
                or (len(arg) > 1 and arg[0] == "-" and set(arg[1:]) <= {"v", "q"}):
            continue
        else:
            kept.append(arg)
    return kept + rest


class Answers:
    """The answers of one command line: those its last run stored, and those this run adds."""

    def __init__(self, path: Path | None, stored: dict[str, tuple[Any, ...]] | None) -> None:
        self._path = path
        self._stored = stored or {}
        self._used: dict[str, tuple[Any, ...]] = {}
        # A run of this command line stored its answers: the worker need not be started ahead.
        self.warm = stored is not None

    @classmethod
    def open(cls, argv: list[str]) -> Answers:
        """The answers stored for `argv` run from the current directory (none when switched off)."""
        if os.environ.get(SWITCH, "").lower() in ("off", "0", "no", "false"):
            return cls(None, None)
        try:
            command = hashlib.sha256("\0".join([_inputs(), os.getcwd(), *_selecting(argv)]).encode()).hexdigest()
        except OSError:  # a suite file unreadable: nothing reused, nothing stored
            return cls(None, None)
        path = _folder() / f"{command[:32]}.pickle"
        stored = None
        with contextlib.suppress(Exception):  # absent, torn or from an older format: none stored
            with path.open("rb") as stream:
                loaded = pickle.load(stream)
            if isinstance(loaded, dict):
                stored = loaded
        return cls(path, stored)

    @staticmethod
    def key(path: Path, name: str, args: dict[str, Exchange]) -> str:
        text = "\0".join([str(path), name, *(f"{k}={_recorded(v)}" for k, v in args.items())])
        return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()

    def get(self, key: str) -> tuple[Any, ...] | None:
        answer = self._stored.get(key)
        if answer is not None:
            self._used[key] = answer
        return answer

    def put(self, key: str, answer: tuple[Any, ...]) -> None:
        if answer and answer[0] in KEPT_KINDS:
            self._used[key] = answer

    def save(self) -> None:
        """This run's answers, for the next run of the same command line (written whole, then
        renamed: a concurrent run reads the old file or the new one, never half of one)."""
        if self._path is None or not self._used:
            return
        if self._used == self._stored:
            with contextlib.suppress(OSError):
                os.utime(self._path)  # used again: kept before those of older command lines
            return
        with contextlib.suppress(OSError, pickle.PicklingError):
            self._path.parent.mkdir(parents=True, exist_ok=True)
            handle, scratch = tempfile.mkstemp(dir=self._path.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as stream:
                    pickle.dump(self._used, stream)
                os.replace(scratch, self._path)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(scratch)
            files = sorted(self._path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in files[KEPT:]:
                with contextlib.suppress(OSError):
                    old.unlink()
