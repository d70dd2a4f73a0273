"""Symbol encoders: one registry of symbologies that turn content into modules and bars.

Layout uses them to size a symbol; every renderer draws what they return (the glabels
glbarcode pattern), so the PDF, the PNG and the verifier agree on one encoding.

>>> enc = encode("gs1-datamatrix", "010950600013435221ABC")
>>> enc.symbology_id, enc.width_modules, enc.height_modules, enc.hri
(']d2', 18, 18.0, '(01)09506000134352(21)ABC')
>>> symbology("gs1-128").quiet_zone_modules
10
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import zint

from labelstation.symbols import _zint
from labelstation.symbols.registry import (
    Encoded,
    SymbologyInfo,
    encoder,
    kinds,
    register,
    symbology,
)

__all__ = ["Encoded", "SymbologyInfo", "encode", "kinds", "register", "symbology"]


def _info(
    kind: str,
    name: str,
    sid: str,
    formats: tuple[str, ...],
    *,
    is_2d: bool,
    gs1: bool,
    module: float,
    quiet: int,
    prefix: str = "",
) -> SymbologyInfo:
    return SymbologyInfo(kind, name, is_2d, gs1, module, quiet, sid, formats, prefix)


def _register_builtins() -> None:
    s = zint.Symbology
    dm, qr, bar = {"rectangular"}, {"ecc"}, {"bar_height"}
    dm_fmt, qr_fmt, c128 = ("DataMatrix",), ("QRCode",), ("Code128",)
    register(
        _info(
            "gs1-datamatrix",
            "GS1 DataMatrix",
            "]d2",
            dm_fmt,
            is_2d=True,
            gs1=True,
            module=0.5,
            quiet=1,
        ),
        _zint.encode_gs1(s.DATAMATRIX, dm),
    )
    register(
        _info(
            "datamatrix", "Data Matrix", "]d1", dm_fmt, is_2d=True, gs1=False, module=0.5, quiet=1
        ),
        _zint.encode_text(s.DATAMATRIX, dm),
    )
    register(
        _info("gs1-128", "GS1-128", "]C1", c128, is_2d=False, gs1=True, module=0.33, quiet=10),
        _zint.encode_gs1(s.GS1_128, bar),
    )
    register(
        _info("code128", "Code 128", "]C0", c128, is_2d=False, gs1=False, module=0.33, quiet=10),
        _zint.encode_text(s.CODE128, bar),
    )
    register(
        _info("ean13", "EAN-13", "]E0", ("EAN13",), is_2d=False, gs1=False, module=0.33, quiet=11),
        _zint.encode_digits(s.EANX, 13, 13),
    )
    register(
        _info(
            "upca",
            "UPC-A",
            "]E0",
            ("UPCA", "EAN13"),
            is_2d=False,
            gs1=False,
            module=0.33,
            quiet=9,
            prefix="0",
        ),
        _zint.encode_digits(s.UPCA, 12, 12),
    )
    register(
        _info(
            "itf14",
            "ITF-14",
            "]I1",
            ("ITF", "ITF14"),
            is_2d=False,
            gs1=False,
            module=0.495,
            quiet=10,
        ),
        _zint.encode_digits(s.ITF14, 14, 13),
    )
    register(
        _info(
            "gs1-databar",
            "GS1 DataBar Expanded (Stacked)",
            "]e0",
            ("DataBarExp", "DataBarExpStk"),
            is_2d=False,
            gs1=True,
            module=0.33,
            quiet=1,
        ),
        _zint.encode_gs1(s.DBAR_EXP, {"stacked", "columns", "bar_height"}),
    )
    register(
        _info("qr", "QR Code", "]Q1", qr_fmt, is_2d=True, gs1=False, module=0.5, quiet=4),
        _zint.encode_text(s.QRCODE, qr),
    )
    register(
        _info("gs1-qr", "GS1 QR Code", "]Q3", qr_fmt, is_2d=True, gs1=True, module=0.5, quiet=4),
        _zint.encode_gs1(s.QRCODE, qr),
    )
    register(
        _info(
            "hibc-128",
            "HIBC LIC/PAS Code 128",
            "]C0",
            c128,
            is_2d=False,
            gs1=False,
            module=0.33,
            quiet=10,
        ),
        _zint.encode_hibc(s.HIBC_128),
    )
    register(
        _info(
            "hibc-datamatrix",
            "HIBC LIC/PAS Data Matrix",
            "]d1",
            dm_fmt,
            is_2d=True,
            gs1=False,
            module=0.5,
            quiet=1,
        ),
        _zint.encode_hibc(s.HIBC_DM),
    )


_register_builtins()


@lru_cache(maxsize=4096)
def _encode_cached(kind: str, data: str, options: tuple[tuple[str, Any], ...]) -> Encoded:
    return encoder(kind)(symbology(kind), data, dict(options))


def encode(kind: str, data: str, **options: Any) -> Encoded:
    """Encode ``data`` as symbology ``kind`` into modules.

    Results are cached (bounded LRU, 4096 entries) by kind, data and options: a static symbol
    on a 1,000-label run is encoded once, and serialised ones cost one zint call each.

    Args:
        kind: a registered symbology id (see :func:`kinds`).
        data: exactly what a scanner reports after the symbology identifier: for GS1 kinds the
            element string with GS separators and no leading FNC1; for EAN-13/UPC-A/ITF-14 the
            digits with their check digit; for HIBC kinds ``+``, the data and the check
            character; otherwise the text.
        **options: ``rectangular`` (Data Matrix), ``ecc`` (QR: L/M/Q/H), ``stacked`` and
            ``columns`` (DataBar Expanded Stacked), ``bar_height`` (1D, in modules).

    Raises:
        RenderError: ``kind`` is not registered.
        ValidationError: the data or an option is refused (GS1Error for GS1 data, UDIError
            for HIBC data), with a message naming the kind, the data and what was expected.
    """
    return _encode_cached(kind, data, tuple(sorted(options.items())))
