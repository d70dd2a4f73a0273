"""Properties: any CSET 82 lot and serial of any legal length comes back unchanged."""

from __future__ import annotations

import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from labelstation.errors import GS1Error
from labelstation.symbols import Encoded, encode
from labelstation.symbols._gs1split import bracketed, human_readable, split_element_string

GS = "\x1d"
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
x_values = st.text(alphabet=CSET82, min_size=1, max_size=20)


def _raster(enc: Encoded, px: int = 3) -> Image.Image:
    quiet = 6
    size = ((enc.width_modules + 2 * quiet) * px, (len(enc.modules) + 2 * quiet) * px)
    image = Image.new("L", size, 255)
    for r, runs in enumerate(enc.runs):
        for start, length in runs:
            box = ((quiet + start) * px, (quiet + r) * px, (quiet + start + length) * px,
                   (quiet + r + 1) * px)  # fmt: skip
            image.paste(0, box)
    return image


@settings(max_examples=40, deadline=None)
@given(lot=x_values, serial=x_values, kind=st.sampled_from(["gs1-datamatrix", "gs1-qr"]))
def test_any_lot_and_serial_round_trip(lot: str, serial: str, kind: str) -> None:
    data = f"0109506000134352{'10'}{lot}{GS}21{serial}"
    enc = encode(kind, data)
    got = zxingcpp.read_barcodes(_raster(enc), text_mode=zxingcpp.TextMode.Plain)
    assert [(r.symbology_identifier, r.text) for r in got] == [(enc.symbology_id, data)]


@given(
    lot=x_values, serial=x_values, expiry=st.from_regex(r"\A[0-9]{2}(0[1-9]|1[0-2])[0-2][0-9]\Z")
)
def test_split_and_rejoin_are_inverse(lot: str, serial: str, expiry: str) -> None:
    data = f"010950600013435217{expiry}10{lot}{GS}21{serial}"
    pairs = split_element_string(data)
    assert pairs == (("01", "09506000134352"), ("17", expiry), ("10", lot), ("21", serial))
    assert bracketed(pairs) == f"[01]09506000134352[17]{expiry}[10]{lot}[21]{serial}"
    assert human_readable(pairs) == f"(01)09506000134352(17){expiry}(10){lot}(21){serial}"


def test_four_digit_and_variable_ais_split() -> None:
    data = f"0109506000134352310300125010ABC{GS}8006095060001343520102{GS}422528"
    assert split_element_string(data) == (
        ("01", "09506000134352"),
        ("3103", "001250"),
        ("10", "ABC"),
        ("8006", "095060001343520102"),
        ("422", "528"),
    )


@settings(max_examples=40, deadline=None)
@given(lot=x_values, serial=x_values)
def test_any_lot_and_serial_in_a_rectangular_datamatrix(lot: str, serial: str) -> None:
    """A rectangle reads back unchanged, or (punctuation costs codewords) is refused precisely.

    Never a square in disguise: ``rectangular`` gives an ECC 200 rectangle or a GS1Error that
    names the square the data needs.
    """
    data = f"0109506000134352{'10'}{lot}{GS}21{serial}"
    square = encode("gs1-datamatrix", data)
    refusal = ""
    try:
        enc = encode("gs1-datamatrix", data, rectangular=True)
    except GS1Error as exc:
        refusal = str(exc)
    if refusal:
        assert refusal == (
            f"gs1-datamatrix data {data!r}: too long for a rectangular Data Matrix (it needs "
            f"{len(square.modules)}×{square.width_modules} square); expected data that fits "
            "16×48, or rectangular false"
        )
        assert len(square.modules) >= 20  # 18×18 holds less than 16×48 (49 codewords)
        return
    assert len(enc.modules) in (8, 12, 16)
    assert enc.width_modules > 2 * len(enc.modules)
    got = zxingcpp.read_barcodes(_raster(enc), text_mode=zxingcpp.TextMode.Plain)
    assert [(r.symbology_identifier, r.text) for r in got] == [("]d2", data)]
