"""The template expression language: literals with ``{field:format|filter:arg}`` placeholders.

Templates never run Python (no ``eval``): an expression is tokenised and parsed once into a
small tree, checked when the template is loaded, and evaluated against one record of batch data.

Grammar::

    expression  := ( literal | "{{" | "}}" | placeholder )*
    placeholder := "{" name [ ":" date-format ] ( "|" filter ( ":" arg )* )* "}"
    name        := [A-Za-z_][A-Za-z0-9_]*

``{{`` and ``}}`` are literal braces; inside a placeholder a backslash escapes the next
character (so an argument may contain ``:``, ``|``, ``}`` or ``\\``). Dates in the data are ISO
``YYYY-MM-DD``; day ``00`` (GS1's "end of month") is accepted and printed as ``00``.

Date directives: ``%d`` day, ``%m`` month, ``%y`` two-digit year, ``%Y`` year, ``%b`` English month
abbreviation (``Jan``), ``%B`` English month name, ``%j`` day of year, ``%%`` a percent sign.
Month names are fixed English, never the machine's locale, so a label cannot change with the PC.

Filters: ``upper``, ``lower``, ``trim``, ``pad:WIDTH[:CHAR]`` (left pad, default ``0``),
``rpad:WIDTH[:CHAR]`` (right pad, default space), ``substr:START[:LENGTH]`` (by characters),
``default:TEXT`` (used when the field is missing or empty), ``replace:OLD:NEW``.

>>> parse("LOT {lot|upper}").evaluate({"lot": "ab12"})
'LOT AB12'
>>> parse("{expiry:%y%m%d}").evaluate({"expiry": "2027-12-31"})
'271231'
>>> parse("{serial|pad:8:0}").evaluate({"serial": 42})
'00000042'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from labelstation.errors import TemplateError

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DATE_DIRECTIVES = frozenset("dmyYbBj%")
# filter name -> (minimum, maximum) number of arguments
_FILTERS: dict[str, tuple[int, int]] = {
    "upper": (0, 0),
    "lower": (0, 0),
    "trim": (0, 0),
    "pad": (1, 2),
    "rpad": (1, 2),
    "substr": (1, 2),
    "default": (1, 1),
    "replace": (2, 2),
}


@dataclass(frozen=True)
class IsoDate:
    """A calendar date from the batch data; ``day`` may be 0 (GS1 "last day of the month")."""

    year: int
    month: int
    day: int

    @classmethod
    def parse(cls, text: str) -> IsoDate | None:
        """Return the date in ``text`` (``YYYY-MM-DD``), or ``None`` if it is not one."""
        match = _ISO_DATE_RE.match(text)
        if match is None:
            return None
        year, month, day = (int(g) for g in match.groups())
        if not 1 <= month <= 12:
            return None
        if day != 0:
            try:
                dt.date(year, month, day)
            except ValueError:
                return None
        return cls(year, month, day)

    def format(self, pattern: str) -> str:
        """Format with the directives listed in the module docstring (pattern pre-checked)."""
        out: list[str] = []
        i = 0
        while i < len(pattern):
            char = pattern[i]
            if char != "%":
                out.append(char)
                i += 1
                continue
            directive = pattern[i + 1]
            i += 2
            if directive == "d":
                out.append(f"{self.day:02d}")
            elif directive == "m":
                out.append(f"{self.month:02d}")
            elif directive == "y":
                out.append(f"{self.year % 100:02d}")
            elif directive == "Y":
                out.append(f"{self.year:04d}")
            elif directive == "b":
                out.append(_MONTHS[self.month - 1][:3])
            elif directive == "B":
                out.append(_MONTHS[self.month - 1])
            elif directive == "j":
                day = max(self.day, 1)
                out.append(f"{dt.date(self.year, self.month, day).timetuple().tm_yday:03d}")
            else:  # "%"
                out.append("%")
        return "".join(out)


@dataclass(frozen=True)
class Filter:
    """One ``|name:arg:arg`` step applied to a placeholder's text."""

    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Placeholder:
    """A ``{field:format|filters}`` reference to one value of the batch data."""

    field: str
    date_format: str | None = None
    filters: tuple[Filter, ...] = ()


Part = str | Placeholder


