"""Verdicts a check can reach, and the evidence each carries.

A check is a plain test function. It passes by returning; it reaches any other verdict by raising
one of the exceptions below, which say what the contract expects, what arrived, and carry a small
structured context. The plugin turns them into report rows — and alone turns a Skip into pytest's
skip, so nothing below it imports pytest to reach a verdict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, NoReturn

VERDICTS = ("pass", "fail", "warn", "skip", "error")


@dataclass(frozen=True)
class Label:
    """How the renderings name one verdict: the one table every report, the matrix and the sweep read."""

    word: str  # a report's badge and counts: the verdicts that need a look shout
    markdown: str  # the same word, with Markdown's emphasis on a FAIL and an ERROR
    cell: str  # a cell of the vendor matrix, as narrow as its columns
    letter: str  # the sweep's one-letter code before a finding's id


LABELS = {
    "pass": Label("pass", "pass", "pass", "P"),
    "fail": Label("FAIL", "**FAIL**", "FAIL", "F"),
    "warn": Label("WARN", "WARN", "warn", "W"),
    "skip": Label("skip", "skip", "-", "S"),
    "error": Label("ERROR", "*ERROR*", "err", "E"),
}

EXCERPT_CHARS = 300


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """A short, printable rendering of what arrived — never the whole of a huge body."""
    if isinstance(value, bytes):
        text = value[: limit * 4].decode("utf-8", errors="replace")
    elif isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


class Verdict(Exception):
    """Base of every non-pass verdict; carries expected / received and a context."""

    verdict = "error"

    def __init__(self, expected: str, received: Any = None, **context: Any) -> None:
        self.expected = expected
        self.received = excerpt(received) if received is not None else None
        self.context = context
        message = f"expected {expected}"
        if self.received is not None:
            message += f"; received {self.received}"
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self)


class Fail(Verdict, AssertionError):
    """The provider breaks the contract of the API it claims."""

    verdict = "fail"


class Warn(Verdict):
    """A departure many clients tolerate, or a heuristic signal."""

    verdict = "warn"


class Error(Verdict):
    """The suite could not decide (budget spent, rate-limited, unreachable)."""

    verdict = "error"

    def __init__(self, reason: str, detail: str = "", **context: Any) -> None:
        self.reason = reason
        super().__init__(f"a decidable exchange ({reason})", detail or None, reason=reason, **context)

    @property
    def message(self) -> str:
        return f"{self.reason}: {self.received}" if self.received else self.reason


class Skip(Verdict):
    """Nothing to decide here: the check does not apply to this provider or run (a surface the
    profile does not declare, an exchange a replay does not hold, no case to send). Never a pass."""

    verdict = "skip"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__("a check that applies", reason)

    @property
    def message(self) -> str:
        return self.reason


class Undelivered(Fail):
    """The exchange did not deliver what a rule needs: refused, cut, not JSON, or without the part a
    check reads (no tool call for a forced tool_choice). One problem, one FAIL: the check that owns
    it fails with this evidence; every other check that needed the same thing is left undecided
    (error) and names the owner, so a report shows the root cause once instead of a cascade.

    `cause` identifies the problem: equal causes are one problem, wherever they were met. `owner`
    is the owning check (relative to the surface, e.g. `tools/forced-call`), or None when the
    exchange's own declared owner decides (the plugin knows which checks read which probe).
    """

    def __init__(self, expected: str, received: Any = None, *, cause: str, summary: str,
                 owner: str | None = None, kind: str = "need", **context: Any) -> None:
        self.cause = cause
        self.summary = summary
        self.owner = owner
        self.kind = kind
        super().__init__(expected, received, **context)


def fail(expected: str, received: Any = None, **context: Any) -> NoReturn:
    raise Fail(expected, received, **context)


def warn(expected: str, received: Any = None, **context: Any) -> NoReturn:
    raise Warn(expected, received, **context)


def skip(reason: str) -> NoReturn:
    raise Skip(reason)


def expect(condition: object, expected: str, received: Any = None, *, severity: str = "fail",
           **context: Any) -> None:
    """Raise Fail (or Warn with severity="warn") unless `condition` holds."""
    if condition:
        return
    if severity == "warn":
        raise Warn(expected, received, **context)
    raise Fail(expected, received, **context)
