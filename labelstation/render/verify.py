"""Decode every symbol of a rendered label and compare it with what the display list intended.

A drawn symbol only counts once it has been read back: :func:`verify_symbols` decodes the image
with zxing-cpp (the reader that keeps GS separators and reports AIM symbology identifiers),
pairs each decode with a :class:`~labelstation.template.displaylist.Symbol` and checks content,
identifier and position.

It relies only on the display list, the image and its resolution — not on anything the PNG
renderer knows — so it checks a PNG of the ZPL imaged by zplkit just as well as our preview.
The expected place of a symbol follows :mod:`labelstation.symbols.geometry` with modules
snapped to whole dots (:func:`~labelstation.symbols.geometry.module_dots`), as every printer
prints them.

Pairing: a decode whose content and identifier equal a symbol's intent is paired with the
nearest such symbol (then ``ok``, or ``moved`` if farther than ``tolerance_mm``); remaining
decodes are paired with the remaining symbol whose box contains their centre (``mismatch``);
what is left is ``not_found`` (intended, not decoded) or ``extra`` (decoded, not intended).

Position delta: decoded centre minus intended centre of the module area, in mm. Across the
bars of a linear symbol it is exact; along the bars a reader only reports the scan lines it
used, so the delta is 0 when those lie within the bars, else the distance to the bars' end.
A stacked symbol (GS1 DataBar Expanded Stacked) is read segment by segment and a reader
reports where it found some of them, so both deltas follow that rule: 0 inside the module area.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import zxingcpp
from PIL import Image as PILImage

from labelstation.errors import RenderError
from labelstation.symbols import kinds, symbology
from labelstation.symbols.geometry import content_size, module_dots
from labelstation.template.displaylist import DisplayList, Symbol
from labelstation.units import MM_PER_INCH, mm_to_dots

#: Default position tolerance: a symbol whose decoded centre is farther than this from its
#: intended centre is reported ``moved``. 1 mm is about 8 dots at 203 dpi, well above the
#: rounding of positions and modules to dots (≤ 1 dot each) and far below any real misplacement.
DEFAULT_TOLERANCE_MM = 1.0

Status = Literal["ok", "mismatch", "moved", "not_found", "extra"]


@dataclass(frozen=True)
class SymbolCheck:
    """The verdict on one intended symbol (or on one decode nobody intended).

    Attributes:
        status: ``ok``, ``mismatch`` (content or identifier differ), ``moved`` (right content,
            farther than the tolerance), ``not_found`` or ``extra``.
        index: position of the symbol in ``display_list.symbols``; -1 for ``extra``.
        kind: the intended symbology id ("" for ``extra``).
        key: the template element key of the symbol ("" for ``extra``).
        expected_data: what a scanner must report after the identifier ("" for ``extra``).
        expected_id: the intended AIM identifier ("" for ``extra``).
        got_data: the decoded text (GS kept), or None if nothing was decoded.
        got_id: the decoded AIM identifier, or None.
        dx_mm: decoded minus intended centre, x, in mm (None when not decoded or ``extra``).
        dy_mm: decoded minus intended centre, y, in mm (None when not decoded or ``extra``).
        message: one line for an operator saying what is wrong ("" when ``ok``).
    """

    status: Status
    index: int
    kind: str
    key: str
    expected_data: str
    expected_id: str
    got_data: str | None
    got_id: str | None
    dx_mm: float | None
    dy_mm: float | None
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the symbol decoded to its intent at its place."""
        return self.status == "ok"

    @property
    def delta_mm(self) -> float | None:
        """The distance between decoded and intended centre, in mm."""
        if self.dx_mm is None or self.dy_mm is None:
            return None
        return float((self.dx_mm**2 + self.dy_mm**2) ** 0.5)


@dataclass(frozen=True)
class VerifyReport:
    """The checks of every intended symbol, then every extra decode, of one image."""

    checks: tuple[SymbolCheck, ...]
    dpi: int
    tolerance_mm: float

    @property
    def ok(self) -> bool:
        """True when every intended symbol is ``ok`` and nothing else was decoded."""
        return all(c.ok for c in self.checks)

    @property
    def problems(self) -> tuple[SymbolCheck, ...]:
        """The checks that are not ``ok``."""
        return tuple(c for c in self.checks if not c.ok)

    @property
    def max_delta_mm(self) -> float:
        """The largest position delta of any decoded intended symbol (0.0 if none)."""
        deltas = [c.delta_mm for c in self.checks if c.delta_mm is not None and c.index >= 0]
        return max(deltas, default=0.0)

    def raise_for_problems(self) -> None:
        """Raise a :class:`RenderError` naming the first problem, if there is one."""
        problems = self.problems
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise RenderError(problems[0].message + more)


