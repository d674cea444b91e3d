"""Verdicts a check can reach, and the evidence each carries.

A check is a plain test function. It passes by returning; it reaches any other verdict by raising
one of the exceptions below, which say what the contract expects, what arrived, the exchange it is
about, and a typed context of the finding's kind (its fields are the report's evidence keys). The
plugin turns them into report rows — and alone turns a Skip into pytest's skip, so nothing below it
imports pytest to reach a verdict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any, NoReturn, Protocol

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


class Culprit(Protocol):
    """The exchange a verdict is about (an `exchange.Exchange`, a layer above): the row names it as
    its culprit and reproduces it."""

    def curl(self) -> str: ...


@dataclass(frozen=True, kw_only=True)
class Context:
    """Structured evidence of one kind of finding, beside expected and received: each field is one
    key of the report row's `evidence` (schemas/report.schema.json), left out when None."""

    def evidence(self) -> dict[str, Any]:
        found = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is not None:
                found[item.name] = list(value) if isinstance(value, tuple) else value
        return found


@dataclass(frozen=True, kw_only=True)
class SchemaViolation(Context):
    """A body departs from a schema of the spec (or from the surface's error envelope): the schema,
    when one named schema judged it, and each violation as `path: message`."""

    schema: str | None = None
    violations: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ExtraFields(Context):
    """An answer carries fields its official schema does not declare (a relay's extension)."""

    extra: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class UnknownParameters(Context):
    """A request carries parameters its official schema does not define."""

    unknown: tuple[str, ...] = ()


class Verdict(Exception):
    """Base of every non-pass verdict: expected / received, the exchange it is about, the typed
    context of its kind, and what a check measured by its own names (`values`: a slope, a count)."""

    verdict = "error"

    def __init__(self, expected: str, received: Any = None, *, context: Context | None = None,
                 exchange: Culprit | None = None, **values: Any) -> None:
        self.expected = expected
        self.received = excerpt(received) if received is not None else None
        self.context = context
        self.exchange = exchange
        self.values = values
        message = f"expected {expected}"
        if self.received is not None:
            message += f"; received {self.received}"
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self)

    def evidence(self) -> dict[str, Any]:
        """The row's evidence beyond expected and received (the exchange is its culprit)."""
        return {**(self.context.evidence() if self.context else {}), **self.values}


class Fail(Verdict, AssertionError):
    """The provider breaks the contract of the API it claims."""

    verdict = "fail"


class Warn(Verdict):
    """A departure many clients tolerate, or a heuristic signal."""

    verdict = "warn"


class Error(Verdict):
    """The suite could not decide (budget spent, rate-limited, unreachable)."""

    verdict = "error"

    def __init__(self, reason: str, detail: str = "", *, exchange: Culprit | None = None, **values: Any) -> None:
        self.reason = reason
        super().__init__(f"a decidable exchange ({reason})", detail or None, exchange=exchange, reason=reason,
                         **values)

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
                 owner: str | None = None, kind: str = "need", outcome: str | None = None,
                 exchange: Culprit | None = None, **values: Any) -> None:
        self.cause = cause
        self.summary = summary
        self.owner = owner
        self.kind = kind
        self.outcome = outcome  # the exchange's outcome (refused, cut, ...) in words, when it is one
        super().__init__(expected, received, exchange=exchange, **values)

    def evidence(self) -> dict[str, Any]:
        return {**({"outcome": self.outcome} if self.outcome is not None else {}), **super().evidence()}


def fail(expected: str, received: Any = None, *, context: Context | None = None, exchange: Culprit | None = None,
         **values: Any) -> NoReturn:
    raise Fail(expected, received, context=context, exchange=exchange, **values)


def warn(expected: str, received: Any = None, *, context: Context | None = None, exchange: Culprit | None = None,
         **values: Any) -> NoReturn:
    raise Warn(expected, received, context=context, exchange=exchange, **values)


def skip(reason: str) -> NoReturn:
    raise Skip(reason)


def expect(condition: object, expected: str, received: Any = None, *, severity: str = "fail",
           context: Context | None = None, exchange: Culprit | None = None, **values: Any) -> None:
    """Raise Fail (or Warn with severity="warn") unless `condition` holds."""
    if condition:
        return
    if severity == "warn":
        raise Warn(expected, received, context=context, exchange=exchange, **values)
    raise Fail(expected, received, context=context, exchange=exchange, **values)
