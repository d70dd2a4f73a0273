"""Layout: one template and one record of batch data resolved into a :class:`DisplayList`.

Every expression is evaluated, every GS1 element string built and validated by the GS1 core,
every HIBC UDI by :mod:`labelstation.udi`, every symbol sized by the encoder the renderers draw
with (:func:`labelstation.symbols.encode`), and every text measured, wrapped and shrunk on the
shipped font. The result is checked before it is returned: every primitive lies on the label
and every text fits its box, so a renderer never has to guess.

Module sizes are snapped to whole printer dots at the target ``dpi`` (a Zebra prints a module
as whole dots: ``^BX`` and ``^BY`` take dots), so the symbol sizes here are the sizes printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from labelstation.errors import GS1Error, LabelStationError, TemplateError, ValidationError
from labelstation.gs1 import BuildPolicy, ElementString, check_pairings
from labelstation.gs1 import build as build_gs1
from labelstation.symbols import encode, symbology
from labelstation.symbols.geometry import HRI_FONT, content_size, hri_size_pt, module_dots
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
from labelstation.template.expr import IsoDate
from labelstation.template.model import (
    BarcodeElement,
    BoxElement,
    Element,
    EllipseElement,
    FieldElement,
    HibcContent,
    HriElement,
    ImageElement,
    LineElement,
    Template,
    TextElement,
    TextStyle,
)
from labelstation.template.text import FittedText, fit_text, line_height_mm, text_width_mm
from labelstation.udi import build as build_udi
from labelstation.udi import build_primary, build_secondary
from labelstation.units import SUPPORTED_DPI, dots_to_mm

_EPSILON = 1e-6

#: Captions and date format of the GS1 human-readable block per market.
MARKETS: Mapping[str, tuple[Mapping[str, str], str]] = {
    "EU": (
        {"01": "PC", "21": "SN", "10": "LOT", "17": "EXP"}
        | {ai: "NHRN" for ai in ("710", "711", "712", "713", "714", "715", "716", "717")},
        "%d %b %Y",
    ),
    "US": ({"01": "GTIN", "21": "SN", "10": "LOT", "17": "EXP"}, "%Y-%m-%d"),
    "DE": ({"01": "PC", "21": "SN", "710": "NN", "10": "CH.-B.", "17": "VERW. BIS"}, "%m.%Y"),
    "custom": ({}, "%Y-%m-%d"),
}


@dataclass(frozen=True)
class _Built:
    """A barcode's content after building: what the symbol carries and how it reads."""

    data: str
    hri: str
    element_string: ElementString | None
    variable: bool
    ais: tuple[str, ...] = ()


def layout(
    template: Template,
    data: Mapping[str, Any],
    *,
    dpi: int = 300,
    policy: BuildPolicy = BuildPolicy(),  # noqa: B008 - frozen, so a shared default is safe
    today: dt.date | None = None,
    version: str = "",
) -> DisplayList:
    """Resolve ``template`` with one record of ``data`` into a display list at ``dpi``.

    The display list carries the template's identity (id, content hash, and ``version``) so a
    proof can say which approved version it shows, and the stock's orientation (``inverted``
    for 180°, which only the printer applies).

    Args:
        template: The template version to lay out.
        data: One record of batch data (field name -> text, number or ISO date).
        dpi: Printer resolution; module sizes snap to whole dots at it.
        policy: GS1 build choices (day 00, pairing checks).
        today: Reference date for GS1 two-digit years (default: today), for reproducible runs.
        version: The approved version label of ``template`` (``"3"``); "" means a draft,
            and the proof footer says DRAFT.

    Raises:
        TemplateError: An expression fails, a text does not fit its box, a primitive runs off
            the label, or ``dpi`` is not supported.
        GS1Error: A GS1 element string breaks GS1 rules (the GS1 core's message, prefixed with
            the element id).
        UDIError: An HIBC UDI breaks HIBCC rules.
    """
    if dpi not in SUPPORTED_DPI:
        raise TemplateError(
            f"layout dpi {dpi}: expected one of {', '.join(str(d) for d in SUPPORTED_DPI)}"
        )
    built: dict[str, _Built] = {}
    primitives: list[Primitive] = []
    for element in template.elements:
        try:
            primitives.extend(_lay_out(element, data, dpi, policy, today, built))
        except LabelStationError as exc:
            raise _located(element, exc) from None
    _check_label_pairings(template, built, policy)
    result = DisplayList(
        width=template.stock.width,
        height=template.stock.height,
        primitives=tuple(primitives),
        dpi=dpi,
        template_id=template.id,
        template_version=version,
        template_hash=template.content_hash,
        inverted=template.stock.orientation == 180,
    )
    check_display_list(result)
    return result


