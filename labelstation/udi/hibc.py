"""HIBC Supplier Labeling Standard (ANSI/HIBC 2.6): primary and secondary data, build and parse.

An HIBC UDI is a string over the Code 39 character set that starts with the HIBC flag ``+``:

* **Primary data** (§2.1): ``+`` + Labeler Identification Code (LIC, 4 characters, the first a
  letter) + labeler's product or catalog number (PCN, 1–18 alphanumeric) + unit of measure
  (one digit 0–9) + a modulo-43 check character.
* **Secondary data** (§2.2): lot, serial, expiry date and quantity, introduced by a flag:
  ``YYJJJ`` (5 digits, the default Julian expiry, then the lot), ``$`` (lot), ``$+`` (serial),
  ``$$`` (expiry date with a format flag, then the lot, optionally preceded by a quantity with
  ``$$8``/``$$9``) and ``$$+`` (expiry date, then the serial).
* **Combined** (§2.3): primary without its check character, ``/``, the secondary without its
  ``+`` and without a link character, and one check character over the whole.
* **Separate** (§2.3): the secondary as its own symbol, ``+`` + secondary + link character (the
  primary's check character) + its own check character over everything before it.

Section numbers (§) refer to ANSI/HIBC 2.6 as summarised in public HIBC material; the standard
itself was not at hand while writing this, so check them against your copy. The check characters
of the published examples used in the tests all verify.

Printed text (HRI) is the data between asterisks, ``*+A123BJC5D6E71G*``; a space used as a check
or link character is printed as ``_`` (HIBCC's caption rule), because a trailing space is invisible.

Choices made here, because the standard leaves them to the labeler or a correct label needs one
answer:

* LIC, PCN, lot and serial are upper-case ``A-Z`` and ``0-9`` only: the standard calls them
  alphanumeric, and ``$ / + % - . space`` would collide with the flags and separators.
* Two-digit years are read as 2000–2099: an expiry before 2000 is not a device on a line today,
  and a fixed window keeps parsing independent of the clock.
* ``MMYY`` carries no day: the expiry must be the last day of that month (the product expires at
  the end of the month), so a build never silently moves a date.
* A lot and a serial together: the serial goes into the supplementary ``/S`` field (§2.4), as do
  a date of manufacture (``/16D``) and a quantity next to a serial (``/Q``); ``/14D`` (expiry
  YYYYMMDD) is read, and built through :class:`HibcSupplement`.

>>> udi = build(build_primary("A123", "BJC5D6E7", 1))
>>> udi.data
'+A123BJC5D6E71G'
>>> udi.hri
'*+A123BJC5D6E71G*'
>>> parse("]C0+A123BJC5D6E71G").primary.product
'BJC5D6E7'
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from dataclasses import dataclass

from labelstation.errors import UDIError

# Code 39 character values used by the modulo-43 check (§2.1, Appendix "Check character").
CODE39_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
_VALUE = {char: value for value, char in enumerate(CODE39_CHARSET)}

LIC_LENGTH = 4
PRODUCT_MAX = 18
LOT_MAX = 18
SERIAL_MAX = 18
_QUANTITY_MAX = {2: 99, 5: 99_999}

_ALNUM = re.compile(r"[A-Z0-9]*")
_LIC = re.compile(r"[A-Z][A-Z0-9]{3}")
_DIGITS = re.compile(r"[0-9]+")

# AIM symbology identifiers of symbols that carry HIBC data as plain (non-GS1) text.
# ]A3 is Code 39 whose reader checked and stripped the modulo-43 character (= HIBC's check).
# ]A3/]A7: the reader checked and stripped the modulo-43 character (= HIBC's check character).
# ]A4/]A5/]A7: the reader applied Code 39 Full ASCII (zxing-cpp does whenever the data allows it,
# turning `+A` into `a`); the pairs are restored before parsing.
AIM_IDENTIFIERS = (
    "]A0",
    "]A1",
    "]A3",
    "]A4",
    "]A5",
    "]A7",
    "]C0",
    "]d1",
    "]L2",
    "]Q0",
    "]Q1",
    "]z0",
)
_STRIPPED_CHECK = ("]A3", "]A7")
_FULL_ASCII = ("]A4", "]A5", "]A7")


def _full_ascii_table() -> dict[str, str]:
    """Code 39 Full ASCII: each ASCII character and the Code 39 characters that encode it."""
    table = {chr(0): "%U", " ": " ", "-": "-", ".": ".", "/": "/O", ":": "/Z", "@": "%V"}
    table["`"] = "%W"
    table.update({chr(code): "$" + chr(64 + code) for code in range(1, 27)})
    table.update({chr(27 + i): "%" + "ABCDE"[i] for i in range(5)})
    table.update({c: "/" + chr(65 + i) for i, c in enumerate("!\"#$%&'()*+,")})
    table.update({c: "%" + chr(70 + i) for i, c in enumerate(";<=>?")})
    table.update({c: "%" + chr(75 + i) for i, c in enumerate("[\\]^_")})
    table.update({c: "%" + chr(80 + i) for i, c in enumerate("{|}~\x7f")})
    table.update({c: c for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
    table.update({chr(97 + i): "+" + chr(65 + i) for i in range(26)})
    return table


_FROM_FULL_ASCII = _full_ascii_table()


def _undo_full_ascii(text: str, original: str) -> str:
    try:
        return "".join(_FROM_FULL_ASCII[char] for char in text)
    except KeyError as exc:
        raise UDIError(
            f"HIBC data {original!r}: character {exc.args[0]!r} cannot come from Code 39"
        ) from None


class ExpiryFormat(enum.Enum):
    """How the expiry date is written in the secondary data (§2.2, Table 2).

    The value is the name used on the command line and in JSON.
    """

    MMYY = "MMYY"  # `$$` then MMYY (no flag: the month's first digit is 0 or 1)
    MMDDYY = "MMDDYY"  # `$$2`
    YYMMDD = "YYMMDD"  # `$$3`
    YYMMDDHH = "YYMMDDHH"  # `$$4`
    YYJJJ = "YYJJJ"  # `$$5`
    YYJJJHH = "YYJJJHH"  # `$$6`
    NONE = "none"  # `$$7`: the `$$` form without an expiry date
    DEFAULT_YYJJJ = "default-YYJJJ"  # `+YYJJJ` then the lot, no `$` flag at all

    @property
    def flag(self) -> str:
        """The characters that introduce this format after ``$$`` (empty for MMYY)."""
        return _FLAGS[self]

    @property
    def has_hour(self) -> bool:
        """Whether the format carries an hour (HH)."""
        return self in (ExpiryFormat.YYMMDDHH, ExpiryFormat.YYJJJHH)


_FLAGS = {
    ExpiryFormat.MMYY: "",
    ExpiryFormat.MMDDYY: "2",
    ExpiryFormat.YYMMDD: "3",
    ExpiryFormat.YYMMDDHH: "4",
    ExpiryFormat.YYJJJ: "5",
    ExpiryFormat.YYJJJHH: "6",
    ExpiryFormat.NONE: "7",
    ExpiryFormat.DEFAULT_YYJJJ: "",
}
_BY_FLAG = {
    "2": ExpiryFormat.MMDDYY,
    "3": ExpiryFormat.YYMMDD,
    "4": ExpiryFormat.YYMMDDHH,
    "5": ExpiryFormat.YYJJJ,
    "6": ExpiryFormat.YYJJJHH,
    "7": ExpiryFormat.NONE,
}
_DATE_DIGITS = {
    ExpiryFormat.MMYY: 4,
    ExpiryFormat.MMDDYY: 6,
    ExpiryFormat.YYMMDD: 6,
    ExpiryFormat.YYMMDDHH: 8,
    ExpiryFormat.YYJJJ: 5,
    ExpiryFormat.YYJJJHH: 7,
    ExpiryFormat.NONE: 0,
    ExpiryFormat.DEFAULT_YYJJJ: 5,
}


def check_character(data: str) -> str:
    """Return the modulo-43 check character of ``data`` (§2.1).

    The sum of the Code 39 values of every character, the leading ``+`` included, modulo 43,
    written back as the Code 39 character of that value.

    >>> check_character("+A123BJC5D6E71")
    'G'

    Raises:
        UDIError: a character is outside the Code 39 set, so no check character exists.
    """
    total = 0
    for char in data:
        value = _VALUE.get(char)
        if value is None:
            raise UDIError(
                f"HIBC data {data!r}: character {char!r} is not in the Code 39 set "
                "(A-Z, 0-9, - . space $ / + %)"
            )
        total += value
    return CODE39_CHARSET[total % 43]


def _verify_check(data: str, check: str) -> None:
    expected = check_character(data)
    if check != expected:
        raise UDIError(f"HIBC check character should be {expected!r}, got {check!r}")


def _caption(data: str, special: int) -> str:
    """HRI of ``data``: asterisks around, ``_`` for a space in the last ``special`` characters."""
    head, tail = data[: len(data) - special], data[len(data) - special :]
    return "*" + head + tail.replace(" ", "_") + "*"


# --------------------------------------------------------------------------------------------
# Primary data (§2.1)


@dataclass(frozen=True)
class HibcPrimary:
    """The primary data structure: who labels the item and which item at which packaging level.

    Attributes:
        lic: Labeler Identification Code assigned by HIBCC (4 characters, the first a letter).
        product: the labeler's product or catalog number (1–18 characters A-Z, 0-9).
        uom: unit of measure, 0 (the unit of use) to 9 (variable quantity containers).
    """

    lic: str
    product: str
    uom: int

    def __post_init__(self) -> None:
        if not isinstance(self.lic, str) or not _LIC.fullmatch(self.lic):
            raise UDIError(
                f"HIBC LIC {self.lic!r}: expected 4 characters A-Z or 0-9, first a letter"
            )
        if (
            not isinstance(self.product, str)
            or not 1 <= len(self.product) <= PRODUCT_MAX
            or not _ALNUM.fullmatch(self.product)
        ):
            raise UDIError(
                f"HIBC product number {self.product!r}: expected 1 to {PRODUCT_MAX} "
                "characters A-Z or 0-9"
            )
        if type(self.uom) is not int or not 0 <= self.uom <= 9:
            raise UDIError(f"HIBC unit of measure {self.uom!r}: expected one digit 0-9")

    @property
    def body(self) -> str:
        """``+`` LIC PCN U, the part the check character is computed over."""
        return f"+{self.lic}{self.product}{self.uom}"

    @property
    def check(self) -> str:
        """The modulo-43 check character, also the link character of a separate secondary."""
        return check_character(self.body)

    @property
    def data(self) -> str:
        """The primary symbol's data, ``+`` to check character."""
        return self.body + self.check

    @property
    def hri(self) -> str:
        """The caption printed under a primary-only symbol."""
        return _caption(self.data, 1)