@dataclass(frozen=True)
class _Decode:
    text: str
    sid: str
    cx: float
    cy: float
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class _Intent:
    index: int
    symbol: Symbol
    expected: str
    linear: bool
    stacked: bool
    box: tuple[float, float, float, float]  # content area x0, y0, x1, y1 in mm
    outer: tuple[float, float, float, float]  # symbol box incl. quiet zones and HRI

    @property
    def centre(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.box
        return (x0 + x1) / 2, (y0 + y1) / 2


@cache
def _format_names() -> str:
    return ",".join(sorted({name for kind in kinds() for name in symbology(kind).zxing_formats}))


def _formats() -> zxingcpp.BarcodeFormats:
    # Built per call (microseconds): a zxing-cpp object cached for the life of the process is
    # reported as a leak by nanobind when the interpreter exits.
    return zxingcpp.barcode_formats_from_str(_format_names())


def _content_box(s: Symbol, dpi: int) -> tuple[float, float, float, float]:
    """The module area of ``s`` in label mm, following symbols.geometry at ``dpi``."""
    enc = s.encoded()
    module = module_dots(s.module, dpi) * MM_PER_INCH / dpi
    bar = mm_to_dots(s.height, dpi) * MM_PER_INCH / dpi
    cw, ch = content_size(enc, module, bar)
    ox, oy = s.quiet_zone, (s.quiet_zone if enc.is_2d else 0.0)
    up_w, up_h = (s.w, s.h) if s.rotation in (0, 180) else (s.h, s.w)
    if s.rotation == 0:
        x, y, w, h = ox, oy, cw, ch
    elif s.rotation == 90:
        x, y, w, h = up_h - (oy + ch), ox, ch, cw
    elif s.rotation == 180:
        x, y, w, h = up_w - (ox + cw), up_h - (oy + ch), cw, ch
    else:
        x, y, w, h = oy, up_w - (ox + cw), ch, cw
    return s.x + x, s.y + y, s.x + x + w, s.y + y + h


def _decode(image: PILImage.Image, dpi: int) -> list[_Decode]:
    grey = image if image.mode == "L" else image.convert("L")
    scale = MM_PER_INCH / dpi
    out = []
    for r in zxingcpp.read_barcodes(grey, formats=_formats(), text_mode=zxingcpp.TextMode.Plain):
        p = r.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        out.append(
            _Decode(
                text=r.text,
                sid=r.symbology_identifier,
                cx=sum(xs) / 4 * scale,
                cy=sum(ys) / 4 * scale,
                x0=min(xs) * scale,
                y0=min(ys) * scale,
                x1=(max(xs) + 1) * scale,
                y1=(max(ys) + 1) * scale,
            )
        )
    return out


def _outside(value: float, low: float, high: float) -> float:
    """0 when ``value`` lies in ``[low, high]``, else its signed distance to the nearer end."""
    return 0.0 if low <= value <= high else (value - high if value > high else value - low)


def _delta(intent: _Intent, d: _Decode) -> tuple[float, float]:
    cx, cy = intent.centre
    dx, dy = d.cx - cx, d.cy - cy
    x0, y0, x1, y1 = intent.box
    if intent.stacked:
        return _outside(d.cx, x0, x1), _outside(d.cy, y0, y1)
    if intent.linear:
        if intent.symbol.rotation in (0, 180):  # bars vertical: y is along the bars
            dy = _outside(d.cy, y0, y1)
        else:
            dx = _outside(d.cx, x0, x1)
    return dx, dy


def _where(s: Symbol) -> str:
    key = f" {s.key!r}" if s.key else ""
    return f"symbol{key} ({s.kind} at {s.x:.2f},{s.y:.2f} mm)"


def verify_symbols(
    display_list: DisplayList,
    image: PILImage.Image,
    dpi: int | None = None,
    *,
    tolerance_mm: float = DEFAULT_TOLERANCE_MM,
) -> VerifyReport:
    """Decode ``image`` and check every symbol of ``display_list`` against it.

    Args:
        display_list: the label as intended.
        image: the label rendered at ``dpi`` (our PNG, or zplkit's image of the ZPL), with
            its top-left corner at the label's top-left corner.
        dpi: the image's resolution; defaults to ``display_list.dpi``.
        tolerance_mm: the largest position delta still ``ok``.

    Returns:
        A :class:`VerifyReport` with one check per intended symbol (in display-list order)
        followed by one ``extra`` check per unintended decode.
    """
    dpi = dpi or display_list.dpi
    intents = []
    for i, s in enumerate(display_list.symbols):
        info = symbology(s.kind)
        intents.append(
            _Intent(
                index=i,
                symbol=s,
                expected=info.expected_decode(s.data),
                linear=not info.is_2d,
                stacked=not info.is_2d and len(s.encoded().modules) > 1,
                box=_content_box(s, dpi),
                outer=(s.x, s.y, s.x + s.w, s.y + s.h),
            )
        )
    decodes = _decode(image, dpi)
    paired: dict[int, _Decode] = {}
    # 1. exact content matches, nearest first.
    candidates = sorted(
        (
            (abs(complex(*_delta(it, d))), n, it.index)
            for it in intents
            for n, d in enumerate(decodes)
            if d.text == it.expected and d.sid == it.symbol.symbology_id
        ),
    )
    used: set[int] = set()
    for _, n, idx in candidates:
        if idx in paired or n in used:
            continue
        paired[idx] = decodes[n]
        used.add(n)
    free = [d for n, d in enumerate(decodes) if n not in used]
    # 2. remaining decodes inside a remaining symbol's box: wrong content.
    for it in intents:
        if it.index in paired:
            continue
        x0, y0, x1, y1 = it.outer
        for d in free:
            if x0 <= d.cx <= x1 and y0 <= d.cy <= y1:
                paired[it.index] = d
                free.remove(d)
                break
    checks = [_check(it, paired.get(it.index), tolerance_mm) for it in intents]
    for d in free:
        checks.append(
            SymbolCheck(
                status="extra",
                index=-1,
                kind="",
                key="",
                expected_data="",
                expected_id="",
                got_data=d.text,
                got_id=d.sid,
                dx_mm=None,
                dy_mm=None,
                message=(
                    f"unexpected symbol {d.sid} {d.text!r} at {d.cx:.2f},{d.cy:.2f} mm: "
                    "expected no symbol there"
                ),
            )
        )
    return VerifyReport(tuple(checks), dpi, tolerance_mm)


def _check(it: _Intent, d: _Decode | None, tolerance_mm: float) -> SymbolCheck:
    s = it.symbol
    if d is None:
        message = f"{_where(s)}: not decoded; expected {s.symbology_id} {it.expected!r}"
        return _verdict(it, "not_found", None, None, message)
    dx, dy = _delta(it, d)
    dist = (dx * dx + dy * dy) ** 0.5
    if d.text != it.expected or d.sid != s.symbology_id:
        message = (
            f"{_where(s)}: decoded {d.sid} {d.text!r}; expected {s.symbology_id} {it.expected!r}"
        )
        return _verdict(it, "mismatch", d, (dx, dy), message)
    if dist > tolerance_mm:
        message = (
            f"{_where(s)}: decoded {dist:.2f} mm from its place (dx {dx:+.2f}, dy {dy:+.2f}); "
            f"expected within {tolerance_mm:.2f} mm"
        )
        return _verdict(it, "moved", d, (dx, dy), message)
    return _verdict(it, "ok", d, (dx, dy), "")


def _verdict(
    it: _Intent,
    status: Status,
    d: _Decode | None,
    delta: tuple[float, float] | None,
    message: str,
) -> SymbolCheck:
    return SymbolCheck(
        status=status,
        index=it.index,
        kind=it.symbol.kind,
        key=it.symbol.key,
        expected_data=it.expected,
        expected_id=it.symbol.symbology_id,
        got_data=None if d is None else d.text,
        got_id=None if d is None else d.sid,
        dx_mm=None if delta is None else delta[0],
        dy_mm=None if delta is None else delta[1],
        message=message,
    )
