"""Every registered symbology encodes with zint and decodes back, exactly, with zxing-cpp.

Two independent paths are checked: the module matrix drawn here with plain Pillow at a whole
number of pixels per module (so a bug in the PNG renderer cannot hide a bug in the encoder),
and the full PNG renderer at 203/300/600 dpi with the symbology's default X-dimension.
"""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from labelstation.errors import GS1Error, RenderError, UDIError, ValidationError
from labelstation.render.png import render_png
from labelstation.render.verify import verify_symbols
from labelstation.symbols import Encoded, encode, kinds, symbology
from labelstation.symbols.geometry import module_dots
from labelstation.template.displaylist import DisplayList, Symbol

GS = "\x1d"
GTIN = "09506000134352"

# One sample per symbology: data exactly as a scanner reports it after the identifier.
SAMPLES = {
    "gs1-datamatrix": f"01{GTIN}1727123110LOT-42{GS}21SN0001",
    "datamatrix": "Lot 42 — Ελληνικά, Кириллица, café",
    "gs1-128": f"01{GTIN}10LOT42{GS}21SN0001",
    "code128": "LabelStation 0123 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    "ean13": "9506000134352",
    "upca": "036000291452",
    "itf14": "19506000134359",
    "gs1-databar": f"01{GTIN}10LOT42{GS}21SN0001",
    "qr": "https://example.com/ü/Ω/Ж?x=1",
    "gs1-qr": f"01{GTIN}10LOT42{GS}21SN0001",
    "hibc-128": "+A123BJC5D6E71G",
    "hibc-datamatrix": "+A123BJC5D6E71G",
}

EXPECTED_IDS = {
    "gs1-datamatrix": "]d2",
    "datamatrix": "]d1",
    "gs1-128": "]C1",
    "code128": "]C0",
    "ean13": "]E0",
    "upca": "]E0",
    "itf14": "]I1",
    "gs1-databar": "]e0",
    "qr": "]Q1",
    "gs1-qr": "]Q3",
    "hibc-128": "]C0",
    "hibc-datamatrix": "]d1",
}

CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def raster(enc: Encoded, px: int = 4, quiet: int = 12, bar_modules: int = 40) -> Image.Image:
    """Draw ``enc`` with plain Pillow: ``px`` pixels per module, generous quiet zone."""
    heights = [px * (bar_modules if h == 0.0 else int(h)) for h in enc.row_heights]
    image = Image.new(
        "L", ((enc.width_modules + 2 * quiet) * px, sum(heights) + 2 * quiet * px), 255
    )
    y = quiet * px
    for runs, height in zip(enc.runs, heights, strict=True):
        for start, length in runs:
            image.paste(0, ((quiet + start) * px, y, (quiet + start + length) * px, y + height))
        y += height
    return image


def decode(image: Image.Image) -> list[tuple[str, str]]:
    return [
        (r.symbology_identifier, r.text)
        for r in zxingcpp.read_barcodes(image.convert("L"), text_mode=zxingcpp.TextMode.Plain)
    ]


def test_registry_holds_the_twelve_symbologies() -> None:
    assert set(kinds()) == set(SAMPLES)
    for kind in kinds():
        assert symbology(kind).symbology_id == EXPECTED_IDS[kind]
        assert symbology(kind).kind == kind


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_matrix_decodes_to_exact_data_and_identifier(kind: str) -> None:
    enc = encode(kind, SAMPLES[kind])
    info = symbology(kind)
    assert enc.symbology_id == EXPECTED_IDS[kind]
    assert decode(raster(enc)) == [(EXPECTED_IDS[kind], info.expected_decode(SAMPLES[kind]))]


