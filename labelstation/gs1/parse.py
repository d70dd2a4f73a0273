"""Read GS1 data in any of the forms a scanner, an operator or a web link gives it.

:func:`parse` accepts

* an optional AIM symbology identifier: ``]C1`` (GS1-128), ``]d2`` (GS1 DataMatrix), ``]Q3``
  (GS1 QR), ``]e0`` (GS1 DataBar), ``]J1`` (GS1 DotCode) carry an element string; ``]E0``
  (EAN-13/UPC-A), ``]E4`` (EAN-8) and ``]I1`` (ITF-14) carry a bare GTIN, read as (01);
  ``]Q1``/``]d1`` (plain QR/DataMatrix) are accepted only with a Digital Link URI;
  any other identifier is refused;
* a plain element string with GS (0x1D) separators (a leading GS, as some scanners send for the
  first FNC1, is ignored);
* the bracketed human-readable form ``(01)09506000134352(10)ABC``;
* a GS1 Digital Link URI.

Parentheses in bracketed text: ``(`` followed by a known AI and ``)`` always starts a new
element; any other ``(`` is data, so ``(10)A(B)C`` is lot ``A(B)C``. A value that itself holds
``(21)``-like text must be written ``\\(21)`` (see :attr:`ElementString.bracketed`), the escape
GS1's own Syntax Engine uses; ``\\`` is not a GS1 character, so the escape is unambiguous.

Every result goes through :func:`labelstation.gs1.build`, so what parses is exactly what builds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from labelstation.errors import GS1Error
from labelstation.gs1.ai import ai_table
from labelstation.gs1.digital_link import from_uri
from labelstation.gs1.element import DEFAULT_POLICY, GS, BuildPolicy, ElementString, build

ELEMENT_STRING_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0", "]J1"})
GTIN_SYMBOLOGIES = {"]E0": 13, "]E4": 8, "]I1": 14}
DIGITAL_LINK_SYMBOLOGIES = frozenset({"]Q1", "]d1"})


@dataclass(frozen=True)
class ParseResult:
    """What :func:`parse` read.

    Attributes:
        symbology: The AIM symbology identifier that preceded the data (``"]d2"``), or None.
        element_string: The validated data.
    """

    symbology: str | None
    element_string: ElementString


def _is_uri(text: str) -> bool:
    head = text[:8].lower()
    return head.startswith(("http://", "https://"))


def _find_ai(text: str, pos: int) -> str | None:
    table = ai_table()
    for size in (2, 3, 4):
        code = text[pos : pos + size]
        if len(code) == size and code in table:
            return code
    return None


def split_element_string(text: str) -> list[tuple[str, str]]:
    """Cut a plain element string (GS-separated) into ``(ai, value)`` pairs, unvalidated.

    Raises:
        GS1Error: No known AI where one must start.
    """
    table = ai_table()
    pairs: list[tuple[str, str]] = []
    pos = 0
    if text.startswith(GS):
        pos = 1
    if pos >= len(text):
        raise GS1Error("GS1 element string: empty")
    while pos < len(text):
        ai = _find_ai(text, pos)
        if ai is None:
            raise GS1Error(
                f"GS1 element string {text!r}: no known AI at position {pos + 1} "
                f"({text[pos : pos + 4]!r})"
            )
        pos += len(ai)
        info = table[ai]
        if info.predefined_length:
            end = pos + info.max_length
            value = text[pos:end]
            if GS in value:
                value = value[: value.index(GS)]
                end = pos + len(value)
        else:
            found = text.find(GS, pos)
            end = len(text) if found < 0 else found
            value = text[pos:end]
        pairs.append((ai, value))
        pos = end
        if pos < len(text) and text[pos] == GS:
            pos += 1
            if pos == len(text):
                raise GS1Error(f"GS1 element string {text!r}: ends with a GS separator")
    return pairs


def split_bracketed(text: str) -> list[tuple[str, str]]:
    """Cut ``(ai)value(ai)value`` text into pairs, unvalidated (see the module notes on ``(``).

    Raises:
        GS1Error: The text does not start with ``(ai)`` of a known AI.
    """
    table = ai_table()
    pairs: list[tuple[str, str]] = []
    pos = 0
    length = len(text)

    def ai_at(index: int) -> str | None:
        if not text.startswith("(", index):
            return None
        close = text.find(")", index + 1, index + 6)
        if close < 0:
            return None
        code = text[index + 1 : close]
        return code if code in table else None

    first = ai_at(0)
    if first is None:
        raise GS1Error(f"GS1 bracketed data {text!r}: must start with (AI) of a known AI")
    while pos < length:
        ai = ai_at(pos)
        assert ai is not None  # loop invariant: pos is at a known "(ai)"
        pos += len(ai) + 2
        chars: list[str] = []
        while pos < length:
            char = text[pos]
            if char == "\\" and text.startswith("\\(", pos):
                chars.append("(")
                pos += 2
                continue
            if char == "(" and ai_at(pos) is not None:
                break
            chars.append(char)
            pos += 1
        pairs.append((ai, "".join(chars)))
    return pairs


def parse(
    text: str,
    *,
    policy: BuildPolicy = DEFAULT_POLICY,
    today: dt.date | None = None,
) -> ParseResult:
    """Read and validate GS1 data (see the module docstring for the accepted forms).

    Args:
        text: Scanner output, bracketed HRI or a Digital Link URI.
        policy: Same meaning as for :func:`labelstation.gs1.build`.
        today: Reference date for two-digit years; defaults to today's date.

    Raises:
        GS1Error: Anything that is not valid GS1 data, naming the AI, value and rule.
    """
    if not isinstance(text, str):
        raise GS1Error(f"GS1 data: expected text, got {type(text).__name__}")
    symbology: str | None = None
    body = text
    if text.startswith("]"):
        symbology = text[:3]
        body = text[3:]
        if len(symbology) < 3:
            raise GS1Error(f"GS1 data {text!r}: incomplete symbology identifier")
        if symbology in GTIN_SYMBOLOGIES:
            size = GTIN_SYMBOLOGIES[symbology]
            if len(body) != size:
                raise GS1Error(
                    f"GS1 data {text!r}: symbology {symbology} carries a {size}-digit GTIN, "
                    f"got {len(body)} characters"
                )
            pairs = [("01", body.zfill(14))]
            return ParseResult(symbology, build(pairs, policy=policy, today=today))
        if symbology in DIGITAL_LINK_SYMBOLOGIES:
            if not _is_uri(body):
                raise GS1Error(
                    f"GS1 data {text!r}: symbology {symbology} is not a GS1 symbology and "
                    "the data is not a GS1 Digital Link URI"
                )
        elif symbology not in ELEMENT_STRING_SYMBOLOGIES:
            raise GS1Error(
                f"GS1 data {text!r}: symbology identifier {symbology} does not carry GS1 data "
                "(expected ]C1, ]d2, ]Q3, ]e0, ]J1, ]E0, ]E4, ]I1, or a Digital Link in ]Q1/]d1)"
            )
        elif _is_uri(body) or body.startswith("("):
            raise GS1Error(
                f"GS1 data {text!r}: symbology {symbology} carries a plain element string"
            )
    if _is_uri(body):
        pairs = from_uri(body)
    elif body.startswith("("):
        pairs = split_bracketed(body)
    else:
        pairs = split_element_string(body)
    return ParseResult(symbology, build(pairs, policy=policy, today=today))
