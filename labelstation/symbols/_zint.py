"""Encoders backed by zint (``zint-bindings``): content in, module matrix out.

zint does the standards work (GS1 syntax and check digits, Data Matrix/QR error correction,
Code 128 code-set optimisation); this module only prepares its input, reads the encoded module
rows back (``Symbol.encoded_data``, bit-packed rows of up to 1152 modules, least significant bit
first) and turns zint's complaints into LabelStation errors. Warnings are promoted to errors
(``WarningLevel.FAIL_ALL``): a bad check digit must stop a label, not scroll past in a log.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import zint

from labelstation.errors import GS1Error, UDIError, ValidationError
from labelstation.symbols._gs1split import bracketed, human_readable, split_element_string
from labelstation.symbols.registry import Encoded, Encoder, SymbologyInfo
from labelstation.udi.hibc import check_character

_ROW_BYTES = 144  # zint's encoded_data rows are 1152 bits wide
_QR_ECC = {"L": 1, "M": 2, "Q": 3, "H": 4}
#: zint's ``option_2`` size numbers of the six ECC 200 rectangles, smallest first
#: (8×18, 8×32, 12×26, 12×36, 16×36, 16×48; rows × columns).
_DM_RECTANGLES = (25, 26, 27, 28, 29, 30)


def _refuse(info: SymbologyInfo, data: str, exc: Exception) -> ValidationError:
    """Turn zint's ``RuntimeError('Error 261: …')`` into an error naming kind and data."""
    detail = str(exc).split(": ", 1)[-1]
    cls = GS1Error if info.is_gs1 else ValidationError
    return cls(f"{info.kind} data {data!r}: {detail}")


def _check_options(info: SymbologyInfo, options: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(options) - allowed)
    if unknown:
        expected = ", ".join(sorted(allowed)) or "none"
        raise ValidationError(
            f"{info.kind} option {unknown[0]!r}: not supported; expected one of: {expected}"
        )


def _new_symbol(symbology: zint.Symbology) -> zint.Symbol:
    symbol = zint.Symbol()
    symbol.symbology = symbology
    symbol.warn_level = zint.WarningLevel.FAIL_ALL
    symbol.show_text = False
    return symbol


def _modules(symbol: zint.Symbol) -> tuple[tuple[bool, ...], ...]:
    raw = bytes(symbol.encoded_data)
    width = symbol.width
    rows = []
    for r in range(symbol.rows):
        bits = int.from_bytes(raw[r * _ROW_BYTES : (r + 1) * _ROW_BYTES], "little")
        rows.append(tuple(bool(bits >> c & 1) for c in range(width)))
    return tuple(rows)


def _stacked_row_heights(symbol: zint.Symbol) -> tuple[float, ...]:
    """Row heights in modules of a stacked symbol, read from zint's vector output.

    ``Symbol.row_height`` is not readable through these bindings, so the row boundaries are
    taken from the y positions of the vector rectangles (2 vector units per module at scale 1).
    """
    symbol.buffer_vector()
    vector = symbol.vector
    tops = sorted({round(rect.y, 3) for rect in vector.rectangles})
    bottoms = sorted({round(rect.y + rect.height, 3) for rect in vector.rectangles})
    edges = sorted(set(tops) | {bottoms[-1]})
    heights = tuple((b - a) / 2 for a, b in itertools.pairwise(edges))
    if len(heights) != symbol.rows:
        raise ValidationError(  # pragma: no cover - zint always draws every row
            f"stacked symbol: {len(heights)} row heights for {symbol.rows} rows; expected equal"
        )
    return heights


def _linear_heights(
    info: SymbologyInfo, symbol: zint.Symbol, options: Mapping[str, Any]
) -> tuple[float, ...]:
    if symbol.rows > 1:
        return _stacked_row_heights(symbol)
    bar_height = options.get("bar_height")
    if bar_height is None:
        return (0.0,)
    if not isinstance(bar_height, int | float) or bar_height <= 0:
        raise ValidationError(
            f"{info.kind} option 'bar_height' {bar_height!r}: expected a positive number of modules"
        )
    return (float(bar_height),)