@pytest.mark.parametrize("dpi", [203, 300, 600])
@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_png_renderer_symbol_decodes_at_every_resolution(kind: str, dpi: int) -> None:
    info = symbology(kind)
    enc = encode(kind, SAMPLES[kind])
    module = info.default_module
    printed = module_dots(module, dpi) * 25.4 / dpi  # a printer prints whole dots per module
    quiet = info.quiet_zone_modules * printed + 1.0
    w = enc.width_modules * printed + 2 * quiet
    h = (enc.height_modules * printed if enc.height_modules else 12.0) + 2 * quiet + 5
    symbol = Symbol(2, 2, w, h, kind, SAMPLES[kind], EXPECTED_IDS[kind], module=module,
                    height=12.0, quiet_zone=quiet, show_hri=not info.is_2d)  # fmt: skip
    label = DisplayList(w + 4, h + 4, (symbol,))
    image = render_png(label, dpi)
    assert decode(image) == [(EXPECTED_IDS[kind], info.expected_decode(SAMPLES[kind]))]
    report = verify_symbols(label, image, dpi)
    assert [c.status for c in report.checks] == ["ok"]
    assert report.max_delta_mm < 0.25


def test_upca_is_transmitted_as_thirteen_digits() -> None:
    assert symbology("upca").expected_decode("036000291452") == "0036000291452"
    assert symbology("ean13").expected_decode("9506000134352") == "9506000134352"


def test_databar_expanded_stacked_rows_and_decode() -> None:
    data = f"01{GTIN}10LOT42{GS}21SN0001{GS}3103001250"
    flat = encode("gs1-databar", data)
    stacked = encode("gs1-databar", data, stacked=True, columns=2)
    assert len(flat.modules) == 1
    assert flat.row_heights == (0.0,)
    assert len(stacked.modules) > 1
    # data rows are 34 modules tall, the separator rows between them 1 module
    assert set(stacked.row_heights) == {34.0, 1.0}
    assert stacked.row_heights[0] == 34.0
    assert stacked.row_heights[-1] == 34.0
    assert stacked.height_modules == sum(stacked.row_heights)
    assert decode(raster(flat)) == [("]e0", data)]
    assert decode(raster(stacked)) == [("]e0", data)]


@pytest.mark.parametrize("kind", ["gs1-datamatrix", "gs1-128", "gs1-qr"])
@pytest.mark.parametrize("chunk", range(0, len(CSET82), 20))
def test_every_cset82_character_survives_in_lot_and_serial(kind: str, chunk: int) -> None:
    lot = CSET82[chunk : chunk + 20]
    serial = CSET82[::-1][chunk : chunk + 20]
    data = f"10{lot}{GS}21{serial}"
    if kind != "gs1-128":  # GS1-128 holds 48 characters; 2D symbols also carry the GTIN
        data = f"01{GTIN}" + data
    enc = encode(kind, data)
    assert enc.hri.endswith(f"(10){lot}(21){serial}")
    assert decode(raster(enc)) == [(EXPECTED_IDS[kind], data)]


def test_cset82_constant_is_the_82_characters() -> None:
    assert len(CSET82) == len(set(CSET82)) == 82


def test_maximum_serial_and_lot_in_one_datamatrix() -> None:
    data = f"01{GTIN}17271231" + "10" + "L" * 19 + "9" + GS + "21" + "Sz" * 10
    enc = encode("gs1-datamatrix", data)
    assert enc.width_modules == enc.height_modules == 32  # 32×32: still one small square
    assert decode(raster(enc)) == [("]d2", data)]


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("datamatrix", "HELLO"),  # zint left alone would pick a 12×12 square here
        ("datamatrix", "x" * 60),
        ("gs1-datamatrix", f"01{GTIN}21A"),
        ("gs1-datamatrix", f"01{GTIN}10{'A' * 20}{GS}21{'B' * 20}"),  # longest lot and serial
        ("hibc-datamatrix", "+A123BJC5D6E71G"),
    ],
)
def test_rectangular_is_always_an_ecc200_rectangle(kind: str, data: str) -> None:
    enc = encode(kind, data, rectangular=True)
    shape = (len(enc.modules), enc.width_modules)
    assert shape in {(8, 18), (8, 32), (12, 26), (12, 36), (16, 36), (16, 48)}
    assert decode(raster(enc)) == [(enc.symbology_id, data)]


