"""The ``data`` contract against real symbols: zint encodes, zxing-cpp decodes, we parse.

``ElementString.data`` promises to equal what a scanner reports after the symbology identifier.
Here that is checked with real barcodes rather than assumed.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import zint
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from labelstation.gs1 import ElementString, build, parse
from labelstation.gs1.checkdigit import CSET82

TODAY = dt.date(2026, 11, 25)
GTIN = "09506000134352"


def scan(es: ElementString, symbology: zint.Symbology) -> tuple[str, bytes]:
    """Encode ``es`` with zint in GS1 mode, decode the PNG with zxing-cpp."""
    symbol = zint.Symbol()
    symbol.symbology = symbology
    symbol.input_mode = zint.InputMode.GS1
    symbol.warn_level = zint.WarningLevel.FAIL_ALL
    symbol.scale = 3
    symbol.whitespace_width = 10
    symbol.output_options = zint.OutputOptions.BARCODE_MEMORY_FILE
    symbol.outfile = "symbol.png"
    symbol.encode("".join(f"[{e.ai}]{e.value}" for e in es))
    symbol.print()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(bytes(symbol.memfile))))
    assert len(found) == 1
    return found[0].symbology_identifier, found[0].bytes


@pytest.mark.parametrize(
    ("symbology", "identifier"),
    [
        (zint.Symbology.DATAMATRIX, "]d2"),
        (zint.Symbology.GS1_128, "]C1"),
        (zint.Symbology.QRCODE, "]Q3"),
    ],
)
def test_scanner_reports_exactly_data(symbology: zint.Symbology, identifier: str) -> None:
    es = build([("01", GTIN), ("17", "271231"), ("10", "A(B)%/?"), ("21", "SN0001")], today=TODAY)
    sym_id, raw = scan(es, symbology)
    assert sym_id == identifier
    assert raw.decode("ascii") == es.data
    assert parse(sym_id + raw.decode("ascii"), today=TODAY).element_string == es


@settings(max_examples=25, deadline=None)
@given(
    lot=st.text(CSET82, min_size=1, max_size=20),
    serial=st.text(CSET82, min_size=1, max_size=20),
    expiry=st.dates(dt.date(2000, 1, 1), dt.date(2049, 12, 31)),
)
def test_datamatrix_round_trip_with_any_cset82(lot: str, serial: str, expiry: dt.date) -> None:
    es = build(
        [("01", GTIN), ("10", lot), ("21", serial), ("17", expiry.strftime("%y%m%d"))],
        today=TODAY,
    )
    sym_id, raw = scan(es, zint.Symbology.DATAMATRIX)
    result = parse(sym_id + raw.decode("ascii"), today=TODAY)
    assert result.symbology == "]d2"
    assert result.element_string == es