@dataclass(frozen=True)
class Expression:
    """A parsed expression: literal strings and placeholders, in order."""

    source: str
    parts: tuple[Part, ...]

    @property
    def fields(self) -> frozenset[str]:
        """The data fields this expression reads."""
        return frozenset(p.field for p in self.parts if isinstance(p, Placeholder))

    @property
    def is_constant(self) -> bool:
        """True when the expression has no placeholder (its value never changes per label)."""
        return not self.fields

    def with_date_format(self, date_format: str) -> Expression | None:
        """Return this expression re-pointed at another date format, if it is one date placeholder.

        The GS1 human-readable block uses it to print ``{expiry:%y%m%d}`` as, e.g.,
        ``31 Dec 2027`` from the very same data field the barcode encodes.
        """
        if len(self.parts) != 1:
            return None
        part = self.parts[0]
        if not isinstance(part, Placeholder) or part.date_format is None:
            return None
        check_date_format(self.source, date_format)
        return Expression(self.source, (replace(part, date_format=date_format),))

    def evaluate(self, data: Mapping[str, Any]) -> str:
        """Resolve every placeholder against ``data`` and return the text.

        Raises:
            TemplateError: A field is missing (and has no ``default``), or is not a date where a
                date format is applied, or a filter cannot apply to its value.
        """
        out: list[str] = []
        for part in self.parts:
            out.append(part if isinstance(part, str) else self._resolve(part, data))
        return "".join(out)

    def _resolve(self, ph: Placeholder, data: Mapping[str, Any]) -> str:
        raw = data.get(ph.field)
        default = next((f.args[0] for f in ph.filters if f.name == "default"), None)
        if raw is None or raw == "":
            if default is not None:
                return default
            if raw is None:
                raise TemplateError(
                    f"expression {self.source!r}: no field {ph.field!r} in the data"
                )
        if isinstance(raw, bool) or not isinstance(raw, str | int | float | dt.date):
            raise TemplateError(
                f"expression {self.source!r}: field {ph.field!r} value {raw!r} "
                "is not text, a number or a date"
            )
        if isinstance(raw, dt.date):
            raw = raw.isoformat()
        text = str(raw)
        if ph.date_format is not None:
            date = IsoDate.parse(text)
            if date is None:
                raise TemplateError(
                    f"expression {self.source!r}: field {ph.field!r} value {text!r} "
                    "is not an ISO date (YYYY-MM-DD)"
                )
            text = date.format(ph.date_format)
        for flt in ph.filters:
            text = self._apply(flt, text)
        return text

    def _apply(self, flt: Filter, text: str) -> str:
        name, args = flt.name, flt.args
        if name == "upper":
            return text.upper()
        if name == "lower":
            return text.lower()
        if name == "trim":
            return text.strip()
        if name in ("pad", "rpad"):
            width = int(args[0])
            fill = args[1] if len(args) > 1 else ("0" if name == "pad" else " ")
            return text.rjust(width, fill) if name == "pad" else text.ljust(width, fill)
        if name == "substr":
            start = int(args[0])
            if len(args) > 1:
                return text[start : start + int(args[1])]
            return text[start:]
        if name == "replace":
            return text.replace(args[0], args[1])
        return text  # "default" acted before the value was read


def check_date_format(source: str, pattern: str) -> None:
    """Check that ``pattern`` uses only the known date directives.

    Raises:
        TemplateError: Naming ``source`` (the expression or field) and the bad directive.
    """
    i = 0
    while i < len(pattern):
        if pattern[i] == "%":
            if i + 1 >= len(pattern):
                raise TemplateError(f"expression {source!r}: date format ends with a lone '%'")
            if pattern[i + 1] not in _DATE_DIRECTIVES:
                raise TemplateError(
                    f"expression {source!r}: unknown date directive %{pattern[i + 1]} "
                    "(expected one of %d %m %y %Y %b %B %j %%)"
                )
            i += 2
        else:
            i += 1