def test_rectangular_datamatrix_and_qr_error_correction_options() -> None:
    data = f"01{GTIN}21SN0001"
    square = encode("gs1-datamatrix", data)
    rect = encode("gs1-datamatrix", data, rectangular=True)
    assert square.width_modules == square.height_modules
    assert rect.width_modules > rect.height_modules
    assert decode(raster(rect)) == [("]d2", data)]
    low, high = encode("qr", "HELLO", ecc="L"), encode("qr", "HELLO" * 10, ecc="H")
    assert low.width_modules == 21
    assert high.width_modules > low.width_modules
    assert decode(raster(high)) == [("]Q1", "HELLO" * 10)]


def test_encoded_runs_cover_exactly_the_dark_modules() -> None:
    enc = encode("gs1-datamatrix", SAMPLES["gs1-datamatrix"])
    for row, runs in zip(enc.modules, enc.runs, strict=True):
        rebuilt = [False] * len(row)
        for start, length in runs:
            assert length > 0
            rebuilt[start : start + length] = [True] * length
        assert tuple(rebuilt) == row
    linear = encode("code128", "ABC")
    assert linear.bars == linear.runs[0]
    assert linear.bars[0] == (0, 2)  # Code 128 starts with a 2-module bar
    assert linear.height_modules == 0.0
    assert encode("code128", "ABC", bar_height=50).height_modules == 50.0


def test_hri_strings() -> None:
    assert encode("gs1-128", SAMPLES["gs1-128"]).hri == f"(01){GTIN}(10)LOT42(21)SN0001"
    assert encode("ean13", "9506000134352").hri == "9506000134352"
    assert encode("itf14", "19506000134359").hri == "19506000134359"
    assert encode("hibc-128", "+A123BJC5D6E71G").hri == "*+A123BJC5D6E71G*"
    assert encode("qr", "x").hri == ""


def test_encode_is_cached() -> None:
    assert encode("gs1-128", SAMPLES["gs1-128"]) is encode("gs1-128", SAMPLES["gs1-128"])


