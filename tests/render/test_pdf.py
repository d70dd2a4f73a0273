"""PDF output checked with poppler: page size (pdfinfo), text (pdftotext), fonts (pdffonts),
and every symbol decoded back from a 300 dpi rendering (pdftoppm + verify_symbols)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from math import ceil
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image as PILImage

from labelstation.errors import RenderError
from labelstation.render.pdf import WATERMARK, pdf_bytes, render_pdf
from labelstation.render.png import render_png
from labelstation.render.verify import verify_symbols
from labelstation.symbols import encode
from labelstation.template import layout, load_data, load_template, sample_templates
from labelstation.template.displaylist import Box, DisplayList, Ellipse, Line, Symbol, TextRun

GS = "\x1d"
DM = f"0109506000134352{'17'}271231{'10'}LOT-42{GS}21SN0001"
C128 = f"0109506000134352{'21'}SN0001"
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
UNICODE_LINES = ("Ελληνικά: Παρτίδα", "Кириллица: Партия", "Café déjà vu · Łódź · Ærø · ß")
HASH = "3f" * 32


def _label(serial: str = "SN0001", w: float = 100, h: float = 50) -> DisplayList:
    dm_data = DM.replace("SN0001", serial)
    c128_data = C128.replace("SN0001", serial)
    dm_size = encode("gs1-datamatrix", dm_data).width_modules * 0.423 + 2 * 0.423
    c128_w = encode("gs1-128", c128_data).width_modules * 0.254 + 2 * 2.54
    primitives = (
        Box(0.5, 0.5, w - 1, h - 1, stroke=0.3, radius=2),
        Line(2, 22, 60, 22, stroke=0.3),
        Ellipse(85, 3, 10, 6),
        *(TextRun(3, 3 + 5 * i, 60, text, 9) for i, text in enumerate(UNICODE_LINES)),
        TextRun(3, 38, 60, f"SN {serial}", 8, key="serial", variable=True),
        TextRun(97, 12, 30, "Rotated text", 7, rotation=90),
        Symbol(2, 24, c128_w, 14, "gs1-128", c128_data, "]C1", module=0.254, height=10,
               quiet_zone=2.54, show_hri=True, key="gs1128", variable=True),
        Symbol(70, 20, dm_size, dm_size, "gs1-datamatrix", dm_data, "]d2", module=0.423,
               quiet_zone=0.423, key="udi", variable=True),
    )  # fmt: skip
    return DisplayList(w, h, primitives, dpi=300, template_id="carton-eu",
                       template_version="7", template_hash=HASH)  # fmt: skip


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _pages(pdf: Path, dpi: int = 300) -> list[PILImage.Image]:
    out = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(out)], check=True)
    return [PILImage.open(p) for p in sorted(pdf.parent.glob(f"{out.name}-*.png"))]


def _pts(mm: float) -> str:
    return f"{mm / 25.4 * 72:.3f}".rstrip("0").rstrip(".")


def test_one_page_per_label_of_exactly_the_label_size(tmp_path: Path) -> None:
    pdf = tmp_path / "labels.pdf"
    pages = render_pdf([_label(), _label("SN0002", w=76.2, h=25.4)], pdf)
    assert pages == 2
    info = _run("pdfinfo", "-f", "1", "-l", "2", str(pdf))
    sizes = [line.split(":", 1)[1].split("pts")[0].strip() for line in info.splitlines()
             if line.startswith("Page") and "size" in line]  # fmt: skip
    assert sizes == [f"{_pts(100)} x {_pts(50)}", f"{_pts(76.2)} x {_pts(25.4)}"]
    assert sizes[1] == "216 x 72"  # 3 × 1 inch


def test_unicode_and_all_of_cset82_come_out_as_text(tmp_path: Path) -> None:
    label = dataclasses.replace(
        _label(), primitives=(*_label().primitives, TextRun(3, 44, 95, CSET82, 5))
    )
    pdf = tmp_path / "text.pdf"
    render_pdf([label], pdf)
    text = _run("pdftotext", "-layout", str(pdf), "-")
    for line in UNICODE_LINES:
        assert line in text
    assert CSET82 in text
    assert "SN SN0001" in text
    assert "(01)09506000134352(21)SN0001" in text  # the HRI under the GS1-128
    assert WATERMARK not in text


def test_fonts_are_embedded_subsets(tmp_path: Path) -> None:
    pdf = tmp_path / "fonts.pdf"
    render_pdf([_label()], pdf)
    rows = [line.split() for line in _run("pdffonts", str(pdf)).splitlines()[2:]]
    assert sorted(row[0].split("+")[1] for row in rows) == ["DejaVuSans"]
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows)  # embedded, subset, unicode


@pytest.mark.parametrize("proof", [False, True])
def test_every_symbol_decodes_from_a_300_dpi_rendering(tmp_path: Path, proof: bool) -> None:
    labels = [_label(f"SN{n:04d}") for n in range(3)]
    pdf = tmp_path / "decode.pdf"
    render_pdf(labels, pdf, proof=proof)
    images = _pages(pdf)
    assert len(images) == 3
    for label, image in zip(labels, images, strict=True):
        report = verify_symbols(label, image, 300)
        assert [c.status for c in report.checks] == ["ok", "ok"]
        # a PDF draws the exact X-dimension; the verifier expects whole 300 dpi dots, which
        # differ by < 0.02 mm per module: the centres agree within half a millimetre
        assert report.max_delta_mm < 0.5


def _words(text: str) -> str:
    return " ".join(text.split())


def test_proof_has_watermark_and_footer_with_template_identity(tmp_path: Path) -> None:
    pdf = tmp_path / "proof.pdf"
    render_pdf([_label()], pdf, proof=True)
    text = _words(_run("pdftotext", "-raw", str(pdf), "-"))
    assert WATERMARK in text
    assert f"PROOF · template carton-eu v7 · sha256 {HASH}" in text


def test_n_up_proof_sheets(tmp_path: Path) -> None:
    labels = [_label(f"SN{n:04d}") for n in range(5)]
    pdf = tmp_path / "sheets.pdf"
    assert render_pdf(labels, pdf, proof=True, n_up=(1, 5), sheet=(210, 297)) == 1
    info = _run("pdfinfo", str(pdf))
    assert f"Page size:       {_pts(210)} x {_pts(297)} pts" in info
    images = _pages(pdf, 300)
    assert len(images) == 1
    decoded = zxingcpp.read_barcodes(images[0].convert("L"), text_mode=zxingcpp.TextMode.Plain)
    found = sorted((r.symbology_identifier, r.text) for r in decoded)
    expected = [("]C1", C128.replace("SN0001", f"SN{n:04d}")) for n in range(5)]
    expected += [("]d2", DM.replace("SN0001", f"SN{n:04d}")) for n in range(5)]
    assert found == sorted(expected)
    text = _words(_run("pdftotext", "-raw", str(pdf), "-"))
    assert text.count(WATERMARK) == 5
    assert f"PROOF · template carton-eu v7 · sha256 {HASH}" in text


def test_n_up_labels_are_clipped_to_their_cell(tmp_path: Path) -> None:
    big = DisplayList(20, 10, (Box(-5, -5, 40, 40, fill=True),))
    pdf = tmp_path / "clip.pdf"
    render_pdf([big], pdf, n_up=(1, 1), sheet=(40, 30))
    page = _pages(pdf, 100)[0].convert("L")
    ink = PILImage.eval(page, lambda v: 255 - v).point(lambda v: 255 if v > 128 else 0).getbbox()
    # a 20×10 mm cell centred on a 40×30 mm sheet: 10..30 mm by 10..20 mm, i.e. pixels
    # 39.4..118.1 by 39.4..78.7 at 100 dpi; those more than half covered are black
    assert ink == (40, 40, 118, 79)


def test_n_up_pages_overflow_onto_further_sheets() -> None:
    data = pdf_bytes([_label()] * 11, n_up=(1, 5))
    assert data.startswith(b"%PDF-")
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
    assert b"Pages:           3" in info


def test_static_parts_are_drawn_once_as_a_form(tmp_path: Path) -> None:
    pdf = tmp_path / "many.pdf"
    render_pdf([_label(f"SN{n:04d}") for n in range(20)], pdf)
    raw = pdf.read_bytes()
    assert raw.count(b"/Subtype /Form") == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_up": (0, 2)}, "render_pdf n_up (0, 2): expected (columns, rows), both at least 1"),
        ({"n_up": (4, 1)}, "render_pdf n_up (4, 1): 4×1 labels of 100×50 mm do not fit a "
                           "210×297 mm sheet with 10 mm margins; expected fewer or smaller labels"),
    ],
)  # fmt: skip
def test_bad_n_up_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(RenderError) as caught:
        pdf_bytes([_label()], **kwargs)
    assert str(caught.value) == message


def test_no_labels_is_refused() -> None:
    with pytest.raises(RenderError) as caught:
        pdf_bytes([])
    assert str(caught.value) == "render_pdf display_lists: empty; expected at least one label"


_SAMPLES = sample_templates()


def test_every_sample_template_decodes_from_its_pdf(tmp_path: Path) -> None:
    labels = [
        layout(load_template(p), load_data(p.with_suffix(".data.json")), dpi=300,
               today=dt.date(2026, 11, 25))
        for p in _SAMPLES
    ]  # fmt: skip
    pdf = tmp_path / "samples.pdf"
    assert render_pdf(labels, pdf, proof=True) == len(_SAMPLES)
    for label, image in zip(labels, _pages(pdf), strict=True):
        # pdftoppm rounds a partial pixel up
        px = [ceil(mm / 25.4 * 300 - 1e-6) for mm in (label.width, label.height)]
        assert list(image.size) == px
        report = verify_symbols(label, image, 300)
        assert [c.status for c in report.checks] == ["ok"] * len(label.symbols)


def test_rotated_text_and_symbols_in_pdf(tmp_path: Path) -> None:
    dm_size = encode("gs1-datamatrix", DM).width_modules * 0.423 + 2 * 0.423
    c128_w = encode("gs1-128", C128).width_modules * 0.254 + 2 * 2.54
    primitives = []
    for n, rotation in enumerate((0, 90, 180, 270)):
        x = 5 + 45 * n
        upright = (c128_w, 14.0)
        box = upright if rotation in (0, 180) else upright[::-1]
        primitives += [
            TextRun(x, 2, 30, f"turned {rotation}", 8, rotation=rotation),
            Symbol(x, 40, box[0], box[1], "gs1-128", C128, "]C1", module=0.254, height=10,
                   quiet_zone=2.54, show_hri=True, rotation=rotation),
            Symbol(x, 105, dm_size, dm_size, "gs1-datamatrix", DM, "]d2", module=0.423,
                   quiet_zone=0.423, rotation=rotation),
        ]  # fmt: skip
    label = DisplayList(190, 125, tuple(primitives), dpi=300)  # type: ignore[arg-type]
    pdf = tmp_path / "rotated.pdf"
    render_pdf([label], pdf)
    report = verify_symbols(label, _pages(pdf)[0], 300)
    assert [c.status for c in report.checks] == ["ok"] * 8
    assert report.max_delta_mm < 0.5
    text = _words(_run("pdftotext", "-raw", str(pdf), "-"))
    for rotation in (0, 90, 180, 270):
        assert f"turned {rotation}" in text


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize(("w", "align"), [(0.0, "left"), (40.0, "right")])
def test_pdf_and_png_put_text_in_the_same_place(
    tmp_path: Path, rotation: int, w: float, align: str
) -> None:
    run = TextRun(20, 15, w, "Ελληνικά Ж 42", 10, align=align, rotation=rotation)  # type: ignore[arg-type]
    label = DisplayList(80, 70, (run,), dpi=300)
    png = render_png(label, 300)
    pdf = tmp_path / "text.pdf"
    render_pdf([label], pdf)
    page = _pages(pdf)[0].convert("L").point(lambda v: 255 if v > 128 else 0)
    ink_png = PILImage.eval(png.convert("L"), lambda v: 255 - v).getbbox()
    ink_pdf = PILImage.eval(page, lambda v: 255 - v).getbbox()
    assert ink_png is not None
    assert ink_pdf is not None
    # same font, metrics and geometry: the ink boxes agree within 0.3 mm (hinting, rounding)
    assert max(abs(a - b) for a, b in zip(ink_png, ink_pdf, strict=True)) <= 4


def test_notes_need_a_proof_sheet() -> None:
    with pytest.raises(RenderError) as caught:
        pdf_bytes([_label()], proof=True, notes=["Approved by Jane Roe"])
    assert str(caught.value) == (
        "render_pdf notes: need a proof sheet (n_up); a label page has no room"
    )