def _check_label_pairings(
    template: Template, built: Mapping[str, _Built], policy: BuildPolicy
) -> None:
    """Apply GS1 pairing rules over every GS1 barcode of a label that has a partial one."""
    partial = [e for e in template.elements if isinstance(e, BarcodeElement) and e.partial]
    if not partial or not policy.check_pairings:
        return
    codes = [
        element.ai
        for content in built.values()
        if content.element_string is not None
        for element in content.element_string
    ]
    ids = ", ".join(repr(e.id) for e in template.elements if e.id in built and built[e.id].ais)
    try:
        check_pairings(codes)
    except GS1Error as exc:
        raise GS1Error(f"label (GS1 barcodes {ids} together): {exc}") from None


def _located(element: Element, exc: LabelStationError) -> LabelStationError:
    prefix = f"element {element.id!r} ({element.type}): "
    message = str(exc)
    if message.startswith(prefix):
        return exc
    return type(exc)(prefix + message)


def check_display_list(display_list: DisplayList) -> None:
    """Check that every primitive lies on the label and nothing overlaps a symbol.

    A symbol's box includes its quiet zones; text counts by its ink (the measured line, placed
    by its alignment), images by their box. Frames and rules (boxes, lines, ellipses) may
    cross anything: they are drawn around or between content on purpose.

    Raises:
        TemplateError: Naming the primitive's key, its box and the label size, or the two
            overlapping primitives.
    """
    width, height = display_list.width, display_list.height
    for p in display_list.primitives:
        x0, y0, x1, y1 = _extent(p)
        if x0 < -_EPSILON or y0 < -_EPSILON or x1 > width + _EPSILON or y1 > height + _EPSILON:
            raise TemplateError(
                f"element {p.key!r}: {type(p).__name__} at x {x0:.2f} y {y0:.2f} to "
                f"x {x1:.2f} y {y1:.2f} mm runs off the {width:g} × {height:g} mm label"
            )
    content = [p for p in display_list.primitives if isinstance(p, Symbol | TextRun | Image)]
    for i, symbol in enumerate(content):
        if not isinstance(symbol, Symbol):
            continue
        a = _extent(symbol)
        for j, other in enumerate(content):
            if j == i or (isinstance(other, Symbol) and j < i):
                continue  # each pair of symbols once
            b = _ink(other)
            if min(a[2], b[2]) - max(a[0], b[0]) > _EPSILON and (
                min(a[3], b[3]) - max(a[1], b[1]) > _EPSILON
            ):
                raise TemplateError(
                    f"element {symbol.key!r}: Symbol at x {a[0]:.2f} y {a[1]:.2f} to "
                    f"x {a[2]:.2f} y {a[3]:.2f} mm (quiet zones included) overlaps "
                    f"{type(other).__name__} {other.key!r} at x {b[0]:.2f} y {b[1]:.2f} to "
                    f"x {b[2]:.2f} y {b[3]:.2f} mm"
                )