@pytest.mark.parametrize(
    ("kind", "data", "options", "error", "message"),
    [
        ("gs1-datamatrix", f"01{GTIN[:-1]}3", {}, GS1Error,
         "gs1-datamatrix data '0109506000134353': AI (01) position 14: Bad checksum '3', "
         "expected '2'"),
        ("gs1-128", f"01{GTIN}{GS}21X", {}, GS1Error,
         "GS1 element string '0109506000134352\\x1d21X': expected '010950600013435221X', "
         "with GS only after a variable-length value that is not last"),
        ("gs1-qr", f"{GS}01{GTIN}", {}, GS1Error,
         "GS1 element string '\\x1d0109506000134352': expected '0109506000134352', "
         "with GS only after a variable-length value that is not last"),
        ("gs1-qr", "0109506", {}, GS1Error,
         "gs1-qr data '0109506': Invalid data length for AI (01)"),
        ("gs1-datamatrix", "", {}, GS1Error,
         "GS1 element string '': expected at least one AI and its value"),
        ("gs1-datamatrix", f"10{GS}21X", {}, GS1Error,
         "GS1 element string '10\\x1d21X': AI (10) has an empty value"),
        ("gs1-datamatrix", f"01{GTIN}A1234", {}, GS1Error,
         "GS1 element string '0109506000134352A1234': no known AI at position 17 ('A123')"),
        ("gs1-128", "10" + "A" * 21, {}, GS1Error,
         "gs1-128 data '10AAAAAAAAAAAAAAAAAAAAA': Invalid data length for AI (10)"),
        ("gs1-datamatrix", "10AB#C", {}, GS1Error,
         "gs1-datamatrix data '10AB#C': AI (10) position 3: Invalid CSET 82 character '#'"),
        ("ean13", "9506000134353", {}, ValidationError,
         "ean13 data '9506000134353': Invalid check digit '3', expecting '2'"),
        ("ean13", "950600013435", {}, ValidationError,
         "ean13 data '950600013435': expected exactly 13 digits including the check digit"),
        ("itf14", "19506000134358", {}, ValidationError,
         "itf14 data '19506000134358': invalid check digit '8', expected '9'"),
        ("code128", "Ωmega", {}, ValidationError,
         "code128 data 'Ωmega': character 'Ω' is outside ISO 8859-1; expected Latin-1 text for "
         "a linear symbol"),
        ("datamatrix", "", {}, ValidationError,
         "datamatrix data '': expected at least one character"),
        ("datamatrix", "x" * 3200, {}, ValidationError,
         f"datamatrix data {'x' * 3200!r}: Input length 3200 too long (maximum 3116)"),
        ("hibc-128", "+A123BJC5D6E71X", {}, UDIError,
         "hibc-128 data '+A123BJC5D6E71X': invalid HIBC check character 'X', expected 'G'"),
        ("hibc-datamatrix", "A123", {}, UDIError,
         "hibc-datamatrix data 'A123': expected '+', the HIBC data and its check character"),
        ("qr", "x", {"ecc": "Z"}, ValidationError,
         "qr option 'ecc' 'Z': expected one of L, M, Q, H"),
        ("qr", "x", {"rectangular": True}, ValidationError,
         "qr option 'rectangular': not supported; expected one of: ecc"),
        ("code128", "x", {"bar_height": -1}, ValidationError,
         "code128 option 'bar_height' -1: expected a positive number of modules"),
        ("datamatrix", "x" * 100, {"rectangular": True}, ValidationError,
         f"datamatrix data {'x' * 100!r}: too long for a rectangular Data Matrix (it needs "
         "36×36 square); expected data that fits 16×48, or rectangular false"),
        ("gs1-datamatrix", f"01{GTIN}10{'A' * 20}{GS}21{'B' * 20}{GS}240{'C' * 30}",
         {"rectangular": True}, GS1Error,
         f"gs1-datamatrix data '01{GTIN}10{'A' * 20}\\x1d21{'B' * 20}\\x1d240{'C' * 30}': "
         "too long for a rectangular Data Matrix (it needs 36×36 square); expected data that "
         "fits 16×48, or rectangular false"),
        ("hibc-datamatrix", "+A123BJC5D6E71/$$3" + "Z" * 60 + "1", {"rectangular": True},
         UDIError,
         f"hibc-datamatrix data '+A123BJC5D6E71/$$3{'Z' * 60}1': too long for a rectangular "
         "Data Matrix (it needs 32×32 square); expected data that fits 16×48, or rectangular "
         "false"),
        ("datamatrix", "x", {"rectangular": "yes"}, ValidationError,
         "datamatrix option 'rectangular' 'yes': expected true or false"),
        ("gs1-databar", f"01{GTIN}", {"stacked": True, "columns": 12}, ValidationError,
         "gs1-databar option 'columns' 12: expected a whole number of segment pairs per row "
         "from 1 to 11"),
        ("gs1-databar", f"01{GTIN}", {"stacked": True, "columns": True}, ValidationError,
         "gs1-databar option 'columns' True: expected a whole number of segment pairs per row "
         "from 1 to 11"),
    ],
)  # fmt: skip
def test_refusals_name_kind_data_and_expectation(
    kind: str, data: str, options: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        encode(kind, data, **options)
    assert str(caught.value) == message


def test_unknown_symbology_is_a_render_error() -> None:
    with pytest.raises(RenderError) as caught:
        symbology("pdf417")
    assert str(caught.value) == (
        "symbology 'pdf417': not registered; expected one of code128, datamatrix, ean13, "
        "gs1-128, gs1-databar, gs1-datamatrix, gs1-qr, hibc-128, hibc-datamatrix, itf14, qr, upca"
    )


def test_latin1_text_in_code128_and_unicode_in_2d_symbols() -> None:
    assert decode(raster(encode("code128", "café Ærø ß"))) == [("]C0", "café Ærø ß")]
    text = "Ελληνικά · Кириллица · 漢字"
    assert decode(raster(encode("qr", text))) == [("]Q1", text)]
    assert decode(raster(encode("datamatrix", text))) == [("]d1", text)]


def test_data_matrix_uses_the_standards_encodation_so_a_printer_can_fill_the_size() -> None:
    """zint's optimiser packs this serial in 18×18; ISO 16022 Annex P (printers) needs 20×20."""
    from labelstation.gs1 import build

    data = build([("01", "09506000134352"), ("21", ":0a0a0a0a0")]).data
    encoded = encode("gs1-datamatrix", data)
    assert (encoded.width_modules, encoded.height_modules) == (20, 20)
