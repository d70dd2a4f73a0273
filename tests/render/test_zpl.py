"""The ZPL emitter: escaping, every CSET 82 character, native symbols, ^DF/^XF, byte budget.

Every ZPL string here is imaged offline with zplkit and decoded back with zxing-cpp (through
:func:`labelstation.render.verify.verify_symbols`), so a test passes only if a printer running
the same ZPL would print the intended content.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw, ImageFilter, ImageFont

from labelstation.errors import RenderError
from labelstation.gs1.checkdigit import CSET82
from labelstation.render.verify import verify_symbols
from labelstation.render.zpl import (
    printer_font,
    render_zpl,
    zpl_font_downloads,
    zpl_font_file,
    zpl_job,
    zpl_recall,
    zpl_static_keys,
    zpl_stored_format,
)
from labelstation.render.zplimage import render_zpl_image, render_zpl_images, tokenize
from labelstation.resources import resource_path
from labelstation.symbols import encode, symbology
from labelstation.symbols.geometry import content_size
from labelstation.template import layout, load_data, load_template
from labelstation.template.displaylist import (
    Box,
    DisplayList,
    Ellipse,
    Line,
    Primitive,
    Rotation,
    Symbol,
    TextRun,
)
from labelstation.units import mm_to_dots

GS = "\x1d"
SPECIAL = "^~\\_"
# CSET 82 in chunks that fit AI (21)/(10) (20 characters each)
CSET82_CHUNKS = [CSET82[i : i + 20] for i in range(0, len(CSET82), 20)]


def _symbol(
    kind: str,
    data: str,
    *,
    x: float = 2.0,
    y: float = 2.0,
    dpi: int = 203,
    module_dots_: int = 3,
    rotation: Rotation = 0,
    show_hri: bool = False,
    key: str = "sym",
    variable: bool = True,
) -> Symbol:
    """A symbol sized like the layout sizes it: whole-dot modules, quiet zones, HRI room."""
    info = symbology(kind)
    enc = encode(kind, data)
    module = module_dots_ * 25.4 / dpi
    height = 12.0
    cw, ch = content_size(enc, module, height)
    qz = info.quiet_zone_modules * module
    w = cw + 2 * qz
    h = ch + (2 * qz if enc.is_2d else 4.0 if show_hri else 0.0)
    if rotation in (90, 270):
        w, h = h, w
    return Symbol(
        x=x,
        y=y,
        w=w,
        h=h,
        kind=kind,
        data=data,
        symbology_id=info.symbology_id,
        hri=enc.hri,
        module=module,
        height=height,
        quiet_zone=qz,
        show_hri=show_hri,
        rotation=rotation,
        key=key,
        variable=variable,
    )


def _label(
    *primitives: Primitive, w: float = 100.0, h: float = 60.0, dpi: int = 203
) -> DisplayList:
    return DisplayList(w, h, tuple(primitives), dpi=dpi)


def _image_full(dl: DisplayList, dpi: int = 203) -> PILImage.Image:
    return render_zpl_image(zpl_font_downloads(dl) + render_zpl(dl, dpi).encode(), dpi)


def _assert_decodes(dl: DisplayList, image: PILImage.Image, dpi: int = 203) -> None:
    report = verify_symbols(dl, image, dpi)
    assert report.ok, [c.message for c in report.problems]


# --------------------------------------------------------------------------- symbols

SAMPLE_DATA = {
    "gs1-datamatrix": f"0109506000134352217HJ3K9QWX2P4RT8M{GS}10ABC123",
    "datamatrix": "Plain Data Matrix 0123 _^~\\",
    "hibc-datamatrix": "+A99912345/$$52001510X0",
    "gs1-128": "010950600013435210AB-12",
    "code128": "Code 128 <=> _^~\\ abc 0123456789",
    "hibc-128": "+A99912345/$$52001510X0",
    "qr": "https://example.com/?q=_^~\\",
    "ean13": "9506000134352",
    "upca": "012345678905",
    "itf14": "10950600013436",
}


@pytest.mark.parametrize("kind", sorted(SAMPLE_DATA))
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_every_native_symbology_decodes_at_its_place(kind: str, rotation: Rotation) -> None:
    show_hri = not symbology(kind).is_2d
    sym = _symbol(kind, SAMPLE_DATA[kind], x=5, y=5, rotation=rotation, show_hri=show_hri)
    dl = _label(sym, w=200, h=200)
    _assert_decodes(dl, _image_full(dl))


@pytest.mark.parametrize("dpi", [203, 300, 600])
def test_gs1_datamatrix_is_fnc1_first_and_fnc1_separated(dpi: int) -> None:
    sym = _symbol("gs1-datamatrix", SAMPLE_DATA["gs1-datamatrix"], dpi=dpi, module_dots_=dpi // 60)
    zpl = render_zpl(_label(sym, dpi=dpi), dpi)
    assert (
        f"^BXN,{dpi // 60},200,22,22,,_^FD_10109506000134352217HJ3K9QWX2P4RT8M_110ABC123^FS" in zpl
    )
    _assert_decodes(_label(sym, dpi=dpi), render_zpl_image(zpl, dpi), dpi)


def test_gs1_128_switches_subsets_with_fnc1_as_invocation_code() -> None:
    sym = _symbol("gs1-128", f"010950600013435210AB-12{GS}211234567")
    zpl = render_zpl(_label(sym, w=150), 203)
    assert "^BY3^BCN,96,N,N,N,N^FD>;>8010950600013435210>6AB-12>82>511234567^FS" in zpl
    image = render_zpl_image(zpl, 203)
    _assert_decodes(_label(sym, w=150), image)
    # as short as zint's encodation (the preview's), so both are equally wide
    ink = ImageChops.invert(image).getbbox()
    assert ink is not None
    assert ink[2] - ink[0] == encode("gs1-128", sym.data).width_modules * 3


@pytest.mark.parametrize(
    ("data", "zpl"),
    [
        ("12345", ">:1>52345"),
        ("A1234567B", ">:A1>5234567>6B"),
        ("ABC>DEF", ">:ABC>0DEF"),
        ("1234", ">;1234"),
        ("AB\x7f", ">:AB\\7F"),
    ],
)
def test_code128_subsets_and_the_greater_than_sign(data: str, zpl: str) -> None:
    sym = _symbol("code128", data)
    full = render_zpl(_label(sym), 203)
    assert f"^FD{zpl}^FS" in full
    image = render_zpl_image(full, 203)
    _assert_decodes(_label(sym), image)
    ink = ImageChops.invert(image).getbbox()
    assert ink is not None
    assert ink[2] - ink[0] == encode("code128", data).width_modules * 3


@pytest.mark.parametrize("chunk", CSET82_CHUNKS)
@pytest.mark.parametrize("kind", ["gs1-datamatrix", "gs1-128"])
def test_every_cset82_character_survives_gs1_symbols(kind: str, chunk: str) -> None:
    data = f"0109506000134352{'21'}{chunk}"
    if kind == "gs1-datamatrix":
        data += f"{GS}10{chunk[::-1]}"
    sym = _symbol(kind, data, module_dots_=2)
    dl = _label(sym, w=200, h=60)
    _assert_decodes(dl, _image_full(dl))


@pytest.mark.parametrize("kind", ["datamatrix", "code128", "qr"])
def test_cset82_and_zpl_specials_survive_plain_symbols(kind: str) -> None:
    data = CSET82 + SPECIAL + " #"
    sym = _symbol(kind, data, module_dots_=2)
    dl = _label(sym, w=300, h=80)
    zpl = render_zpl(dl, 203)
    field = re.search(r"\^FD(.*?)\^FS", zpl)
    assert field is not None
    assert "^" not in field.group(1)
    assert "~" not in field.group(1)
    _assert_decodes(dl, render_zpl_image(zpl, 203))


@pytest.mark.parametrize("kind", ["datamatrix", "qr"])
def test_latin1_data_is_sent_as_iso_8859_1_bytes(kind: str) -> None:
    sym = _symbol(kind, "café ÿ ± Größe", module_dots_=3)
    zpl = render_zpl(_label(sym), 203)
    assert "caf\\E9 \\FF \\B1 Gr\\F6\\DFe" in zpl
    _assert_decodes(_label(sym), render_zpl_image(zpl, 203))


def test_2d_data_beyond_latin1_is_refused() -> None:
    sym = replace(_symbol("datamatrix", "abc", key="d"), data="Ωmega")
    with pytest.raises(RenderError) as info:
        render_zpl(_label(sym), 203)
    assert str(info.value) == (
        "symbol 'd' (datamatrix) data 'Ωmega': character 'Ω' is outside ISO 8859-1; expected "
        "Latin-1 data for a ZPL datamatrix (ECI is not supported by the ZPL path; print it from "
        "the PDF)"
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(serial=st.text(alphabet=CSET82, min_size=1, max_size=20))
@example(serial=":0a0a0a0a0")  # zint's optimiser: 18×18; Annex P (printers): 20×20
@example(serial="abcdefghijklmnopqrst")
def test_any_cset82_serial_round_trips_through_zpl(serial: str) -> None:
    sym = _symbol("gs1-datamatrix", f"0109506000134352{'21'}{serial}", module_dots_=3)
    dl = _label(sym, w=40, h=40)
    image = render_zpl_image(render_zpl(dl, 203), 203)
    _assert_decodes(dl, image)


def test_gs1_qr_is_refused_for_zpl() -> None:
    sym = _symbol("gs1-qr", "0109506000134352", key="qr1")
    with pytest.raises(RenderError) as info:
        render_zpl(_label(sym), 203)
    assert str(info.value) == (
        "symbol 'qr1' (gs1-qr): ZPL ^BQ cannot encode FNC1 in first position, so a GS1 QR Code "
        "cannot be printed with native ZPL; expected gs1-datamatrix, or print GS1 QR from the PDF"
    )


def test_non_ascii_code128_is_refused() -> None:
    sym = replace(_symbol("code128", "abc", key="c"), data="abcé")
    with pytest.raises(RenderError) as info:
        render_zpl(_label(sym), 203)
    assert str(info.value) == (
        "symbol 'c' (code128) data 'abcé': character 'é' is not printable ASCII; expected "
        "Code 128 subset B/C characters (ZPL ^BC: no control characters, no FNC4)"
    )


def test_wrong_check_digit_is_refused_not_recomputed() -> None:
    sym = replace(_symbol("ean13", "9506000134352", key="ean"), data="9506000134353")
    with pytest.raises(RenderError) as info:
        render_zpl(_label(sym), 203)
    assert str(info.value) == (
        "symbol 'ean' (ean13) data '9506000134353': invalid check digit '3', expected '2'"
    )


def test_unsupported_dpi_and_bad_format_name_are_refused() -> None:
    dl = _label(Box(1, 1, 5, 5))
    with pytest.raises(RenderError) as info:
        render_zpl(dl, 150)
    assert str(info.value) == "ZPL dpi 150: expected one of (203, 300, 600)"
    with pytest.raises(RenderError) as info:
        zpl_stored_format(dl, 203, name="TOO-LONG-NAME")
    assert str(info.value) == (
        "stored format name 'TOO-LONG-NAME': expected 1 to 8 ASCII letters or digits "
        "(stored as R:NAME.ZPL)"
    )


# --------------------------------------------------------------------------- text

TEXT_CHARS = CSET82 + SPECIAL + "#ΩλЖжßé€"


def _cells(image: PILImage.Image, n: int, pitch: int, cell: int) -> list[PILImage.Image]:
    return [
        image.crop(
            ((i % 16) * pitch, (i // 16) * pitch, (i % 16) * pitch + cell, (i // 16) * pitch + cell)
        )
        for i in range(n)
    ]


def _ink_mask(image: PILImage.Image) -> PILImage.Image:
    return image.convert("L").point(lambda v: 255 if v < 128 else 0)


def _iou(a: PILImage.Image, b: PILImage.Image) -> float:
    inter = ImageChops.multiply(a, b).histogram()[255]
    union = ImageChops.lighter(a, b).histogram()[255]
    return inter / union if union else 1.0


def _glyph(mask: PILImage.Image) -> PILImage.Image:
    """The ink of ``mask`` cropped to its bounding box, on a fixed 64×64 canvas, thickened."""
    box = mask.getbbox()
    canvas = PILImage.new("L", (64, 64), 0)
    if box is not None:
        canvas.paste(mask.crop(box), (0, 0))
    return canvas.filter(ImageFilter.MaxFilter(3))


@pytest.mark.parametrize("align", ["left", "center"])
def test_every_text_character_prints_as_its_own_glyph(align: str) -> None:
    """Each character in its own field: the printed glyph matches the font's glyph for that
    character better than any other character's, so no escape dropped or changed one."""
    dpi, size_pt = 203, 14.0
    px = round(size_pt * dpi / 72)
    pitch_mm = 10.0  # roomy cells: no descender reaches the next row
    pitch = mm_to_dots(pitch_mm, dpi)
    runs = [
        TextRun(
            x=(i % 16) * pitch_mm + 2,  # inset: glyphs such as J overhang their origin
            y=(i // 16) * pitch_mm,
            w=pitch_mm - 4,
            text=ch,
            size_pt=size_pt,
            align=align,  # type: ignore[arg-type]
            key=f"c{i}",
            variable=True,
        )
        for i, ch in enumerate(TEXT_CHARS)
    ]
    dl = _label(*runs, w=16 * pitch_mm, h=(len(TEXT_CHARS) // 16 + 1) * pitch_mm)
    printed = [_glyph(c) for c in _cells(_ink_mask(_image_full(dl)), len(TEXT_CHARS), pitch, pitch)]
    font = ImageFont.truetype(io.BytesIO(printer_font("sans")), px)
    refs = []
    for ch in TEXT_CHARS:
        tile = PILImage.new("L", (pitch, pitch), 255)
        ImageDraw.Draw(tile).text((2, px), ch, font=font, fill=0, anchor="ls")
        refs.append(_glyph(_ink_mask(tile)))
    for i, ch in enumerate(TEXT_CHARS):
        scores = [_iou(printed[i], ref) for ref in refs]
        best = max(range(len(scores)), key=scores.__getitem__)
        assert scores[best] == scores[i], (ch, TEXT_CHARS[best], scores[i], scores[best])
        assert scores[i] > 0.5, (ch, scores[i])  # thin diagonals (/) score lowest, ~0.67


@pytest.mark.parametrize("align", ["left", "center", "right"])
def test_text_with_specials_and_unicode_is_hex_escaped_and_keeps_its_length(align: str) -> None:
    text = "A^B~C\\D_E Ωλ Жж 1\\&2"
    run = TextRun(x=2, y=2, w=90, text=text, size_pt=12, align=align)  # type: ignore[arg-type]
    dl = _label(run)
    zpl = render_zpl(dl, 203)
    data = zpl.split("^FD", 1)[1].split("^FS", 1)[0]
    backslash = "\\5C\\5C" if align != "left" else "\\5C"
    assert data == (f"A\\5EB\\7EC{backslash}D_E \\CE\\A9\\CE\\BB \\D0\\96\\D0\\B6 1{backslash}&2")
    assert "^FH\\^FD" in zpl
    assert "^CI28" in zpl
    # printed width = the font's advance width (fractional, as the printer lays glyphs)
    font = ImageFont.truetype(io.BytesIO(printer_font("sans")), 1000)
    expected = font.getlength(text) / 1000 * round(12 * 203 / 72)
    ink = ImageChops.invert(_image_full(dl)).getbbox()
    assert ink is not None
    assert abs((ink[2] - ink[0]) - expected) < 0.02 * expected


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotated_text_lands_where_the_preview_puts_it(rotation: Rotation) -> None:
    from labelstation.render.png import render_png

    run = TextRun(x=10, y=10, w=40, text="LOT ABC123", size_pt=10, align="left", rotation=rotation)
    dl = _label(run)
    zpl_ink = ImageChops.invert(_image_full(dl)).getbbox()
    png_ink = ImageChops.invert(render_png(dl, 203).convert("L")).getbbox()
    assert zpl_ink is not None
    assert png_ink is not None
    assert max(abs(a - b) for a, b in zip(zpl_ink, png_ink, strict=True)) <= 3, (zpl_ink, png_ink)


def test_font_downloads_are_unhinted_shipped_fonts_under_8_3_names() -> None:
    dl = _label(TextRun(1, 1, 20, "a", 8), TextRun(1, 10, 20, "b", 8, bold=True))
    blob = zpl_font_downloads(dl)
    assert zpl_font_file("sans") == "E:LSSANS.TTF"
    assert zpl_font_file("sans", bold=True) == "E:LSSANSB.TTF"
    regular, bold = printer_font("sans"), printer_font("sans", True)
    assert blob == (
        f"~DYE:LSSANS,B,T,{len(regular)},,".encode() + regular
        + f"~DYE:LSSANSB,B,T,{len(bold)},,".encode() + bold
    )  # fmt: skip
    tables = PILImage  # keep the import used; the font itself is checked below
    del tables
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(regular))
    assert "fpgm" not in font
    assert "prep" not in font
    assert (
        font["hmtx"].metrics == TTFont(str(resource_path("fonts/DejaVuSans.ttf")))["hmtx"].metrics
    )


# --------------------------------------------------------------------------- shapes


def test_shapes_are_native_graphics_where_the_preview_draws_them() -> None:
    from labelstation.render.png import render_png

    dl = _label(
        Box(5, 5, 30, 20, stroke=0.5),
        Box(40, 5, 20, 10, fill=True),
        Box(65, 5, 30, 20, stroke=0.3, radius=3),
        Line(5, 30, 95, 30, stroke=0.4),
        Line(50, 32, 50, 55, stroke=0.4),
        Line(5, 35, 40, 55, stroke=0.3),
        Ellipse(60, 35, 30, 20, stroke=0.5),
        Ellipse(70, 40, 8, 8, fill=True),
    )
    zpl = render_zpl(dl, 203)
    assert [c.code for c in tokenize(zpl) if c.code in ("GB", "GD", "GE")] == [
        "GB", "GB", "GB", "GB", "GB", "GD", "GE", "GE",
    ]  # fmt: skip
    assert "^FO40,40^GB240,160,4,B,0^FS" in zpl
    zpl_ink = _ink_mask(_image_full(dl)).filter(ImageFilter.MaxFilter(3))
    png_ink = _ink_mask(render_png(dl, 203)).filter(ImageFilter.MaxFilter(3))
    assert _iou(zpl_ink, png_ink) > 0.85


def test_images_are_z64_graphics_in_the_stored_format() -> None:
    from labelstation.template.displaylist import Image

    dl = _label(
        Image(5, 5, 10, 10, "icons/lot.png"), TextRun(20, 5, 30, "SN1", 10, key="sn", variable=True)
    )
    stored = zpl_stored_format(dl, 203)
    assert re.search(r"\^FO\d+,\d+\^GFA,\d+,\d+,\d+,:Z64:[A-Za-z0-9+/=]+:[0-9A-F]{4}\^FS", stored)
    recall = zpl_recall(dl)
    assert recall == "^XA^XFR:LSFMT1.ZPL^FS^FN1^FDSN1^FS^XZ"


@pytest.mark.parametrize("width_mm", [10.0, 10.1, 9.9, 7.3])
def test_graphic_rows_pad_with_paper_not_ink(width_mm: float) -> None:
    """A ^GF row whose width is not a multiple of 8 dots ends in pad bits: they must be 0."""
    import base64
    import zlib

    from labelstation.render._raster import fitted_grey
    from labelstation.render.png import render_png
    from labelstation.template.displaylist import Image

    dl = _label(Image(5, 5, width_mm, 10, "icons/lot.png"))
    zpl = render_zpl(dl, 203)
    match = re.search(r"\^GFA,(\d+),\d+,(\d+),:Z64:([A-Za-z0-9+/=]+):", zpl)
    assert match is not None
    total, row_bytes = int(match.group(1)), int(match.group(2))
    raw = zlib.decompress(base64.b64decode(match.group(3)))
    assert len(raw) == total
    grey, _ = fitted_grey(
        resource_path("icons/lot.png"),
        (mm_to_dots(width_mm, 203), mm_to_dots(10, 203)),
        name="lot",
    )
    pad = row_bytes * 8 - grey.width
    pad_mask = (1 << pad) - 1
    assert all(raw[r + row_bytes - 1] & pad_mask == 0 for r in range(0, total, row_bytes))
    # And as a printer draws it: no ink further right than the preview's.
    zpl_box = _ink_mask(render_zpl_image(zpl, 203)).getbbox()
    png_box = _ink_mask(render_png(dl, 203)).getbbox()
    assert zpl_box is not None
    assert png_box is not None
    assert zpl_box[2] <= png_box[2] + 1


# --------------------------------------------------------------------------- stored formats


def _two_serials(name: str) -> list[DisplayList]:
    template = load_template(resource_path(f"templates/{name}.json"))
    data = load_data(resource_path(f"templates/{name}.data.json"))
    return [
        layout(template, {**data, "serial": serial}, dpi=203)
        for serial in ("7HJ3K9QWX2P4RT8M0001", "7HJ3K9QWX2P4RT8M0002")
    ]


def test_stored_format_holds_every_static_field_and_numbers_variable_ones() -> None:
    dm = _symbol("gs1-datamatrix", SAMPLE_DATA["gs1-datamatrix"], key="dm")
    dl = _label(
        TextRun(30, 2, 40, "Examplomab", 10, key="name", variable=False),
        dm,
        TextRun(30, 10, 40, "SN 7HJ3K9QWX2P4RT8M", 8, key="sn", variable=True),
        TextRun(30, 16, 40, "A^B", 8, key="x", variable=True),
    )
    stored = zpl_stored_format(dl, 203, name="carton1")
    assert stored.startswith("^XA^DFR:CARTON1.ZPL^FS^CI28^PW799^LL480^LH0,0")
    assert stored.endswith("^XZ")
    assert re.findall(r"\^FN(\d+)", stored) == ["1", "2", "3"]
    assert "Examplomab" in stored
    assert "7HJ3K9QWX2P4RT8M" not in stored
    recall = zpl_recall(dl, name="carton1")
    assert recall == (
        "^XA^XFR:CARTON1.ZPL^FS"
        "^FN1^FD_10109506000134352217HJ3K9QWX2P4RT8M_110ABC123^FS"
        "^FN2^FDSN 7HJ3K9QWX2P4RT8M^FS"
        "^FN3^FH\\^FDA\\5EB^FS^XZ"
    )
    full = _image_full(dl)
    merged = render_zpl_image(zpl_font_downloads(dl) + (stored + recall).encode(), 203)
    assert full.tobytes() == merged.tobytes()  # the recall prints exactly the full format


def test_one_stored_format_and_many_recalls_print_each_label() -> None:
    dls = _two_serials("eu-fmd-carton")
    static = zpl_static_keys(dls)
    assert "dm" not in static
    assert "hri.21" not in static
    assert {"name", "hri.01", "hri.10", "hri.17", "mah"} <= static
    stream = (
        zpl_font_downloads(dls[0])
        + (
            zpl_stored_format(dls[0], 203, static_keys=static)
            + "".join(zpl_recall(dl, static_keys=static) for dl in dls)
        ).encode()
    )
    images = render_zpl_images(stream, 203)
    assert len(images) == 2
    for dl, image in zip(dls, images, strict=True):
        _assert_decodes(dl, image)
        assert image.tobytes() == _image_full(dl).tobytes()


def test_eu_fmd_carton_recall_fits_the_144_byte_budget() -> None:
    dls = _two_serials("eu-fmd-carton")
    recall = zpl_recall(dls[0], static_keys=zpl_static_keys(dls))
    assert len(recall.encode()) <= 144, (len(recall.encode()), recall)
    assert recall == (
        "^XA^XFR:LSFMT1.ZPL^FS"
        "^FN1^FD_1010950600013435217271231217HJ3K9QWX2P4RT8M0001_110ABC123^FS"
        "^FN2^FDSN 7HJ3K9QWX2P4RT8M0001^FS^XZ"
    )


def test_static_keys_need_two_labels_and_equal_values() -> None:
    a = _label(TextRun(1, 1, 20, "x", 8, key="k", variable=True))
    b = _label(TextRun(1, 1, 20, "y", 8, key="k", variable=True))
    assert zpl_static_keys([a]) == frozenset()
    assert zpl_static_keys([a, a]) == frozenset({"k"})
    assert zpl_static_keys([a, b]) == frozenset()
    assert zpl_static_keys([a, _label()]) == frozenset()


@pytest.mark.parametrize("align", ["center", "right"])
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_field_block_never_wraps_text_that_fills_its_box(align: str, rotation: Rotation) -> None:
    """The printer's advances may exceed the preview's by a few percent; a ``^FB`` line
    longer than its block would wrap and print over itself, so the block has slack."""
    from labelstation.template.text import text_width_mm

    text = "MAH: Example Pharma GmbH, Musterstraße 1, 10115 Berlin"
    width = text_width_mm(text, "sans", False, 5) * 0.97  # the printer's line is longer
    runs = [
        TextRun(x=20, y=20, w=width, text=text, size_pt=5, align=a, rotation=rotation)  # type: ignore[arg-type]
        for a in ("left", align)
    ]
    boxes = []
    for run in runs:
        ink = ImageChops.invert(_image_full(_label(run, w=120, h=120))).getbbox()
        assert ink is not None
        boxes.append((ink[2] - ink[0], ink[3] - ink[1]))
    assert boxes[0] == boxes[1]  # one line, as long as the left-aligned one


LONG_X = (CSET82 * 2)[:90]


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (
            "gs1-datamatrix",
            f"0109506000134352{'17'}271231{'21'}{CSET82[:20]}{GS}10{CSET82[20:40]}"
            f"{GS}240{CSET82[40:70]}{GS}91{LONG_X}",
        ),
        ("gs1-128", f"0109506000134352{'21'}{CSET82[:20]}{GS}10{'ABCDEFG'}"),  # 48: the limit
        ("datamatrix", (CSET82 + SPECIAL) * 6),
        ("qr", (CSET82 + SPECIAL) * 6),
        ("code128", CSET82[:60]),
    ],
)
def test_maximum_lengths_survive_zpl(kind: str, data: str) -> None:
    sym = _symbol(kind, data, module_dots_=2)
    dl = _label(sym, w=220, h=120)
    _assert_decodes(dl, render_zpl_image(render_zpl(dl, 203), 203))


