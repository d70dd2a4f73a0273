"""ZPL II emitter: a display list as a Zebra format, in full or as a stored format plus recalls.

On a serial line at 9600 baud a full label of 1–2 kB takes 1–2 s; a recall of a stored format
takes ~0.1 s (FIELD-NOTES). So the static part of a label (boxes, rules, logos, fixed text) is
sent once with :func:`zpl_stored_format` (``^DFR:NAME.ZPL``) and every label after that is only
:func:`zpl_recall`: ``^XA^XFR:NAME.ZPL^FS`` and one ``^FNn^FD…^FS`` per ``variable`` primitive.
:func:`render_zpl` gives the same label as one self-contained format.

Barcodes use the printer's native commands, so they print at full printer resolution:
``^BX`` Data Matrix (GS1: FNC1 as ``_1`` first and as separator; the encoder's columns and
rows, and aspect ratio 2 for a rectangle), ``^BC`` Code 128 with explicit subset switching and
``>8`` FNC1 (GS1-128, HIBC LIC/PAS), ``^BQ`` QR (``^FD`` starts with the error correction
level the symbol's ``ecc`` option chose, ``MA,`` by default), ``^BE`` EAN-13,
``^BU`` UPC-A, ``^B2`` ITF-14. ZPL cannot put FNC1 in first position of a QR Code, so
``gs1-qr`` is refused here (print it from the PDF path, or choose GS1 DataMatrix).

Text — the trade-off. A resident font (``^A0``) costs no download but has other glyph shapes
and widths than the preview (a line that fits on screen may not fit on the label) and no
Greek or Cyrillic in every firmware. A graphic (``^GF``) agrees with the preview bit for bit
and prints any script, but a serial number drawn as a graphic costs hundreds of bytes per
label, which breaks the 144-byte budget of a stored-format recall. We therefore download the
very TrueType files the layout measured with (:func:`labelstation.resources.font_path`) once
per printer (:func:`zpl_font_downloads`, ``~DY`` to ``E:``) and print every text run with
``^A@`` in that font: the same outlines and metrics as the preview (the preview rounds hinted
advances to whole pixels, so a small line at 203 dpi may run up to ~4 % longer on the label; a
field block gets slack for that), every character the font has (DejaVu Sans: Latin, Greek,
Cyrillic), and a variable text field costs only its value per label. The price is a one-off
download of ~0.66 MB per font (unhinted; about 60 s at 115,200 baud, 12 min at 9600 baud); the
printer keeps it in flash.

Escaping: ``^`` and ``~`` would end or break a field, so every field whose data holds one of
``^ ~ \\``, a control character or a non-ASCII character is sent with ``^FH\\`` and those bytes
as ``\\XX`` hex: text as UTF-8 bytes (``^CI28``); barcode data as ISO 8859-1 bytes, the
default character set of Data Matrix and QR (beyond Latin-1 they would need an ECI, which this
path refuses; Code 128 takes ASCII only). The Data Matrix escape character is ``_``
(``^BX…,_``), distinct from the ``^FH`` indicator ``\\`` because ``^FH`` is decoded first; a
literal ``_`` in Data Matrix data is doubled. In a field block (``^FB``, used to align text
that is centred, right-aligned or rotated), a backslash is itself an escape, so it is doubled
after hex decoding (``\\5C\\5C``).

Geometry: ``^FO`` is the top-left of the printed field after rotation, like the display list's
``x``/``y``. A text field is placed so that its baseline falls where the preview's does (the
``zd621`` profile puts a TrueType baseline ``floor(0.75·h)`` dots below ``^FO``); a symbol's
first module lies where :mod:`labelstation.symbols.geometry` puts it, with whole-dot modules,
so preview and print place every module on the same dot (``^BQ``'s own 9-dot top offset is
taken off).

Orientation: every format carries ``^PO``: ``N``, or ``I`` when the display list is
``inverted`` (stock orientation 180), so the printer turns the whole label; the fields are
placed as a person reads the label, like the preview. zplkit ignores ``^PO`` when imaging,
so an image of the ZPL is compared with the upright preview either way.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import zlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fontTools.ttLib.tables import ttProgram  # type: ignore[import-untyped]
from PIL import ImageFont

from labelstation.errors import RenderError
from labelstation.gs1 import GS
from labelstation.gs1.checkdigit import check_digit
from labelstation.render._raster import INK_BELOW, fitted_grey
from labelstation.resources import font_path, resource_path
from labelstation.symbols import symbology
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
from labelstation.template.text import ascent_mm, load_font
from labelstation.units import PT_PER_INCH, SUPPORTED_DPI, mm_to_dots

__all__ = [
    "DEFAULT_FORMAT_NAME",
    "FH",
    "ZPL_ESCAPE_BX",
    "ZPL_SYMBOLOGIES",
    "printer_font",
    "render_zpl",
    "zpl_font_downloads",
    "zpl_font_file",
    "zpl_job",
    "zpl_recall",
    "zpl_static_keys",
    "zpl_stored_format",
]

#: The ``^FH`` hex indicator we use (``\\``) and the ``^BX`` escape character (``_``).
FH = "\\"
ZPL_ESCAPE_BX = "_"
#: Default stored-format name (without device and extension).
DEFAULT_FORMAT_NAME = "LSFMT1"
#: Symbologies the ZPL emitter prints with native commands.
ZPL_SYMBOLOGIES = (
    "gs1-datamatrix", "datamatrix", "hibc-datamatrix", "gs1-128", "code128", "hibc-128", "qr",
    "ean13", "upca", "itf14",
)  # fmt: skip
#: The ``zd621`` profile puts a TrueType baseline this fraction of the font height below ^FO.
_BASELINE_FRACTION = 0.75
_ITF_RATIO = "3.0"  # zint's ITF-14 wide:narrow, so both draw 135 modules
#: ^BQ draws its first module row this many dots below ^FO (printer behaviour, as imaged).
_QR_TOP_OFFSET = 9
_ORIENTATION: dict[int, str] = {0: "N", 90: "R", 180: "I", 270: "B"}
_ALIGN = {"left": "L", "center": "C", "right": "R"}


# --------------------------------------------------------------------------- escaping


def _hex_escape(data: str, *, block: bool = False, latin1: bool = False) -> tuple[str, bool]:
    """Escape ``data`` for ``^FH\\``; return the text and whether any escape was needed.

    ``block`` doubles backslashes, which a ``^FB`` field block treats as its own escape.
    ``latin1`` sends a character as its one ISO 8859-1 byte (barcode data: the default
    character set of Data Matrix and QR), else as its UTF-8 bytes (text under ``^CI28``).
    """
    out: list[str] = []
    needed = False
    for char in data:
        code = ord(char)
        if 0x20 <= code < 0x7F and char not in "^~\\":
            out.append(char)
            continue
        needed = True
        raw = b"\\\\" if (block and char == "\\") else char.encode("latin-1" if latin1 else "utf-8")
        out.append("".join(f"{FH}{b:02X}" for b in raw))
    return "".join(out), needed


# --------------------------------------------------------------------------- geometry


@dataclass(frozen=True)
class _Frame:
    """An upright tile of ``w`` × ``h`` dots (after rotation) whose top-left is ``x, y``.

    Maps a rect given in the tile's own unrotated coordinates to the ``^FO`` of the rotated
    field, as the preview turns a tile about its top-left corner.
    """

    x: int
    y: int
    w: int
    h: int
    rotation: Rotation

    @classmethod
    def of_tile(cls, x: int, y: int, tile_w: int, tile_h: int, rotation: Rotation) -> _Frame:
        """The frame of an upright ``tile_w`` × ``tile_h`` tile turned by ``rotation`` at ``x, y``.

        Text runs and symbols are both laid out in an upright tile and turned about its
        top-left corner; a quarter turn swaps the tile's extent on the label.
        """
        quarter = rotation in (90, 270)
        return cls(x, y, tile_h if quarter else tile_w, tile_w if quarter else tile_h, rotation)

    def origin(self, u: float, v: float, du: float, dv: float) -> tuple[int, int]:
        """``^FO`` (top-left on the label) of the local rect ``u, v, du, dv`` once rotated."""
        x, y = self.origin_unclamped(u, v, du, dv)
        return max(0, x), max(0, y)

    def origin_unclamped(self, u: float, v: float, du: float, dv: float) -> tuple[int, int]:
        """As :meth:`origin`, but may be negative (off the label)."""
        lw, lh = (self.w, self.h) if self.rotation in (0, 180) else (self.h, self.w)
        if self.rotation == 0:
            x, y = self.x + u, self.y + v
        elif self.rotation == 90:
            x, y = self.x + lh - v - dv, self.y + u
        elif self.rotation == 180:
            x, y = self.x + lw - u - du, self.y + lh - v - dv
        else:
            x, y = self.x + v, self.y + lw - u - du
        return round(x), round(y)


# --------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class _Field:
    """One ZPL field: the commands before its data, the data, and whether it is per label."""

    head: str
    value: str  # the content in ZPL syntax, before ^FH escaping
    block: bool  # the field uses ^FB (backslashes doubled)
    latin1: bool = False  # barcode data: one ISO 8859-1 byte per character
    prefix: str = ""  # ZPL syntax before the value (``MA,``/``QA,`` for QR), never escaped
    variable: bool = False
    key: str = ""

    def data(self) -> str:
        """``^FD`` with the escaped value, preceded by ``^FH\\`` when any escape is needed."""
        escaped, needed = _hex_escape(self.value, block=self.block, latin1=self.latin1)
        fh = f"^FH{FH}" if needed else ""
        return f"{fh}^FD{self.prefix}{escaped}"

    def full(self) -> str:
        """The whole field; a graphic field (box, line, image) has no ``^FD``."""
        if not self.value and not self.prefix:
            return f"{self.head}^FS"
        return f"{self.head}{self.data()}^FS"


# --------------------------------------------------------------------------- fonts


def zpl_font_file(font_id: str, bold: bool = False) -> str:
    """The printer file a shipped font is downloaded to: ``E:LSSANS.TTF``, ``E:LSSANSB.TTF``.

    Names are 8.3 as Zebra firmware wants: ``LS`` + up to 5 letters of the id + ``B`` for bold.
    """
    stem = "".join(ch for ch in font_id.upper() if ch.isascii() and ch.isalnum())[:5] or "FONT"
    return f"E:LS{stem}{'B' if bold else ''}.TTF"


_HINTING_TABLES = ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX")


@lru_cache(maxsize=16)
def printer_font(font_id: str, bold: bool = False) -> bytes:
    """The TrueType file sent to the printer: the shipped font without hinting bytecode.

    Outlines, advance widths and kerning are the shipped font's, so text measures as the
    layout measured it; only the hinting programs are dropped, because zplkit's TrueType
    interpreter refuses DejaVu's (and firmware interpreters differ), and unhinted outlines
    rasterise the same on every device. Takes about a second per font, once per process.

    Raises:
        NotFound: ``font_id`` is not a shipped font.
    """
    # recalcTimestamp=False keeps the bytes identical run after run (reproducible ZPL files)
    font = TTFont(str(font_path(font_id, bold)), recalcTimestamp=False)
    glyf = font["glyf"]
    for name in glyf.keys():  # noqa: SIM118 - glyf is not a dict; keys() lists glyph names
        glyph = glyf[name]
        if hasattr(glyph, "program"):
            glyph.program = ttProgram.Program()
            glyph.program.fromBytecode(b"")
    for tag in _HINTING_TABLES:
        if tag in font:
            del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=16)
def _font_download(font_id: str, bold: bool) -> bytes:
    data = printer_font(font_id, bold)
    name = zpl_font_file(font_id, bold).removesuffix(".TTF")
    return f"~DY{name},B,T,{len(data)},,".encode("ascii") + data


def _fonts_used(display_lists: Sequence[DisplayList]) -> list[tuple[str, bool]]:
    used: list[tuple[str, bool]] = []
    for p in (p for dl in display_lists for p in dl.primitives):
        key: tuple[str, bool] | None = None
        if isinstance(p, TextRun):
            key = (p.font, p.bold)
        elif isinstance(p, Symbol) and _hri_text(p):
            key = (HRI_FONT, False)
        if key is not None and key not in used:
            used.append(key)
    return used


def zpl_font_downloads(*display_lists: DisplayList) -> bytes:
    """``~DY`` downloads of every TrueType font the labels' text uses (binary, once per printer).

    Send them before the first format; a printer keeps them in flash (``E:``). Give every
    label of a run (or its first, when all share one template).

    Raises:
        NotFound: a font id is not shipped.
    """
    return b"".join(_font_download(font, bold) for font, bold in _fonts_used(display_lists))


# --------------------------------------------------------------------------- text


def _block_slack(frame: _Frame, u: float, v: float, width: int, size_px: int, align: str) -> int:
    """Extra field-block length on the side(s) the text may grow to, in dots.

    A ``^FB`` line that is longer than its block wraps, and with one line the wrapped words
    print over the first ones. The printer's unhinted advances can exceed the preview's hinted
    ones by a few percent, so the block is a quarter longer than the run's box, on the side the
    alignment grows towards (both halves for centred text), as long as ``^FO`` stays on the label.
    """
    slack = width // 4 + 16
    while slack > 0:
        before = slack if align != "left" else 0
        length = width + slack * (2 if align == "center" else 1)
        x, y = frame.origin_unclamped(u - before, v, length, size_px)
        if x >= 0 and y >= 0:
            return slack
        slack //= 2
    return 0


def _text_head(
    frame: _Frame, u: float, baseline: float, width: int, size_px: int, font: str, align: str
) -> tuple[str, bool]:
    """``^FO^A@[^FB]`` of a text field ``width`` dots long at local ``u``, baseline at local
    ``baseline``; returns the head and whether it uses a field block.

    The ``zd621`` profile puts a TrueType baseline ``floor(0.75·h)`` below the field's top.
    A field block aligns the text on the printer, so a variable value stays centred or
    right-aligned, and a rotated one starts where the preview's does; it is made longer than
    the box (:func:`_block_slack`) so that it never wraps.
    """
    v = baseline - math.floor(_BASELINE_FRACTION * size_px)
    block = align != "left" or frame.rotation != 0
    if not block:
        fx, fy = frame.origin(u, v, width, size_px)
        return f"^FO{fx},{fy}^A@N,{size_px},{size_px},{font}", False
    slack = _block_slack(frame, u, v, width, size_px, align)
    before = slack if align != "left" else 0
    length = width + slack * (2 if align == "center" else 1)
    fx, fy = frame.origin(u - before, v, length, size_px)
    head = f"^FO{fx},{fy}^A@{_ORIENTATION[frame.rotation]},{size_px},{size_px},{font}"
    return f"{head}^FB{length},1,0,{_ALIGN[align]}", True


def _text_field(run: TextRun, dpi: int) -> _Field:
    """A text run as ``^A@`` in the downloaded TrueType font, placed as the preview draws it.

    Mirrors :mod:`labelstation.render.png`: the font is ``round(pt·dpi/72)`` px per em, the
    baseline ``mm_to_dots(ascent)`` below ``y``, alignment within ``mm_to_dots(w)``, and a
    rotated run is the upright line tile turned about its top-left corner.
    """
    size_px = max(1, round(run.size_pt * dpi / PT_PER_INCH))
    ascent, descent = load_font(run.font, run.bold, size_px).getmetrics()
    baseline = mm_to_dots(ascent_mm(run.font, run.bold, run.size_pt), dpi)
    box_w = max(1, mm_to_dots(run.w, dpi))
    tile_h = max(1, ascent + descent, baseline + descent)
    frame = _Frame.of_tile(
        mm_to_dots(run.x, dpi), mm_to_dots(run.y, dpi), box_w, tile_h, run.rotation
    )
    font = zpl_font_file(run.font, run.bold)
    head, block = _text_head(frame, 0, baseline, box_w, size_px, font, run.align)
    return _Field(head, run.text, block, variable=run.variable, key=run.key)


# --------------------------------------------------------------------------- symbols


def _code128_data(data: str, *, gs1: bool, what: str) -> str:
    """Code 128 data with explicit ZPL subset invocations (mode N), FNC1 as ``>8``.

    Digit runs of four or more (six or more inside the data) go in subset C, everything else
    in B; FNC1 is valid in both. Subset A (control characters) and FNC4 (Latin-1) are not
    available through ``^BC`` as imaged here, so such data is refused, never approximated.
    """
    for char in data:
        if not (0x20 <= ord(char) <= 0x7F or (gs1 and char == GS)):
            raise RenderError(
                f"{what} data {data!r}: character {char!r} is not printable ASCII; expected "
                "Code 128 subset B/C characters (ZPL ^BC: no control characters, no FNC4)"
            )
    tokens: list[str] = ["FNC1"] if gs1 else []
    tokens.extend("FNC1" if (gs1 and ch == GS) else ch for ch in data)

    def digit_run(i: int) -> int:
        n = 0
        while i + n < len(tokens) and tokens[i + n].isdigit() and len(tokens[i + n]) == 1:
            n += 1
        return n

    out: list[str] = []
    subset = ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        run = digit_run(i)
        at_end = i + run == len(tokens)
        first_real = i == 0 or (i == 1 and tokens[0] == "FNC1")
        want_c = run >= 4 and (first_real or at_end or run >= 6)
        if token == "FNC1":
            if not subset:
                following = digit_run(i + 1)
                subset = "C" if following >= 2 else "B"
                out.append(">;" if subset == "C" else ">:")
            out.append(">8")
            i += 1
            continue
        if subset == "C" and run >= 2:
            out.append("".join(tokens[i : i + 2]))
            i += 2
            continue
        if want_c and subset != "C":
            if run % 2 == 1:
                # one digit outside C first, so the rest pairs up
                subset = _enter_ab(out, subset, token)
                out.append(token)
                i += 1
                continue
            out.append(">;" if not subset else ">5")
            subset = "C"
            continue
        subset = _enter_ab(out, subset, token)
        out.append(">0" if token == ">" else token)  # ">" itself is ZPL's ">0"
        i += 1
    return "".join(out)


def _enter_ab(out: list[str], subset: str, char: str) -> str:
    """Switch to (or start in) subset B for ``char``; return the subset now in use."""
    del char  # every character that reaches here is in subset B
    if subset != "B":
        out.append(">6" if subset else ">:")
    return "B"


def _datamatrix_data(data: str, *, gs1: bool) -> str:
    body = data.replace(ZPL_ESCAPE_BX, ZPL_ESCAPE_BX * 2)
    if gs1:
        body = ZPL_ESCAPE_BX + "1" + body.replace(GS, ZPL_ESCAPE_BX + "1")
    return body


def _check_latin1(symbol: Symbol) -> None:
    """Data Matrix and QR default to ISO 8859-1; beyond it they need an ECI, which ^BX/^BQ
    cannot carry here, so such data is refused rather than printed as a reader's guess."""
    for char in symbol.data:
        if ord(char) > 0xFF:
            raise RenderError(
                f"symbol {symbol.key or symbol.kind!r} ({symbol.kind}) data {symbol.data!r}: "
                f"character {char!r} is outside ISO 8859-1; expected Latin-1 data for a ZPL "
                f"{symbol.kind} (ECI is not supported by the ZPL path; print it from the PDF)"
            )