def build_primary(lic: str, product: str, uom: int | str) -> HibcPrimary:
    """Build and validate primary data; ``uom`` may be given as the digit's text.

    Raises:
        UDIError: a field breaks §2.1; the message names the field, the value and the rule.
    """
    if isinstance(uom, str):
        if len(uom) != 1 or not _DIGITS.fullmatch(uom):
            raise UDIError(f"HIBC unit of measure {uom!r}: expected one digit 0-9")
        uom = int(uom)
    return HibcPrimary(lic, product, uom)


# --------------------------------------------------------------------------------------------
# Secondary data (§2.2)

# Supplementary fields after the secondary data, each `/` + an ANSI MH10.8.2 Data Identifier:
# S serial, 16D date of manufacture (YYYYMMDD), 14D expiry date (YYYYMMDD), Q quantity.
SUPPLEMENT_IDS = ("S", "16D", "14D", "Q")
_SUPPLEMENT_RULE = {
    "S": f"1 to {SERIAL_MAX} characters A-Z or 0-9",
    "16D": "a date YYYYMMDD",
    "14D": "a date YYYYMMDD",
    "Q": "a quantity of 1 to 5 digits",
}


def _ymd(text: str) -> dt.date | None:
    if len(text) != 8 or not _DIGITS.fullmatch(text):
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


