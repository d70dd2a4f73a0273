"""Pharma helpers on top of GS1: US NDC ⇄ GTIN-14 (DSCSA) and national reimbursement numbers.

**NDC and GTIN.** A US National Drug Code has 10 digits in three segments, labeler-product-package,
in one of three shapes: ``4-4-2``, ``5-3-2`` or ``5-4-1``. The DSCSA product identifier carries
it in an NDC-based GTIN-14: indicator digit + ``03`` + the 10 NDC digits + GS1 check digit
(the GTIN-12 ``3`` + NDC + check, padded). The GTIN does not keep the dashes, so turning a GTIN
back into an NDC needs the segment shape, which the caller names.

Billing systems (HIPAA) write an 11-digit ``5-4-2`` NDC by putting a zero in front of the short
segment. Undoing it means knowing which segment was padded:

* with dashes (``01234-5678-90``) or without (``01234567890``) the 11 digits are the same
  information: the padding zero sits at position 1 (``4-4-2``), 6 (``5-3-2``) or 10 (``5-4-1``);
* if exactly one of those positions holds a ``0``, that one was the padding and the NDC is
  certain; if several do, the 11-digit form is ambiguous and this module refuses it unless the
  caller names the source shape (``source_format=``). It never guesses: a wrong guess is a
  different product's GTIN.

**NHRN.** AIs 710–717 carry a national healthcare reimbursement number next to (01). The GS1
Barcode Syntax Dictionary gives them all as ``X..20`` with ``req=01`` and no national linter;
the only national rule checked here beyond that is Germany's PZN check digit (IFA: PZN-8, the
eighth digit is the sum of digit × weight 1…7 modulo 11, and 10 is never issued), and that
(715) is a well-formed NDC.

>>> ndc_to_gtin("0777-3105-02")
'00307773105025'
>>> gtin_to_ndc("00307773105025", "4-4-2")
'0777-3105-02'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from labelstation.errors import GS1Error
from labelstation.gs1 import BuildPolicy, build, check_digit, is_valid_check_digit

NdcFormat = Literal["4-4-2", "5-3-2", "5-4-1"]
NdcStyle = Literal["dashed", "10", "11", "11-dashed"]
NDC_FORMATS: tuple[NdcFormat, ...] = ("4-4-2", "5-3-2", "5-4-1")
NDC_STYLES: tuple[NdcStyle, ...] = ("dashed", "10", "11", "11-dashed")
_SEGMENTS: dict[str, tuple[int, int, int]] = {
    "4-4-2": (4, 4, 2),
    "5-3-2": (5, 3, 2),
    "5-4-1": (5, 4, 1),
}
# Index, in the 11-digit 5-4-2 form, of the zero added to the short segment.
_PAD_INDEX: dict[str, int] = {"4-4-2": 0, "5-3-2": 5, "5-4-1": 9}
_DASHED = re.compile(r"([0-9]+)-([0-9]+)-([0-9]+)")
_DIGITS = re.compile(r"[0-9]+")
NDC_GTIN_PREFIX = "03"


@dataclass(frozen=True)
class Ndc:
    """A US National Drug Code: 10 digits and, when known, its segment shape.

    Attributes:
        digits: the 10 digits without dashes.
        format: ``"4-4-2"``, ``"5-3-2"`` or ``"5-4-1"``, or ``None`` when the NDC was given as
            10 bare digits (enough for a GTIN, not for the dashed or 11-digit forms).
    """

    digits: str
    format: NdcFormat | None = None

    def __post_init__(self) -> None:
        if (
            not isinstance(self.digits, str)
            or len(self.digits) != 10
            or not _DIGITS.fullmatch(self.digits)
        ):
            raise GS1Error(f"NDC {self.digits!r}: expected 10 digits")
        if self.format is not None and self.format not in _SEGMENTS:
            raise GS1Error(f"NDC format {self.format!r}: expected one of {', '.join(NDC_FORMATS)}")

    def _shape(self) -> NdcFormat:
        if self.format is None:
            raise GS1Error(
                f"NDC {self.digits!r}: segment format unknown (10 digits without dashes); "
                f"expected one of {', '.join(NDC_FORMATS)}"
            )
        return self.format

    @property
    def segments(self) -> tuple[str, str, str]:
        """Labeler, product and package code."""
        a, b, _ = _SEGMENTS[self._shape()]
        return self.digits[:a], self.digits[a : a + b], self.digits[a + b :]

    @property
    def dashed(self) -> str:
        """The NDC as printed on the package, e.g. ``0777-3105-02``."""
        return "-".join(self.segments)

    @property
    def hipaa11(self) -> str:
        """The 11-digit 5-4-2 billing form, without dashes."""
        return "".join(self._padded())

    @property
    def hipaa11_dashed(self) -> str:
        """The 11-digit 5-4-2 billing form with dashes."""
        return "-".join(self._padded())

    def _padded(self) -> tuple[str, str, str]:
        labeler, product, package = self.segments
        return labeler.zfill(5), product.zfill(4), package.zfill(2)

    def styled(self, style: NdcStyle) -> str:
        """The NDC in one of the spellings ``dashed``, ``10``, ``11``, ``11-dashed``."""
        if style == "10":
            return self.digits
        if style == "dashed":
            return self.dashed
        if style == "11":
            return self.hipaa11
        if style == "11-dashed":
            return self.hipaa11_dashed
        raise GS1Error(f"NDC style {style!r}: expected one of {', '.join(NDC_STYLES)}")


def _unpad(eleven: str, text: str, source_format: NdcFormat | None) -> Ndc:
    candidates = [f for f in NDC_FORMATS if eleven[_PAD_INDEX[f]] == "0"]
    if source_format is not None:
        if source_format not in _SEGMENTS:
            raise GS1Error(
                f"NDC format {source_format!r}: expected one of {', '.join(NDC_FORMATS)}"
            )
        if source_format not in candidates:
            raise GS1Error(
                f"NDC {text!r}: 11-digit form has no padding zero for source format {source_format}"
            )
        chosen = source_format
    elif len(candidates) == 1:
        chosen = candidates[0]
    elif not candidates:
        raise GS1Error(
            f"NDC {text!r}: 11 digits but no padding zero at position 1, 6 or 10; "
            "expected a 5-4-2 billing NDC"
        )
    else:
        raise GS1Error(
            f"NDC {text!r}: 11-digit form is ambiguous, it could come from "
            f"{' or '.join(candidates)}; expected the source format"
        )
    pad = _PAD_INDEX[chosen]
    return Ndc(eleven[:pad] + eleven[pad + 1 :], chosen)


def parse_ndc(text: str, *, source_format: NdcFormat | None = None) -> Ndc:
    """Read an NDC in any of its spellings (see the module docstring for the 11-digit rule).

    Accepted: ``4-4-2``, ``5-3-2``, ``5-4-1`` with dashes; 10 bare digits (format unknown
    unless ``source_format`` names it); the 11-digit ``5-4-2`` billing form with or without
    dashes.

    Raises:
        GS1Error: not an NDC, or an ambiguous 11-digit form without ``source_format``.
    """
    if not isinstance(text, str):
        raise GS1Error(f"NDC {text!r}: expected text")
    match = _DASHED.fullmatch(text)
    if match:
        shape = "-".join(str(len(part)) for part in match.groups())
        if shape in _SEGMENTS:
            if source_format is not None and source_format != shape:
                raise GS1Error(
                    f"NDC {text!r}: written {shape}, but source format {source_format} given"
                )
            return Ndc("".join(match.groups()), shape)  # type: ignore[arg-type]
        if shape == "5-4-2":
            return _unpad("".join(match.groups()), text, source_format)
    elif _DIGITS.fullmatch(text):
        if len(text) == 10:
            return Ndc(text, source_format)
        if len(text) == 11:
            return _unpad(text, text, source_format)
    raise GS1Error(
        f"NDC {text!r}: expected 4-4-2, 5-3-2 or 5-4-1 digits with dashes, 10 digits, or the "
        "11-digit 5-4-2 billing form"
    )


def ndc_to_gtin(
    ndc: str | Ndc, *, indicator: int = 0, source_format: NdcFormat | None = None
) -> str:
    """The DSCSA GTIN-14 of an NDC: indicator + ``03`` + 10 NDC digits + check digit.

    Args:
        ndc: the NDC in any spelling :func:`parse_ndc` reads, or an :class:`Ndc`.
        indicator: packaging level 0–8 (9 means variable measure, never an NDC pack).
        source_format: for an ambiguous 11-digit NDC, the shape it was padded from.

    Raises:
        GS1Error: not an NDC, ambiguous, or a bad indicator digit.
    """
    value = ndc if isinstance(ndc, Ndc) else parse_ndc(ndc, source_format=source_format)
    if type(indicator) is not int or not 0 <= indicator <= 8:
        raise GS1Error(f"GTIN indicator digit {indicator!r}: expected 0 to 8 for an NDC pack")
    body = f"{indicator}{NDC_GTIN_PREFIX}{value.digits}"
    return body + check_digit(body)


def is_ndc_gtin(gtin: str) -> bool:
    """Whether ``gtin`` is a valid GTIN-14 that carries an NDC (``03`` after the indicator)."""
    return (
        isinstance(gtin, str)
        and len(gtin) == 14
        and is_valid_check_digit(gtin)
        and gtin[1:3] == NDC_GTIN_PREFIX
        and gtin[0] != "9"
    )


def ndc_from_gtin(gtin: str, fmt: NdcFormat | None = None) -> Ndc:
    """The :class:`Ndc` inside an NDC-based GTIN-14; ``fmt`` gives its segment shape.

    Raises:
        GS1Error: not 14 digits, a wrong check digit, or no ``03`` after the indicator.
    """
    if not isinstance(gtin, str) or len(gtin) != 14 or not _DIGITS.fullmatch(gtin):
        raise GS1Error(f"GTIN {gtin!r}: expected 14 digits")
    if not is_valid_check_digit(gtin):
        raise GS1Error(
            f"GTIN {gtin!r}: check digit should be {check_digit(gtin[:-1])}, got {gtin[-1]}"
        )
    if gtin[1:3] != NDC_GTIN_PREFIX or gtin[0] == "9":
        raise GS1Error(
            f"GTIN {gtin!r}: not NDC-based; expected an indicator digit 0-8 and '03' after it"
        )
    return Ndc(gtin[3:13], fmt)


def gtin_to_ndc(gtin: str, fmt: NdcFormat, style: NdcStyle = "dashed") -> str:
    """The NDC inside an NDC-based GTIN-14, written in segment shape ``fmt`` and ``style``.

    Raises:
        GS1Error: as :func:`ndc_from_gtin`, or an unknown format or style.
    """
    if fmt not in _SEGMENTS:
        raise GS1Error(f"NDC format {fmt!r}: expected one of {', '.join(NDC_FORMATS)}")
    return ndc_from_gtin(gtin, fmt).styled(style)


# --------------------------------------------------------------------------------------------
# National Healthcare Reimbursement Numbers (AIs 710-717)


@dataclass(frozen=True)
class Nhrn:
    """What an NHRN AI carries.

    Attributes:
        ai: the AI, ``"710"`` … ``"717"``.
        country: ISO 3166-1 alpha-2 code of the market, or ``None`` where the dictionary does
            not say.
        scheme: the number's short name, as in the dictionary's title.
        meaning: what the number is, in words.
    """

    ai: str
    country: str | None
    scheme: str
    meaning: str


NHRN: MappingProxyType[str, Nhrn] = MappingProxyType(
    {
        "710": Nhrn("710", "DE", "PZN", "Germany: Pharmazentralnummer"),
        "711": Nhrn("711", "FR", "CIP", "France: Code Identifiant de Présentation"),
        "712": Nhrn("712", "ES", "CN", "Spain: Código Nacional"),
        "713": Nhrn("713", "BR", "DRN", "Brazil: ANVISA drug registration number"),
        "714": Nhrn("714", "PT", "AIM", "Portugal: Autorização de Introdução no Mercado"),
        "715": Nhrn("715", "US", "NDC", "United States: National Drug Code"),
        "716": Nhrn("716", "IT", "AIC", "Italy: Autorizzazione all'Immissione in Commercio"),
        "717": Nhrn(
            "717", None, "SRN", "NHRN SRN (the dictionary gives no country or further rule)"
        ),
    }
)


def nhrn_for_country(country: str) -> Nhrn | None:
    """The NHRN AI of an ISO country code (``"PT"`` → 714), or ``None``."""
    for nhrn in NHRN.values():
        if nhrn.country == country:
            return nhrn
    return None


def pzn_check_digit(first7: str) -> str:
    """The PZN-8 check digit of its first seven digits (weights 1 to 7, modulo 11).

    Raises:
        GS1Error: not seven digits, or the sum leaves 10 (IFA never issues such a PZN).
    """
    if not isinstance(first7, str) or len(first7) != 7 or not _DIGITS.fullmatch(first7):
        raise GS1Error(f"PZN {first7!r}: expected 7 digits before the check digit")
    remainder = sum(int(d) * w for w, d in enumerate(first7, start=1)) % 11
    if remainder == 10:
        raise GS1Error(f"PZN {first7!r}: check sum leaves 10; IFA issues no such PZN")
    return str(remainder)


def validate_pzn(pzn: str) -> None:
    """Check a PZN-8 (eight digits, the last the modulo-11 check digit).

    Raises:
        GS1Error: naming the value and the rule.
    """
    if not isinstance(pzn, str) or len(pzn) != 8 or not _DIGITS.fullmatch(pzn):
        raise GS1Error(f"GS1 (710) {pzn!r}: a PZN is 8 digits")
    try:
        expected = pzn_check_digit(pzn[:7])
    except GS1Error:
        raise GS1Error(
            f"GS1 (710) {pzn!r}: PZN check sum leaves 10; IFA issues no such PZN"
        ) from None
    if pzn[7] != expected:
        raise GS1Error(f"GS1 (710) {pzn!r}: PZN check digit should be {expected}, got {pzn[7]}")


def validate_nhrn(ai: str, value: str) -> Nhrn:
    """Check an NHRN value: the dictionary's rule (X..20) and, where public, the national one.

    Returns the :class:`Nhrn` description of ``ai``.

    Raises:
        GS1Error: ``ai`` is not 710–717, or the value breaks a rule (message names both).
    """
    nhrn = NHRN.get(ai)
    if nhrn is None:
        raise GS1Error(f"NHRN AI {ai!r}: expected one of {', '.join(NHRN)}")
    build([(ai, value)], policy=BuildPolicy(check_pairings=False))
    if ai == "710":
        validate_pzn(value)
    elif ai == "715":
        try:
            parse_ndc(value)
        except GS1Error as exc:
            raise GS1Error(f"GS1 (715) {value!r}: not an NDC ({exc})") from None
    return nhrn
