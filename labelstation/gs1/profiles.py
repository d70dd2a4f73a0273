"""Label profiles: what a regulated label must carry, checked before anything is printed.

A profile names the data a market or regulation requires on one kind of label and what it must
not carry. :func:`evaluate` lists every problem at once as a sentence an operator can act on
(``EU FMD pack: missing (21) serial number``); :func:`check_profile` raises with all of them.

The profiles and the decisions behind them:

* ``eu-fmd-pack`` — EU Falsified Medicines Directive, Delegated Regulation (EU) 2016/161 Art. 4:
  product code (01), serial number (21, at most 20 characters — the dictionary's ``X..20``
  enforces it), batch (10) and expiry (17); plus a national reimbursement number (NHRN) where the
  market requires one (``market=``, ISO 3166-1 alpha-2):

  ==========  =====================================================================
  ``PT``      (714) AIM number, always.
  ``DE``      (710) PZN, unless (01) is a PZN-based NTIN (``04150`` + PZN + check).
  ``FR``      (711) CIP, unless (01) embeds the CIP13 (``03400…``).
  ``ES``      (712) Código Nacional, unless (01) is a Spanish NTIN (``0847000…``).
  ``IT``      (716) AIC.
  ==========  =====================================================================

  This follows published EU FMD coding practice (national NTINs carry the national number, so
  a separate NHRN is needed only with a plain GTIN); a site must confirm it with the national
  medicines verification organisation. Other markets require no NHRN here. Any NHRN present is
  checked (PZN check digit, NDC form) by :func:`labelstation.gs1.pharma.validate_nhrn`.
* ``us-dscsa-unit`` — DSCSA product identifier: (01) an NDC-based GTIN (``03`` after the
  indicator digit), (21) serial at most 20 characters, (10) lot, (17) expiry.
* ``udi-gs1`` — a device UDI in GS1: (01) and at least one production identifier (10), (11),
  (17) or (21).
* ``udi-hibcc`` — a device UDI in HIBC: primary data and a secondary with at least a lot, a
  serial or an expiry date (also as the ``/S`` or ``/14D`` supplementary fields). Pass a parsed
  :class:`labelstation.udi.HibcUdi`: the import contract keeps ``gs1`` and ``udi`` independent,
  so this module reads it structurally.
* ``gs1-logistic-unit`` — (00) SSCC.

Trade-item profiles refuse (00): an SSCC identifies a logistic unit, not a pack or a device.
``forbid_day_00=True`` refuses day ``00`` in (17), as healthcare guidance now asks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

from labelstation.errors import GS1Error, UDIError
from labelstation.gs1 import BuildPolicy, ElementString, build, check_pairings, parse
from labelstation.gs1.pharma import NHRN, is_ndc_gtin, validate_nhrn

# Names used in the problem sentences (shorter and plainer than the dictionary's titles).
LABELS: MappingProxyType[str, str] = MappingProxyType(
    {
        "00": "SSCC",
        "01": "GTIN",
        "10": "batch/lot number",
        "11": "production date",
        "17": "expiry date",
        "21": "serial number",
    }
)


class _HibcSecondaryLike(Protocol):
    @property
    def lot(self) -> str | None: ...

    @property
    def effective_serial(self) -> str | None: ...

    @property
    def effective_expiry(self) -> dt.date | None: ...


class _HibcUdiLike(Protocol):
    @property
    def primary(self) -> object: ...

    @property
    def secondary(self) -> _HibcSecondaryLike | None: ...


GS1Data = ElementString | Sequence[tuple[str, str]] | str


@dataclass(frozen=True)
class Profile:
    """One label profile.

    Attributes:
        key: identifier used in templates and on the command line, e.g. ``"eu-fmd-pack"``.
        name: the name problems start with, e.g. ``"EU FMD pack"``.
        hibcc: ``True`` when the profile checks HIBC data instead of a GS1 element string.
        required: AIs that must be present, in the order problems are listed.
        any_of: AIs of which at least one must be present (empty: no such rule).
        forbidden: AIs that must not be present, each with the reason.
        ndc_gtin: (01) must be an NDC-based GTIN.
        markets: whether the ``market`` parameter applies (EU FMD national NHRN).
    """

    key: str
    name: str
    hibcc: bool = False
    required: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    forbidden: tuple[tuple[str, str], ...] = ()
    ndc_gtin: bool = False
    markets: bool = False


_NO_SSCC = (("00", "it identifies a logistic unit, not a trade item"),)

PROFILES: MappingProxyType[str, Profile] = MappingProxyType(
    {
        p.key: p
        for p in (
            Profile(
                "eu-fmd-pack",
                "EU FMD pack",
                required=("01", "21", "10", "17"),
                forbidden=_NO_SSCC,
                markets=True,
            ),
            Profile(
                "us-dscsa-unit",
                "US DSCSA unit",
                required=("01", "21", "10", "17"),
                forbidden=_NO_SSCC,
                ndc_gtin=True,
            ),
            Profile(
                "udi-gs1",
                "UDI device GS1",
                required=("01",),
                any_of=("10", "11", "17", "21"),
                forbidden=_NO_SSCC,
            ),
            Profile("udi-hibcc", "UDI device HIBCC", hibcc=True),
            Profile("gs1-logistic-unit", "GS1 logistic unit", required=("00",)),
        )
    }
)


@dataclass(frozen=True)
class _MarketRule:
    ai: str
    ntin_prefix: str | None  # a GTIN with this prefix already carries the national number


MARKET_NHRN: MappingProxyType[str, _MarketRule] = MappingProxyType(
    {
        "PT": _MarketRule("714", None),
        "DE": _MarketRule("710", "04150"),
        "FR": _MarketRule("711", "03400"),
        "ES": _MarketRule("712", "0847000"),
        "IT": _MarketRule("716", None),
    }
)
_MARKET_RE = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True)
class ProfileResult:
    """What :func:`evaluate` found.

    Attributes:
        profile: the profile checked.
        market: the market it was checked for, or ``None``.
        problems: one sentence per problem, in a stable order; empty when the data fits.
    """

    profile: Profile
    market: str | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether the data fits the profile."""
        return not self.problems

    def message(self) -> str:
        """All problems in one line, ``; ``-separated (the text :func:`check_profile` raises)."""
        return "; ".join(self.problems)