def _digits(symbol: Symbol, length: int) -> str:
    data = symbol.data
    if len(data) != length or not data.isascii() or not data.isdigit():
        raise RenderError(
            f"symbol {symbol.key or symbol.kind!r} ({symbol.kind}) data {data!r}: expected "
            f"exactly {length} digits including the check digit"
        )
    if check_digit(data[:-1]) != data[-1]:
        raise RenderError(
            f"symbol {symbol.key or symbol.kind!r} ({symbol.kind}) data {data!r}: invalid check "
            f"digit {data[-1]!r}, expected {check_digit(data[:-1])!r}"
        )
    return data


def _what(symbol: Symbol) -> str:
    return f"symbol {symbol.key or symbol.kind!r} ({symbol.kind})"


def _symbol_value(symbol: Symbol) -> tuple[str, str]:
    """The field data of ``symbol`` in ZPL syntax (before ^FH escaping) and its fixed prefix.

    It does not depend on the resolution, so a recall needs no ``dpi``.
    """
    kind = symbol.kind
    if kind in ("gs1-datamatrix", "datamatrix", "hibc-datamatrix"):
        if kind != "gs1-datamatrix":
            _check_latin1(symbol)
        return _datamatrix_data(symbol.data, gs1=kind == "gs1-datamatrix"), ""
    if kind in ("gs1-128", "code128", "hibc-128"):
        return _code128_data(symbol.data, gs1=kind == "gs1-128", what=_what(symbol)), ""
    if kind == "qr":
        _check_latin1(symbol)
        # ^FD's first letter is the error correction level (H, Q, M, L), the second the input
        # mode (A: automatic); the encoder used the same level, so sizes agree.
        return symbol.data, f"{symbol.option('ecc', 'M')}A,"
    if kind == "ean13":
        return _digits(symbol, 13)[:12], ""
    if kind == "upca":
        return _digits(symbol, 12)[:11], ""
    if kind == "itf14":
        return _digits(symbol, 14), ""
    if kind == "gs1-qr":
        raise RenderError(
            f"{_what(symbol)}: ZPL ^BQ cannot encode FNC1 in first position, so a GS1 QR Code "
            "cannot be printed with native ZPL; expected gs1-datamatrix, or print GS1 QR from "
            "the PDF"
        )
    raise RenderError(
        f"{_what(symbol)}: no native ZPL command for symbology {kind!r}; expected one of "
        f"{', '.join(ZPL_SYMBOLOGIES)}"
    )