@dataclass(frozen=True)
class HibcSupplement:
    """One supplementary data field (§2.4): ``/`` + Data Identifier + value.

    These carry what the main secondary forms cannot: a serial next to a lot (``/S``), the date
    of manufacture (``/16D``), a full-year expiry date (``/14D``) and a quantity (``/Q``).

    Attributes:
        di: the Data Identifier, one of ``S``, ``16D``, ``14D``, ``Q``.
        value: the value as encoded.
    """

    di: str
    value: str

    def __post_init__(self) -> None:
        if self.di not in _SUPPLEMENT_RULE:
            raise UDIError(
                f"HIBC supplementary field {self.di!r}: expected one of "
                f"{', '.join('/' + d for d in SUPPLEMENT_IDS)}"
            )
        value = self.value
        ok = isinstance(value, str) and (
            (self.di == "S" and 1 <= len(value) <= SERIAL_MAX and bool(_ALNUM.fullmatch(value)))
            or (self.di in ("16D", "14D") and _ymd(value) is not None)
            or (self.di == "Q" and 1 <= len(value) <= 5 and bool(_DIGITS.fullmatch(value)))
        )
        if not ok:
            raise UDIError(
                f"HIBC supplementary /{self.di} {value!r}: expected {_SUPPLEMENT_RULE[self.di]}"
            )

    @property
    def parsed(self) -> str | dt.date | int:
        """The value as a serial ``str``, a ``date`` (16D, 14D) or an ``int`` quantity."""
        if self.di == "Q":
            return int(self.value)
        date = _ymd(self.value)
        return self.value if date is None else date

    @property
    def text(self) -> str:
        """The field as encoded, ``/`` included."""
        return f"/{self.di}{self.value}"


def _two_digit_year(year: int, what: str) -> str:
    if not 2000 <= year <= 2099:
        raise UDIError(f"HIBC {what} year {year}: expected 2000 to 2099")
    return f"{year % 100:02d}"


