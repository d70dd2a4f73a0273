"""Raster preview of a display list: what a thermal printer at ``dpi`` would print.

The image is 1 bit per pixel (Pillow mode ``"1"``) and exactly the stock size in dots, so the
preview shows the same stair-stepped text and whole-dot modules a 203/300/600 dpi head prints,
and :func:`labelstation.render.verify.verify_symbols` can decode it as a scanner would.

Placement rules: every length is snapped to whole dots with :func:`labelstation.units.mm_to_dots`;
strokes lie inside the shape's box; text is drawn with the very font and metrics the layout
measured with (:func:`labelstation.template.text.load_font`), baseline ``ascent`` below the run's
``y``; symbols follow :mod:`labelstation.symbols.geometry` with modules of
:func:`~labelstation.symbols.geometry.module_dots` each. Rotated primitives are drawn upright in a
tile and turned by a lossless transpose, so rotation never blurs a module.

Images: PNG (and any raster Pillow reads) and SVG, fitted by
:func:`labelstation.render._raster.fitted_grey`, the same helper the ZPL ``^GF`` uses, so the
preview shows the printer's dots.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw

from labelstation.errors import LabelStationError, RenderError
from labelstation.render._raster import INK_BELOW, fitted_grey
from labelstation.resources import resource_path
from labelstation.symbols.geometry import HRI_FONT, hri_size_pt, module_dots, row_heights
from labelstation.template.displaylist import (
    Box,
    DisplayList,
    Ellipse,
    Image,
    Line,
    Primitive,
    Rotation,
    Symbol,
    TextRun,
)
from labelstation.template.text import ascent_mm, line_height_mm, load_font
from labelstation.units import mm_to_dots

_BLACK = 0  # on the canvas
_WHITE = 255
_INK = 255  # in a tile, which is the paste mask: set pixels are painted black
_NONE = 0
_TRANSPOSE = {
    90: PILImage.Transpose.ROTATE_270,  # Pillow turns counter-clockwise; ours is clockwise
    180: PILImage.Transpose.ROTATE_180,
    270: PILImage.Transpose.ROTATE_90,
}


def render_png(display_list: DisplayList, dpi: int | None = None) -> PILImage.Image:
    """Draw ``display_list`` into a 1-bit image of the stock size at ``dpi``.

    Args:
        display_list: the laid-out label.
        dpi: printer resolution; defaults to ``display_list.dpi``.

    Returns:
        A mode ``"1"`` image, ``mm_to_dots(width) × mm_to_dots(height)`` pixels, black on white,
        with ``info["dpi"]`` set.

    Raises:
        RenderError: a primitive cannot be drawn (unknown symbology, data refused by the
            encoder, missing or unsupported image), naming the primitive.
    """
    dpi = dpi or display_list.dpi
    if dpi <= 0:
        raise RenderError(f"render_png dpi {dpi!r}: expected a positive resolution")
    size = (mm_to_dots(display_list.width, dpi), mm_to_dots(display_list.height, dpi))
    if size[0] <= 0 or size[1] <= 0:
        raise RenderError(
            f"display list size {display_list.width}×{display_list.height} mm: expected a "
            "positive width and height"
        )
    canvas = PILImage.new("1", size, _WHITE)
    draw = ImageDraw.Draw(canvas)
    for index, primitive in enumerate(display_list.primitives):
        try:
            _draw(canvas, draw, primitive, dpi)
        except RenderError:
            raise
        except LabelStationError as exc:
            raise RenderError(f"primitive {index} ({_describe(primitive)}): {exc}") from exc
    canvas.info["dpi"] = (dpi, dpi)
    return canvas


def png_bytes(display_list: DisplayList, dpi: int | None = None) -> bytes:
    """Return :func:`render_png` of ``display_list`` encoded as a PNG file with its dpi."""
    dpi = dpi or display_list.dpi
    image = render_png(display_list, dpi)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=False)
    return out.getvalue()


def _describe(primitive: Primitive) -> str:
    key = f" key={primitive.key!r}" if primitive.key else ""
    return f"{type(primitive).__name__}{key}"


def _draw(canvas: PILImage.Image, draw: ImageDraw.ImageDraw, p: Primitive, dpi: int) -> None:
    if isinstance(p, Box):
        _box(draw, p, dpi)
    elif isinstance(p, Line):
        _line(draw, p, dpi)
    elif isinstance(p, Ellipse):
        _ellipse(draw, p, dpi)
    elif isinstance(p, TextRun):
        _text(canvas, p, dpi)
    elif isinstance(p, Symbol):
        _symbol(canvas, p, dpi)
    elif isinstance(p, Image):
        _image(canvas, p, dpi)
    else:  # pragma: no cover - Primitive is a closed union
        raise RenderError(f"primitive {p!r}: unknown type; expected a display-list primitive")


def _stroke(stroke: float, dpi: int) -> int:
    return max(1, mm_to_dots(stroke, dpi))


def _rect(x: float, y: float, w: float, h: float, dpi: int) -> tuple[int, int, int, int]:
    """Inclusive pixel box covering ``x, y, w, h`` (edges snapped independently)."""
    x0, y0 = mm_to_dots(x, dpi), mm_to_dots(y, dpi)
    x1, y1 = mm_to_dots(x + w, dpi) - 1, mm_to_dots(y + h, dpi) - 1
    return x0, y0, max(x0, x1), max(y0, y1)


def _box(draw: ImageDraw.ImageDraw, p: Box, dpi: int) -> None:
    box = _rect(p.x, p.y, p.w, p.h, dpi)
    radius = mm_to_dots(p.radius, dpi)
    if p.fill:
        draw.rounded_rectangle(box, radius=radius, fill=_BLACK)
    else:
        draw.rounded_rectangle(box, radius=radius, outline=_BLACK, width=_stroke(p.stroke, dpi))


def _line(draw: ImageDraw.ImageDraw, p: Line, dpi: int) -> None:
    width = _stroke(p.stroke, dpi)
    if p.x1 == p.x2 or p.y1 == p.y2:
        # Axis-aligned: a rectangle centred on the line, so its thickness is exact.
        half = width / 2 * 25.4 / dpi
        if p.y1 == p.y2:
            x0, x1 = sorted((p.x1, p.x2))
            box = _rect(x0, p.y1 - half, x1 - x0, 2 * half, dpi)
        else:
            y0, y1 = sorted((p.y1, p.y2))
            box = _rect(p.x1 - half, y0, 2 * half, y1 - y0, dpi)
        draw.rectangle(box, fill=_BLACK)
        return
    points = [
        (mm_to_dots(p.x1, dpi), mm_to_dots(p.y1, dpi)),
        (mm_to_dots(p.x2, dpi), mm_to_dots(p.y2, dpi)),
    ]
    draw.line(points, fill=_BLACK, width=width)


def _ellipse(draw: ImageDraw.ImageDraw, p: Ellipse, dpi: int) -> None:
    box = _rect(p.x, p.y, p.w, p.h, dpi)
    if p.fill:
        draw.ellipse(box, fill=_BLACK)
    else:
        draw.ellipse(box, outline=_BLACK, width=_stroke(p.stroke, dpi))


def _stamp(
    canvas: PILImage.Image,
    tile: PILImage.Image,
    at: tuple[int, int],
    rot: Rotation,
    box: tuple[int, int],
    u0: int = 0,
) -> None:
    """Paint black where the upright mask ``tile`` is set, turned ``rot`` degrees clockwise.

    ``box`` is the upright size of the primitive's box and ``at`` the top-left of the turned
    box on the canvas; the tile's upright top-left lies at (``u0``, 0) inside the box (it may
    be larger than the box when content overflows, and is then turned with it, not clipped).
    """
    (x, y), (bw, bh) = at, box
    tw, th = tile.size
    dx, dy = {
        0: (u0, 0),
        90: (bh - th, u0),
        180: (bw - (u0 + tw), bh - th),
        270: (0, bw - (u0 + tw)),
    }[rot]
    if rot:
        tile = tile.transpose(_TRANSPOSE[rot])
    canvas.paste(_BLACK, (x + dx, y + dy), tile)


def _text(canvas: PILImage.Image, p: TextRun, dpi: int) -> None:
    if not p.text:
        return
    size_px = max(1, round(p.size_pt * dpi / 72.0))
    font = load_font(p.font, p.bold, size_px)
    descent = font.getmetrics()[1]
    baseline = mm_to_dots(ascent_mm(p.font, p.bold, p.size_pt), dpi)
    advance = font.getlength(p.text)
    # w = 0: no alignment box, the run is as wide as its text
    box_w = mm_to_dots(p.w, dpi) if p.w > 0 else math.ceil(advance)
    offset = 0.0
    if p.align == "center":
        offset = (box_w - advance) / 2
    elif p.align == "right":
        offset = box_w - advance
    left = min(0, int(offset))  # text wider than its box grows the tile, it is never clipped
    width = max(box_w, int(advance + max(offset, 0)) + 2) - left
    line_h = max(1, mm_to_dots(line_height_mm(p.font, p.bold, p.size_pt), dpi))
    tile = PILImage.new("1", (max(1, width), max(line_h, baseline + descent)), _NONE)
    ImageDraw.Draw(tile).text((offset - left, baseline), p.text, font=font, fill=_INK, anchor="ls")
    at = (mm_to_dots(p.x, dpi), mm_to_dots(p.y, dpi))
    _stamp(canvas, tile, at, p.rotation, (box_w, line_h), left)


def _symbol(canvas: PILImage.Image, p: Symbol, dpi: int) -> None:
    enc = p.encoded()
    m = module_dots(p.module, dpi)
    qz = mm_to_dots(p.quiet_zone, dpi)
    heights = [round(h) for h in row_heights(enc, m, mm_to_dots(p.height, dpi))]
    ox, oy = qz, (qz if enc.is_2d else 0)
    content_w, content_h = enc.width_modules * m, sum(heights)
    hri = (p.hri or enc.hri) if (p.show_hri and enc.is_linear) else ""
    hri_font = None
    hri_h = 0
    if hri:
        size_px = max(1, round(hri_size_pt(p.module) * dpi / 72.0))
        hri_font = load_font(HRI_FONT, False, size_px)
        width = hri_font.getlength(hri)
        if width > content_w:  # shrink to the bar width rather than spill past the quiet zone
            hri_font = load_font(HRI_FONT, False, max(1, int(size_px * content_w / width)))
        ascent, descent = hri_font.getmetrics()
        hri_h = m + ascent + descent
    upright_w, upright_h = (p.w, p.h) if p.rotation in (0, 180) else (p.h, p.w)
    box = (mm_to_dots(upright_w, dpi), mm_to_dots(upright_h, dpi))
    tile_w = max(box[0], ox + content_w + qz)
    tile_h = max(box[1], oy + content_h + hri_h + (qz if enc.is_2d else 0))
    tile = PILImage.new("1", (tile_w, tile_h), _NONE)
    y = oy
    for runs, height in zip(enc.runs, heights, strict=True):
        for start, length in runs:
            tile.paste(_INK, (ox + start * m, y, ox + (start + length) * m, y + height))
        y += height
    if hri_font is not None:
        ImageDraw.Draw(tile).text(
            (ox + content_w / 2, oy + content_h + m), hri, font=hri_font, fill=_INK, anchor="ma"
        )
    _stamp(canvas, tile, (mm_to_dots(p.x, dpi), mm_to_dots(p.y, dpi)), p.rotation, box)


@lru_cache(maxsize=64)
def _thresholded(path: Path, size: tuple[int, int]) -> tuple[PILImage.Image, tuple[int, int]]:
    """Load ``path``, fit it into ``size`` keeping its aspect ratio, threshold to 1 bit.

    Returns the 1-bit tile and its offset inside the box (centred).
    """
    grey, offset = fitted_grey(path, size, name=str(path))
    mono = grey.point(lambda v: _INK if v < INK_BELOW else _NONE).convert("1")  # dark -> ink
    return mono, offset


def _image(canvas: PILImage.Image, p: Image, dpi: int) -> None:
    x0, y0, x1, y1 = _rect(p.x, p.y, p.w, p.h, dpi)
    tile, (dx, dy) = _thresholded(resource_path(p.resource), (x1 - x0 + 1, y1 - y0 + 1))
    _stamp(canvas, tile, (x0 + dx, y0 + dy), 0, tile.size)