def _symbol_command(kind: str, o: str, m: int, bar_h: int, cols: int, rows: int) -> str:
    """The ZPL barcode command (with its ^BY) for ``kind``; ``_symbol_value`` vetted the kind."""
    if kind in ("gs1-datamatrix", "datamatrix", "hibc-datamatrix"):
        # columns and rows are the encoder's, so the printer builds the very symbol the
        # preview drew; a rectangle also needs the aspect-ratio parameter 2 (1, square, is
        # the default and is left out, so square symbols print as they always did)
        aspect = ",2" if cols != rows else ""
        return f"^BX{o},{m},200,{cols},{rows},,{ZPL_ESCAPE_BX}{aspect}"
    if kind == "qr":
        return f"^BQ{o},2,{m}"
    if kind == "ean13":
        return f"^BY{m}^BE{o},{bar_h},N,N"
    if kind == "upca":
        return f"^BY{m}^BU{o},{bar_h},N,N,Y"
    if kind == "itf14":
        return f"^BY{m},{_ITF_RATIO}^B2{o},{bar_h},N,N,N"
    return f"^BY{m}^BC{o},{bar_h},N,N,N,N"


def _hri_text(symbol: Symbol) -> str:
    """The HRI the preview draws under a linear symbol ("" when none)."""
    if not symbol.show_hri or symbology(symbol.kind).is_2d:
        return ""
    return symbol.hri or symbol.encoded().hri