def _extent(p: Primitive) -> tuple[float, float, float, float]:
    """The bounding box of ``p`` on the label: x0, y0, x1, y1 in mm."""
    if isinstance(p, Line):
        return min(p.x1, p.x2), min(p.y1, p.y2), max(p.x1, p.x2), max(p.y1, p.y2)
    if isinstance(p, TextRun):
        lh = line_height_mm(p.font, p.bold, p.size_pt)
        w, h = (p.w, lh) if p.rotation in (0, 180) else (lh, p.w)
        return p.x, p.y, p.x + w, p.y + h
    return p.x, p.y, p.x + p.w, p.y + p.h


def _ink(p: Primitive) -> tuple[float, float, float, float]:
    """Where ``p`` actually draws: for text, the measured line placed by its alignment."""
    if not isinstance(p, TextRun):
        return _extent(p)
    x0, y0, x1, y1 = _extent(p)
    tw = text_width_mm(p.text, p.font, p.bold, p.size_pt)
    start = {"left": 0.0, "center": (p.w - tw) / 2, "right": p.w - tw}[p.align]
    if p.rotation == 0:
        return x0 + start, y0, x0 + start + tw, y1
    if p.rotation == 180:  # reads right to left: its start is at the right
        return x1 - start - tw, y0, x1 - start, y1
    if p.rotation == 90:  # reads downwards
        return x0, y0 + start, x1, y0 + start + tw
    return x0, y1 - start - tw, x1, y1 - start  # 270: reads upwards


def _lay_out(
    element: Element,
    data: Mapping[str, Any],
    dpi: int,
    policy: BuildPolicy,
    today: dt.date | None,
    built: dict[str, _Built],
) -> list[Primitive]:
    if isinstance(element, TextElement):
        return _text_runs(element.id, element.text, element, element.style, element.wrap, False)
    if isinstance(element, FieldElement):
        text = element.expr.evaluate(data)
        variable = not element.expr.is_constant
        return _text_runs(element.id, text, element, element.style, element.wrap, variable)
    if isinstance(element, BarcodeElement):
        content = _build_content(element, data, policy, today)
        built[element.id] = content
        return [_symbol(element, content, dpi)]
    if isinstance(element, HriElement):
        return _hri_block(element, built)
    if isinstance(element, BoxElement):
        e = element
        return [Box(e.x, e.y, e.w, e.h, e.stroke, e.fill, e.radius, key=e.id)]
    if isinstance(element, EllipseElement):
        e2 = element
        return [Ellipse(e2.x, e2.y, e2.w, e2.h, e2.stroke, e2.fill, key=e2.id)]
    if isinstance(element, LineElement):
        e3 = element
        return [Line(e3.x1, e3.y1, e3.x2, e3.y2, e3.stroke, key=e3.id)]
    e4: ImageElement = element
    return [Image(e4.x, e4.y, e4.w, e4.h, e4.resource, key=e4.id)]


# --- text ---------------------------------------------------------------------------------------


def _text_runs(
    key: str,
    text: str,
    box: TextElement | FieldElement | HriElement,
    style: TextStyle,
    wrap: bool,
    variable: bool,
    keys: tuple[str, ...] | None = None,
) -> list[Primitive]:
    """Fit ``text`` into ``box`` and return one :class:`TextRun` per line."""
    rotated = style.rotation in (90, 270)
    frame_w, frame_h = (box.h, box.w) if rotated else (box.w, box.h)
    fitted = fit_text(
        text,
        font_id=style.font,
        bold=style.bold,
        size_pt=style.size_pt,
        width=frame_w,
        height=frame_h,
        wrap=wrap,
        shrink=style.shrink,
        min_size_pt=style.min_size_pt,
        line_spacing=style.line_spacing,
    )
    if fitted is None:
        size = (
            f"{style.size_pt:g} pt, even shrunk to {style.min_size_pt:g} pt"
            if style.shrink
            else f"{style.size_pt:g} pt"
        )
        raise TemplateError(
            f"element {key!r} ({box.type}): text {text!r} does not fit its "
            f"{box.w:g} × {box.h:g} mm box at {size}"
        )
    return [
        TextRun(
            *_line_origin(box, style.rotation, fitted, index),
            w=frame_w,
            text=line,
            size_pt=fitted.size_pt,
            font=style.font,
            bold=style.bold,
            align=style.align,
            rotation=style.rotation,
            key=(keys[index] if keys else (key if len(fitted.lines) == 1 else f"{key}.{index}")),
            variable=variable,
        )
        for index, line in enumerate(fitted.lines)
    ]