def _check_filter(source: str, flt: Filter) -> None:
    if flt.name not in _FILTERS:
        known = ", ".join(sorted(_FILTERS))
        raise TemplateError(
            f"expression {source!r}: unknown filter {flt.name!r} (expected one of {known})"
        )
    low, high = _FILTERS[flt.name]
    if not low <= len(flt.args) <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise TemplateError(
            f"expression {source!r}: filter {flt.name!r} takes {expected} argument(s), "
            f"got {len(flt.args)}"
        )
    integer_args = {"pad": 1, "rpad": 1, "substr": 2}.get(flt.name, 0)
    for index, arg in enumerate(flt.args[:integer_args]):
        if not arg.isdigit() or not arg.isascii():
            raise TemplateError(
                f"expression {source!r}: filter {flt.name!r} argument {index + 1} is {arg!r}, "
                "expected a whole number >= 0"
            )
    if flt.name in ("pad", "rpad") and len(flt.args) > 1 and len(flt.args[1]) != 1:
        raise TemplateError(
            f"expression {source!r}: filter {flt.name!r} fill {flt.args[1]!r}, "
            "expected exactly one character"
        )


def _split_escaped(source: str, body: str) -> list[tuple[str, str]]:
    """Cut a placeholder body into (delimiter, text) tokens, honouring backslash escapes."""
    tokens: list[tuple[str, str]] = []
    delim = ""
    current: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            if i + 1 >= len(body):
                raise TemplateError(f"expression {source!r}: placeholder ends with a lone '\\'")
            current.append(body[i + 1])
            i += 2
            continue
        if char in ":|":
            tokens.append((delim, "".join(current)))
            delim, current = char, []
        elif char == "{":
            raise TemplateError(
                f"expression {source!r}: '{{' inside a placeholder (write \\{{ for a brace)"
            )
        else:
            current.append(char)
        i += 1
    tokens.append((delim, "".join(current)))
    return tokens


def _parse_placeholder(source: str, body: str) -> Placeholder:
    tokens = _split_escaped(source, body)
    name = tokens[0][1]
    if not _NAME_RE.match(name):
        raise TemplateError(
            f"expression {source!r}: field name {name!r} is not an identifier "
            "(expected letters, digits and _, not starting with a digit)"
        )
    index = 1
    date_format: str | None = None
    if index < len(tokens) and tokens[index][0] == ":":
        # The date format runs to the first '|': re-join ':' pieces it contains (e.g. %H:%M).
        pieces = []
        while index < len(tokens) and tokens[index][0] == ":":
            pieces.append(tokens[index][1])
            index += 1
        date_format = ":".join(pieces)
        if not date_format:
            raise TemplateError(f"expression {source!r}: empty date format after ':'")
        check_date_format(source, date_format)
    filters: list[Filter] = []
    while index < len(tokens):
        fname = tokens[index][1]
        index += 1
        args: list[str] = []
        while index < len(tokens) and tokens[index][0] == ":":
            args.append(tokens[index][1])
            index += 1
        flt = Filter(fname, tuple(args))
        _check_filter(source, flt)
        filters.append(flt)
    return Placeholder(name, date_format, tuple(filters))


def parse(source: str) -> Expression:
    """Tokenise and parse ``source`` into an :class:`Expression`.

    Raises:
        TemplateError: Naming the expression and what is wrong, e.g.
            ``expression '{expiry:%Q}': unknown date directive %Q (...)``.
    """
    parts: list[Part] = []
    literal: list[str] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "{" and source.startswith("{{", i):
            literal.append("{")
            i += 2
        elif char == "}" and source.startswith("}}", i):
            literal.append("}")
            i += 2
        elif char == "}":
            raise TemplateError(
                f"expression {source!r}: unmatched '}}' at position {i} (write }}}} for a brace)"
            )
        elif char == "{":
            end = _placeholder_end(source, i)
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(_parse_placeholder(source, source[i + 1 : end]))
            i = end + 1
        else:
            literal.append(char)
            i += 1
    if literal:
        parts.append("".join(literal))
    return Expression(source, tuple(parts))


def _placeholder_end(source: str, start: int) -> int:
    i = start + 1
    while i < len(source):
        if source[i] == "\\":
            i += 2
            continue
        if source[i] == "}":
            if i == start + 1:
                raise TemplateError(f"expression {source!r}: empty placeholder '{{}}'")
            return i
        i += 1
    raise TemplateError(f"expression {source!r}: '{{' at position {start} is never closed")