def _symbol_fields(symbol: Symbol, dpi: int) -> list[_Field]:
    """The native barcode field of ``symbol`` (and its HRI text when shown).

    Geometry follows :mod:`labelstation.symbols.geometry` as the preview applies it: first
    module ``quiet_zone`` right of (and for 2D below) the box's top-left, whole-dot modules,
    HRI one module below the bars in the ``sans`` font, centred on them (shrunk to the bar
    width if wider); a rotated symbol is the upright tile turned about its top-left corner.
    """
    value, prefix = _symbol_value(symbol)
    enc = symbol.encoded()
    m = module_dots(symbol.module, dpi)
    qz = mm_to_dots(symbol.quiet_zone, dpi)
    bar_h = max(1, mm_to_dots(symbol.height, dpi))
    heights = [round(h) for h in row_heights(enc, m, bar_h)]
    ox, oy = qz, (qz if enc.is_2d else 0)
    content_w, content_h = enc.width_modules * m, sum(heights)
    hri = _hri_text(symbol)
    hri_font: ImageFont.FreeTypeFont | None = None
    hri_px = hri_h = 0
    if hri:
        hri_px = max(1, round(hri_size_pt(symbol.module) * dpi / PT_PER_INCH))
        hri_font = load_font(HRI_FONT, False, hri_px)
        width = hri_font.getlength(hri)
        if width > content_w:
            hri_px = max(1, int(hri_px * content_w / width))
            hri_font = load_font(HRI_FONT, False, hri_px)
        ascent, descent = hri_font.getmetrics()
        hri_h = m + ascent + descent
    upright_w, upright_h = (
        (symbol.w, symbol.h) if symbol.rotation in (0, 180) else (symbol.h, symbol.w)
    )
    tile_w = max(mm_to_dots(upright_w, dpi), ox + content_w + qz)
    tile_h = max(mm_to_dots(upright_h, dpi), oy + content_h + hri_h + (qz if enc.is_2d else 0))
    frame = _Frame.of_tile(
        mm_to_dots(symbol.x, dpi), mm_to_dots(symbol.y, dpi), tile_w, tile_h, symbol.rotation
    )
    fx, fy = frame.origin(ox, oy, content_w, content_h)
    o = _ORIENTATION[symbol.rotation]
    if symbol.kind == "qr":
        # ^BQ prints upright only (a QR Code reads in any orientation, and its square area is
        # the same once turned) and starts its modules _QR_TOP_OFFSET dots below ^FO.
        o = "N"
        fy = max(0, fy - _QR_TOP_OFFSET)
    command = _symbol_command(symbol.kind, o, m, bar_h, enc.width_modules, len(heights))
    fields = [
        _Field(
            f"^FO{fx},{fy}{command}",
            value,
            False,
            latin1=True,
            prefix=prefix,
            variable=symbol.variable,
            key=symbol.key,
        )
    ]
    if hri_font is not None:
        baseline = oy + content_h + m + hri_font.getmetrics()[0]
        font = zpl_font_file(HRI_FONT, False)
        head, block = _text_head(frame, ox, baseline, content_w, hri_px, font, "center")
        fields.append(_Field(head, hri, block, variable=symbol.variable, key=symbol.key))
    return fields


