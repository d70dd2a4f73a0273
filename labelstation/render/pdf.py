"""PDF of display lists with ReportLab: exact-size label pages or N-up proof sheets.

Everything is drawn as vectors from the same primitives the PNG preview and the ZPL emitter
use: barcodes from the :class:`~labelstation.symbols.Encoded` module runs (one rectangle per dark
run, at the exact X-dimension in mm; a PDF is not limited to printer dots), text with the shipped
TrueType fonts embedded (subset) so Greek, Cyrillic and accents print and extract as written.

Speed: fonts are registered once per process; the static part of a label (every primitive that
is not ``variable``) is drawn once per distinct label design into a PDF form XObject and reused
on every page, so a 1,000-label run draws only the serial-dependent parts per page.

Geometry: the page is set up in millimetres with y down, as the display list is; rotation is
clockwise about the rotated box's top-left corner (see
:mod:`labelstation.template.displaylist`); symbols follow :mod:`labelstation.symbols.geometry`.
Strokes lie inside the shape's box, as in the PNG renderer.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import IO, Any

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from labelstation.errors import LabelStationError, RenderError
from labelstation.render._raster import fitted_rgba, is_svg
from labelstation.resources import font_path, resource_path
from labelstation.symbols.geometry import HRI_FONT, hri_size_pt, row_heights
from labelstation.template.displaylist import (
    Box,
    DisplayList,
    Ellipse,
    Image,
    Line,
    Primitive,
    Symbol,
    TextRun,
)
from labelstation.template.text import ascent_mm, line_height_mm
from labelstation.units import mm_to_dots, pt_to_mm

WATERMARK = "PROOF — NOT FOR PRODUCTION"
_FOOTER_PT = 5.0
_NOTES_PT = 9.0
_SHEET_MARGIN = 10.0  # mm around an N-up grid, room for the footer


@cache
def _font(font_id: str, bold: bool) -> str:
    """Register the shipped TTF once per process and return its ReportLab name."""
    name = f"LabelStation-{font_id}-{'Bold' if bold else 'Regular'}"
    try:
        path = font_path(font_id, bold)
    except LabelStationError as exc:
        raise RenderError(f"font {font_id!r} (bold={bold}): {exc}") from exc
    pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def render_pdf(
    display_lists: Iterable[DisplayList],
    out: str | Path | IO[bytes],
    *,
    proof: bool = False,
    n_up: tuple[int, int] | None = None,
    sheet: tuple[float, float] = (210.0, 297.0),
    notes: Sequence[str] = (),
) -> int:
    """Write ``display_lists`` as a PDF to ``out`` and return the number of pages.

    Args:
        display_lists: the labels, in print order.
        out: a file path or a binary file object.
        proof: draw the diagonal "PROOF — NOT FOR PRODUCTION" watermark under every label
            (the label is drawn over it, so symbols stay readable) and a footer with template
            id, version (``DRAFT`` when the display list has none) and hash (on a label-size
            page it runs along the bottom edge).
        n_up: ``(columns, rows)`` of labels per ``sheet``; None puts each label on its own page
            of exactly the label's size.
        sheet: the proof sheet size in mm (width, height), used with ``n_up``.
        notes: lines printed at the top of every proof sheet, e.g. the signature manifestations
            of an approved version (21 CFR 11.50: name, date and time, meaning on printouts).
            Only with ``n_up``: a label-size page has no room beside the label.

    Raises:
        RenderError: a primitive cannot be drawn, ``n_up`` is not positive, or the grid does
            not fit on the sheet.
    """
    saved_a85 = rl_config.useA85
    rl_config.useA85 = 0  # binary Flate streams: ASCII85 in pure Python doubled the save time
    try:
        return _render(display_lists, out, proof, n_up, sheet, notes)
    finally:
        rl_config.useA85 = saved_a85


def _render(
    display_lists: Iterable[DisplayList],
    out: str | Path | IO[bytes],
    proof: bool,
    n_up: tuple[int, int] | None,
    sheet: tuple[float, float],
    notes: Sequence[str],
) -> int:
    canvas = Canvas(
        str(out) if isinstance(out, str | Path) else out,
        pageCompression=1,
        initialFontName=_font("sans", False),  # so no unembedded Helvetica is referenced
        initialFontSize=10,
    )
    canvas.setCreator("LabelStation")
    forms: dict[tuple[Any, ...], str] = {}
    pages = 0
    if notes and n_up is None:
        raise RenderError("render_pdf notes: need a proof sheet (n_up); a label page has no room")
    if n_up is None:
        for dl in display_lists:
            canvas.setPageSize((dl.width * mm, dl.height * mm))
            if proof:  # under the label, so it never covers a bar or module
                _watermark(canvas, dl, 0.0, 0.0, dl.height)
            _label(canvas, dl, 0.0, 0.0, dl.height, forms)
            if proof:
                _footer(canvas, dl, 0.5, dl.height - 0.5, dl.width - 1.0, dl.height)
            canvas.showPage()
            pages += 1
    else:
        pages = _sheets(canvas, list(display_lists), n_up, sheet, proof, forms, notes)
    if pages == 0:
        raise RenderError("render_pdf display_lists: empty; expected at least one label")
    canvas.save()
    return pages


def pdf_bytes(display_lists: Iterable[DisplayList], **options: Any) -> bytes:
    """Return :func:`render_pdf` of ``display_lists`` as bytes (same keyword options)."""
    buffer = io.BytesIO()
    render_pdf(display_lists, buffer, **options)
    return buffer.getvalue()


def _sheets(
    canvas: Canvas,
    labels: Sequence[DisplayList],
    n_up: tuple[int, int],
    sheet: tuple[float, float],
    proof: bool,
    forms: dict[tuple[Any, ...], str],
    notes: Sequence[str] = (),
) -> int:
    cols, rows = n_up
    if cols < 1 or rows < 1:
        raise RenderError(f"render_pdf n_up {n_up!r}: expected (columns, rows), both at least 1")
    if not labels:
        return 0
    sw, sh = sheet
    cell_w = max(dl.width for dl in labels)
    cell_h = max(dl.height for dl in labels)
    gap_x = (sw - 2 * _SHEET_MARGIN - cols * cell_w) / max(cols - 1, 1)
    gap_y = (sh - 2 * _SHEET_MARGIN - rows * cell_h) / max(rows - 1, 1)
    if gap_x < 0 or gap_y < 0:
        raise RenderError(
            f"render_pdf n_up {n_up!r}: {cols}×{rows} labels of {cell_w:g}×{cell_h:g} mm do not "
            f"fit a {sw:g}×{sh:g} mm sheet with {_SHEET_MARGIN:g} mm margins; expected fewer "
            "or smaller labels"
        )
    gap_x, gap_y = min(gap_x, 5.0), min(gap_y, 5.0)
    grid_w = cols * cell_w + (cols - 1) * gap_x
    grid_h = rows * cell_h + (rows - 1) * gap_y
    left, top = (sw - grid_w) / 2, (sh - grid_h) / 2
    per_sheet = cols * rows
    pages = 0
    for first in range(0, len(labels), per_sheet):
        canvas.setPageSize((sw * mm, sh * mm))
        for n, dl in enumerate(labels[first : first + per_sheet]):
            x = left + (n % cols) * (cell_w + gap_x)
            y = top + (n // cols) * (cell_h + gap_y)
            if proof:
                _watermark(canvas, dl, x, y, sh)
            _label(canvas, dl, x, y, sh, forms)
            _cell_outline(canvas, x, y, dl, sh)
        if proof:
            dl = labels[first]
            _footer(canvas, dl, _SHEET_MARGIN, sh - _SHEET_MARGIN / 2, sw - 2 * _SHEET_MARGIN, sh)
        _notes(canvas, notes, _SHEET_MARGIN, top, sw - 2 * _SHEET_MARGIN, sh)
        canvas.showPage()
        pages += 1
    return pages


def _notes(
    canvas: Canvas, notes: Sequence[str], x: float, bottom: float, width: float, page_h: float
) -> None:
    """Draw ``notes`` as lines ending just above ``bottom`` mm (the top of the label grid)."""
    if not notes:
        return
    font = _font("sans", False)
    size = pt_to_mm(_NOTES_PT)
    canvas.saveState()
    _origin(canvas, 0.0, 0.0, page_h)
    canvas.setFillColorRGB(0, 0, 0)
    baseline = bottom - 2.0 - (len(notes) - 1) * size * 1.3
    for line in notes:
        fitted = size
        natural = pdfmetrics.stringWidth(line, font, size)
        if natural > width > 0:
            fitted = size * width / natural
        _string(canvas, x, baseline, line, font, fitted)
        baseline += size * 1.3
    canvas.restoreState()


def _origin(canvas: Canvas, x: float, y: float, page_h: float) -> None:
    """Make the current coordinates millimetres, y down, origin at label point (x, y)."""
    canvas.translate(x * mm, (page_h - y) * mm)
    canvas.scale(mm, -mm)


def _label(
    canvas: Canvas,
    dl: DisplayList,
    x: float,
    y: float,
    page_h: float,
    forms: dict[tuple[Any, ...], str],
) -> None:
    static = tuple(p for p in dl.primitives if not getattr(p, "variable", False))
    key = (dl.width, dl.height, static)
    name = forms.get(key)
    if name is None:
        name = f"ls_static_{len(forms)}"
        canvas.beginForm(name, 0, 0, dl.width * mm, dl.height * mm)
        canvas.saveState()
        _origin(canvas, 0.0, 0.0, dl.height)
        _draw_all(canvas, static)
        canvas.restoreState()
        canvas.endForm()
        forms[key] = name
    canvas.saveState()
    _origin(canvas, x, y, page_h)
    clip = canvas.beginPath()
    clip.rect(0, 0, dl.width, dl.height)
    canvas.clipPath(clip, stroke=0, fill=0)  # nothing prints beyond the die-cut edge
    canvas.saveState()
    canvas.scale(1 / mm, -1 / mm)
    canvas.translate(0, -dl.height * mm)
    canvas.doForm(name)
    canvas.restoreState()
    _draw_all(canvas, tuple(p for p in dl.primitives if getattr(p, "variable", False)))
    canvas.restoreState()


def _draw_all(canvas: Canvas, primitives: tuple[Primitive, ...]) -> None:
    canvas.setFillGray(0)
    canvas.setStrokeGray(0)
    for p in primitives:
        try:
            _draw(canvas, p)
        except RenderError:
            raise
        except LabelStationError as exc:
            key = f" key={p.key!r}" if p.key else ""
            raise RenderError(f"primitive {type(p).__name__}{key}: {exc}") from exc


def _draw(canvas: Canvas, p: Primitive) -> None:
    if isinstance(p, Box):
        inset = 0.0 if p.fill else p.stroke / 2
        canvas.setLineWidth(p.stroke)
        w, h = max(p.w - 2 * inset, 0.0), max(p.h - 2 * inset, 0.0)
        stroke, fill = (0, 1) if p.fill else (1, 0)
        if p.radius > 0:
            canvas.roundRect(p.x + inset, p.y + inset, w, h, p.radius, stroke=stroke, fill=fill)
        else:
            canvas.rect(p.x + inset, p.y + inset, w, h, stroke=stroke, fill=fill)
    elif isinstance(p, Line):
        canvas.setLineWidth(p.stroke)
        canvas.line(p.x1, p.y1, p.x2, p.y2)
    elif isinstance(p, Ellipse):
        inset = 0.0 if p.fill else p.stroke / 2
        canvas.setLineWidth(p.stroke)
        canvas.ellipse(
            p.x + inset,
            p.y + inset,
            p.x + p.w - inset,
            p.y + p.h - inset,
            stroke=0 if p.fill else 1,
            fill=1 if p.fill else 0,
        )
    elif isinstance(p, TextRun):
        _text(canvas, p)
    elif isinstance(p, Symbol):
        _symbol(canvas, p)
    elif isinstance(p, Image):
        _image(canvas, p)
    else:  # pragma: no cover - Primitive is a closed union
        raise RenderError(f"primitive {p!r}: unknown type; expected a display-list primitive")


def _rotate(canvas: Canvas, x: float, y: float, upright_w: float, upright_h: float, r: int) -> None:
    """Map upright coordinates of a box to its place, turned ``r`` degrees clockwise."""
    if r == 0:
        canvas.translate(x, y)
    elif r == 90:
        canvas.translate(x + upright_h, y)
    elif r == 180:
        canvas.translate(x + upright_w, y + upright_h)
    else:
        canvas.translate(x, y + upright_w)
    if r:
        canvas.rotate(r)  # y is down, so a positive angle turns clockwise on the page


def _string(canvas: Canvas, x: float, baseline: float, text: str, font: str, size: float) -> None:
    """Draw ``text`` upright with its baseline at ``baseline`` (mm, y-down coordinates)."""
    canvas.saveState()
    canvas.translate(x, baseline)
    canvas.scale(1, -1)
    canvas.setFont(font, size)
    canvas.drawString(0, 0, text)
    canvas.restoreState()


def _text(canvas: Canvas, p: TextRun) -> None:
    if not p.text:
        return
    font = _font(p.font, p.bold)
    size = pt_to_mm(p.size_pt)
    advance = pdfmetrics.stringWidth(p.text, font, size)
    box_w = p.w if p.w > 0 else advance  # w = 0: the run is as wide as its text
    offset = {"left": 0.0, "center": (box_w - advance) / 2, "right": box_w - advance}[p.align]
    height = line_height_mm(p.font, p.bold, p.size_pt)
    canvas.saveState()
    _rotate(canvas, p.x, p.y, box_w, height, p.rotation)
    _string(canvas, offset, ascent_mm(p.font, p.bold, p.size_pt), p.text, font, size)
    canvas.restoreState()


def _symbol(canvas: Canvas, p: Symbol) -> None:
    enc = p.encoded()
    module = p.module
    heights = row_heights(enc, module, p.height)
    ox, oy = p.quiet_zone, (p.quiet_zone if enc.is_2d else 0.0)
    upright_w, upright_h = (p.w, p.h) if p.rotation in (0, 180) else (p.h, p.w)
    canvas.saveState()
    _rotate(canvas, p.x, p.y, upright_w, upright_h, p.rotation)
    # One "re" per dark run, written directly: ReportLab's path objects format every number
    # in pure Python and made a 1,000-label PDF several times slower.
    ops = []
    y = oy
    for runs, height in zip(enc.runs, heights, strict=True):
        for start, length in runs:
            ops.append(f"{ox + start * module:.4f} {y:.4f} {length * module:.4f} {height:.4f} re")
        y += height
    if ops:
        ops.append("f")
        canvas.addLiteral("\n".join(ops))
    hri = (p.hri or enc.hri) if (p.show_hri and enc.is_linear) else ""
    if hri:
        content_w = enc.width_modules * module
        font = _font(HRI_FONT, False)
        size_pt = hri_size_pt(module)
        width = pdfmetrics.stringWidth(hri, font, pt_to_mm(size_pt))
        if width > content_w:
            size_pt *= content_w / width
        size = pt_to_mm(size_pt)
        width = pdfmetrics.stringWidth(hri, font, size)
        top = y + module
        _string(
            canvas,
            ox + (content_w - width) / 2,
            top + ascent_mm(HRI_FONT, False, size_pt),
            hri,
            font,
            size,
        )
    canvas.restoreState()


#: Resolution of an SVG image in a PDF: ReportLab has no SVG reader and resvg draws pixels, so
#: an SVG is embedded as a raster this fine (finer than any label printer's 600 dpi at most).
SVG_DPI = 600


@cache
def _reader(path: Path, w: float, h: float) -> ImageReader:
    """The image at ``path`` for a ``w`` × ``h`` mm box; an SVG is rasterised at :data:`SVG_DPI`."""
    if is_svg(path):
        size = (max(1, mm_to_dots(w, SVG_DPI)), max(1, mm_to_dots(h, SVG_DPI)))
        return ImageReader(fitted_rgba(path, size, name=str(path)))
    try:
        return ImageReader(str(path))
    except OSError as exc:  # pragma: no cover - ReportLab defers most reading to drawImage
        raise RenderError(
            f"image {str(path)!r}: cannot be read ({exc}); expected a PNG or SVG"
        ) from exc


def _image(canvas: Canvas, p: Image) -> None:
    reader = _reader(resource_path(p.resource), p.w, p.h)
    canvas.saveState()
    canvas.translate(p.x, p.y + p.h)
    canvas.scale(1, -1)
    canvas.drawImage(reader, 0, 0, p.w, p.h, mask="auto", preserveAspectRatio=True, anchor="c")
    canvas.restoreState()


def _watermark(canvas: Canvas, dl: DisplayList, x: float, y: float, page_h: float) -> None:
    """Diagonal watermark across the label, sized to its diagonal."""
    font = _font("sans", True)
    diagonal = (dl.width**2 + dl.height**2) ** 0.5
    unit = pdfmetrics.stringWidth(WATERMARK, font, 1.0)
    size = min(0.8 * diagonal / unit, dl.height / 4)
    canvas.saveState()
    _origin(canvas, x, y, page_h)
    canvas.setFillColorRGB(0.85, 0.1, 0.1, alpha=0.35)
    canvas.translate(dl.width / 2, dl.height / 2)
    angle = -_degrees(dl.height, dl.width)  # bottom-left to top-right
    canvas.rotate(angle)
    width = pdfmetrics.stringWidth(WATERMARK, font, size)
    _string(canvas, -width / 2, size * 0.35, WATERMARK, font, size)
    canvas.restoreState()


def _degrees(opposite: float, adjacent: float) -> float:
    return math.degrees(math.atan2(opposite, adjacent))


def _footer(
    canvas: Canvas, dl: DisplayList, x: float, baseline: float, width: float, page_h: float
) -> None:
    """Template id, version and hash on one line, shrunk to fit ``width`` mm.

    The version is ``v3`` for an approved version and ``DRAFT`` when the display list has
    none (:func:`labelstation.template.layout` was given no ``version``): a proof of a draft
    must never pass for one of an approved version.
    """
    version = f"v{dl.template_version}" if dl.template_version else "DRAFT"
    text = f"PROOF · template {dl.template_id or '?'} {version} · sha256 {dl.template_hash or '?'}"
    font = _font("sans", False)
    size = pt_to_mm(_FOOTER_PT)
    natural = pdfmetrics.stringWidth(text, font, size)
    if natural > width > 0:
        size *= width / natural
    canvas.saveState()
    _origin(canvas, 0.0, 0.0, page_h)
    canvas.setFillColorRGB(0.85, 0.1, 0.1)
    _string(canvas, x, baseline, text, font, size)
    canvas.restoreState()


def _cell_outline(canvas: Canvas, x: float, y: float, dl: DisplayList, page_h: float) -> None:
    """A hairline showing the die-cut edge of a label on a proof sheet."""
    canvas.saveState()
    _origin(canvas, x, y, page_h)
    canvas.setStrokeGray(0.6)
    canvas.setLineWidth(0.1)
    canvas.rect(0, 0, dl.width, dl.height, stroke=1, fill=0)
    canvas.restoreState()