@dataclass(frozen=True)
class HibcSecondary:
    """The secondary data structure: lot or serial, expiry date and quantity (§2.2).

    Construct it with :func:`build_secondary`, which picks the form; the constructor checks that
    the fields are consistent so that every instance has exactly one encoding.

    Attributes:
        lot: lot or batch number (``$``, ``$$`` and default-Julian forms), or ``None``.
        serial: serial number (``$+`` and ``$$+`` forms), or ``None``; never with a lot.
        expiry: expiry date, or ``None``.
        expiry_hour: hour 0–23 for the ``…HH`` formats, else ``None``.
        expiry_format: how the expiry is written; ``None`` for the short ``$`` / ``$+`` forms,
            :attr:`ExpiryFormat.NONE` for ``$$7`` / ``$$+7``.
        quantity: quantity (``$$8`` two digits, ``$$9`` five digits), or ``None``.
        quantity_digits: 2 or 5 when ``quantity`` is set, else ``None``.
    """

    lot: str | None = None
    serial: str | None = None
    expiry: dt.date | None = None
    expiry_hour: int | None = None
    expiry_format: ExpiryFormat | None = None
    quantity: int | None = None
    quantity_digits: int | None = None
    supplements: tuple[HibcSupplement, ...] = ()

    def __post_init__(self) -> None:
        self._check_supplements()
        self._check_identifiers()
        self._check_expiry()
        self._check_quantity()

    def _supplement(self, di: str) -> HibcSupplement | None:
        return next((s for s in self.supplements if s.di == di), None)

    def _check_supplements(self) -> None:
        if not isinstance(self.supplements, tuple) or not all(
            isinstance(s, HibcSupplement) for s in self.supplements
        ):
            raise UDIError(
                f"HIBC supplements {self.supplements!r}: expected a tuple of HibcSupplement"
            )
        seen: set[str] = set()
        for supplement in self.supplements:
            if supplement.di in seen:
                raise UDIError(f"HIBC supplementary /{supplement.di}: expected at most once")
            seen.add(supplement.di)
        for di, value, what in (
            ("S", self.serial, "a serial"),
            ("14D", self.expiry, "an expiry"),
            ("Q", self.quantity, "a quantity"),
        ):
            if di in seen and value is not None:
                raise UDIError(
                    f"HIBC supplementary /{di}: the secondary already carries {what}; expected one"
                )

    def _check_identifiers(self) -> None:
        for name, value, limit in (("lot", self.lot, LOT_MAX), ("serial", self.serial, SERIAL_MAX)):
            if value is None:
                continue
            if (
                not isinstance(value, str)
                or not _ALNUM.fullmatch(value)
                or not 1 <= len(value) <= limit
            ):
                raise UDIError(
                    f"HIBC {name} {value!r}: expected 1 to {limit} characters A-Z or 0-9"
                )
        if self.lot is not None and self.serial is not None:
            raise UDIError(
                f"HIBC secondary: lot {self.lot!r} and serial {self.serial!r}: no secondary "
                "form carries both; expected the serial as a /S supplement"
            )
        if self.serial is not None and self.quantity is not None:
            raise UDIError(
                f"HIBC secondary: quantity {self.quantity!r} with serial {self.serial!r}: "
                "expected $$8/$$9 quantities only with a lot, or a /Q supplement"
            )
        if self.serial is not None and self.expiry_format is ExpiryFormat.DEFAULT_YYJJJ:
            raise UDIError(
                f"HIBC secondary: serial {self.serial!r} with format default-YYJJJ: "
                "expected the default Julian form only with a lot"
            )
        if (
            self.lot is None
            and self.serial is None
            and self.expiry is None
            and self.quantity is None
        ):
            raise UDIError(
                "HIBC secondary: empty; expected a lot, a serial, an expiry or a quantity"
            )

    def _check_expiry(self) -> None:
        fmt = self.expiry_format
        if fmt is not None and not isinstance(fmt, ExpiryFormat):
            raise UDIError(f"HIBC expiry format {fmt!r}: expected one of {_format_names()}")
        if self.expiry is None:
            if fmt not in (None, ExpiryFormat.NONE):
                raise UDIError(f"HIBC expiry format {fmt.value}: expected an expiry date with it")
            if self.expiry_hour is not None:
                raise UDIError(
                    f"HIBC expiry hour {self.expiry_hour!r}: expected no hour without a date"
                )
            return
        if not isinstance(self.expiry, dt.date) or isinstance(self.expiry, dt.datetime):
            raise UDIError(f"HIBC expiry {self.expiry!r}: expected a date")
        if fmt is None or fmt is ExpiryFormat.NONE:
            raise UDIError(
                f"HIBC expiry {self.expiry.isoformat()}: expected an expiry format, one of "
                f"{_format_names(dated=True)}"
            )
        _two_digit_year(self.expiry.year, "expiry")
        if fmt.has_hour:
            if type(self.expiry_hour) is not int or not 0 <= self.expiry_hour <= 23:
                raise UDIError(
                    f"HIBC expiry hour {self.expiry_hour!r}: expected 0 to 23 for format "
                    f"{fmt.value}"
                )
        elif self.expiry_hour is not None:
            raise UDIError(
                f"HIBC expiry hour {self.expiry_hour!r}: format {fmt.value} carries no hour"
            )
        if fmt is ExpiryFormat.MMYY:
            last = calendar.monthrange(self.expiry.year, self.expiry.month)[1]
            if self.expiry.day != last:
                end = self.expiry.replace(day=last).isoformat()
                raise UDIError(
                    f"HIBC expiry {self.expiry.isoformat()}: format MMYY carries only month and "
                    f"year; expected the last day of the month ({end})"
                )

    def _check_quantity(self) -> None:
        if self.quantity is None:
            if self.quantity_digits is not None:
                raise UDIError(
                    f"HIBC quantity digits {self.quantity_digits!r}: expected no digits "
                    "without a quantity"
                )
            return
        digits = self.quantity_digits
        if digits not in _QUANTITY_MAX:
            raise UDIError(f"HIBC quantity digits {digits!r}: expected 2 ($$8) or 5 ($$9)")
        limit = _QUANTITY_MAX[digits]
        if type(self.quantity) is not int or not 1 <= self.quantity <= limit:
            raise UDIError(
                f"HIBC quantity {self.quantity!r}: expected 1 to {limit} in {digits} digits"
            )
        if self.expiry_format is None or self.expiry_format is ExpiryFormat.DEFAULT_YYJJJ:
            raise UDIError(
                f"HIBC quantity {self.quantity}: expected a $$ expiry format with it "
                "(none for no date)"
            )

    @property
    def body(self) -> str:
        """The secondary data without ``+``, link or check character (the part after ``/``)."""
        return self._main() + "".join(s.text for s in self.supplements)

    @property
    def effective_serial(self) -> str | None:
        """The serial, from the main form or a ``/S`` supplement."""
        supplement = self._supplement("S")
        return self.serial if supplement is None else supplement.value

    @property
    def effective_expiry(self) -> dt.date | None:
        """The expiry date, from the main form or a ``/14D`` supplement."""
        supplement = self._supplement("14D")
        return self.expiry if supplement is None else _ymd(supplement.value)

    @property
    def effective_quantity(self) -> int | None:
        """The quantity, from ``$$8``/``$$9`` or a ``/Q`` supplement."""
        supplement = self._supplement("Q")
        return self.quantity if supplement is None else int(supplement.value)

    @property
    def manufacture_date(self) -> dt.date | None:
        """The date of manufacture of a ``/16D`` supplement, or ``None``."""
        supplement = self._supplement("16D")
        return None if supplement is None else _ymd(supplement.value)

    def _main(self) -> str:
        fmt = self.expiry_format
        if fmt is ExpiryFormat.DEFAULT_YYJJJ:
            return self._date() + (self.lot or "")
        if fmt is None:
            if self.serial is not None:
                return "$+" + self.serial
            return "$" + (self.lot or "")
        if self.serial is not None:
            return "$$+" + fmt.flag + self._date() + self.serial
        quantity = ""
        if self.quantity is not None and self.quantity_digits is not None:
            flag = "8" if self.quantity_digits == 2 else "9"
            quantity = flag + f"{self.quantity:0{self.quantity_digits}d}"
        return "$$" + quantity + fmt.flag + self._date() + (self.lot or "")

    def _date(self) -> str:
        date, fmt = self.expiry, self.expiry_format
        if date is None or fmt is None:
            return ""
        yy = f"{date.year % 100:02d}"
        jjj = f"{date.timetuple().tm_yday:03d}"
        hh = f"{self.expiry_hour or 0:02d}"
        return {
            ExpiryFormat.MMYY: f"{date.month:02d}{yy}",
            ExpiryFormat.MMDDYY: f"{date.month:02d}{date.day:02d}{yy}",
            ExpiryFormat.YYMMDD: f"{yy}{date.month:02d}{date.day:02d}",
            ExpiryFormat.YYMMDDHH: f"{yy}{date.month:02d}{date.day:02d}{hh}",
            ExpiryFormat.YYJJJ: yy + jjj,
            ExpiryFormat.YYJJJHH: yy + jjj + hh,
            ExpiryFormat.DEFAULT_YYJJJ: yy + jjj,
        }.get(fmt, "")


