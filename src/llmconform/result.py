"""The result model: what a run found, as every report writer reads it.

The shape is declared once, in `schemas/report.schema.json` (shipped with the package); this module
is its typed reading. The plugin builds `Row`s and a `Report`; the writers (Markdown, HTML, JUnit,
the matrix, the baseline comparison) read these classes and nothing else, so a field cannot mean
one thing in the JSON and another on the page. A report read back from disk (`load`) is validated
against the schema first, so a garbage file is refused with the field that is wrong.

This is the bottom layer: it imports nothing of the suite but the verdict vocabulary.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from llmconform import __version__
from llmconform.clients import CLIENTS, ClientVerdict
from llmconform.clients import verdict as client_verdict
from llmconform.verdict import VERDICTS

SCHEMA_VERSION = 1
DECIDED = ("pass", "fail", "warn")  # verdicts a score counts
FINDINGS = ("fail", "error", "warn")  # what a reader must look at, most serious first
SEVERITY = {verdict: rank for rank, verdict in enumerate(("fail", "error", "warn", "pass", "skip"))}


class ReportError(ValueError):
    """A report that cannot be used (unreadable, not JSON, not a report): one line naming the file."""


# -- a check's row ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ExchangeEvidence:
    """One exchange a check read, as the report keeps it."""

    probe: str
    request: str
    status: int | None = None
    content_type: str | None = None
    problem: str | None = None
    events: int | None = None
    body_excerpt: str = ""
    time_ms: float | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExchangeEvidence:
        return cls(probe=str(data.get("probe", "")), request=str(data.get("request", "")),
                   status=data.get("status"), content_type=data.get("content_type"), problem=data.get("problem"),
                   events=data.get("events"), body_excerpt=str(data.get("body_excerpt") or ""),
                   time_ms=data.get("time_ms"))


@dataclass
class Row:
    """One check's verdict, with what was expected, what arrived and how to send it again."""

    id: str
    surface: str
    verdict: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    reproduce: str = ""
    rule: str = ""  # the rule the check holds (its docstring)
    level: str = ""  # how binding it is: "must" (may FAIL) or "should" (may only WARN)
    source: str = ""  # where it comes from: the official definition and section, or the spec path
    # Seconds the check took (its own run; the exchanges it reads were mostly sent before it started).
    duration_s: float | None = None

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r} for {self.id}")

    @property
    def is_finding(self) -> bool:
        return self.verdict in FINDINGS

    @property
    def undeclared(self) -> bool:
        """A skip because the profile does not claim the surface: no finding, shown as a dash."""
        return self.verdict == "skip" and self.message.startswith(f"surface {self.surface} not declared")

    @property
    def expected(self) -> str | None:
        value = self.evidence.get("expected")
        return value if isinstance(value, str) else None

    @property
    def received(self) -> str | None:
        value = self.evidence.get("received")
        return value if isinstance(value, str) else None

    @property
    def python(self) -> str | None:
        """A short Python reproduction with the official SDK (the SDK checks carry one)."""
        value = self.evidence.get("python")
        return value if isinstance(value, str) else None

    @property
    def exchanges(self) -> list[ExchangeEvidence]:
        found = self.evidence.get("exchanges")
        return [ExchangeEvidence.from_json(e) for e in found if isinstance(e, dict)] if isinstance(found, list) else []

    @property
    def culprit(self) -> ExchangeEvidence | None:
        """The exchange the finding is about (the one `reproduce` sends): named, else the last read."""
        exchanges = self.exchanges
        named = self.evidence.get("culprit")
        for exchange in exchanges:
            if exchange.probe == named:
                return exchange
        return exchanges[-1] if exchanges else None

    @property
    def details(self) -> dict[str, Any]:
        """Context a check attached beyond the common fields (e.g. `unknown`, `violations`, `sdk_frame`)."""
        common = {"exchanges", "culprit", "expected", "received", "python"}
        return {k: v for k, v in self.evidence.items() if k not in common and v not in (None, "", [], {})}

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "surface": self.surface, "verdict": self.verdict,
                                "message": self.message, "evidence": self.evidence, "reproduce": self.reproduce}
        if self.rule or self.level or self.source:
            data["rule"] = {"text": self.rule, "level": self.level, "source": self.source}
        if self.duration_s is not None:
            data["duration_s"] = self.duration_s
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        rule = data.get("rule")
        # Reports written before rules carried a level and a source hold the rule's text alone.
        if not isinstance(rule, dict):
            rule = {"text": rule or ""}
        return cls(id=data["id"], surface=data["surface"], verdict=data["verdict"], message=data["message"],
                   evidence=dict(data.get("evidence") or {}), reproduce=data.get("reproduce") or "",
                   rule=rule.get("text") or "", level=rule.get("level") or "", source=rule.get("source") or "",
                   duration_s=data["duration_s"] if isinstance(data.get("duration_s"), int | float) else None)