def _finish(
    info: SymbologyInfo,
    data: str,
    symbol: zint.Symbol,
    hri: str,
    options: Mapping[str, Any],
) -> Encoded:
    modules = _modules(symbol)
    heights = tuple(1.0 for _ in modules) if info.is_2d else _linear_heights(info, symbol, options)
    return Encoded(
        kind=info.kind,
        data=data,
        modules=modules,
        row_heights=heights,
        symbology_id=info.symbology_id,
        hri=hri,
        is_2d=info.is_2d,
        quiet_zone_modules=info.quiet_zone_modules,
    )


def _encode(info: SymbologyInfo, data: str, symbol: zint.Symbol, text: str) -> None:
    try:
        symbol.encode(text)
    except RuntimeError as exc:
        raise _refuse(info, data, exc) from None


def encode_gs1(symbology: zint.Symbology, allowed: set[str]) -> Encoder:
    """Build an encoder for a GS1 symbology (data = element string with GS separators)."""

    def _encoder(info: SymbologyInfo, data: str, options: Mapping[str, Any]) -> Encoded:
        _check_options(info, options, allowed)
        pairs = split_element_string(data)
        symbol = _new_symbol(symbology)
        if options.get("stacked"):
            symbol.symbology = zint.Symbology.DBAR_EXPSTK
            columns = options.get("columns")
            if columns is not None:
                if (
                    isinstance(columns, bool)
                    or not isinstance(columns, int)
                    or not (1 <= columns <= 11)
                ):
                    raise ValidationError(
                        f"{info.kind} option 'columns' {columns!r}: expected a whole number "
                        "of segment pairs per row from 1 to 11"
                    )
                symbol.option_2 = columns
        symbol.input_mode = zint.InputMode.GS1
        _apply_2d_options(info, symbol, options)
        text = bracketed(pairs)
        _encode(info, data, symbol, text)
        if options.get("rectangular", False):
            symbol = _rectangle(info, data, symbol, text)
        return _finish(info, data, symbol, human_readable(pairs), options)

    return _encoder


def _apply_2d_options(info: SymbologyInfo, symbol: zint.Symbol, options: Mapping[str, Any]) -> None:
    """Set zint's Data Matrix shape and encodation and QR error correction from ``options``.

    Data Matrix is always encoded square here (the data is checked on the square symbol first,
    so zint's own message names a data fault); :func:`_rectangle` then re-encodes it in the
    smallest ECC 200 rectangle when ``rectangular`` is set, because zint left to itself picks
    whichever of square or rectangle is smaller, and a template that asks for a rectangle
    (a narrow carton flap) must get one.
    """
    if "DataMatrix" in info.zxing_formats:
        rectangular = options.get("rectangular", False)
        if not isinstance(rectangular, bool):
            raise ValidationError(
                f"{info.kind} option 'rectangular' {rectangular!r}: expected true or false"
            )
        symbol.option_3 = zint.DataMatrixOptions.SQUARE
        # ISO/IEC 16022 Annex P encodation, not zint's own optimiser: it is what printers' ^BX
        # firmware follows, so the size we draw (and send as columns × rows) is one a printer
        # can fill; zint's tighter packing can pick a size a printer then refuses.
        symbol.input_mode = symbol.input_mode | zint.InputMode.FAST
    elif "QRCode" in info.zxing_formats:
        ecc = options.get("ecc", "M")
        if ecc not in _QR_ECC:
            raise ValidationError(f"{info.kind} option 'ecc' {ecc!r}: expected one of L, M, Q, H")
        symbol.option_1 = _QR_ECC[ecc]


def _rectangle(info: SymbologyInfo, data: str, square: zint.Symbol, text: str) -> zint.Symbol:
    """Re-encode ``square``'s input in the smallest ECC 200 rectangle that holds it.

    Raises:
        ValidationError: the data is too long for the largest rectangle (16×48), naming the
            kind, the data and the square size it needs.
    """
    for size in _DM_RECTANGLES:
        symbol = _new_symbol(square.symbology)
        symbol.input_mode = square.input_mode
        symbol.eci = square.eci
        symbol.option_2 = size
        try:
            symbol.encode(text)
        except RuntimeError:
            continue  # does not fit this rectangle: try the next larger one
        return symbol
    cls = (
        GS1Error
        if info.is_gs1
        else (UDIError if info.kind.startswith("hibc-") else ValidationError)
    )
    raise cls(
        f"{info.kind} data {data!r}: too long for a rectangular Data Matrix (it needs "
        f"{square.rows}×{square.width} square); expected data that fits 16×48, or "
        "rectangular false"
    )