def _format_names(*, dated: bool = False) -> str:
    skip = (ExpiryFormat.NONE,) if dated else ()
    return ", ".join(f.value for f in ExpiryFormat if f not in skip)


def expiry_format_from_name(name: str) -> ExpiryFormat:
    """Look up an :class:`ExpiryFormat` by its command-line name (``YYMMDD``, ``none``…).

    Raises:
        UDIError: the name is not one of the formats.
    """
    for fmt in ExpiryFormat:
        if fmt.value == name:
            return fmt
    raise UDIError(f"HIBC expiry format {name!r}: expected one of {_format_names()}")


def build_secondary(
    *,
    lot: str | None = None,
    serial: str | None = None,
    expiry: dt.date | None = None,
    expiry_format: ExpiryFormat | str | None = None,
    expiry_hour: int | None = None,
    quantity: int | None = None,
    quantity_digits: int | None = None,
    manufacture_date: dt.date | None = None,
) -> HibcSecondary:
    """Build secondary data, choosing the form the standard gives for these fields (§2.2).

    * lot only → ``$LOT``; serial only → ``$+SERIAL``;
    * an expiry (default format ``YYMMDD``, ``$$3``) → ``$$`` + flag + date + lot, or
      ``$$+`` + flag + date + serial;
    * a quantity → ``$$8`` (≤ 99, two digits) or ``$$9`` (five digits) before the date part,
      with flag ``7`` when there is no expiry;
    * a serial next to a lot → a ``/S`` supplement; a quantity next to a serial without a lot →
      a ``/Q`` supplement; a date of manufacture → a ``/16D`` supplement (§2.4).

    Raises:
        UDIError: the fields break a rule of §2.2 or a choice documented in this module.
    """
    fmt = (
        expiry_format_from_name(expiry_format) if isinstance(expiry_format, str) else expiry_format
    )
    if expiry is not None and fmt is None:
        fmt = ExpiryFormat.YYMMDD
    supplements: list[HibcSupplement] = []
    if lot is not None and serial is not None:
        supplements.append(HibcSupplement("S", serial))
        serial = None
    if manufacture_date is not None:
        if not isinstance(manufacture_date, dt.date) or isinstance(manufacture_date, dt.datetime):
            raise UDIError(f"HIBC date of manufacture {manufacture_date!r}: expected a date")
        supplements.append(HibcSupplement("16D", f"{manufacture_date:%Y%m%d}"))
    if serial is not None and quantity is not None:
        if type(quantity) is not int or not 1 <= quantity <= _QUANTITY_MAX[5]:
            raise UDIError(f"HIBC quantity {quantity!r}: expected 1 to 99999")
        supplements.append(HibcSupplement("Q", str(quantity)))
        quantity = None
    if quantity is not None:
        if fmt is None:
            fmt = ExpiryFormat.NONE
        if quantity_digits is None and type(quantity) is int:
            quantity_digits = 2 if quantity <= _QUANTITY_MAX[2] else 5
    return HibcSecondary(
        lot=lot,
        serial=serial,
        expiry=expiry,
        expiry_hour=expiry_hour,
        expiry_format=fmt,
        quantity=quantity,
        quantity_digits=quantity_digits,
        supplements=tuple(supplements),
    )


