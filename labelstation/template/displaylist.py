"""The display list: one label laid out into neutral primitives (STYLE.md 3).

:func:`labelstation.template.layout` resolves a template and one record of data into a
:class:`DisplayList`. Every renderer (PDF, PNG, ZPL) and the verifier consume this list, so the
preview, the proof and the printed label cannot drift apart.

Conventions, shared by every renderer:

* Lengths are millimetres, origin at the top-left corner of the label, x to the right, y down.
* ``x``/``y`` is the top-left corner of the primitive's bounding box *after* rotation, as ZPL's
  ``^FO`` places a field; ``rotation`` is clockwise in degrees, one of 0, 90, 180, 270.
* A primitive whose content changes from label to label (serial, lot, expiry…) carries the
  ``key`` of the template element it came from and ``variable=True``; the ZPL emitter turns
  those into ``^FN`` fields of a stored format and sends only their values per label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from labelstation.symbols import Encoded, encode

Rotation = Literal[0, 90, 180, 270]
Align = Literal["left", "center", "right"]
#: Encoder options of a symbol as sorted ``(name, value)`` pairs (hashable, so a display list
#: stays a frozen value): ``rectangular`` (Data Matrix), ``ecc`` (QR), ``stacked``/``columns``
#: (DataBar Expanded). See :func:`labelstation.symbols.encode`.
SymbolOptions = tuple[tuple[str, str | int | bool], ...]


@dataclass(frozen=True)
class Box:
    """A rectangle outline (or filled area) with optional rounded corners."""

    x: float
    y: float
    w: float
    h: float
    stroke: float = 0.25
    fill: bool = False
    radius: float = 0.0
    key: str = ""


@dataclass(frozen=True)
class Line:
    """A straight line of ``stroke`` width between two points."""

    x1: float
    y1: float
    x2: float
    y2: float
    stroke: float = 0.25
    key: str = ""


@dataclass(frozen=True)
class Ellipse:
    """An ellipse inscribed in the box ``x, y, w, h``."""

    x: float
    y: float
    w: float
    h: float
    stroke: float = 0.25
    fill: bool = False
    key: str = ""


@dataclass(frozen=True)
class TextRun:
    """One line of text, already wrapped and sized by the layout.

    ``y`` is the top of the line box (ascender line); ``size_pt`` the font size in points;
    ``w`` the width of the box the line is aligned in (``align`` applies within it).
    ``font`` is the id of a font shipped in ``resources/fonts`` (see :mod:`labelstation.resources`).
    """

    x: float
    y: float
    w: float
    text: str
    size_pt: float
    font: str = "sans"
    bold: bool = False
    align: Align = "left"
    rotation: Rotation = 0
    key: str = ""
    variable: bool = False


@dataclass(frozen=True)
class Symbol:
    """A barcode with its intended content; renderers encode it, the verifier checks it.

    ``kind`` is the id of a registered symbology (``gs1-datamatrix``, ``gs1-128``, ``qr``…).
    ``data`` is exactly what a scanner must report after the symbology identifier: for GS1 the
    element string without the leading FNC1 and with GS (0x1D) as separator. ``symbology_id``
    is the AIM identifier the decode must show (``]d2``, ``]C1``, ``]Q3``…). ``hri`` is the
    human-readable interpretation, drawn under 1D symbols when ``show_hri`` is set.
    ``module`` is the X-dimension in mm; ``height`` the bar height of 1D symbols in mm.
    ``w``/``h`` is the symbol's size including quiet zones as the layout computed it.
    ``options`` are the encoder options the layout sized it with; every renderer and the
    verifier encode through :meth:`encoded`, so a rectangular Data Matrix or a QR Code at
    level Q is the same symbol in the preview, the PDF, the ZPL and the verification.
    """

    x: float
    y: float
    w: float
    h: float
    kind: str
    data: str
    symbology_id: str
    hri: str = ""
    module: float = 0.5
    height: float = 10.0
    quiet_zone: float = 0.0
    show_hri: bool = False
    rotation: Rotation = 0
    key: str = ""
    variable: bool = False
    options: SymbolOptions = ()

    def encoded(self) -> Encoded:
        """Encode this symbol's data with its options (cached by :func:`encode`)."""
        return encode(self.kind, self.data, **dict(self.options))

    def option(self, name: str, default: str | int | bool) -> str | int | bool:
        """The value of encoder option ``name``, or ``default`` when the symbol does not set it."""
        return dict(self.options).get(name, default)


@dataclass(frozen=True)
class Image:
    """A raster or vector image (logo, ISO 15223-1 symbol) scaled into its box.

    ``resource`` is a path relative to ``resources/`` or an absolute path; ``monochrome``
    images are thresholded for thermal printers.
    """

    x: float
    y: float
    w: float
    h: float
    resource: str
    key: str = ""


Primitive = Box | Line | Ellipse | TextRun | Symbol | Image


@dataclass(frozen=True)
class DisplayList:
    """A laid-out label: its stock size and the primitives in drawing order.

    ``template_version`` is the approved version label (``"3"``); "" means a draft that was
    never approved, and a proof says so. ``inverted`` asks the printer to turn the whole label
    by 180° as it prints (the stock's ``orientation`` 180, ZPL ``^POI``); the primitives are
    always the label as a person reads it, which is what the preview and the PDF show.
    """

    width: float
    height: float
    primitives: tuple[Primitive, ...] = field(default_factory=tuple)
    dpi: int = 300
    template_id: str = ""
    template_version: str = ""
    template_hash: str = ""
    inverted: bool = False

    @property
    def symbols(self) -> tuple[Symbol, ...]:
        """Every barcode on the label, in drawing order."""
        return tuple(p for p in self.primitives if isinstance(p, Symbol))