def readable(value: Any) -> str:
    """A value of a check's context as a person reads it: lists joined, objects as JSON, never a repr."""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | set):
        return ", ".join(readable(v) for v in value)
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


def summary_of(rows: list[Row]) -> dict[str, int]:
    counts = dict.fromkeys(VERDICTS, 0)  # one pass over the rows: each renderer asks, several times
    for row in rows:
        if row.verdict in counts:
            counts[row.verdict] += 1
    return counts


def by_severity(rows: list[Row]) -> list[Row]:
    """Failures first, then errors, warnings, passes and skips; by id within each."""
    return sorted(rows, key=lambda r: (SEVERITY[r.verdict], r.id))


# -- billing --------------------------------------------------------------------------------------

BILLING_CONCERN = "billing"


@dataclass
class Billing:
    """One surface's billing concern (issue 20), read from its rows: each billing check's verdict,
    what the checks measured (the billed input of the one prompt plain, again and streamed, the
    counting endpoint's count, the prompt recounted: fitted slope and intercept, the overhead in
    tokens and per cent) and the exchanges that show it."""

    surface: str
    verdicts: dict[str, str] = field(default_factory=dict)
    measured: dict[str, Any] = field(default_factory=dict)
    exchanges: list[ExchangeEvidence] = field(default_factory=list)
    messages: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The measurements as a person reads them, one line each."""
        m = self.measured
        out = []
        billed = [f"{label} {m[key]}" for key, label in (("plain", "plain"), ("repeat", "sent again"),
                                                        ("stream", "streamed"), ("counted", "counting endpoint"))
                  if m.get(key) is not None]
        if billed:
            out.append("input billed for the one prompt: " + ", ".join(billed))
        if m.get("slope") is not None:
            out.append(f"prompt recounted: slope {m['slope']} billed tokens per one-token word "
                       f"({m.get('inflation_percent', 0):+d} %), intercept {m.get('intercept')} "
                       f"(instruction ≈ {m.get('instruction_estimate')})")
            out.append(f"overhead: {m.get('overhead_tokens')} tokens per request beyond the instruction and its "
                       f"filler ({m.get('overhead_percent')} % of the {m.get('plain_billed')} billed for the plain "
                       "prompt): the chat template, and any prompt the provider adds")
            points = m.get("points") or []
            out.append("points (filler words → billed input): "
                       + ", ".join(f"{p[0]} → {p[1]}" for p in points if isinstance(p, list) and len(p) == 2))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"surface": self.surface, "verdicts": self.verdicts, "measured": self.measured,
                "exchanges": [e.probe for e in self.exchanges]}


def billing_of(rows: list[Row]) -> list[Billing]:
    """The billing concern of a run, per surface that has it (none when no billing check ran)."""
    found: dict[str, Billing] = {}
    for row in rows:
        parts = row.id.split("/")
        if len(parts) != 3 or parts[1] != BILLING_CONCERN or row.undeclared:
            continue
        entry = found.setdefault(row.surface, Billing(row.surface))
        entry.verdicts[parts[2]] = row.verdict
        if row.message and row.verdict != "pass":
            entry.messages[parts[2]] = row.message
        measured = row.evidence.get("measured")
        if isinstance(measured, dict):
            entry.measured.update(measured)
        known = {e.probe for e in entry.exchanges}
        entry.exchanges += [e for e in row.exchanges if e.probe not in known]
    return [found[s] for s in sorted(found)]


# -- metrics and fingerprints -----------------------------------------------------------------

@dataclass
class Metrics:
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    exchanges: int | None = None
    ttft_p50_ms: float | None = None
    ttft_p90_ms: float | None = None
    tokens_per_s_p50: float | None = None
    timing: str | None = None  # how TTFT and tokens/s were measured
    extra: dict[str, Any] = field(default_factory=dict)  # fields newer than this model, kept as they came

    _KNOWN = frozenset({"requests", "exchanges", "input_tokens", "output_tokens", "ttft_ms", "output_tokens_per_s",
                        "timing"})

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Metrics:
        ttft = data.get("ttft_ms") or {}
        rate = data.get("output_tokens_per_s") or {}
        return cls(requests=int(data.get("requests") or 0), input_tokens=int(data.get("input_tokens") or 0),
                   output_tokens=int(data.get("output_tokens") or 0), exchanges=data.get("exchanges"),
                   ttft_p50_ms=ttft.get("p50"), ttft_p90_ms=ttft.get("p90"), tokens_per_s_p50=rate.get("p50"),
                   timing=data.get("timing") if isinstance(data.get("timing"), str) else None,
                   extra={k: v for k, v in data.items() if k not in cls._KNOWN})

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"requests": self.requests}
        if self.exchanges is not None:
            data["exchanges"] = self.exchanges
        data.update({"input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
                     "ttft_ms": {"p50": self.ttft_p50_ms, "p90": self.ttft_p90_ms},
                     "output_tokens_per_s": {"p50": self.tokens_per_s_p50}})
        if self.timing is not None:
            data["timing"] = self.timing
        data.update(self.extra)
        return data


@dataclass
class Fingerprints:
    """What gives away the backend behind a relay (reported, not judged)."""

    id_prefixes: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    usage_fields: dict[str, list[str]] = field(default_factory=dict)
    personas: list[str] = field(default_factory=list)
    models: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fingerprints:
        return cls(id_prefixes=dict(data.get("id_prefixes") or {}), headers=dict(data.get("headers") or {}),
                   usage_fields={k: list(v) for k, v in (data.get("usage_fields") or {}).items()},
                   personas=list(data.get("personas") or []),
                   models={k: list(v) for k, v in (data.get("models") or {}).items()})

    def to_json(self) -> dict[str, Any]:
        return {"id_prefixes": self.id_prefixes, "headers": self.headers, "usage_fields": self.usage_fields,
                "personas": self.personas, "models": self.models}

    def lines(self) -> list[tuple[str, str]]:
        """(what, readable text) for every fingerprint found, for a person to read."""
        out = []
        if self.id_prefixes:
            out.append(("id prefixes", ", ".join(f"{prefix} ({count}×)" for prefix, count in self.id_prefixes.items())))
        if self.models:
            out.append(("models", "; ".join(f"asked {asked} → answered {', '.join(answered) or '(none)'}"
                                            for asked, answered in self.models.items())))
        for surface, names in self.usage_fields.items():
            out.append((f"usage fields ({surface})", ", ".join(names) or "(none)"))
        if self.headers:
            out.append(("headers", "; ".join(f"{name}: {value}" for name, value in self.headers.items())))
        if self.personas:
            out.append(("personas", "; ".join(f"“{p}”" for p in self.personas)))
        return out


# -- the baseline comparison ------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """A check whose verdict differs from the baseline's (`absent` where one side has no row)."""

    id: str
    was: str
    now: str
    message: str = ""
    expected: str | None = None
    received: str | None = None
    reproduce: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "was": self.was, "now": self.now, "message": self.message,
                "expected": self.expected, "received": self.received, "reproduce": self.reproduce}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return cls(id=data["id"], was=data["was"], now=data["now"], message=data.get("message") or "",
                   expected=data.get("expected"), received=data.get("received"),
                   reproduce=data.get("reproduce") or "")


