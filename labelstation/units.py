"""Physical lengths with explicit conversions (STYLE.md 4).

Templates are designed in millimetres, fonts are sized in points and printers address dots; a
bare float is ambiguous, so conversions go through these functions and the :class:`Length` type.

>>> Length.parse("25.4mm").dots(203)
203
>>> round(Length.parse("12pt").mm, 3)
4.233
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from labelstation.errors import ValidationError

MM_PER_INCH = 25.4
PT_PER_INCH = 72.0
SUPPORTED_DPI = (203, 300, 600)


def mm_to_dots(mm: float, dpi: int) -> int:
    """Round a length in millimetres to whole printer dots at ``dpi``."""
    return round(mm * dpi / MM_PER_INCH)


def dots_to_mm(dots: float, dpi: int) -> float:
    """Convert printer dots at ``dpi`` to millimetres."""
    return dots * MM_PER_INCH / dpi


def pt_to_mm(pt: float) -> float:
    """Convert typographic points (1/72 inch) to millimetres."""
    return pt * MM_PER_INCH / PT_PER_INCH


def mm_to_pt(mm: float) -> float:
    """Convert millimetres to typographic points (1/72 inch)."""
    return mm * PT_PER_INCH / MM_PER_INCH


_LENGTH_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|in|pt)?\s*$")


@dataclass(frozen=True, order=True)
class Length:
    """A length stored in millimetres, built from mm, inches or points."""

    mm: float

    @classmethod
    def parse(cls, text: str | float | int) -> Length:
        """Read ``"12.5mm"``, ``"2in"``, ``"10pt"`` or a bare number of millimetres."""
        if isinstance(text, int | float):
            return cls(float(text))
        match = _LENGTH_RE.match(text)
        if match is None:
            raise ValidationError(
                f"length {text!r}: expected a number with unit mm, in or pt (e.g. '12.5mm')"
            )
        value = float(match.group(1))
        unit = match.group(2) or "mm"
        factor = {"mm": 1.0, "in": MM_PER_INCH, "pt": MM_PER_INCH / PT_PER_INCH}[unit]
        return cls(value * factor)

    @property
    def pt(self) -> float:
        """The length in typographic points."""
        return mm_to_pt(self.mm)

    def dots(self, dpi: int) -> int:
        """The length in whole printer dots at ``dpi``."""
        return mm_to_dots(self.mm, dpi)
