"""Symbol options end to end: a template chooses them, every renderer draws them, scanners read.

One template with rectangular Data Matrix (plain, GS1, HIBC) and QR Codes at each error
correction level (L, M, Q, H) is laid out at 203, 300 and 600 dpi and drawn three ways: our PNG
preview, the PDF rendered back by poppler (pdftoppm) and the ZPL imaged by zplkit. Each image
is checked with :func:`verify_symbols` (content, AIM identifier, place) and decoded once more
with zxing-cpp to check the shape: a rectangular Data Matrix must be about twice (or more) as
wide as tall, and each QR Code must report the error correction level the template chose.
GS1 QR (``ecc``) and GS1 DataBar Expanded Stacked (``stacked``/``columns``) have no native ZPL
command, so they are checked through PNG and PDF only, and the ZPL emitter's refusal is tested.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image as PILImage
from PIL import ImageOps

from labelstation.errors import RenderError
from labelstation.render.pdf import pdf_bytes
from labelstation.render.png import render_png
from labelstation.render.verify import verify_symbols
from labelstation.render.zpl import render_zpl, zpl_font_downloads, zpl_recall, zpl_stored_format
from labelstation.render.zplimage import render_zpl_image
from labelstation.symbols import encode
from labelstation.symbols.geometry import module_dots
from labelstation.template import Template, layout
from labelstation.template.displaylist import DisplayList
from labelstation.units import mm_to_dots

GS = "\x1d"
QR_LEVELS = ("L", "M", "Q", "H")
#: zxing-cpp reports the QR level as a string; some versions as the percentage of recovery.
_ZX_LEVEL = {"L": ("L", "7%"), "M": ("M", "15%"), "Q": ("Q", "25%"), "H": ("H", "30%")}


def _barcode(eid: str, kind: str, x: float, y: float, **extra: Any) -> dict[str, Any]:
    return {"type": "barcode", "id": eid, "kind": kind, "x": x, "y": y, "module_mm": 0.5, **extra}


def _template(zpl_only: bool) -> Template:
    elements = [
        *(
            _barcode(f"qr-{level}", "qr", 2 + 24 * i, 2, data=f"QR {level} _^~\\ {{s}}",
                     options={"ecc": level})
            for i, level in enumerate(QR_LEVELS)
        ),
        _barcode("dm-rect", "datamatrix", 2, 26, data="RECT {s}", options={"rectangular": True}),
        _barcode("gs1dm-rect", "gs1-datamatrix", 2, 38,
                 gs1=[["01", "09506000134352"], ["21", "{s}"]], options={"rectangular": True}),
        _barcode("hibc-rect", "hibc-datamatrix", 40, 26,
                 hibc={"lic": "A123", "product": "BJC5D6E7", "unit": "1", "part": "primary"},
                 options={"rectangular": True}),
    ]  # fmt: skip
    if not zpl_only:
        elements += [
            _barcode("gs1qr-q", "gs1-qr", 70, 26, gs1=[["01", "09506000134352"], ["21", "{s}"]],
                     options={"ecc": "Q"}),
            _barcode("databar", "gs1-databar", 2, 52, module_mm=0.33,
                     gs1=[["01", "09506000134352"], ["21", "{s}"], ["10", "LOT-7"]],
                     options={"stacked": True, "columns": 2}),
        ]  # fmt: skip
    return Template.from_json(
        {
            "schema": "labelstation.template/1",
            "id": "options-e2e",
            "name": "Symbol options",
            "stock": {"width": 100, "height": 115 if not zpl_only else 52},
            "elements": elements,
        }
    )


def _dl(dpi: int, *, zpl_only: bool) -> DisplayList:
    return layout(_template(zpl_only), {"s": "SN-0042"}, dpi=dpi)


def _pdf_image(dl: DisplayList, dpi: int, tmp_path: Path) -> PILImage.Image:
    pdf = tmp_path / f"label-{dpi}.pdf"
    pdf.write_bytes(pdf_bytes([dl]))
    out = tmp_path / f"label-{dpi}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(pdf), str(out)],
        check=True,
    )
    with PILImage.open(out.with_suffix(".png")) as image:
        return image.copy()


def _zpl_image(dl: DisplayList, dpi: int) -> PILImage.Image:
    return render_zpl_image(zpl_font_downloads(dl) + render_zpl(dl, dpi).encode(), dpi)


def _check(dl: DisplayList, image: PILImage.Image, dpi: int) -> None:
    report = verify_symbols(dl, image, dpi)
    assert report.ok, [c.message for c in report.problems]
    found = zxingcpp.read_barcodes(image.convert("L"), text_mode=zxingcpp.TextMode.Plain)
    by_text = {r.text: r for r in found}
    for s in dl.symbols:
        if s.kind.endswith("datamatrix"):
            r = by_text[s.data]
            xs = [r.position.top_left.x, r.position.top_right.x, r.position.bottom_right.x]
            ys = [r.position.top_left.y, r.position.bottom_left.y, r.position.bottom_right.y]
            width, height = max(xs) - min(xs), max(ys) - min(ys)
            # ECC 200 rectangles are 18:8 to 48:16 modules (2.2 to 4 : 1)
            assert width > 2 * height, (s.key, width, height)
        elif s.kind in ("qr", "gs1-qr"):
            level = dict(s.options)["ecc"]
            assert isinstance(level, str)
            r = next(r for r in found if r.text.endswith(s.data) and r.format.name == "QRCode")
            assert r.ec_level in _ZX_LEVEL[level], (s.key, r.ec_level)


@pytest.mark.parametrize("dpi", [203, 300, 600])
def test_options_reach_png_pdf_and_zpl(dpi: int, tmp_path: Path) -> None:
    full = _dl(dpi, zpl_only=False)
    _check(full, render_png(full, dpi), dpi)
    _check(full, _pdf_image(full, dpi, tmp_path), dpi)
    native = _dl(dpi, zpl_only=True)
    _check(native, _zpl_image(native, dpi), dpi)


def test_qr_level_changes_the_symbol_and_the_zpl_field() -> None:
    dl = _dl(203, zpl_only=True)
    sizes = [s.encoded().width_modules for s in dl.symbols if s.kind == "qr"]
    assert sizes == sorted(sizes)  # more correction, more modules
    assert sizes[0] < sizes[-1]
    zpl = render_zpl(dl, 203)
    for level in QR_LEVELS:
        assert f"^FH\\^FD{level}A,QR {level} " in zpl


def test_rectangular_data_matrix_is_sent_with_its_rows_and_columns() -> None:
    dl = _dl(203, zpl_only=True)
    symbol = next(s for s in dl.symbols if s.key == "dm-rect")
    enc = symbol.encoded()
    rows, cols = len(enc.modules), enc.width_modules
    assert (rows, cols) in {(8, 18), (8, 32), (12, 26), (12, 36), (16, 36), (16, 48)}
    assert f"^BXN,4,200,{cols},{rows},,_,2^FDRECT SN-0042^FS" in render_zpl(dl, 203)
    # the layout sized the box for the rectangle, quiet zones included
    assert symbol.w == pytest.approx((cols + 2) * symbol.module)
    assert symbol.h == pytest.approx((rows + 2) * symbol.module)


def test_stored_format_and_recall_keep_the_options() -> None:
    dl = _dl(300, zpl_only=True)
    stored, recall = zpl_stored_format(dl, 300), zpl_recall(dl)
    image = render_zpl_image(zpl_font_downloads(dl) + (stored + recall).encode(), 300)
    assert image.tobytes() == _zpl_image(dl, 300).tobytes()
    _check(dl, image, 300)
    for level in QR_LEVELS:  # the level is part of each recalled value
        assert f"{level}A,QR {level} " in recall


def test_gs1_qr_and_databar_are_refused_by_zpl_whatever_their_options() -> None:
    dl = _dl(203, zpl_only=False)
    with pytest.raises(RenderError) as exc:
        render_zpl(dl, 203)
    assert str(exc.value) == (
        "symbol 'gs1qr-q' (gs1-qr): ZPL ^BQ cannot encode FNC1 in first position, so a GS1 QR "
        "Code cannot be printed with native ZPL; expected gs1-datamatrix, or print GS1 QR from "
        "the PDF"
    )


def test_stacked_databar_has_the_chosen_columns() -> None:
    dl = _dl(300, zpl_only=False)
    databar = next(s for s in dl.symbols if s.key == "databar")
    data = f"0109506000134352{'21'}SN-0042{GS}10LOT-7"
    assert databar.data == data
    assert databar.encoded() == encode("gs1-databar", data, stacked=True, columns=2)
    assert len(databar.encoded().modules) > 1  # stacked: several rows
    wide = encode("gs1-databar", data)
    assert databar.encoded().width_modules < wide.width_modules


def _ink_boxes(dl: DisplayList, image: PILImage.Image, dpi: int) -> dict[str, Any]:
    """Per symbol, the bounding box of the ink inside the symbol's box, in dots."""
    grey = ImageOps.invert(image.convert("L"))
    boxes = {}
    for s in dl.symbols:
        box = (mm_to_dots(s.x, dpi), mm_to_dots(s.y, dpi),
               mm_to_dots(s.x + s.w, dpi), mm_to_dots(s.y + s.h, dpi))  # fmt: skip
        boxes[s.key] = grey.crop(box).getbbox()
    return boxes