@dataclass
class Comparison:
    path: str
    vendor: str
    mode: str = ""
    started_at: str = ""
    regressed: list[Change] = field(default_factory=list)
    improved: list[Change] = field(default_factory=list)
    # FAILs on checks that did not fail in the baseline (skipped, undecided, warned or absent there):
    # not regressions (nothing that passed was lost), yet nothing the baseline already knew either.
    new_failures: list[Change] = field(default_factory=list)

    @property
    def failing(self) -> bool:
        """What makes the run exit 1 against its baseline: a regression or a new failure."""
        return bool(self.regressed or self.new_failures)

    def counts(self) -> str:
        """The comparison in the words every output uses."""
        return (f"{len(self.regressed)} regressions, {len(self.new_failures)} new failures, "
                f"{len(self.improved)} improved")

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "vendor": self.vendor, "mode": self.mode, "started_at": self.started_at,
                "regressed": [c.to_json() for c in self.regressed],
                "new_failures": [c.to_json() for c in self.new_failures],
                "improved": [c.to_json() for c in self.improved]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Comparison:
        return cls(path=data["path"], vendor=data["vendor"], mode=data.get("mode") or "",
                   started_at=data.get("started_at") or "",
                   regressed=[Change.from_json(c) for c in data.get("regressed") or []],
                   improved=[Change.from_json(c) for c in data.get("improved") or []],
                   new_failures=[Change.from_json(c) for c in data.get("new_failures") or []])


