"""GS1 element strings: validated (AI, value) pairs and their three spellings.

An :class:`ElementString` is what a GS1 symbol carries. It is only ever built through
:func:`build`, which refuses anything the GS1 Barcode Syntax Dictionary does not allow (unknown
AI, wrong length or character, bad check digit, impossible date, missing requisite, forbidden
pairing), so a value of this type is always fit to print. It has three spellings:

* :attr:`ElementString.data`: what a scanner reports after the symbology identifier, with GS
  (0x1D) only after a variable-length AI that is not last;
* :attr:`ElementString.hri`: the human-readable interpretation ``(01)...(10)...``;
* :meth:`ElementString.digital_link`: the GS1 Digital Link URI.

>>> es = build([("01", "09506000134352"), ("10", "ABC123"), ("17", "271231")])
>>> es.hri
'(01)09506000134352(17)271231(10)ABC123'
>>> es.data
'01095060001343521727123110ABC123'
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from urllib.parse import quote, unquote

from labelstation.errors import GS1Error
from labelstation.gs1.ai import AI, CSET_NAMES, ai_info, ai_table, matches
from labelstation.gs1.linters import (
    DATE_LINTERS,
    LINTERS,
    TIME_LINTERS,
    LintContext,
    Linter,
    resolve_year,
)

GS = "\x1d"
DEFAULT_DL_BASE = "https://id.gs1.org"

_CSET_CLASS = {
    "N": "0-9",
    "X": "!\"%&'()*+,\\-./0-9:;<=>?A-Z_a-z",
    "Y": "#\\-/0-9A-Z",
    "Z": "A-Za-z0-9_\\-=",
}
_CSET_BAD = {name: re.compile(f"[^{cls}]") for name, cls in _CSET_CLASS.items()}
# AIs whose last AI digit gives the number of decimal places of a measure or amount.
_DECIMAL_PREFIXES = ("31", "32", "33", "34", "35", "36", "390", "392", "394", "395")
Parsed = dt.date | dt.datetime | Decimal | str


@dataclass(frozen=True)
class BuildPolicy:
    """Choices the GS1 standard leaves to the user of the data.

    Attributes:
        forbid_day_00: Refuse day ``00`` in YYMMD0 dates. Healthcare guidance is moving away
            from "last day of the month" expiry dates; a site can make that a rule.
        check_pairings: Apply the dictionary's ``req=`` and ``ex=`` rules. Turn off only for a
            partial message that is combined with another carrier on the same item.
    """

    forbid_day_00: bool = False
    check_pairings: bool = True


DEFAULT_POLICY = BuildPolicy()


def join_element_string(pairs: Sequence[tuple[str, str]]) -> str:
    """The element string a scanner reports for ``pairs``.

    No leading FNC1; GS (0x1D) only after a variable-length AI that is not last. The one place
    that spells the scanner's view, so that :attr:`ElementString.data` and the symbol encoders'
    canonical-form check (``labelstation.symbols``) can never disagree about where a separator
    goes. ``pairs`` are not validated here.

    >>> join_element_string([("01", "09506000134352"), ("10", "ABC"), ("21", "X")])
    '010950600013435210ABC\\x1d21X'
    """
    table = ai_table()
    parts: list[str] = []
    last = len(pairs) - 1
    for index, (ai, value) in enumerate(pairs):
        parts.append(ai)
        parts.append(value)
        if index != last and not table[ai].predefined_length:
            parts.append(GS)
    return "".join(parts)


def join_hri(pairs: Iterable[tuple[str, str]]) -> str:
    """The human-readable interpretation ``(01)...(21)...`` of ``pairs``, values as they are.

    Shared by :attr:`ElementString.hri` and the symbol encoders' HRI text, so a preview caption
    and the GS1 core always print the same characters.
    """
    return "".join(f"({ai}){value}" for ai, value in pairs)


@dataclass(frozen=True)
class Element:
    """One AI and its value as encoded.

    Attributes:
        ai: The AI code, e.g. ``"17"``.
        value: The raw value exactly as carried in the symbol.
        title: GS1's data title of the AI.
        parsed: ``datetime.date`` for a date AI (day 00 resolved to the month's last day),
            ``datetime.datetime`` for a date with a time, ``Decimal`` for measures and amounts
            with an implied decimal point (310n ...), the decoded Unicode text for a
            percent-encoded (``pcenc``) AI, else the value as ``str``.
    """

    ai: str
    value: str
    title: str
    parsed: Parsed = field(compare=False)

    @property
    def hri(self) -> str:
        """``(ai)value`` as printed under a symbol."""
        return f"({self.ai}){self.value}"


@dataclass(frozen=True)
class ElementString:
    """A validated GS1 element string (build it with :func:`build` or :func:`parse`).

    Attributes:
        elements: The elements in encoded order: predefined-length AIs first, then the others in
            the order they were given.
    """

    elements: tuple[Element, ...]

    def __iter__(self) -> Iterator[Element]:
        return iter(self.elements)

    def __len__(self) -> int:
        return len(self.elements)

    def get(self, ai: str) -> Element | None:
        """The element with this AI, or None."""
        for element in self.elements:
            if element.ai == ai:
                return element
        return None

    def __getitem__(self, ai: str) -> str:
        """The raw value of ``ai``; KeyError when absent."""
        element = self.get(ai)
        if element is None:
            raise KeyError(ai)
        return element.value

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """``(ai, value)`` pairs in encoded order, e.g. to feed :func:`build` again."""
        return tuple((e.ai, e.value) for e in self.elements)

    @property
    def data(self) -> str:
        """The scanner's view: no leading FNC1, GS after a variable-length AI unless last."""
        return join_element_string([(e.ai, e.value) for e in self.elements])

    @property
    def hri(self) -> str:
        """Human-readable interpretation, e.g. ``(01)09506000134352(21)SN0001``.

        Values are printed as they are, so a value that itself contains ``(`` and a known AI
        followed by ``)`` reads ambiguously; :func:`labelstation.gs1.parse` reads ``\\(`` as a
        literal parenthesis for that case (see :attr:`bracketed`).
        """
        return join_hri([(e.ai, e.value) for e in self.elements])

    @property
    def bracketed(self) -> str:
        """The HRI with ``(`` inside values escaped as ``\\(``: the unambiguous text form."""
        return "".join(f"({e.ai}){e.value.replace('(', chr(92) + '(')}" for e in self.elements)

    def digital_link(self, base: str = DEFAULT_DL_BASE) -> str:
        """The canonical GS1 Digital Link URI on ``base`` (any domain, optional path prefix).

        Raises:
            GS1Error: No element is a Digital Link primary key, or an element can be neither a
                key qualifier nor a Digital Link data attribute.
        """
        from labelstation.gs1.digital_link import to_uri

        return to_uri(self.pairs(), base)


@cache
def _fast_re(ai: str) -> re.Pattern[str]:
    """One regex for the common case: right lengths and characters, no optional parts."""
    info = ai_table()[ai]
    parts = []
    for component in info.components:
        quantifier = (
            f"{{{component.min_length}}}"
            if component.fixed
            else f"{{{component.min_length},{component.max_length}}}"
        )
        part = f"[{_CSET_CLASS[component.cset]}]{quantifier}"
        parts.append(f"(?:{part})?" if component.optional else part)
    return re.compile("".join(parts))


def _fail(ai: str, value: str, reason: str) -> GS1Error:
    return GS1Error(f"GS1 ({ai}) {value!r}: {reason}")


def _length_reason(info: AI, value: str) -> str:
    """Why ``value`` (already known to be too long or too short) has the wrong length."""
    low, high = info.min_length, info.max_length
    count = len(value)
    if low == high:
        return f"exactly {low} characters, got {count}"
    if count > high:
        return f"at most {high} characters, got {count}"
    return f"at least {low} {'character' if low == 1 else 'characters'}, got {count}"


def _split(info: AI, value: str) -> list[tuple[int, str]]:
    """Cut ``value`` into its components: ``(component index, text)`` pairs.

    Raises:
        GS1Error: A component is cut short, or data is left over.
    """
    pieces: list[tuple[int, str]] = []
    pos = 0
    for index, component in enumerate(info.components):
        if pos >= len(value) and component.optional:
            break
        take = component.max_length if component.fixed else len(value) - pos
        piece = value[pos : pos + min(take, component.max_length)]
        if len(piece) < component.min_length:
            raise _fail(
                info.code,
                value,
                f"part {index + 1} must be {component.min_length} characters, got {len(piece)}",
            )
        pieces.append((index, piece))
        pos += len(piece)
    if pos != len(value):  # pragma: no cover - excluded by the total length check
        raise _fail(info.code, value, f"unexpected data from position {pos + 1}")
    return pieces


def _check_charset(info: AI, value: str, pieces: list[tuple[int, str]]) -> None:
    pos = 0
    # Called only when the whole-value regex failed, so some piece always has a bad character.
    for index, piece in pieces:  # pragma: no branch
        cset = info.components[index].cset
        bad = _CSET_BAD[cset].search(piece)
        if bad is not None:
            where = f"character {bad.group()!r} at position {pos + bad.start() + 1}"
            what = "a digit" if cset == "N" else f"in {CSET_NAMES[cset]}"
            raise _fail(info.code, value, f"{where} is not {what}")
        pos += len(piece)


def _check_base64url(ai: str, value: str, piece: str) -> None:
    """Padding rule of GS1's reference ``cset64`` linter: at most two trailing ``=``, and a
    padded value's length (padding included) a multiple of three."""
    stripped = piece.rstrip("=")
    pads = len(piece) - len(stripped)
    if "=" in stripped or pads > 2 or len(piece) % 3:
        raise _fail(
            ai,
            value,
            "'=' is only allowed as base64url padding: at most two at the end, "
            "padded length a multiple of 3",
        )


@dataclass(frozen=True)
class _Plan:
    """Everything :func:`validate` needs for one AI, worked out once (the hot path)."""

    info: AI
    min_length: int
    max_length: int
    fast: re.Pattern[str]
    slices: tuple[tuple[int, int, int | None], ...] | None
    linters: tuple[tuple[Linter, ...], ...]
    has_z: bool
    kind: str
    scale: int


_PLANS: dict[str, _Plan] = {}


def _make_plan(ai: str) -> _Plan:
    info = ai_info(ai)
    slices: tuple[tuple[int, int, int | None], ...] | None = None
    if not any(c.optional for c in info.components):
        offsets: list[tuple[int, int, int | None]] = []
        pos = 0
        for index, component in enumerate(info.components):
            end = pos + component.max_length if component.fixed else None
            offsets.append((index, pos, end))
            pos += component.max_length
        slices = tuple(offsets)
    kind, scale = "str", 0
    linter_sets = [c.linters for c in info.components]
    if ai.startswith(_DECIMAL_PREFIXES) and len(info.components) == 1:
        kind, scale = "decimal", int(ai[-1])
    elif (
        DATE_LINTERS.intersection(linter_sets[0])
        and not any(DATE_LINTERS.intersection(ls) for ls in linter_sets[1:])
        and all(TIME_LINTERS.intersection(ls) for ls in linter_sets[1:])
    ):
        kind = "date"
    elif linter_sets == [("pcenc",)]:
        kind = "pcenc"
    plan = _Plan(
        info=info,
        min_length=info.min_length,
        max_length=info.max_length,
        fast=_fast_re(ai),
        slices=slices,
        linters=tuple(tuple(LINTERS[name] for name in ls) for ls in linter_sets),
        has_z=any(c.cset == "Z" for c in info.components),
        kind=kind,
        scale=scale,
    )
    _PLANS[ai] = plan
    return plan


def validate(ai: str, value: str, ctx: LintContext) -> Element:
    """Check one AI value against the dictionary and return it as an :class:`Element`.

    Raises:
        GS1Error: Unknown AI, wrong length, a character outside the component's set, or a
            linter (check digit, date, code list ...) refuses the value.
    """
    plan = _PLANS.get(ai) or _make_plan(ai)
    info = plan.info
    if not plan.min_length <= len(value) <= plan.max_length:
        raise _fail(ai, value, _length_reason(info, value))
    if plan.slices is None:
        pieces = _split(info, value)
    else:
        pieces = [(index, value[start:end]) for index, start, end in plan.slices]
    if plan.fast.fullmatch(value) is None:
        _check_charset(info, value, pieces)
    for index, piece in pieces:
        if plan.has_z and "=" in piece:
            _check_base64url(ai, value, piece)
        for lint in plan.linters[index]:
            problem = lint(piece, ctx)
            if problem is not None:
                raise _fail(ai, value, problem)
    if plan.kind == "str":
        return Element(ai, value, info.title, value)
    if plan.kind == "decimal":
        return Element(ai, value, info.title, Decimal(value).scaleb(-plan.scale))
    if plan.kind == "pcenc":
        return Element(ai, value, info.title, decode_pcenc(value))
    return Element(ai, value, info.title, _moment(pieces, ctx))


# CSET 82 without "%": the characters a percent-encoded AI value carries as they are.
_PCENC_SAFE = "!\"&'()*+,-./:;<=>?_"


def encode_pcenc(text: str) -> str:
    """Percent-encode Unicode text for a ``pcenc`` AI (names and addresses, 4300-4320, 725x).

    GS1 lets these AIs carry any text: UTF-8 bytes outside CSET 82 (and ``%`` itself) are
    written ``%XX``, so a consignee "Müller & Søn" survives a CSET 82 symbol.

    >>> encode_pcenc("Müller & Søn")
    'M%C3%BCller%20&%20S%C3%B8n'
    """
    # quote() never escapes "~" (RFC 3986 unreserved), but "~" is not in CSET 82.
    return quote(text, safe=_PCENC_SAFE).replace("~", "%7E")


def decode_pcenc(value: str) -> str:
    """The Unicode text of a ``pcenc`` AI value; the raw value if it is not valid UTF-8."""
    try:
        return unquote(value, errors="strict")
    except UnicodeDecodeError:
        return value


# On a packaging line only the serial changes from label to label; GTIN, lot and expiry repeat.
# Validation is a pure function of (AI, value, context), so repeated values are looked up.
# Refusals are exceptions and are never cached.
@lru_cache(maxsize=8192)
def _validate_cached(ai: str, value: str, today: dt.date, forbid_day_00: bool) -> Element:
    # Keyed on plain values: hashing them is cheaper than hashing a LintContext every call.
    return validate(ai, value, _context(today, forbid_day_00))


_context = lru_cache(maxsize=64)(LintContext)


def clear_validation_cache() -> None:
    """Forget cached validations, e.g. so a benchmark validates every value afresh."""
    _validate_cached.cache_clear()


def _moment(pieces: list[tuple[int, str]], ctx: LintContext) -> dt.date | dt.datetime:
    """The date (day 00 = last day of the month) or date-time of a validated date AI."""
    text = pieces[0][1]
    year = int(text[:4]) if len(text) == 8 else resolve_year(int(text[:2]), ctx.today)
    month, day = int(text[-4:-2]), int(text[-2:])
    if day == 0:
        day = _last_day(year, month)
    rest = "".join(piece for _, piece in pieces[1:])
    if not rest:
        return dt.date(year, month, day)
    hour, minute, second = int(rest[0:2]), int(rest[2:4] or 0), int(rest[4:6] or 0)
    return dt.datetime(year, month, day, hour, minute, second)


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _describe(group: tuple[str, ...]) -> str:
    return "+".join(f"({code})" for code in group)


def _alternatives(groups: tuple[tuple[str, ...], ...]) -> str:
    texts = [_describe(group) for group in groups]
    if len(texts) == 1:
        return texts[0]
    return ", ".join(texts[:-1]) + " or " + texts[-1]


def check_pairings(codes: Iterable[str]) -> None:
    """Apply the dictionary's ``req=`` (requisites) and ``ex=`` (exclusions) to a set of AIs.

    Raises:
        GS1Error: An AI lacks every alternative of its requisites, or two AIs exclude each
            other.
    """
    problem = _pairing_problem(tuple(dict.fromkeys(codes)))
    if problem is not None:
        raise GS1Error(problem)


@lru_cache(maxsize=4096)
def _pairing_problem(present: tuple[str, ...]) -> str | None:
    """The first broken pairing rule for these AIs, or None (cached: labels repeat their AIs)."""
    table = ai_table()
    for code in present:
        for pattern in table[code].excludes:
            for other in present:
                if other != code and matches(pattern, other):
                    return f"GS1 ({code}) must not be used together with ({other})"
    for code in present:
        info = table[code]
        if info.requires and not any(
            all(any(matches(p, other) for other in present) for p in group)
            for group in info.requires
        ):
            return f"GS1 ({code}) requires {_alternatives(info.requires)}"
    return None


def build(
    pairs: Iterable[tuple[str, str]],
    *,
    policy: BuildPolicy = DEFAULT_POLICY,
    today: dt.date | None = None,
) -> ElementString:
    """Validate ``(ai, value)`` pairs and return the element string to encode.

    Predefined-length AIs move to the front (no separator needed after them); the others keep
    their given order. Repeating an AI with the same value keeps one copy.

    Args:
        pairs: AIs and raw values, e.g. ``[("01", "09506000134352"), ("10", "ABC123")]``.
        policy: Site choices (day 00, pairing checks).
        today: Reference date for two-digit years; defaults to today's date.

    Raises:
        GS1Error: Nothing to encode, any value invalid, an AI repeated with another value, or a
            pairing rule broken. The message names the AI, the value and the rule.
    """
    day = today or dt.date.today()
    forbid = policy.forbid_day_00
    seen: dict[str, Element] = {}
    for ai, value in pairs:
        earlier = seen.get(ai)
        if earlier is not None:
            if earlier.value != value:
                raise GS1Error(
                    f"GS1 ({ai}) {value!r}: given twice with different values "
                    f"({earlier.value!r} and {value!r})"
                )
            continue
        seen[ai] = _validate_cached(ai, value, day, forbid)
    if not seen:
        raise GS1Error("GS1 element string: no elements given")
    if policy.check_pairings:
        problem = _pairing_problem(tuple(seen))
        if problem is not None:
            raise GS1Error(problem)
    fixed: list[Element] = []
    rest: list[Element] = []
    for element in seen.values():
        (fixed if _PLANS[element.ai].info.predefined_length else rest).append(element)
    return ElementString(tuple(fixed + rest))