# --------------------------------------------------------------------------- shapes


def _edges(x: float, y: float, w: float, h: float, dpi: int) -> tuple[int, int, int, int]:
    """Left, top and size in dots of ``x, y, w, h``, edges snapped independently (as the
    preview snaps them)."""
    x0, y0 = mm_to_dots(x, dpi), mm_to_dots(y, dpi)
    return x0, y0, max(1, mm_to_dots(x + w, dpi) - x0), max(1, mm_to_dots(y + h, dpi) - y0)


def _box_field(box: Box, dpi: int) -> _Field:
    """``^GB``: the stroke lies inside the box; radius as ZPL's rounding index 0–8."""
    x0, y0, w, h = _edges(box.x, box.y, box.w, box.h, dpi)
    short = min(w, h)
    stroke = short if box.fill else min(short, max(1, mm_to_dots(box.stroke, dpi)))
    radius = mm_to_dots(box.radius, dpi)
    rounding = max(0, min(8, round(radius * 16 / short))) if radius > 0 else 0
    return _Field(f"^FO{x0},{y0}^GB{w},{h},{stroke},B,{rounding}", "", False)


def _line_field(line: Line, dpi: int) -> _Field:
    """Axis-aligned lines as ``^GB`` centred on the line; others as ``^GD``."""
    stroke = max(1, mm_to_dots(line.stroke, dpi))
    if line.x1 == line.x2 or line.y1 == line.y2:
        half = stroke / 2 * 25.4 / dpi
        if line.y1 == line.y2:
            left, right = sorted((line.x1, line.x2))
            x0, y0, w, h = _edges(left, line.y1 - half, right - left, 2 * half, dpi)
        else:
            top, bottom = sorted((line.y1, line.y2))
            x0, y0, w, h = _edges(line.x1 - half, top, 2 * half, bottom - top, dpi)
        return _Field(f"^FO{x0},{y0}^GB{w},{h},{min(w, h)},B,0", "", False)
    x1, y1 = mm_to_dots(line.x1, dpi), mm_to_dots(line.y1, dpi)
    x2, y2 = mm_to_dots(line.x2, dpi), mm_to_dots(line.y2, dpi)
    leaning = "R" if (x2 - x1) * (y2 - y1) < 0 else "L"
    return _Field(
        f"^FO{min(x1, x2)},{min(y1, y2)}^GD{abs(x2 - x1)},{abs(y2 - y1)},{stroke},B,{leaning}",
        "",
        False,
    )


