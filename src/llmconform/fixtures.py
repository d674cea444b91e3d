"""What the checks in `tests/` ask pytest for: probe fixtures, and the exchanges a check read
(its evidence). The plugin reads them back when it turns a test's outcome into a report row.

A probe has one name, the one its spec declares (`x-llmconform-probes`, `x-llmconform-invalid` as
`invalid:NAME`) or its surface's builder makes (`auth-none`, `malformed-json`, …); its fixture is
named after it by one rule (`fixture_name`), and who owns its delivery failures is declared with it
(`owners`, `primary` on the spec's probe entry).
"""

from __future__ import annotations

import builtins
import functools
import keyword
from dataclasses import dataclass
from typing import Any

import pytest

from llmconform import spec
from llmconform.exchange import Exchange, Sequence
from llmconform.surfaces import SURFACE_MODULES
from llmconform.target import Target
from llmconform.verdict import Skip

TARGET_FIXTURE = "llmconform_target"
EXCHANGES = pytest.StashKey[list[Exchange]]()
MEASURED = pytest.StashKey[dict[str, Any]]()
INVALID = "invalid:"


def fixture_name(probe_name: str) -> str:
    """The fixture of a probe: `invalid:temperature-above-2` → `invalid_temperature_above_2`, and a
    name Python already means something by gets PEP 8's trailing underscore (`list` → `list_`)."""
    name = probe_name.replace(":", "_").replace("-", "_")
    return f"{name}_" if keyword.iskeyword(name) or hasattr(builtins, name) else name


@functools.cache
def declared_probes(surface: str) -> dict[str, spec.ProbeEntry | spec.InvalidEntry]:
    """Every probe of a surface by name, with its spec entry (an empty one for a probe only a builder
    makes): the probes of each of its operations, their invalid ones as `invalid:NAME`, and the builders'."""
    found: dict[str, spec.ProbeEntry | spec.InvalidEntry] = {}
    for operation in spec.load(surface).operations():
        found.update(operation.probes)
        found.update({INVALID + name: entry for name, entry in operation.invalid.items()})
    for name in SURFACE_MODULES[surface].builders:
        found.setdefault(name, spec.ProbeEntry(name))
    return found


def owners_of(surface: str, name: str) -> tuple[dict[str, str], bool]:
    """(owners, primary?) a probe's spec entry declares; none for a probe it does not list."""
    entry = declared_probes(surface).get(name)
    if not isinstance(entry, spec.ProbeEntry):
        return {}, False
    return entry.owner_map(), entry.primary


def for_surface(surface: str) -> dict[str, Any]:
    """One fixture per probe of a surface, by its fixture name: a `tests/<surface>/conftest.py`
    takes them all (`globals().update(for_surface(SURFACE))`)."""
    return {fixture_name(name): probe(surface, name, *owners_of(surface, name))
            for name in declared_probes(surface)}


def priced(surfaces: list[str], *, primary: bool = False) -> list[Any]:
    """These surfaces as pytest cases, a paid one's marked with the feature its operation costs: a
    rule written once sends its requests there only when the profile declares that feature (the
    client refuses them otherwise), and skips saying which feature to declare — so `--plan`
    counts them, with their cost class, only where they would be sent. With `primary`, each case
    is (surface, the probe its own checks send in every run: `Surface.primary`)."""
    cases = []
    for surface in surfaces:
        kind = SURFACE_MODULES[surface]
        values = (surface, kind.primary) if primary else (surface,)
        marks = [pytest.mark.feature(kind.cost_feature)] if kind.cost_feature else []
        cases.append(pytest.param(*values, id=surface, marks=marks))
    return cases