def _line_origin(
    box: TextElement | FieldElement | HriElement, rotation: Rotation, fitted: FittedText, i: int
) -> tuple[float, float]:
    """Top-left of line ``i``'s box on the label after rotation (clockwise, y down)."""
    offset = i * fitted.line_pitch  # from the text frame's top to this line's top
    lh = fitted.line_height
    if rotation == 0:
        return box.x, box.y + offset
    if rotation == 90:  # text runs down, its top faces right: the first line is rightmost
        return box.x + box.w - offset - lh, box.y
    if rotation == 180:  # upside down: the first line is lowest
        return box.x, box.y + box.h - offset - lh
    return box.x + offset, box.y  # 270: text runs up, its top faces left


# --- barcodes -----------------------------------------------------------------------------------


def _build_content(
    element: BarcodeElement,
    data: Mapping[str, Any],
    policy: BuildPolicy,
    today: dt.date | None,
) -> _Built:
    variable = any(not expr.is_constant for expr in element.expressions)
    if element.gs1:
        pairs = [(ai, expr.evaluate(data)) for ai, expr in element.gs1]
        if element.partial:  # pairing is checked over the whole label by layout()
            policy = replace(policy, check_pairings=False)
        es = build_gs1(pairs, policy=policy, today=today)
        ais = tuple(dict.fromkeys(ai for ai, _ in element.gs1))
        return _Built(es.data, es.hri, es, variable, ais)
    if element.hibc is not None:
        udi_data, udi_hri = _build_hibc(element.hibc, data)
        return _Built(udi_data, udi_hri, None, variable)
    assert element.data is not None  # the model guarantees one kind of content
    text = element.data.evaluate(data)
    return _Built(text, "", None, variable)


def _build_hibc(h: HibcContent, data: Mapping[str, Any]) -> tuple[str, str]:
    def value(name: str) -> str | None:
        expr = getattr(h, name)
        return None if expr is None else str(expr.evaluate(data))

    primary = build_primary(h.lic.evaluate(data), h.product.evaluate(data), value("unit") or "0")
    if h.part == "primary":
        return primary.data, primary.hri
    expiry_text = value("expiry")
    expiry = None
    if expiry_text is not None:
        parsed = IsoDate.parse(expiry_text)
        if parsed is None or parsed.day == 0:
            raise TemplateError(
                f"field 'hibc.expiry': {expiry_text!r} is not an ISO date (YYYY-MM-DD)"
            )
        expiry = dt.date(parsed.year, parsed.month, parsed.day)
    quantity_text = value("quantity")
    if quantity_text is not None and not (quantity_text.isdigit() and quantity_text.isascii()):
        raise TemplateError(f"field 'hibc.quantity': {quantity_text!r} is not a whole number")
    secondary = build_secondary(
        lot=value("lot"),
        serial=value("serial"),
        expiry=expiry,
        expiry_format=h.expiry_format,
        quantity=int(quantity_text) if quantity_text is not None else None,
    )
    if h.part == "secondary":
        udi = build_udi(primary, secondary, combined=False)
        second, second_hri = udi.secondary_data, udi.secondary_hri
        assert second is not None  # a secondary was given
        assert second_hri is not None
        return second, second_hri
    udi = build_udi(primary, secondary, combined=True)
    return udi.data, udi.hri