def _ellipse_field(ellipse: Ellipse, dpi: int) -> _Field:
    """``^GE`` inside the box; filled when the stroke reaches the centre."""
    x0, y0, w, h = _edges(ellipse.x, ellipse.y, ellipse.w, ellipse.h, dpi)
    stroke = math.ceil(min(w, h) / 2) if ellipse.fill else max(1, mm_to_dots(ellipse.stroke, dpi))
    return _Field(f"^FO{x0},{y0}^GE{w},{h},{stroke},B", "", False)


# --------------------------------------------------------------------------- images


@lru_cache(maxsize=64)
def _graphic(resource: str, width: int, height: int) -> tuple[str, int, int]:
    """``^GF`` (Z64) of an image fitted into ``width`` × ``height`` dots, and its offset.

    Same rule as the preview: aspect ratio kept, centred, alpha over white, LANCZOS, then
    dark (< 128) is ink.
    """
    grey, (dx, dy) = fitted_grey(
        resource_path(resource),
        (width, height),
        name=resource,
    )
    # ZPL wants 1 = ink. Map ink to 255 *before* packing: mode "1" pads each row's last byte
    # with 0 bits, which must stay 0 (paper), or a width that is not a multiple of 8 would
    # print a black bar up to 7 dots wide at the image's right edge.
    bits = grey.point(lambda v: 255 if v < INK_BELOW else 0).convert("1")
    raw = bits.tobytes()
    row_bytes = (grey.width + 7) // 8
    payload = base64.b64encode(zlib.compress(raw, 9))
    crc = binascii.crc_hqx(payload, 0)
    command = f"^GFA,{len(raw)},{len(raw)},{row_bytes},:Z64:{payload.decode('ascii')}:{crc:04X}"
    return command, dx, dy