@pytest.mark.parametrize("dpi", [203, 300, 600])
def test_preview_and_zpl_give_each_symbol_the_same_size_and_place(dpi: int) -> None:
    """Same dots for every symbol's extent: the printer builds the size the preview drew.

    The module patterns may differ (zint and the printer may choose other Data Matrix
    encodations or QR masks for the same data); both decode to the same content above.
    """
    dl = _dl(dpi, zpl_only=True)
    png, zpl = _ink_boxes(dl, render_png(dl, dpi), dpi), _ink_boxes(dl, _zpl_image(dl, dpi), dpi)
    assert png == zpl
    for s in dl.symbols:
        enc, m = s.encoded(), module_dots(s.module, dpi)
        x0, y0, x1, y1 = png[s.key]
        assert (x1 - x0, y1 - y0) == (enc.width_modules * m, len(enc.modules) * m)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotated_rectangular_datamatrix_and_qr_level_in_every_renderer(
    rotation: int, tmp_path: Path
) -> None:
    elements = [
        _barcode("dm", "gs1-datamatrix", 3, 3, rotation=rotation,
                 gs1=[["01", "09506000134352"], ["21", "{s}"], ["10", "L-1"]],
                 options={"rectangular": True}),
        _barcode("qr", "qr", 3, 30, rotation=rotation, data="{s}", options={"ecc": "Q"}),
    ]  # fmt: skip
    template = Template.from_json(
        {
            "schema": "labelstation.template/1",
            "id": "rotated",
            "name": "Rotated options",
            "stock": {"width": 60, "height": 60},
            "elements": elements,
        }
    )
    dl = layout(template, {"s": "SN-0042"}, dpi=300)
    dm = dl.symbols[0]
    upright = (dm.w, dm.h) if rotation in (0, 180) else (dm.h, dm.w)
    assert upright[0] > 2 * upright[1]  # laid out as a rectangle, turned with the element
    for image in (render_png(dl, 300), _pdf_image(dl, 300, tmp_path), _zpl_image(dl, 300)):
        _check_turned(dl, image, rotation)


def _check_turned(dl: DisplayList, image: PILImage.Image, rotation: int) -> None:
    report = verify_symbols(dl, image, 300)
    assert report.ok, [c.message for c in report.problems]
    found = zxingcpp.read_barcodes(image.convert("L"), text_mode=zxingcpp.TextMode.Plain)
    r = next(r for r in found if r.format.name == "DataMatrix")
    xs = [r.position.top_left.x, r.position.top_right.x, r.position.bottom_right.x]
    ys = [r.position.top_left.y, r.position.bottom_left.y, r.position.bottom_right.y]
    xs += [r.position.bottom_left.x]
    ys += [r.position.top_right.y]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    long_side, short_side = (width, height) if rotation in (0, 180) else (height, width)
    assert long_side > 2 * short_side
    qr = next(r for r in found if r.format.name == "QRCode")
    assert qr.ec_level in _ZX_LEVEL["Q"]