def test_a_job_resends_the_stored_format_when_a_label_no_longer_fits_it() -> None:
    def label(name_lines: tuple[str, ...], serial: str) -> DisplayList:
        runs = [
            TextRun(2, 2 + 5 * i, 60, line, 9, key="name", variable=True)
            for i, line in enumerate(name_lines)
        ]
        sn = TextRun(2, 20, 60, f"SN {serial}", 9, key="sn", variable=True)
        return _label(*runs, sn, w=70, h=30)

    dls = [
        label(("Examplomab 100 mg",), "A1"),
        label(("Examplomab 100 mg",), "A2"),
        label(("Examplomab 100 mg film-coated", "tablets"), "A3"),  # wraps: one field more
        label(("Examplomab 100 mg",), "A4"),
    ]
    job = zpl_job(dls, 203)
    codes = [c.code for c in tokenize(job) if c.code in ("DF", "XF")]
    assert codes == ["DF", "XF", "XF", "DF", "XF", "DF", "XF"]
    images = render_zpl_images(zpl_font_downloads(*dls) + job.encode(), 203)
    assert [i.tobytes() for i in images] == [_image_full(dl).tobytes() for dl in dls]
    assert zpl_job(dls, 203, stored=False) == "".join(render_zpl(dl, 203) for dl in dls)