def _image_field(image: Image, dpi: int) -> _Field:
    x0, y0, w, h = _edges(image.x, image.y, image.w, image.h, dpi)
    command, dx, dy = _graphic(image.resource, w, h)
    return _Field(f"^FO{x0 + dx},{y0 + dy}{command}", "", False)


# --------------------------------------------------------------------------- assembly


def _check_dpi(dpi: int) -> None:
    if dpi not in SUPPORTED_DPI:
        raise RenderError(f"ZPL dpi {dpi!r}: expected one of {SUPPORTED_DPI}")


def _primitive_fields(p: Primitive, dpi: int) -> list[_Field]:
    if isinstance(p, TextRun):
        return [_text_field(p, dpi)] if p.text else []
    if isinstance(p, Symbol):
        return _symbol_fields(p, dpi)
    if isinstance(p, Box):
        return [_box_field(p, dpi)]
    if isinstance(p, Line):
        return [_line_field(p, dpi)]
    if isinstance(p, Ellipse):
        return [_ellipse_field(p, dpi)]
    return [_image_field(p, dpi)]


def _fields(display_list: DisplayList, dpi: int) -> list[_Field]:
    _check_dpi(dpi)
    return [f for p in display_list.primitives for f in _primitive_fields(p, dpi)]


def _setup(display_list: DisplayList, dpi: int) -> str:
    """Character set, label size, home and print orientation of every format.

    ``^PO`` is always written, ``N`` included: the orientation is the stock's, so a format
    never depends on what an earlier job left set on the printer.
    """
    width, height = mm_to_dots(display_list.width, dpi), mm_to_dots(display_list.height, dpi)
    return f"^CI28^PW{width}^LL{height}^LH0,0^PO{'I' if display_list.inverted else 'N'}"


def _format_path(name: str) -> str:
    if not (1 <= len(name) <= 8 and name.isascii() and name.isalnum()):
        raise RenderError(
            f"stored format name {name!r}: expected 1 to 8 ASCII letters or digits "
            "(stored as R:NAME.ZPL)"
        )
    return f"R:{name.upper()}.ZPL"


def _per_label(field: _Field, static_keys: Collection[str]) -> bool:
    return field.variable and field.key not in static_keys


def render_zpl(display_list: DisplayList, dpi: int) -> str:
    """The label as one self-contained ZPL format (``^XA … ^XZ``), every field with its data.

    Text refers to the fonts :func:`zpl_font_downloads` puts on the printer.

    Raises:
        RenderError: ``dpi`` is not supported, a symbology has no native ZPL command (GS1 QR),
            data cannot be carried (non-ASCII in Code 128), or an image cannot be read.
    """
    body = "".join(f.full() for f in _fields(display_list, dpi))
    return f"^XA{_setup(display_list, dpi)}{body}^XZ"


