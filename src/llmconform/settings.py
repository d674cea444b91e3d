"""What one `llmconform run` was asked to do, as parsed from its command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Mode(StrEnum):
    """How a run meets its provider. Its value is what the command line says and reports print."""

    LIVE = "live"  # requests sent, nothing kept
    RECORD = "record"  # requests sent, the answers written to cassettes
    REPLAY = "replay"  # answered from cassettes, nothing sent


def mode_of(replay: bool, record: bool) -> Mode:
    """The mode the `--replay` / `--record` flags ask for (`run`'s and `sweep`'s alike)."""
    return Mode.REPLAY if replay else Mode.RECORD if record else Mode.LIVE


@dataclass
class RunSettings:
    # provider
    profiles: list[str] = field(default_factory=list)
    base_url: str | None = None
    api_key_env: str | None = None
    surfaces: list[str] = field(default_factory=list)
    model: str | None = None
    features: list[str] = field(default_factory=list)
    # mode
    replay: bool = False
    record: bool = False
    cassette_dir: str | None = None
    # selection
    checks: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    # coding agents (issue 22): run only their checks and answer one verdict each
    clients: list[str] = field(default_factory=list)
    # reports
    report_json: str | None = None
    report_md: str | None = None
    report_html: str | None = None
    junit: str | None = None
    report_dir: str | None = None
    baseline: str | None = None
    # budget
    budget_requests: int | None = None
    budget_tokens: int | None = None
    fuzz_cases: int = 5
    concurrency: int = 2
    plan: bool = False
    # bounds
    timeout_connect: float = 10.0
    timeout_read: float = 60.0
    timeout_total: float = 120.0
    max_response_bytes: int = 8 * 1024 * 1024
    # output
    verbosity: int = 0
    pytest_args: list[str] = field(default_factory=list)

    @property
    def mode(self) -> Mode:
        return mode_of(self.replay, self.record)