# -- one vendor's report ----------------------------------------------------------------------

@dataclass(frozen=True)
class Score:
    passed: int
    decided: int

    @property
    def percent(self) -> int | None:
        return 100 * self.passed // self.decided if self.decided else None

    def __str__(self) -> str:
        return "–" if self.percent is None else f"{self.percent}% ({self.passed}/{self.decided})"


@dataclass
class Report:
    """One vendor, one run."""

    vendor: str
    base_url: str
    mode: str
    started_at: str
    duration_s: float
    results: list[Row]
    metrics: Metrics = field(default_factory=Metrics)
    fingerprints: Fingerprints = field(default_factory=Fingerprints)
    baseline: Comparison | None = None
    # The distinct problems, each with the checks it left undecided (see report.root_causes).
    root_causes: list[dict[str, Any]] = field(default_factory=list)
    version: str = __version__
    tool: str = "llmconform"
    # Stopped by SIGINT/SIGTERM before every check ran: the rows are those decided by then.
    interrupted: bool = False
    # Tells one run from another that shares vendor, mode and start time (two shards, two quick runs).
    run_id: str = ""
    # Shown beside the start time where two columns would otherwise read alike (set by `compare`, not saved).
    column: str = ""
    # The coding agents the run was asked to answer for (issue 22: `--client`, a profile's `clients:`).
    clients: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return summary_of(self.results)

    @property
    def when(self) -> str:
        """The start time to the minute, with what tells it apart where `compare` needed that."""
        return self.started_at.replace("T", " ")[:16] + (f" · {self.column}" if self.column else "")

    @property
    def label(self) -> str:
        """What tells this run from another of the same vendor: vendor, mode and start time."""
        return f"{self.vendor} · {self.mode} · {self.when}"

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """Identity of a run: the same run read from two files (its own and a combined one) is one
        run; two runs that started in the same second are two (their run ids, or for a report
        written before run ids, their rows and duration, differ)."""
        ident = self.run_id or hashlib.sha256(json.dumps(
            [[r.id, r.verdict, r.message] for r in self.results] + [self.duration_s]).encode()).hexdigest()[:16]
        return (self.vendor, self.mode, self.started_at, self.base_url, ident)

    def row(self, check: str) -> Row | None:
        return self.by_id().get(check)

    def by_id(self) -> dict[str, Row]:
        return {r.id: r for r in self.results}

    def surfaces(self) -> list[str]:
        return sorted({r.surface for r in self.results})

    def declared_surfaces(self) -> list[str]:
        """Surfaces with at least one row that is not `surface not declared`."""
        return sorted({r.surface for r in self.results if not r.undeclared})

    def score(self, surface: str) -> Score:
        """Passed over decided (pass + fail + warn) for one surface."""
        rows = [r for r in self.results if r.surface == surface and r.verdict in DECIDED]
        return Score(sum(r.verdict == "pass" for r in rows), len(rows))

    def billing(self) -> list[Billing]:
        return billing_of(self.results)

    def client_verdicts(self) -> list[ClientVerdict]:
        """One verdict per client asked for, read from the rows of its rules' checks."""
        rows = {r.id: (r.verdict, r.message) for r in self.results}
        return [client_verdict(name, rows) for name in self.clients if name in CLIENTS]

    def findings(self) -> list[Row]:
        """FAILs, then ERRORs, then WARNs: what a reader must look at."""
        return [r for r in by_severity(self.results) if r.is_finding]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "tool": self.tool, "schema_version": SCHEMA_VERSION, "version": self.version, "vendor": self.vendor,
            "base_url": self.base_url, "mode": self.mode, "started_at": self.started_at,
            "duration_s": self.duration_s, "results": [r.to_json() for r in self.results], "summary": self.summary,
            "metrics": self.metrics.to_json(), "fingerprints": self.fingerprints.to_json(),
        }
        if self.baseline is not None:
            data["baseline"] = self.baseline.to_json()
        data["root_causes"] = self.root_causes
        data["interrupted"] = self.interrupted
        if self.run_id:
            data["run_id"] = self.run_id
        billing = self.billing()
        if billing:
            data["billing"] = [b.to_json() for b in billing]
        verdicts = self.client_verdicts()
        if verdicts:
            data["clients"] = [v.to_json() for v in verdicts]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        baseline = data.get("baseline")
        return cls(vendor=data["vendor"], base_url=data["base_url"], mode=data["mode"],
                   started_at=data["started_at"], duration_s=float(data["duration_s"]),
                   results=[Row.from_json(r) for r in data["results"]],
                   metrics=Metrics.from_json(data.get("metrics") or {}),
                   fingerprints=Fingerprints.from_json(data.get("fingerprints") or {}),
                   baseline=Comparison.from_json(baseline) if isinstance(baseline, dict) else None,
                   root_causes=[c for c in data.get("root_causes") or [] if isinstance(c, dict)],
                   version=data.get("version") or "", tool=data.get("tool") or "llmconform",
                   interrupted=data.get("interrupted") is True, run_id=str(data.get("run_id") or ""),
                   clients=[str(c["client"]) for c in data.get("clients") or []
                            if isinstance(c, dict) and c.get("client") in CLIENTS])


