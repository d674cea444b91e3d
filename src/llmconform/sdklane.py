"""The SDK lane of an offline replay, run in a worker process beside the suite.

Importing the official SDKs (openai, anthropic, google-genai: thousands of pydantic classes) costs
more CPU than collecting the whole suite. A replay therefore starts one worker at session start
(`python -m llmconform.sdklane`, spawn-safe on every OS) that imports them while the suite is
collected and the other checks replay; each SDK check is then run by the worker on a copy of its
recorded exchanges, and its outcome (pass, or the verdict it raised, evidence rendered there) comes
back to be reported as if it had run here. Same code, same exchanges: same verdicts and evidence.

Bounded: a worker that dies or gives no answer in time leaves every SDK check it was to run an
Error naming why, never a hang. A live run keeps the SDK lane in process (nothing is gained there:
the exchanges themselves take the time). The worker gets no secret: a replay holds none, and the
variables that could (keys, tokens) are not passed on to it.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import pickle
import queue
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from llmconform.verdict import Error, Verdict, excerpt

if TYPE_CHECKING:
    from llmconform.exchange import Exchange

# The first answer waits for the SDKs' imports too (a few seconds, more on a loaded machine).
FIRST_ANSWER_S = 180.0
ANSWER_S = 60.0
_SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH", re.IGNORECASE)
SDK_PACKAGES = ("openai", "anthropic", "google.genai")


def takes(ident: str) -> bool:
    """Whether a check (by its id, surface/concern/name) is one of the SDK lane's."""
    return ident.split("/")[1:2] == ["sdk"]


class NotPortable(Exception):
    """A check's arguments cannot be sent to the worker: it runs in the suite's process instead."""