# --------------------------------------------------------------------------------------------
# The whole UDI (§2.3)


@dataclass(frozen=True)
class HibcUdi:
    """An HIBC UDI: primary data and optional secondary data, combined or in two symbols.

    Attributes:
        primary: the primary data structure.
        secondary: the secondary data structure, or ``None``.
        combined: ``True`` for one symbol (``+…/…C``), ``False`` for a separate secondary symbol
            linked by the primary's check character.
    """

    primary: HibcPrimary
    secondary: HibcSecondary | None = None
    combined: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.primary, HibcPrimary):
            raise UDIError(f"HIBC primary {self.primary!r}: expected HibcPrimary")
        if self.secondary is not None and not isinstance(self.secondary, HibcSecondary):
            raise UDIError(f"HIBC secondary {self.secondary!r}: expected HibcSecondary")
        if self.secondary is None and not self.combined:
            # One symbol either way: store one spelling so that parse(build(...)) compares equal.
            object.__setattr__(self, "combined", True)

    @property
    def data(self) -> str:
        """The first (for combined: the only) symbol's data, ``+`` to final check character."""
        if self.secondary is None or not self.combined:
            return self.primary.data
        body = self.primary.body + "/" + self.secondary.body
        return body + check_character(body)

    @property
    def secondary_data(self) -> str | None:
        """A separate secondary symbol's data (``+`` … link, check), else ``None``."""
        if self.secondary is None or self.combined:
            return None
        body = "+" + self.secondary.body + self.primary.check
        return body + check_character(body)

    @property
    def symbols(self) -> tuple[str, ...]:
        """The data of each symbol to print, in order (one or two)."""
        second = self.secondary_data
        return (self.data,) if second is None else (self.data, second)

    @property
    def hri(self) -> str:
        """Caption under the first symbol: ``*`` data ``*``, a space check printed as ``_``."""
        return _caption(self.data, 1)

    @property
    def secondary_hri(self) -> str | None:
        """Caption under a separate secondary symbol (link and check spaces as ``_``)."""
        second = self.secondary_data
        return None if second is None else _caption(second, 2)

    def encoder_payloads(self) -> tuple[str, ...]:
        """What zint's HIBC symbologies take for each symbol: the data without ``+`` and check.

        zint (``HIBC_128``, ``HIBC_DM``, ``HIBC_39``, ``HIBC_QR``…) prefixes ``+`` and appends
        the modulo-43 check character itself; the decoded symbol then reads exactly
        :attr:`symbols` (tested with zxing-cpp).
        """
        return tuple(symbol[1:-1] for symbol in self.symbols)

    def encoder_payload(self) -> str:
        """The zint HIBC payload of a single-symbol UDI (see :meth:`encoder_payloads`).

        Raises:
            UDIError: the UDI is printed as two symbols.
        """
        payloads = self.encoder_payloads()
        if len(payloads) != 1:
            raise UDIError(
                f"HIBC UDI {self.data!r}: printed as {len(payloads)} separate symbols; "
                "expected one (use encoder_payloads())"
            )
        return payloads[0]


def build(
    primary: HibcPrimary, secondary: HibcSecondary | None = None, combined: bool = True
) -> HibcUdi:
    """Assemble a UDI from its parts (§2.3); ``combined=False`` gives two linked symbols."""
    return HibcUdi(primary, secondary, combined)


# --------------------------------------------------------------------------------------------
# Parsing


def strip_wrapping(text: str) -> tuple[str, bool]:
    """Remove an AIM symbology identifier and HRI asterisks (one caption, or two joined).

    Returns the bare data and whether a reader stripped a Code 39 check character (``]A3``,
    ``]A7``). Code 39 read with Full ASCII (``]A4``, ``]A5``, ``]A7``) is turned back into the
    Code 39 characters HIBC data is made of.

    Raises:
        UDIError: the identifier marks a symbology or mode that does not carry HIBC data.
    """
    stripped_check = False
    if text.startswith("]"):
        ident = text[:3]
        if ident not in AIM_IDENTIFIERS:
            raise UDIError(
                f"HIBC data {text!r}: symbology identifier {ident!r} does not carry HIBC data; "
                f"expected one of {', '.join(AIM_IDENTIFIERS)}"
            )
        stripped_check = ident in _STRIPPED_CHECK
        original, text = text, text[3:]
        if ident == "]A5":  # Full ASCII data, then the check character as sent
            text = _undo_full_ascii(text[:-1], original) + text[-1:]
        elif ident in _FULL_ASCII:
            text = _undo_full_ascii(text, original)
    if len(text) >= 2 and text.startswith("*") and text.endswith("*"):
        # HIBCC captions print a space check or link character as `_`; `_` is not in the set.
        # Two captions may be given joined (`*…**…*`): `*` is never data in Code 39.
        text = text[1:-1].replace("**", "").replace("_", " ")
    return text, stripped_check


