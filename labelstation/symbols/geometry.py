"""Where the parts of a symbol go inside its box, shared by every renderer.

The PNG preview, the PDF proof and the verifier must agree on where the modules of a symbol
lie; this module states the rule once, in millimetres, with no knowledge of any renderer.

Rules (the ZPL emitter follows the same ones, ``^FO`` = first module):

* the first module starts ``quiet_zone`` mm right of the box's left edge; a 2D symbol also
  starts ``quiet_zone`` mm below its top edge, a linear symbol starts at the top edge (its quiet
  zones are only left and right);
* a row of height 0.0 (see :class:`~labelstation.symbols.registry.Encoded`) is the bar height
  the layout chose; fixed rows are ``row_height × module`` tall;
* the HRI of a linear symbol starts one module below the bars, centred on them, in the
  ``sans`` font at :func:`hri_size_pt`.
"""

from __future__ import annotations

from labelstation.symbols.registry import Encoded

HRI_FONT = "sans"
HRI_MIN_PT = 6.0
HRI_MAX_PT = 10.0


def module_dots(module_mm: float, dpi: int) -> int:
    """Return the whole number of dots a module takes at ``dpi`` (at least 1).

    A raster symbol whose modules are not whole dots has uneven bars and does not grade; so the
    X-dimension is rounded to dots, as a thermal printer does.
    """
    return max(1, round(module_mm * dpi / 25.4))


def hri_size_pt(module_mm: float) -> float:
    """Return the HRI font size for a linear symbol of X-dimension ``module_mm``.

    About 24 points per millimetre of X (7.9 pt at the usual 0.33 mm), kept between 6 and 10 pt
    so it stays legible on small symbols and modest on large ones.
    """
    return min(HRI_MAX_PT, max(HRI_MIN_PT, module_mm * 24.0))


def row_heights(encoded: Encoded, module: float, bar_height: float) -> tuple[float, ...]:
    """Return each row's height in the unit of ``module`` (mm, or dots when given dots)."""
    return tuple(bar_height if h == 0.0 else h * module for h in encoded.row_heights)


def content_size(encoded: Encoded, module: float, bar_height: float) -> tuple[float, float]:
    """Return the width and height of the modules alone (no quiet zone, no HRI)."""
    return encoded.width_modules * module, sum(row_heights(encoded, module, bar_height))