def _profile(profile: str | Profile) -> Profile:
    if isinstance(profile, Profile):
        return profile
    found = PROFILES.get(profile)
    if found is None:
        raise GS1Error(f"label profile {profile!r}: expected one of {', '.join(PROFILES)}")
    return found


def _label(ai: str) -> str:
    if ai in NHRN:
        return f"NHRN {NHRN[ai].scheme}"
    return LABELS.get(ai, "")


def _values(
    profile: Profile, data: GS1Data, today: dt.date | None, problems: list[str]
) -> tuple[dict[str, str], set[str]] | None:
    """The (ai → value) map of ``data`` and every AI given, valid or not.

    Invalid values become problems and are left out of the map; ``None`` when GS1 text cannot
    be read at all (then nothing else can be said about it).
    """
    if isinstance(data, ElementString):
        return dict(data.pairs()), {e.ai for e in data}
    if isinstance(data, str):
        try:
            pairs = dict(parse(data, today=today).element_string.pairs())
        except GS1Error as exc:
            problems.append(f"{profile.name}: {exc}")
            return None
        return pairs, set(pairs)
    if not isinstance(data, Sequence) or not all(
        isinstance(p, tuple) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in data
    ):
        raise GS1Error(
            f"{profile.name}: data {data!r}: expected an ElementString, GS1 text or "
            "(ai, value) pairs"
        )
    values: dict[str, str] = {}
    given: set[str] = set()
    loose = BuildPolicy(check_pairings=False)
    for pair in data:
        ai, value = pair[0], pair[1]
        given.add(ai)
        try:
            build([(ai, value)], policy=loose, today=today)
        except GS1Error as exc:
            problems.append(f"{profile.name}: {exc}")
            continue
        if ai in values and values[ai] != value:
            problems.append(
                f"{profile.name}: ({ai}) given twice with different values "
                f"({values[ai]!r} and {value!r})"
            )
            continue
        values[ai] = value
    if values:
        try:
            check_pairings(values)
        except GS1Error as exc:
            problems.append(f"{profile.name}: {exc}")
    return values, given