@dataclass
class Combined:
    """A multi-vendor run: every vendor's report in one document."""

    reports: list[Report]
    started_at: str
    duration_s: float

    @property
    def summary(self) -> dict[str, int]:
        return {v: sum(r.summary[v] for r in self.reports) for v in VERDICTS}

    def to_json(self) -> dict[str, Any]:
        return {**self.head(), "reports": [r.to_json() for r in self.reports]}

    def head(self) -> dict[str, Any]:
        """Every key but `reports` (the last)."""
        return {"tool": "llmconform", "schema_version": SCHEMA_VERSION, "version": __version__, "kind": "combined",
                "started_at": self.started_at, "duration_s": self.duration_s, "summary": self.summary,
                "interrupted": any(r.interrupted for r in self.reports)}


def indented(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte, for the JSON a report holds
    (dicts with string keys, lists, strings, numbers, booleans, null), written in one recursive
    pass: json's own indented encoder is pure Python and a generator per level, twice as slow on a
    replay's reports. Anything else is left to json itself."""
    out: list[str] = []
    try:
        _indent_into(value, out, "\n")
    except _NotPlain:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(out)


class _NotPlain(Exception):
    """A value `indented` does not write itself (a non-string key, a type json would refuse)."""


def _indent_into(value: Any, out: list[str], newline: str) -> None:
    if isinstance(value, str):
        out.append(_encode_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _NotPlain
        out.append(float.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        first = True
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotPlain
            out.append(("{" if first else ",") + inner + _encode_string(key) + ": ")
            first = False
            _indent_into(item, out, inner)
        out.append(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        first = True
        for item in value:
            out.append(("[" if first else ",") + inner)
            first = False
            _indent_into(item, out, inner)
        out.append(newline + "]")
    else:
        raise _NotPlain


_encode_string = json.encoder.encode_basestring  # type: ignore[attr-defined]  # C-accelerated where built


_REPORTS = "\x00reports\x00"  # where a combined document's reports go, in its text


def dumps(document: Report | Combined, known: dict[int, str] | None = None) -> str:
    """The document as its JSON file holds it (indented by 2). A combined document is each vendor's
    text, indented in place: its vendors' own files already wrote them (`known`, by report), and
    indented JSON is written by json's pure-Python encoder — the larger part of writing a replay's
    reports, done once instead of twice."""
    if isinstance(document, Report):
        return _text(document, known) + "\n"
    head = json.dumps({**document.head(), "reports": _REPORTS}, indent=2, ensure_ascii=False)
    texts = [_text(r, known).replace("\n", "\n    ") for r in document.reports]
    reports = "[\n    " + ",\n    ".join(texts) + "\n  ]" if texts else "[]"
    return head.replace(json.dumps(_REPORTS), reports, 1) + "\n"


def _text(report: Report, known: dict[int, str] | None) -> str:
    if known is not None and id(report) in known:
        return known[id(report)]
    text = indented(report.to_json())
    if known is not None:
        known[id(report)] = text
    return text


# -- the declared shape, and reading reports back ---------------------------------------------

@functools.cache
def schema() -> dict[str, Any]:
    """The report's JSON Schema, as shipped in the package."""
    text = resources.files("llmconform").joinpath("schemas/report.schema.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def problems(data: Any) -> list[str]:
    """What makes `data` no report of this schema: `path: message`, the most specific cause of each."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    validator = Draft202012Validator(schema())
    # The top-level oneOf (one vendor's report, or a combined one) would only say "not valid under
    # any of the given schemas": hold the document to the branch it claims to be, field by field.
    branch = 1 if isinstance(data, dict) and data.get("kind") == "combined" else 0
    errors = []
    for error in validator.iter_errors(data):
        if not error.path and error.validator == "oneOf" and error.context:
            errors += [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == branch]
        else:
            errors.append(error)
    found = []
    for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        cause = best_match([error]) or error
        found.append(f"{cause.json_path}: {_short(cause.message)}")
    return list(dict.fromkeys(found))


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def parse(data: Any, source: str = "report") -> list[Report]:
    """The reports in a parsed JSON document (one, or a combined report's several); refused with the
    first schema problem when it is no llmconform report."""
    if not isinstance(data, dict) or data.get("tool") != "llmconform":
        raise ReportError(f"{source} is not an llmconform JSON report (no \"tool\": \"llmconform\")")
    if data.get("mode") == "sweep":
        raise ReportError(f"{source} is a sweep report (one row per model), not a run report")
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ReportError(f"{source} has report schema version {data.get('schema_version')!r}, this llmconform "
                          f"reads {SCHEMA_VERSION}: write it again with llmconform {__version__}")
    found = problems(data)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise ReportError(f"{source} is not a valid llmconform report: {found[0]}{more}")
    if data.get("kind") == "combined":
        return [Report.from_json(r) for r in data["reports"]]
    return [Report.from_json(data)]


def load(path: str | Path) -> list[Report]:
    """Every report in a file (a combined report holds several); ReportError names the file."""
    return parse(read(path), str(path))


def read(path: str | Path) -> Any:
    """A report file's JSON, not yet validated; ReportError names the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise ReportError(f"{path} is a folder, not a report file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path} cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ReportError(f"{path} is not an llmconform JSON report (not JSON: {exc})") from None


def load_one(path: str | Path) -> Report:
    reports = load(path)
    if len(reports) != 1:
        raise ReportError(f"{path} is a combined report of {len(reports)} vendors; name one vendor's report")
    return reports[0]


def distinct(reports: list[Report]) -> list[Report]:
    """Runs in order, each once (the same run can come from its own file and a combined one)."""
    seen: set[tuple[str, str, str, str, str]] = set()
    out = []
    for report in reports:
        if report.key not in seen:
            seen.add(report.key)
            out.append(report)
    return out