def test_an_empty_job_is_refused() -> None:
    with pytest.raises(RenderError) as info:
        zpl_job([], 203)
    assert str(info.value) == "ZPL job display_lists: empty; expected at least one label"


def _unescape(data: bytes, *, block: bool) -> str:
    """What a printer makes of ^FH\\ field data: hex pairs to bytes, then ^FB's own escapes."""
    raw = re.sub(rb"\\([0-9A-F]{2})", lambda m: bytes([int(m.group(1), 16)]), data)
    text = raw.decode("utf-8")
    return text.replace("\\\\", "\\") if block else text


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x4FF),
        min_size=1,
        max_size=40,
    ),
    align=st.sampled_from(["left", "center"]),
)
def test_any_text_survives_zpl_escaping(text: str, align: str) -> None:
    run = TextRun(1, 1, 50, text, 8, align=align, key="t", variable=True)  # type: ignore[arg-type]
    zpl = render_zpl(_label(run), 203).encode()
    field = next(c for c in tokenize(zpl) if c.code == "FD")
    assert b"^" not in field.params
    assert b"~" not in field.params
    assert all(0x20 <= b < 0x7F for b in field.params)  # 7-bit clean on the wire
    assert _unescape(field.params, block=align != "left") == text
    recall = zpl_recall(_label(run)).encode()
    value = next(c for c in tokenize(recall) if c.code == "FD")
    assert _unescape(value.params, block=align != "left") == text