class Lane:
    """The worker process, seen from the suite: one call at a time, each bounded."""

    def __init__(self) -> None:
        env = {name: value for name, value in os.environ.items() if not _SECRET_NAME.search(name)}
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - open as long as the worker, closed by stop()
        self._process = subprocess.Popen([sys.executable, "-m", "llmconform.sdklane"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self._stderr, env=env)
        self._answers: queue.Queue[Any] = queue.Queue()
        self._broken = ""
        self._answered = False
        threading.Thread(target=self._read, args=(self._process.stdout,), daemon=True).start()

    def _read(self, stream: IO[bytes]) -> None:
        try:
            while True:
                self._answers.put(pickle.load(stream))
        except Exception:  # EOF or a torn message: the worker is gone
            self._answers.put(None)

    def _stderr_tail(self) -> str:
        with contextlib.suppress(OSError, ValueError):
            self._stderr.seek(0)
            lines = self._stderr.read().decode("utf-8", errors="replace").strip().splitlines()
            return excerpt(" | ".join(lines[-3:]), 300) if lines else ""
        return ""

    def _fail(self, reason: str) -> None:
        self._broken = reason
        self.stop()

    def run(self, path: Path, name: str, args: dict[str, Any]) -> None:
        """Run check `name` of the module at `path` in the worker with `args`; return when it passed,
        raise the verdict it raised (its exchange rebound to ours), or an Error when the worker
        could not answer."""
        conclude(self.ask(path, name, args), list(args.values()))

    def ask(self, path: Path, name: str, args: dict[str, Any]) -> tuple[Any, ...]:
        """The worker's answer for check `name` of the module at `path` run with `args` (what
        `conclude` turns into the check's outcome); an Error when the worker could not answer."""
        if self._broken:
            raise Error("SDK lane unavailable", self._broken)
        try:
            message = pickle.dumps(("run", str(path), name, args))
        except Exception as exc:  # an argument that cannot travel: the check runs where it is
            raise NotPortable(f"{type(exc).__name__}: {exc}") from None
        try:
            self._process.stdin.write(message)  # type: ignore[union-attr]
            self._process.stdin.flush()  # type: ignore[union-attr]
        except (OSError, ValueError) as exc:
            self._fail(f"the SDK worker could not be reached ({type(exc).__name__}: {exc}) {self._stderr_tail()}")
            raise Error("SDK lane unavailable", self._broken) from None
        wait = ANSWER_S if self._answered else FIRST_ANSWER_S
        try:
            answer = self._answers.get(timeout=wait)
        except queue.Empty:
            self._fail(f"the SDK worker gave no answer within {wait:.0f} s (stopped)")
            raise Error("SDK lane timed out", self._broken) from None
        if answer is None:
            self._process.wait(timeout=5)
            self._fail(f"the SDK worker ended (exit status {self._process.returncode}) {self._stderr_tail()}".strip())
            raise Error("SDK lane unavailable", self._broken) from None
        self._answered = True
        return answer  # type: ignore[no-any-return]

    def stop(self) -> None:
        process = self._process
        with contextlib.suppress(OSError, ValueError):
            process.stdin.close()  # type: ignore[union-attr]
        # Nothing in the worker outlives a check (no file, no state): it is ended at once, even in
        # the middle of its imports (a run that turns out to hold no SDK check).
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        with contextlib.suppress(OSError, ValueError):
            process.stdout.close()  # type: ignore[union-attr]
        self._stderr.close()


def start() -> Lane | None:
    """The worker, kept when one of the SDKs is installed (its checks are skipped otherwise). It is
    started first, and llmconform.sdk (httpx) imported after: the worker's imports begin at once."""
    lane = Lane()
    from llmconform import sdk

    if any(sdk.available(package) for package in SDK_PACKAGES):
        return lane
    lane.stop()
    return None


def early(checks: list[str], select: list[str], pytest_args: list[str]) -> bool:
    """Whether a replay starts the worker before its suite is collected: unless the command line
    picks the checks (`--check`, `--select`, `--client`'s checks; `-k`, `-m`, `--deselect` after
    `--`), a replay runs SDK checks, and the worker has its SDKs imported by the time they come.
    A run that picks starts it once collection shows an SDK check left (the plugin), or never."""
    picking = any(arg[:2] in ("-k", "-m") or arg.split("=", 1)[0] == "--deselect" for arg in pytest_args)
    return not checks and not select and not picking


def conclude(answer: tuple[Any, ...], exchanges: list[Exchange]) -> None:
    """A worker's answer as the check's own outcome, about `exchanges` (the check's arguments, in
    order): return when it passed, else raise what it raised."""
    kind = answer[0]
    if kind == "pass":
        return
    if kind == "skip":
        import pytest  # here, not above: the CLI starts the worker before it imports pytest

        pytest.skip(answer[1])
    if kind == "verdict":
        _, module, qualname, args, state, index = answer
        cls = getattr(importlib.import_module(module), qualname)
        if isinstance(cls, type) and issubclass(cls, Verdict):
            verdict = cls.__new__(cls)
            Exception.__init__(verdict, *args)
            verdict.__dict__.update(state)
            verdict.exchange = exchanges[index] if index is not None else None
            raise verdict
        raise Error("SDK lane answer", f"not a verdict: {module}.{qualname}")
    if kind == "assert":
        raise AssertionError(answer[1])
    # Anything else the check raised is the suite's own bug: its type and place, as the worker saw it.
    _, name, text = answer
    raise type(name, (Exception,), {"__module__": "builtins"})(text)


# -- the worker ---------------------------------------------------------------------------------


def _module(path: str, loaded: dict[str, Any]) -> Any:
    if path not in loaded:
        spec = importlib.util.spec_from_file_location(f"llmconform_sdk_lane_{len(loaded)}", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"no module at {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        loaded[path] = module
    return loaded[path]


def _plain(value: Any) -> Any:
    """A verdict's evidence as plain data: an SDK object in it travels as its text (what the report's
    JSON would write), so the suite's process never needs the SDK to read an answer."""
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if type(value).__module__.split(".")[0] == "llmconform":
        return value  # the verdicts' own context types
    return str(value)


def _outcome(exc: BaseException, exchanges: list[Exchange]) -> tuple[Any, ...]:
    import pytest  # the checks the worker runs have imported it already

    if isinstance(exc, pytest.skip.Exception):
        return ("skip", exc.msg)
    if isinstance(exc, Verdict):
        index = next((i for i, e in enumerate(exchanges) if e is exc.exchange), None)
        state = {key: _plain(value) for key, value in vars(exc).items() if key != "exchange"}
        return ("verdict", type(exc).__module__, type(exc).__qualname__, exc.args, state, index)
    if isinstance(exc, AssertionError):
        return ("assert", str(exc))
    frames = exc.__traceback__
    while frames is not None and frames.tb_next is not None:
        frames = frames.tb_next
    where = f" at {frames.tb_frame.f_code.co_filename}:{frames.tb_lineno}" if frames else ""
    return ("error", type(exc).__name__, f"{exc}{where}")


def serve() -> None:
    """The worker's loop: import the SDKs, then run each check it is sent, answering its outcome."""
    from llmconform import sdk

    # The answers travel on the original stdout; whatever the SDKs or a check print goes to stderr.
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    for package in SDK_PACKAGES:
        if sdk.available(package):
            with sdk._long_lived(package):
                importlib.import_module(package)
    loaded: dict[str, Any] = {}
    requests = sys.stdin.buffer
    while True:
        try:
            message = pickle.load(requests)
        except EOFError:
            return
        _, path, name, args = message
        try:
            getattr(_module(path, loaded), name)(**args)
            answer: tuple[Any, ...] = ("pass",)
        except BaseException as exc:  # every outcome of the check is the answer, nothing stops the loop
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            answer = _outcome(exc, list(args.values()))
        pickle.dump(answer, channel)
        channel.flush()


if __name__ == "__main__":
    serve()
