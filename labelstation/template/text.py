"""Text measurement, wrapping and shrink-to-fit on the shipped TrueType fonts.

Layout measures every line with Pillow's FreeType binding on the very font file the renderers
draw with (:func:`labelstation.resources.font_path`), so a line that fits its box here fits it
on the PNG and PDF too. Widths are measured once at a large reference size and scaled
linearly, which keeps them independent of the printer's resolution; the basic layout engine is
used everywhere (raqm may be missing on a Windows build), so every machine gets the same widths.

A line box is ``ascent + descent`` of the font tall; a
:class:`~labelstation.template.displaylist.TextRun`'s ``y`` is the top of that box, and the
baseline lies :func:`ascent_mm` below it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PIL import ImageFont

from labelstation.resources import font_path
from labelstation.units import pt_to_mm

_REFERENCE_PX = 1000  # em size the widths are measured at, then scaled
_EPSILON = 1e-9
#: Step by which shrink-to-fit lowers the font size, in points.
SHRINK_STEP_PT = 0.25


@functools.lru_cache(maxsize=64)
def load_font(font_id: str, bold: bool, size_px: int) -> ImageFont.FreeTypeFont:
    """Return the Pillow font for ``font_id`` at ``size_px`` pixels per em (basic layout).

    Renderers call this too, so they draw with the same file and layout engine the layout
    measured with.
    """
    return ImageFont.truetype(
        str(font_path(font_id, bold)), size=size_px, layout_engine=ImageFont.Layout.BASIC
    )


@functools.lru_cache(maxsize=16384)
def _em_width(text: str, font_id: str, bold: bool) -> float:
    """Width of ``text`` in ems; cached because shrink-to-fit measures the same strings at
    every size it tries, and widths scale linearly with the size."""
    return load_font(font_id, bold, _REFERENCE_PX).getlength(text) / _REFERENCE_PX


def text_width_mm(text: str, font_id: str, bold: bool, size_pt: float) -> float:
    """Return the advance width of one line of ``text`` at ``size_pt``, in millimetres."""
    return _em_width(text, font_id, bold) * pt_to_mm(size_pt)


@functools.lru_cache(maxsize=16)
def _metrics(font_id: str, bold: bool) -> tuple[float, float]:
    ascent, descent = load_font(font_id, bold, _REFERENCE_PX).getmetrics()
    return ascent / _REFERENCE_PX, descent / _REFERENCE_PX


def ascent_mm(font_id: str, bold: bool, size_pt: float) -> float:
    """Return the distance from the top of the line box to the baseline, in millimetres."""
    return _metrics(font_id, bold)[0] * pt_to_mm(size_pt)


def line_height_mm(font_id: str, bold: bool, size_pt: float) -> float:
    """Return the height of one line box (ascent + descent), in millimetres."""
    ascent, descent = _metrics(font_id, bold)
    return (ascent + descent) * pt_to_mm(size_pt)


@dataclass(frozen=True)
class FittedText:
    """Lines of text sized to fit a box: the font size chosen and the lines in reading order."""

    size_pt: float
    lines: tuple[str, ...]
    line_height: float
    line_pitch: float

    @property
    def height(self) -> float:
        """Height of the laid-out block in millimetres (pitch between lines, one line box)."""
        if not self.lines:
            return 0.0
        return (len(self.lines) - 1) * self.line_pitch + self.line_height


def wrap_lines(text: str, font_id: str, bold: bool, size_pt: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` mm, greedily at spaces.

    Explicit newlines always break. A word wider than the box is cut between characters, so
    wrapping never fails; whether the result fits the box's height is the caller's question.
    Spaces at a break are dropped; every other character is kept, in order.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = word if not current else f"{current} {word}"
            if text_width_mm(candidate, font_id, bold, size_pt) <= width + _EPSILON:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            # the word alone does not fit: cut it between characters
            for char in word:
                if current and text_width_mm(current + char, font_id, bold, size_pt) > (
                    width + _EPSILON
                ):
                    lines.append(current)
                    current = ""
                current += char
        lines.append(current)
    return lines


def fit_text(
    text: str,
    *,
    font_id: str,
    bold: bool,
    size_pt: float,
    width: float,
    height: float,
    wrap: bool,
    shrink: bool,
    min_size_pt: float,
    line_spacing: float = 1.0,
) -> FittedText | None:
    """Size and break ``text`` to fit a ``width`` × ``height`` mm box, or return ``None``.

    Without ``shrink`` only ``size_pt`` is tried; with it the size steps down by
    :data:`SHRINK_STEP_PT` to ``min_size_pt``. Without ``wrap`` only explicit newlines break.

    Args:
        line_spacing: Line pitch as a multiple of the line box height.
    """
    size = size_pt
    while True:
        fitted = _try_size(text, font_id, bold, size, width, height, wrap, line_spacing)
        if fitted is not None:
            return fitted
        if not shrink:
            return None
        next_size = round(size - SHRINK_STEP_PT, 4)
        if next_size < min_size_pt - _EPSILON:
            return None
        size = next_size


def _try_size(
    text: str,
    font_id: str,
    bold: bool,
    size: float,
    width: float,
    height: float,
    wrap: bool,
    line_spacing: float,
) -> FittedText | None:
    if wrap:
        lines = wrap_lines(text, font_id, bold, size, width)
    else:
        lines = text.split("\n")
        if any(text_width_mm(line, font_id, bold, size) > width + _EPSILON for line in lines):
            return None
    line_height = line_height_mm(font_id, bold, size)
    fitted = FittedText(size, tuple(lines), line_height, line_height * line_spacing)
    if fitted.height > height + _EPSILON:
        return None
    return fitted
