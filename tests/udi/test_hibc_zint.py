"""HIBC symbols drawn by zint decode (zxing-cpp) to exactly the UDI's data, and parse back."""

from __future__ import annotations

import io

import pytest
import zint
import zxingcpp
from hibc_strategies import udis
from hypothesis import HealthCheck, given, settings
from PIL import Image

from labelstation.udi import HibcUdi, build, build_primary, build_secondary, parse
from labelstation.udi.hibc import strip_wrapping

HIBC_SYMBOLOGIES = [
    zint.Symbology.HIBC_128,
    zint.Symbology.HIBC_DM,
    zint.Symbology.HIBC_39,
    zint.Symbology.HIBC_QR,
    zint.Symbology.HIBC_AZTEC,
]


def _draw_and_decode(symbology: zint.Symbology, payload: str) -> tuple[str, str]:
    """Encode ``payload`` with zint's HIBC symbology, decode the PNG.

    Returns the AIM identifier and the data as HIBC characters (zxing-cpp reads Code 39 in Full
    ASCII whenever the data allows, ``]A5``; :func:`strip_wrapping` restores the pairs).
    """
    symbol = zint.Symbol()
    symbol.symbology = symbology
    symbol.scale = 2
    symbol.warn_level = zint.WarningLevel.FAIL_ALL
    symbol.output_options = (
        zint.OutputOptions.BARCODE_MEMORY_FILE | zint.OutputOptions.BARCODE_QUIET_ZONES
    )
    symbol.outfile = "mem.png"
    symbol.encode(payload)
    symbol.print()
    image = Image.open(io.BytesIO(bytes(symbol.memfile or b"")))
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    identifier, text = results[0].symbology_identifier, results[0].text
    data, stripped = strip_wrapping(identifier + text)
    assert not stripped
    return identifier, data


@pytest.mark.parametrize("symbology", HIBC_SYMBOLOGIES, ids=lambda s: s.name)
def test_zint_adds_plus_and_check_character(symbology: zint.Symbology) -> None:
    udi = build(
        build_primary("A123", "BJCMD6E7", 9),
        build_secondary(lot="10X3", quantity=24, expiry_format="none"),
    )
    identifier, text = _draw_and_decode(symbology, udi.encoder_payload())
    assert text == udi.data
    assert parse(identifier + text) == udi


def test_separate_symbols_decode_and_join() -> None:
    udi = build(build_primary("A123", "BJCMD6E7", 9), build_secondary(serial="SN1"), False)
    decoded = [_draw_and_decode(zint.Symbology.HIBC_128, p) for p in udi.encoder_payloads()]
    assert [text for _, text in decoded] == list(udi.symbols)
    assert parse("".join(text for _, text in decoded)) == udi


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(udis)
def test_every_form_survives_hibc_datamatrix(udi: HibcUdi) -> None:
    texts = [_draw_and_decode(zint.Symbology.HIBC_DM, p)[1] for p in udi.encoder_payloads()]
    assert texts == list(udi.symbols)
    assert parse("".join(texts)) == udi


@pytest.mark.parametrize("symbology", HIBC_SYMBOLOGIES, ids=lambda s: s.name)
def test_space_and_plus_check_characters_survive(symbology: zint.Symbology) -> None:
    # Primary check character '+', secondary check character ' ' (printed '_' in the caption).
    udi = parse("+A123BJCMD6E79++$$52001510X3+ ")
    texts = [_draw_and_decode(symbology, p)[1] for p in udi.encoder_payloads()]
    assert texts == ["+A123BJCMD6E79+", "+$$52001510X3+ "]
    assert parse("".join(texts)) == udi


def test_code39_full_ascii_reading_is_undone() -> None:
    # zxing-cpp reports this HIBC 39 symbol as ]A5 'a123BJC5D6E71G': `+A` read as `a`.
    assert parse("]A5a123BJC5D6E71G") == parse("+A123BJC5D6E71G")
    assert parse("]A7a123BJC5D6E71") == parse("+A123BJC5D6E71G")
    assert parse("]A4a123BJC5D6E71G") == parse("+A123BJC5D6E71G")