def zpl_stored_format(
    display_list: DisplayList,
    dpi: int,
    name: str = DEFAULT_FORMAT_NAME,
    static_keys: Collection[str] = (),
) -> str:
    """The stored format ``^XA^DFR:NAME.ZPL^FS … ^XZ`` of the label.

    Every ``variable`` field becomes ``^FNn`` (numbered from 1 in drawing order; a symbol's
    HRI is its own field) whose value :func:`zpl_recall` sends per label; everything else —
    boxes, images, fixed text, symbols with fixed content — is stored with its data. A variable
    primitive whose ``key`` is in ``static_keys`` (lot and expiry in a batch-level format) is
    stored with the value it has in ``display_list``; pass the same ``static_keys`` to
    :func:`zpl_recall`.

    Raises:
        RenderError: as :func:`render_zpl`, or ``name`` is not 1–8 letters or digits.
    """
    path = _format_path(name)
    parts: list[str] = []
    number = 0
    for f in _fields(display_list, dpi):
        if _per_label(f, static_keys):
            number += 1
            parts.append(f"{f.head}^FH{FH}^FN{number}^FS")
        else:
            parts.append(f.full())
    return f"^XA^DF{path}^FS{_setup(display_list, dpi)}{''.join(parts)}^XZ"


def zpl_recall(
    display_list: DisplayList,
    name: str = DEFAULT_FORMAT_NAME,
    static_keys: Collection[str] = (),
) -> str:
    """One label as a recall of its stored format: ``^XA^XFR:NAME.ZPL^FS`` + ``^FNn`` values.

    Field values do not depend on the resolution, so no ``dpi`` is needed; the numbers match
    :func:`zpl_stored_format` for the same display list and ``static_keys``.

    Raises:
        RenderError: as :func:`zpl_stored_format`.
    """
    path = _format_path(name)
    values = [f for f in _value_fields(display_list) if _per_label(f, static_keys)]
    body = "".join(f"^FN{n}{f.data()}^FS" for n, f in enumerate(values, start=1))
    return f"^XA^XF{path}^FS{body}^XZ"


def _value_fields(display_list: DisplayList) -> list[_Field]:
    """The variable fields, in drawing order, with their values but no geometry."""
    fields: list[_Field] = []
    for p in display_list.primitives:
        if isinstance(p, TextRun) and p.variable and p.text:
            block = p.align != "left" or p.rotation != 0
            fields.append(_Field("", p.text, block, variable=True, key=p.key))
        elif isinstance(p, Symbol) and p.variable:
            value, prefix = _symbol_value(p)
            fields.append(
                _Field("", value, False, latin1=True, prefix=prefix, variable=True, key=p.key)
            )
            hri = _hri_text(p)
            if hri:
                fields.append(_Field("", hri, True, variable=True, key=p.key))
    return fields


def zpl_static_keys(display_lists: Sequence[DisplayList]) -> frozenset[str]:
    """Keys of the ``variable`` primitives whose content is the same on every given label.

    A run's stored format can hold those (product name, GTIN, lot, expiry) and leave only what
    changes (serial, the symbol that carries it) to the per-label recall. With fewer than two
    labels nothing is proven constant, so the result is empty.
    """
    if len(display_lists) < 2:
        return frozenset()
    seen: dict[str, set[tuple[str, ...]]] = {}
    present: dict[str, int] = {}
    for dl in display_lists:
        values: dict[str, list[str]] = {}
        for f in _value_fields(dl):
            values.setdefault(f.key, []).append(f.prefix + f.value)
        for key, vals in values.items():
            seen.setdefault(key, set()).add(tuple(vals))
            present[key] = present.get(key, 0) + 1
    return frozenset(
        key
        for key, variants in seen.items()
        if len(variants) == 1 and present[key] == len(display_lists)
    )


def zpl_job(
    display_lists: Sequence[DisplayList],
    dpi: int,
    *,
    stored: bool = True,
    name: str = DEFAULT_FORMAT_NAME,
) -> str:
    """The ZPL for a run of labels: N full formats, or stored formats and one recall per label.

    With ``stored``, what all labels share is kept in the stored format
    (:func:`zpl_static_keys`) and each label is a recall. A recall is only right for a label
    whose own stored format is exactly the one on the printer (same static values, same
    fields in the same places: a value that wraps onto another line, or an empty optional
    field, changes that); so whenever a label's stored format differs from the last one sent,
    the new one is sent (``^DF`` replaces the stored copy) before its recall. The result is
    always what :func:`render_zpl` would print for every label.

    Raises:
        RenderError: as :func:`render_zpl`; or ``display_lists`` is empty.
    """
    if not display_lists:
        raise RenderError("ZPL job display_lists: empty; expected at least one label")
    if not stored:
        return "".join(render_zpl(dl, dpi) for dl in display_lists)
    static = zpl_static_keys(display_lists)
    parts: list[str] = []
    current = ""
    for dl in display_lists:
        fmt = zpl_stored_format(dl, dpi, name, static_keys=static)
        if fmt != current:
            parts.append(fmt)
            current = fmt
        parts.append(zpl_recall(dl, name, static_keys=static))
    return "".join(parts)