def _parse_year(yy: str) -> int:
    return 2000 + int(yy)


def _date_from(fmt: ExpiryFormat, digits: str, where: str) -> tuple[dt.date, int | None]:
    """Read ``digits`` written in ``fmt``; ``where`` is the whole secondary, for messages."""
    hour: int | None = None
    try:
        if fmt is ExpiryFormat.MMYY:
            year, month = _parse_year(digits[2:4]), int(digits[0:2])
            day = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            date = dt.date(year, month, day)
        elif fmt is ExpiryFormat.MMDDYY:
            date = dt.date(_parse_year(digits[4:6]), int(digits[0:2]), int(digits[2:4]))
        elif fmt in (ExpiryFormat.YYMMDD, ExpiryFormat.YYMMDDHH):
            date = dt.date(_parse_year(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
        else:  # the Julian formats
            year, day_of_year = _parse_year(digits[0:2]), int(digits[2:5])
            days = 366 if calendar.isleap(year) else 365
            if not 1 <= day_of_year <= days:
                raise ValueError
            date = dt.date(year, 1, 1) + dt.timedelta(days=day_of_year - 1)
    except ValueError:
        raise UDIError(
            f"HIBC secondary {where!r}: expiry {digits!r} is not a date in format {fmt.value}"
        ) from None
    if fmt.has_hour:
        hour = int(digits[-2:])
        if hour > 23:
            raise UDIError(
                f"HIBC secondary {where!r}: expiry hour {digits[-2:]!r}: expected 00 to 23"
            )
    return date, hour


def _take_digits(text: str, count: int, what: str, where: str) -> tuple[str, str]:
    head = text[:count]
    if len(head) != count or not _DIGITS.fullmatch(head):
        raise UDIError(f"HIBC secondary {where!r}: expected {count} digits of {what}, got {head!r}")
    return head, text[count:]


def _identifier(rest: str, where: str) -> str | None:
    if not _ALNUM.fullmatch(rest):
        raise UDIError(
            f"HIBC secondary {where!r}: lot or serial {rest!r}: expected characters A-Z or 0-9"
        )
    return rest or None


def parse_secondary_body(body: str) -> HibcSecondary:
    """Parse secondary data without ``+``, link and check character (§2.2).

    Raises:
        UDIError: the text does not follow one of the §2.2 forms.
    """
    main, *fields = body.split("/")
    supplements: list[HibcSupplement] = []
    for field in fields:
        di = next((d for d in ("16D", "14D", "S", "Q") if field.startswith(d)), None)
        if di is None:
            raise UDIError(
                f"HIBC secondary {body!r}: supplementary field {'/' + field!r}: expected "
                f"{', '.join('/' + d for d in SUPPLEMENT_IDS)}"
            )
        supplements.append(HibcSupplement(di, field[len(di) :]))
    secondary = _parse_main(main)
    if not supplements:
        return secondary
    return HibcSecondary(
        lot=secondary.lot,
        serial=secondary.serial,
        expiry=secondary.expiry,
        expiry_hour=secondary.expiry_hour,
        expiry_format=secondary.expiry_format,
        quantity=secondary.quantity,
        quantity_digits=secondary.quantity_digits,
        supplements=tuple(supplements),
    )


def _parse_main(body: str) -> HibcSecondary:
    where = body
    if body.startswith("$$"):
        serial_form = body.startswith("$$+")
        rest = body[3:] if serial_form else body[2:]
        quantity: int | None = None
        quantity_digits: int | None = None
        if not serial_form and rest[:1] in ("8", "9"):
            quantity_digits = 2 if rest[0] == "8" else 5
            digits, rest = _take_digits(rest[1:], quantity_digits, "quantity", where)
            quantity = int(digits)
        flag = rest[:1]
        if flag in ("0", "1"):
            fmt = ExpiryFormat.MMYY
        elif flag in _BY_FLAG:
            fmt = _BY_FLAG[flag]
            rest = rest[1:]
        else:
            raise UDIError(
                f"HIBC secondary {where!r}: expected MMYY or a date format flag 2-7 after "
                f"{'$$+' if serial_form else '$$'}{'' if quantity is None else ' and quantity'}, "
                f"got {flag!r}"
            )
        expiry: dt.date | None = None
        hour: int | None = None
        if fmt is not ExpiryFormat.NONE:
            digits, rest = _take_digits(rest, _DATE_DIGITS[fmt], f"{fmt.value} expiry", where)
            expiry, hour = _date_from(fmt, digits, where)
        value = _identifier(rest, where)
        if serial_form and value is None:
            raise UDIError(f"HIBC secondary {where!r}: expected a serial after $$+ and the date")
        return HibcSecondary(
            lot=None if serial_form else value,
            serial=value if serial_form else None,
            expiry=expiry,
            expiry_hour=hour,
            expiry_format=fmt,
            quantity=quantity,
            quantity_digits=quantity_digits,
        )
    if body.startswith("$+"):
        return HibcSecondary(serial=_identifier(body[2:], where))
    if body.startswith("$"):
        return HibcSecondary(lot=_identifier(body[1:], where))
    if body[:1].isascii() and body[:1].isdigit():
        digits, rest = _take_digits(body, 5, "default YYJJJ expiry", where)
        expiry, _ = _date_from(ExpiryFormat.DEFAULT_YYJJJ, digits, where)
        return HibcSecondary(
            lot=_identifier(rest, where),
            expiry=expiry,
            expiry_format=ExpiryFormat.DEFAULT_YYJJJ,
        )
    raise UDIError(
        f"HIBC secondary {where!r}: expected a flag $, $$, $+, $$+ or a 5-digit YYJJJ date"
    )


def parse_secondary(text: str) -> tuple[HibcSecondary, str]:
    """Parse a separate secondary symbol's data; return it with its link character.

    The caller compares the link character with the primary's check character (or use
    :func:`parse` on the two scans joined, which does that).

    Raises:
        UDIError: not a valid secondary symbol, or its check character is wrong.
    """
    data, stripped = strip_wrapping(text)
    if stripped:
        data += check_character(data)
    if len(data) < 4 or not data.startswith("+") or data[1:2] == "" or data[1].isalpha():
        raise UDIError(
            f"HIBC secondary {text!r}: expected + then a flag $ or a date, then link and check "
            "characters"
        )
    _verify_check(data[:-1], data[-1])
    return parse_secondary_body(data[1:-2]), data[-2]


def _primary_from(run: str, text: str) -> HibcPrimary:
    """Split LIC + PCN + U (``run`` without the ``+``) into a primary."""
    if len(run) < LIC_LENGTH + 2:
        raise UDIError(
            f"HIBC primary {text!r}: expected + LIC (4), product number (1-{PRODUCT_MAX}), "
            "unit of measure (1) and a check character"
        )
    lic, product, uom = run[:LIC_LENGTH], run[LIC_LENGTH:-1], run[-1]
    primary = build_primary(lic, product, uom)
    return primary


def parse(text: str) -> HibcUdi:
    """Parse HIBC data as scanned or printed: primary, combined, or both symbols joined.

    Accepts an optional AIM symbology identifier (``]C0``, ``]d1``, ``]A0``…) and the ``*``
    delimiters of the HRI. Two separately scanned symbols may be passed joined; the secondary's
    link character must then equal the primary's check character.

    Raises:
        UDIError: whatever is wrong, named: structure, field, check or link character.
    """
    if not isinstance(text, str):
        raise UDIError(f"HIBC data {text!r}: expected text")
    data, stripped = strip_wrapping(text)
    if stripped:
        data += check_character(data)
    if not data.startswith("+"):
        raise UDIError(f"HIBC data {text!r}: expected the HIBC flag '+' first")
    if len(data) > 1 and (data[1] == "$" or data[1].isdigit()):
        raise UDIError(
            f"HIBC data {text!r}: a secondary data structure alone; expected the primary "
            "(+ and a 4-character LIC) first"
        )
    if not _LIC.fullmatch(data[1:5]):
        raise UDIError(f"HIBC LIC {data[1:5]!r}: expected 4 characters A-Z or 0-9, first a letter")
    match = _ALNUM.match(data, 1)
    end = match.end() if match else 1
    run = data[1:end]
    after = data[end:]
    # Combined: `/` then a secondary flag or date (a primary whose check character is `/`
    # is followed by nothing or by `+`).
    if after[:1] == "/" and after[1:2] not in ("", "+"):
        primary = _primary_from(run, text)
        _verify_check(data[:-1], data[-1])
        secondary = parse_secondary_body(data[end + 1 : -1])
        return HibcUdi(primary, secondary, combined=True)
    # The primary's check character is the run's last character, or the character after the
    # run when it is one of - . space $ / + %. Before a separate secondary (`+…`) both readings
    # are possible: the one whose check character verifies wins.
    candidates = [end] if after[:1] in ("", "+") else []
    if after:
        candidates.append(end + 1)
    chosen = next(
        (
            n
            for n in candidates
            if len(data[:n]) > 2 and check_character(data[: n - 1]) == data[n - 1]
        ),
        candidates[0],
    )
    primary_data, rest = data[:chosen], data[chosen:]
    primary = _primary_from(primary_data[1:-1], text)
    _verify_check(primary_data[:-1], primary_data[-1])
    if rest == "":
        return HibcUdi(primary)
    if not rest.startswith("+") or len(rest) < 4:
        raise UDIError(
            f"HIBC data {text!r}: unexpected {rest!r} after the primary data; expected "
            "'/' and secondary data, or a separate secondary symbol starting with '+'"
        )
    _verify_check(rest[:-1], rest[-1])
    link = rest[-2]
    if link != primary.check:
        raise UDIError(
            f"HIBC link character should be {primary.check!r} (the primary's check character), "
            f"got {link!r}"
        )
    return HibcUdi(primary, parse_secondary_body(rest[1:-2]), combined=False)