@dataclass(frozen=True)
class Invalid:
    """One invalid-input check its spec declares on an `x-llmconform-invalid` entry: the probe it
    reads, its id below the surface (`check`), the rule it holds and how its verdict names the
    request (`what`)."""

    probe: str
    check: str
    rule: str
    what: str
    level: str = ""  # must | should: whether the official API states that it refuses this request
    source: str = ""  # where that refusal rule comes from
    # What a served answer leaves undecided (the entry's `served-skips`): a rule about how the
    # refusal looks, when whether to refuse is another check's.
    served_skips: str = ""

    def __str__(self) -> str:
        return self.check


def invalid_cases(surfaces: list[str], bindings: dict[str, tuple[str, str]] | None = None) -> list[Any]:
    """A pytest case `(surface, Invalid)` per invalid probe of these surfaces that names its check;
    one whose entry names a `feature` needs it declared by the profile, as does every one of a paid
    surface (the feature its operation costs: a server that wrongly serves it generates). Its level
    and source are the entry's own (`level`, `source`), else `bindings`' for `surface/check`; a case
    with neither is refused by the plugin as any check without them is."""
    cases = []
    for surface in surfaces:
        for name, entry in declared_probes(surface).items():
            if isinstance(entry, spec.InvalidEntry) and entry.check:
                level, source = (bindings or {}).get(f"{surface}/{entry.check}", ("", ""))
                case = Invalid(name, entry.check, entry.rule, entry.what, entry.level or level,
                               entry.source or source, entry.served_skips)
                needed = sorted({f for f in (entry.feature, SURFACE_MODULES[surface].cost_feature) if f})
                marks = [pytest.mark.feature(feature) for feature in needed]
                cases.append(pytest.param(surface, case, id=f"{surface}-{case.check}", marks=marks))
    return cases


@dataclass(frozen=True)
class Effect:
    """One probe its spec declares with an `effect` (an `x-llmconform-probes` entry): an official
    field sent once, or content that must reach the model, and what the answer must show of it —
    `{answered: true}`, `{says: word}`, `{json-key: key}`, `{present: dotted.path}`, `{echo: field}`."""

    probe: str
    check: str
    field: str
    effect: tuple[tuple[str, Any], ...]
    summary: str
    source: str

    def __str__(self) -> str:
        return self.check


def effect_cases(surfaces: list[str]) -> list[Any]:
    """A pytest case `(surface, Effect)` per probe of these surfaces that declares an effect; one
    whose entry names a `feature` needs it declared by the profile."""
    cases = []
    for surface in surfaces:
        for name, entry in declared_probes(surface).items():
            if isinstance(entry, spec.ProbeEntry) and entry.check and entry.effect:
                case = Effect(name, entry.check, entry.field, entry.effect, entry.summary, entry.source)
                marks = [pytest.mark.feature(entry.feature)] if entry.feature else []
                cases.append(pytest.param(surface, case, id=f"{surface}-{case.check}", marks=marks))
    return cases


# -- the refusal a check written once for every surface holds each one to -----------------------

def native_error(exchange: Exchange, surface: str, statuses: tuple[int, ...] | range, what: str,
                 target: Target | None = None) -> dict[str, Any]:
    """The one refusal rule of every surface: one of `statuses` with the surface's native error
    envelope, and where its API pairs an error kind with the status (Anthropic's `error.type`,
    Google's `status`), that kind. The models list answers in its provider's flavour (the target's)."""
    return SURFACE_MODULES[surface].refused(exchange, statuses, what, target)


def native_rejected(exchange: Exchange, surface: str, what: str) -> dict[str, Any]:
    """Invalid input rejected as `rejected` says, with the surface's native envelope and error kind."""
    return SURFACE_MODULES[surface].rejected(exchange, what)


