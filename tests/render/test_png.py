"""The 1-bit PNG preview: exact size, dot-snapped geometry, real glyphs, decodable symbols."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image as PILImage

from labelstation.errors import RenderError
from labelstation.render.png import png_bytes, render_png
from labelstation.symbols import encode
from labelstation.symbols.geometry import module_dots
from labelstation.template.displaylist import (
    Box,
    DisplayList,
    Ellipse,
    Image,
    Line,
    Primitive,
    Symbol,
    TextRun,
)
from labelstation.template.text import text_width_mm
from labelstation.units import mm_to_dots

GS = "\x1d"
DM_DATA = f"0109506000134352{'10'}LOT-42{GS}21SN0001"


def _label(*primitives: Primitive, w: float = 60.0, h: float = 30.0) -> DisplayList:
    return DisplayList(w, h, tuple(primitives))


def _ink(image: PILImage.Image) -> tuple[int, int, int, int] | None:
    """Bounding box (x0, y0, x1 exclusive, y1 exclusive) of the black pixels."""
    return PILImage.eval(image.convert("L"), lambda v: 255 - v).getbbox()


def _black(image: PILImage.Image, x: int, y: int) -> bool:
    return image.getpixel((x, y)) == 0


@pytest.mark.parametrize(
    ("dpi", "size"), [(203, (799, 400)), (300, (1181, 591)), (600, (2362, 1181))]
)
def test_image_is_exactly_the_stock_at_dpi_and_one_bit(dpi: int, size: tuple[int, int]) -> None:
    image = render_png(_label(w=100.0, h=50.0), dpi)
    assert image.size == size
    assert image.mode == "1"
    assert image.info["dpi"] == (dpi, dpi)
    assert _ink(image) is None  # an empty label is blank paper


def test_png_bytes_is_a_png_with_its_resolution() -> None:
    data = png_bytes(_label(Box(1, 1, 10, 10)), 300)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with PILImage.open(io.BytesIO(data)) as image:
        assert image.size == (mm_to_dots(60, 300), mm_to_dots(30, 300))
        assert image.mode == "1"
        assert tuple(round(v) for v in image.info["dpi"]) == (300, 300)


def test_dpi_defaults_to_the_display_list() -> None:
    assert render_png(DisplayList(25.4, 25.4, (), dpi=203)).size == (203, 203)


def test_box_outline_lies_inside_its_box_with_its_stroke_in_dots() -> None:
    image = render_png(_label(Box(10, 5, 20, 10, stroke=0.5)), 300)  # 0.5 mm = 6 dots
    x0, y0 = mm_to_dots(10, 300), mm_to_dots(5, 300)
    x1, y1 = mm_to_dots(30, 300), mm_to_dots(15, 300)
    assert _ink(image) == (x0, y0, x1, y1)
    row = [_black(image, x, y0 + 30) for x in range(x0, x0 + 8)]
    assert row == [True] * 6 + [False] * 2
    assert not _black(image, (x0 + x1) // 2, (y0 + y1) // 2)


def test_filled_and_rounded_boxes() -> None:
    image = render_png(_label(Box(10, 5, 20, 10, fill=True, radius=3)), 300)
    x0, y0 = mm_to_dots(10, 300), mm_to_dots(5, 300)
    assert _black(image, x0 + 60, y0 + 60)
    assert not _black(image, x0, y0)  # the corner is rounded away
    assert _black(image, x0 + 60, y0)


def test_lines_have_exact_thickness_and_extent() -> None:
    image = render_png(
        _label(Line(5, 10, 45, 10, stroke=0.254), Line(50, 2, 50, 28, stroke=1)), 300
    )
    ink = _ink(render_png(_label(Line(5, 10, 45, 10, stroke=0.254)), 300))
    assert ink is not None
    assert (ink[0], ink[2], ink[3] - ink[1]) == (mm_to_dots(5, 300), mm_to_dots(45, 300), 3)
    assert abs((ink[1] + ink[3]) / 2 - mm_to_dots(10, 300)) <= 1  # centred on the line
    column = [_black(image, 300, y) for y in range(110, 126)]
    assert sum(column) == 3  # 0.254 mm at 300 dpi
    row = [_black(image, x, 150) for x in range(580, 610)]
    assert sum(row) == 12  # 1 mm at 300 dpi is 11.8 dots, edges snapped independently
    diagonal = render_png(_label(Line(5, 5, 25, 25, stroke=0.3)), 300)
    assert _black(diagonal, mm_to_dots(15, 300), mm_to_dots(15, 300))


def test_ellipse_outline_and_fill() -> None:
    image = render_png(_label(Ellipse(10, 5, 20, 10, stroke=0.3)), 300)
    cx, cy = mm_to_dots(20, 300), mm_to_dots(10, 300)
    assert not _black(image, cx, cy)
    assert _black(image, mm_to_dots(10, 300) + 1, cy)
    filled = render_png(_label(Ellipse(10, 5, 20, 10, fill=True)), 300)
    assert _black(filled, cx, cy)
    assert not _black(filled, mm_to_dots(10, 300) + 1, mm_to_dots(5, 300) + 1)


def _text_ink(
    text: str, w: float = 50, **kw: object
) -> tuple[PILImage.Image, tuple[int, int, int, int] | None]:
    run = TextRun(5, 5, w, text, 12, **kw)  # type: ignore[arg-type]
    image = render_png(_label(run), 300)
    return image, _ink(image)


@pytest.mark.parametrize("text", ["Ελληνικά", "Кириллица", "café déjà vu", "Łódź ŠŽ ÆØÅ ß"])
def test_unicode_text_draws_real_glyphs_inside_its_box(text: str) -> None:
    image, ink = _text_ink(text)
    assert ink is not None
    x0, y0, x1, y1 = ink
    width = mm_to_dots(text_width_mm(text, "sans", False, 12), 300)
    assert mm_to_dots(5, 300) <= x0 <= mm_to_dots(5, 300) + 5
    assert abs((x1 - x0) - width) <= 8  # the ink spans the measured advance (minus bearings)
    assert y0 >= mm_to_dots(5, 300)
    assert y1 <= mm_to_dots(5 + 12 * 25.4 / 72 * 1.2, 300)
    # each glyph differs from the font's "missing glyph" box: the font really covers it
    missing = _text_ink("\U0001d400" * len(text))[0]
    assert image.tobytes() != missing.tobytes()


def test_text_is_thermal_black_and_white_and_bold_is_heavier() -> None:
    regular, _ = _text_ink("LOT 42")
    bold, _ = _text_ink("LOT 42", bold=True)
    assert set(regular.convert("L").tobytes()) == {0, 255}
    black = [im.convert("L").histogram()[0] for im in (regular, bold)]
    assert black[1] > black[0] * 1.2


@pytest.mark.parametrize("align", ["left", "center", "right"])
def test_alignment_within_the_run_width(align: str) -> None:
    _, ink = _text_ink("MMM", align=align)
    assert ink is not None
    left, right = mm_to_dots(5, 300), mm_to_dots(55, 300)
    if align == "left":
        assert abs(ink[0] - left) <= 6
    elif align == "right":
        assert abs(ink[2] - right) <= 6
    else:
        assert abs((ink[0] + ink[2]) / 2 - (left + right) / 2) <= 4


def test_rotated_text_keeps_its_top_left_and_turns_clockwise() -> None:
    _, upright = _text_ink("Rotate", w=0)
    for rotation in (90, 180, 270):
        _, ink = _text_ink("Rotate", w=0, rotation=rotation)
        assert upright is not None
        assert ink is not None
        w, h = upright[2] - upright[0], upright[3] - upright[1]
        if rotation == 180:
            assert (ink[2] - ink[0], ink[3] - ink[1]) == (w, h)
        else:
            assert (ink[2] - ink[0], ink[3] - ink[1]) == (h, w)
        assert ink[0] >= mm_to_dots(5, 300) - 1
        assert ink[1] >= mm_to_dots(5, 300) - 1


def test_empty_text_draws_nothing() -> None:
    assert _ink(render_png(_label(TextRun(5, 5, 50, "", 12)), 300)) is None


@pytest.mark.parametrize("dpi", [203, 300, 600])
def test_datamatrix_modules_are_whole_dots_at_the_snapped_position(dpi: int) -> None:
    enc = encode("gs1-datamatrix", DM_DATA)
    symbol = Symbol(10.3, 4.7, 12, 12, "gs1-datamatrix", DM_DATA, "]d2", module=0.42,
                    quiet_zone=0.42)  # fmt: skip
    image = render_png(_label(symbol), dpi)
    m = module_dots(0.42, dpi)
    x0, y0 = (
        mm_to_dots(10.3, dpi) + mm_to_dots(0.42, dpi),
        mm_to_dots(4.7, dpi) + mm_to_dots(0.42, dpi),
    )
    size = enc.width_modules * m
    assert _ink(image) == (x0, y0, x0 + size, y0 + size)
    # the solid "L" finder: the left column and the bottom row are dark end to end
    assert all(_black(image, x0, y) for y in range(y0, y0 + size))
    assert all(_black(image, x, y0 + size - 1) for x in range(x0, x0 + size))
    # each module is m × m dots of one colour
    for row in range(enc.height_modules.__int__()):
        for col in range(enc.width_modules):
            assert (
                _black(image, x0 + col * m + m // 2, y0 + row * m + m // 2) == enc.modules[row][col]
            )
    got = zxingcpp.read_barcodes(image.convert("L"), text_mode=zxingcpp.TextMode.Plain)
    assert [(r.symbology_identifier, r.text) for r in got] == [("]d2", DM_DATA)]


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotated_linear_symbol_decodes_and_occupies_its_rotated_box(rotation: int) -> None:
    data = f"0109506000134352{'21'}SN0001"
    enc = encode("gs1-128", data)
    w, h = enc.width_modules * 0.254 + 6, 14.0
    box = (w, h) if rotation in (0, 180) else (h, w)
    symbol = Symbol(3, 3, *box, kind="gs1-128", data=data, symbology_id="]C1", module=0.254,
                    height=10, quiet_zone=3, show_hri=True, rotation=rotation)  # type: ignore[arg-type,misc]  # fmt: skip
    image = render_png(_label(symbol, w=80, h=80), 300)
    ink = _ink(image)
    assert ink is not None
    assert ink[0] >= mm_to_dots(3, 300)
    assert ink[1] >= mm_to_dots(3, 300)
    assert ink[2] <= mm_to_dots(3 + box[0], 300)
    assert ink[3] <= mm_to_dots(3 + box[1], 300)
    got = zxingcpp.read_barcodes(image.convert("L"), text_mode=zxingcpp.TextMode.Plain)
    assert [(r.symbology_identifier, r.text) for r in got] == [("]C1", data)]


def test_hri_under_linear_bars_only_when_asked() -> None:
    data = "9506000134352"
    base = Symbol(5, 5, 40, 20, "ean13", data, "]E0", module=0.33, height=10, quiet_zone=4)
    bars_bottom = mm_to_dots(5, 300) + mm_to_dots(10, 300)
    without = render_png(_label(base), 300)
    with_hri = render_png(_label(Symbol(**{**base.__dict__, "show_hri": True})), 300)
    assert _ink(without) is not None
    assert _ink(without)[3] == bars_bottom  # type: ignore[index]
    ink = _ink(with_hri)
    assert ink is not None
    assert ink[3] > bars_bottom + 10  # a line of digits under the bars


def test_png_image_is_fitted_and_thresholded(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "logo.png"
    logo = PILImage.new("RGBA", (100, 50), (0, 0, 0, 0))
    logo.paste((30, 30, 30, 255), (0, 0, 50, 50))  # dark left half, transparent right half
    logo.save(path)
    image = render_png(_label(Image(10, 5, 20, 20, str(path))), 300)
    assert set(image.convert("L").tobytes()) == {0, 255}
    ink = _ink(image)
    # 2:1 logo fitted into a 20×20 mm box: 20×10 mm, centred vertically; dark half is 10×10 mm
    assert ink is not None
    assert abs(ink[0] - mm_to_dots(10, 300)) <= 1
    assert abs(ink[1] - mm_to_dots(10, 300)) <= 1
    assert abs(ink[2] - mm_to_dots(20, 300)) <= 1
    assert abs(ink[3] - mm_to_dots(20, 300)) <= 1


def test_missing_image_names_the_primitive() -> None:
    with pytest.raises(RenderError) as caught:
        render_png(_label(Image(1, 1, 5, 5, "icons/nope.png", key="logo")), 300)
    assert str(caught.value).startswith("primitive 0 (Image key='logo'): resource 'icons/nope.png'")


def test_refused_symbol_data_names_the_primitive() -> None:
    symbol = Symbol(1, 1, 10, 10, "gs1-datamatrix", "0109506000134353", "]d2", key="gtin")
    with pytest.raises(RenderError) as caught:
        render_png(_label(symbol), 300)
    assert str(caught.value) == (
        "primitive 0 (Symbol key='gtin'): gs1-datamatrix data '0109506000134353': AI (01) "
        "position 14: Bad checksum '3', expected '2'"
    )


def test_bad_resolution_and_size_are_refused() -> None:
    with pytest.raises(RenderError) as caught:
        render_png(_label(), -5)
    assert str(caught.value) == "render_png dpi -5: expected a positive resolution"
    with pytest.raises(RenderError) as caught:
        render_png(DisplayList(0, 10), 300)
    assert str(caught.value) == ("display list size 0×10 mm: expected a positive width and height")