def encode_text(symbology: zint.Symbology, allowed: set[str]) -> Encoder:
    """Build an encoder for a non-GS1 symbology that carries arbitrary text."""

    def _encoder(info: SymbologyInfo, data: str, options: Mapping[str, Any]) -> Encoded:
        _check_options(info, options, allowed)
        if not data:
            raise ValidationError(f"{info.kind} data '': expected at least one character")
        symbol = _new_symbol(symbology)
        symbol.input_mode = zint.InputMode.UNICODE
        if any(ord(ch) > 0xFF for ch in data):
            if not info.is_2d:
                raise ValidationError(
                    f"{info.kind} data {data!r}: character {_first_wide(data)!r} is outside "
                    "ISO 8859-1; expected Latin-1 text for a linear symbol"
                )
            symbol.eci = 26  # UTF-8, announced so every reader decodes the same text
        _apply_2d_options(info, symbol, options)
        _encode(info, data, symbol, data)
        if options.get("rectangular", False):
            symbol = _rectangle(info, data, symbol, data)
        return _finish(info, data, symbol, "" if info.is_2d else data, options)

    return _encoder


def _first_wide(data: str) -> str:
    return next(ch for ch in data if ord(ch) > 0xFF)


def encode_digits(symbology: zint.Symbology, length: int, zint_length: int) -> Encoder:
    """Build an encoder for a fixed-length numeric retail/logistics symbol with check digit.

    ``data`` carries the check digit (as scanned). zint is given ``zint_length`` digits: when
    it wants the data without the check digit, it computes the digit and the result is
    compared with the one given, so a wrong check digit is refused, never silently fixed.
    """

    def _encoder(info: SymbologyInfo, data: str, options: Mapping[str, Any]) -> Encoded:
        _check_options(info, options, {"bar_height"})
        if len(data) != length or not data.isascii() or not data.isdigit():
            raise ValidationError(
                f"{info.kind} data {data!r}: expected exactly {length} digits "
                "including the check digit"
            )
        symbol = _new_symbol(symbology)
        _encode(info, data, symbol, data[:zint_length])
        text = symbol.text.replace(" ", "")
        if text != data:
            raise ValidationError(
                f"{info.kind} data {data!r}: invalid check digit {data[-1]!r}, "
                f"expected {text[-1]!r}"
            )
        return _finish(info, data, symbol, data, options)

    return _encoder


def encode_hibc(symbology: zint.Symbology) -> Encoder:
    """Build an encoder for HIBC LIC/PAS data given as scanned: ``+``, data, check character.

    The check character is verified with :func:`labelstation.udi.hibc.check_character`, so a
    wrong one is refused; zint is then given the data between ``+`` and the check character
    and adds both itself (``HIBC_128``/``HIBC_DM``), which decodes to exactly ``data``.
    """

    def _encoder(info: SymbologyInfo, data: str, options: Mapping[str, Any]) -> Encoded:
        allowed = {"rectangular"} if info.is_2d else {"bar_height"}
        _check_options(info, options, allowed)
        if len(data) < 3 or not data.startswith("+"):
            raise UDIError(
                f"{info.kind} data {data!r}: expected '+', the HIBC data and its check character"
            )
        expected = check_character(data[:-1])
        if data[-1] != expected:
            raise UDIError(
                f"{info.kind} data {data!r}: invalid HIBC check character {data[-1]!r}, "
                f"expected {expected!r}"
            )
        symbol = _new_symbol(symbology)
        _apply_2d_options(info, symbol, options)
        _encode(info, data, symbol, data[1:-1])
        if options.get("rectangular", False):
            symbol = _rectangle(info, data, symbol, data[1:-1])
        return _finish(info, data, symbol, "" if info.is_2d else f"*{data}*", options)

    return _encoder