def module_mm(element: BarcodeElement, dpi: int) -> float:
    """The X-dimension in mm, snapped to whole printer dots at ``dpi`` (at least one dot)."""
    if element.module_dots is not None:
        return dots_to_mm(element.module_dots, dpi)
    wanted = element.module_mm
    if wanted is None:
        wanted = symbology(element.kind).default_module
    return dots_to_mm(module_dots(wanted, dpi), dpi)


def _symbol(element: BarcodeElement, content: _Built, dpi: int) -> Symbol:
    info = symbology(element.kind)
    try:
        encoded = encode(element.kind, content.data, **dict(element.options))
    except ValidationError as exc:
        raise type(exc)(f"field 'data': {exc}") from None
    module = module_mm(element, dpi)
    quiet = element.quiet_zone if element.quiet_zone is not None else info.quiet_zone_modules
    quiet_mm = quiet * module
    # where the modules and the HRI go inside the box is the symbols package's rule
    content_w, content_h = content_size(encoded, module, element.height)
    w = content_w + 2 * quiet_mm
    h = content_h + (2 * quiet_mm if encoded.is_2d else 0.0)
    show_hri = element.show_hri and encoded.is_linear
    if show_hri:
        h += module + line_height_mm(HRI_FONT, False, hri_size_pt(module))
    if element.rotation in (90, 270):
        w, h = h, w
    return Symbol(
        x=element.x,
        y=element.y,
        w=w,
        h=h,
        kind=element.kind,
        data=content.data,
        symbology_id=encoded.symbology_id,
        hri=content.hri or encoded.hri,
        module=module,
        height=element.height,
        quiet_zone=quiet_mm,
        show_hri=show_hri,
        rotation=element.rotation,
        key=element.id,
        variable=content.variable,
        options=element.options,
    )


# --- GS1 human-readable block -------------------------------------------------------------------


def hri_lines(
    element: HriElement, es: ElementString, order: tuple[str, ...]
) -> list[tuple[str, str]]:
    """The ``(ai, line)`` pairs of a GS1 human-readable block, in display order.

    ``order`` is the AIs' order in the template (PC, SN, LOT, EXP reads better than the encoded
    order, which puts predefined-length AIs first). Dates print in the market's (or the
    element's) date format from the value the GS1 core parsed, so day ``00`` shows as the last
    day of the month, as a scanner would read it.
    """
    captions, market_date = MARKETS[element.market]
    override = dict(element.captions)
    date_format = element.date_format or market_date
    lines: list[tuple[str, str]] = []
    for ai in element.ais if element.ais is not None else order:
        item = es.get(ai)
        if item is None:
            raise TemplateError(
                f"field 'ais': AI ({ai}) is not in barcode {element.source!r} "
                f"(expected one of {', '.join(order)})"
            )
        caption = override.get(ai, captions.get(ai))
        if caption is None:
            if element.ais is None:
                continue  # not listed and no caption for this market: not shown
            caption = f"({ai})"
        value = item.value
        if isinstance(item.parsed, dt.date) and not isinstance(item.parsed, dt.datetime):
            d = item.parsed
            value = IsoDate(d.year, d.month, d.day).format(date_format)
        lines.append((ai, f"{caption}{element.separator}{value}"))
    return lines


def _hri_block(element: HriElement, built: Mapping[str, _Built]) -> list[Primitive]:
    source = built.get(element.source)
    if source is None or source.element_string is None:
        raise TemplateError(
            f"field 'source': barcode {element.source!r} must come before the HRI block "
            "and be a GS1 kind"
        )
    lines = hri_lines(element, source.element_string, source.ais)
    if not lines:
        raise TemplateError(
            f"field 'market': no AI of barcode {element.source!r} has a {element.market} caption"
        )
    keys = tuple(f"{element.id}.{ai}" for ai, _ in lines)
    text = "\n".join(line for _, line in lines)
    return _text_runs(element.id, text, element, element.style, False, source.variable, keys)