def probe(surface: str, name: str, owners: dict[str, str] | None = None, primary: bool = False, *,
          required: bool = True) -> Any:
    """A fixture yielding the exchange of one probe, shared by every check that reads it (of a
    sequence probe, its `Sequence`: each step's exchanges).

    `owners` names the check that owns each way the exchange can fail to deliver (an outcome kind
    such as `refused` or `cut`, or `*` for any), relative to the surface; undeclared, the first
    check reading the probe owns it. The owner fails once; the other readers are left undecided.
    A `primary` probe (the plain request, the stream) keeps the FAIL when the same problem (the
    same refusal) meets several probes.

    For a check written once for several surfaces, `surface` and `name` may be templates filled
    from the check's parameters, as its id is (`probe("{surface}", "basic")`); the owners are then
    the ones the spec declares for the probe each case reads.

    A probe that is not `required` is handed over whatever its outcome (not sent, not recorded):
    the check reads it only when it can, and decides the rest of its rule without it.
    """

    def fixture(request: pytest.FixtureRequest, llmconform_target: Target) -> Exchange | Sequence:
        wanted, which = resolved((surface, name), request.node)
        if llmconform_target.surface_config(wanted) is None:
            raise Skip(f"surface {wanted} not declared by profile {llmconform_target.name}")
        if spec.websocket(wanted, which) is not None or spec.sequence(wanted, which) is not None:
            # A sequence probe: every exchange of its steps is the check's evidence; one that could not
            # be decided (not recorded, the budget spent) leaves the check so.
            found = llmconform_target.resolve(wanted, which)
            assert isinstance(found, Sequence)
            for exchange in found.exchanges:
                record_exchange(request.node, exchange)
            for exchange in found.exchanges if required else ():
                exchange.require()
            return found
        exchange = llmconform_target.probe(wanted, which)
        record_exchange(request.node, exchange)
        if required:
            exchange.require()
        return exchange

    fixture.llmconform_probe = (surface, name)  # type: ignore[attr-defined]
    fixture.llmconform_owners = owners or {}  # type: ignore[attr-defined]
    fixture.llmconform_primary = primary  # type: ignore[attr-defined]
    return pytest.fixture(fixture)


def resolved(marker: tuple[str, str], item: Any) -> tuple[str, str]:
    """(surface, probe) of a probe fixture for one check, its templates filled from its parameters."""
    if "{" not in marker[0] + marker[1]:
        return marker
    callspec = getattr(item, "callspec", None)
    params = {k: v for k, v in (callspec.params.items() if callspec else ()) if k != TARGET_FIXTURE}
    return marker[0].format(**params), marker[1].format(**params)


def record_exchange(item: pytest.Item, exchange: Exchange) -> None:
    """A check's evidence: every exchange it read (a probe, or ad-hoc schemathesis cases)."""
    item.stash.setdefault(EXCHANGES, []).append(exchange)


def measure(item: pytest.Item, **values: Any) -> None:
    """What a check measured (billing's slope and intercept), kept on its row whatever its verdict:
    the report shows it beside a pass as beside a warning."""
    item.stash.setdefault(MEASURED, {}).update(values)


def measured_of(item: pytest.Item) -> dict[str, Any]:
    return item.stash.get(MEASURED, {})


def exchanges_of(item: pytest.Item) -> list[Exchange]:
    return item.stash.get(EXCHANGES, [])


def probes_of(item: pytest.Item) -> list[tuple[str, str]]:
    """(surface, probe) of every probe fixture a check asks for."""
    return [marker for marker, _, _ in probe_fixtures(item)]


def probe_fixtures(item: pytest.Item) -> list[tuple[tuple[str, str], dict[str, str], bool]]:
    """((surface, probe), declared owners, primary?) of every probe fixture a check asks for."""
    found = []
    fixtureinfo = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", []):
        # The definition the check gets: the closest one (a folder's conftest overrides the root's).
        for definition in (fixtureinfo.name2fixturedefs.get(name, ())[-1:] if fixtureinfo else ()):
            marker = getattr(definition.func, "llmconform_probe", None)
            if not marker:
                continue
            wanted = resolved(marker, item)
            if wanted != marker:  # a template: what the spec declares for the probe this case reads
                found.append((wanted, *owners_of(*wanted)))
            else:
                found.append((marker, getattr(definition.func, "llmconform_owners", {}),
                              getattr(definition.func, "llmconform_primary", False)))
    return found