def _gs1_problems(
    profile: Profile,
    data: GS1Data,
    market: str | None,
    forbid_day_00: bool,
    today: dt.date | None,
) -> list[str]:
    problems: list[str] = []
    read = _values(profile, data, today, problems)
    if read is None:
        return problems
    values, given = read
    name = profile.name
    for ai in profile.required:
        if ai not in given:
            problems.append(f"{name}: missing ({ai}) {_label(ai)}")
    if profile.any_of and not any(ai in given for ai in profile.any_of):
        choices = [f"({ai}) {_label(ai)}" for ai in profile.any_of]
        problems.append(
            f"{name}: missing a production identifier; expected at least one of "
            f"{', '.join(choices[:-1])} or {choices[-1]}"
        )
    gtin = values.get("01")
    if profile.ndc_gtin and gtin is not None and not is_ndc_gtin(gtin):
        problems.append(
            f"{name}: (01) GTIN {gtin!r} is not NDC-based; expected '03' after the indicator digit"
        )
    if market is not None:
        rule = MARKET_NHRN.get(market)
        embedded = (
            rule is not None and rule.ntin_prefix and (gtin or "").startswith(rule.ntin_prefix)
        )
        if rule is not None and rule.ai not in given and not embedded:
            also = f" (or a national NTIN {rule.ntin_prefix}… in (01))" if rule.ntin_prefix else ""
            problems.append(
                f"{name}: missing ({rule.ai}) {_label(rule.ai)} required in market {market}{also}"
            )
    for ai, value in values.items():
        if ai in NHRN:
            try:
                validate_nhrn(ai, value)
            except GS1Error as exc:
                problems.append(f"{name}: {exc}")
    for ai, reason in profile.forbidden:
        if ai in given:
            problems.append(f"{name}: ({ai}) {_label(ai)} is not allowed; {reason}")
    expiry = values.get("17")
    if forbid_day_00 and expiry is not None and expiry.endswith("00"):
        problems.append(
            f"{name}: (17) expiry date {expiry!r} has day 00; expected a real day (forbid_day_00)"
        )
    return problems


def _hibcc_problems(profile: Profile, data: object) -> list[str]:
    if not hasattr(data, "primary") or not hasattr(data, "secondary"):
        raise UDIError(
            f"{profile.name}: data {data!r}: expected parsed HIBC data (labelstation.udi.HibcUdi)"
        )
    udi: _HibcUdiLike = data
    secondary = udi.secondary
    if secondary is None or (
        secondary.lot is None
        and secondary.effective_serial is None
        and secondary.effective_expiry is None
    ):
        return [
            f"{profile.name}: missing secondary data; expected at least a lot, a serial or an "
            "expiry date"
        ]
    return []


def evaluate(
    profile: str | Profile,
    data: GS1Data | _HibcUdiLike,
    *,
    market: str | None = None,
    forbid_day_00: bool = False,
    today: dt.date | None = None,
) -> ProfileResult:
    """List every way ``data`` misses ``profile``.

    Args:
        profile: a key of :data:`PROFILES` or a :class:`Profile`.
        data: for GS1 profiles an :class:`ElementString`, GS1 text (scanner data, bracketed HRI
            or a Digital Link URI) or ``(ai, value)`` pairs, whose values are validated here;
            for ``udi-hibcc`` a parsed :class:`labelstation.udi.HibcUdi`.
        market: ISO 3166-1 alpha-2 market for the EU FMD NHRN rule.
        forbid_day_00: refuse day ``00`` in the expiry date (17).
        today: reference date for two-digit years in GS1 text and pairs.

    Raises:
        GS1Error: unknown profile, a market where none applies, or data of the wrong kind
            (UDIError for ``udi-hibcc``). Problems with the data itself are returned, not raised.
    """
    chosen = _profile(profile)
    if market is not None:
        if not chosen.markets:
            raise GS1Error(f"{chosen.name}: market {market!r} given; only EU FMD pack has markets")
        if not isinstance(market, str) or not _MARKET_RE.fullmatch(market):
            raise GS1Error(
                f"{chosen.name}: market {market!r}: expected an ISO 3166-1 alpha-2 code such as PT"
            )
    if chosen.hibcc:
        problems = _hibcc_problems(chosen, data)
    else:
        if hasattr(data, "primary"):
            raise GS1Error(f"{chosen.name}: got HIBC data; expected GS1 data")
        problems = _gs1_problems(chosen, data, market, forbid_day_00, today)
    return ProfileResult(chosen, market, tuple(problems))


def check_profile(
    profile: str | Profile,
    data: GS1Data | _HibcUdiLike,
    *,
    market: str | None = None,
    forbid_day_00: bool = False,
    today: dt.date | None = None,
) -> ProfileResult:
    """Like :func:`evaluate`, but refuse data with any problem.

    Raises:
        GS1Error: for a GS1 profile, all problems joined with ``; ``.
        UDIError: the same for ``udi-hibcc``.
    """
    result = evaluate(profile, data, market=market, forbid_day_00=forbid_day_00, today=today)
    if not result.ok:
        error = UDIError if result.profile.hibcc else GS1Error
        raise error(result.message())
    return result
