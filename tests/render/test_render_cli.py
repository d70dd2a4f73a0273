"""``labelstation render``: every output kind, --count, --stored-format, --json, refusals.

Outputs are checked by decoding them back: PNG with zxing-cpp, ZPL imaged by zplkit, PDF
rasterised by poppler's ``pdftoppm`` (Debian poppler-utils, a test requirement).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image as PILImage

from labelstation.cli import main
from labelstation.render.verify import verify_symbols
from labelstation.render.zplimage import render_zpl_images, tokenize
from labelstation.resources import resource_path
from labelstation.template import layout, load_data, load_template
from labelstation.template.displaylist import DisplayList

TEMPLATE = str(resource_path("templates/eu-fmd-carton.json"))
DATA = str(resource_path("templates/eu-fmd-carton.data.json"))
SERIAL = "7HJ3K9QWX2P4RT8M"
DM = f"]d2010950600013435217271231{'21'}{SERIAL}\\x1d10ABC123"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["render", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _expected(serial: str, dpi: int = 203) -> DisplayList:
    data = {**load_data(DATA), "serial": serial}
    return layout(load_template(TEMPLATE), data, dpi=dpi)


def test_png_with_json_reports_the_intended_symbol(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "label.png"
    code, stdout, stderr = _run(
        capsys, TEMPLATE, "--data", DATA, "--out", str(out), "--dpi", "203", "--json"
    )
    assert (code, stderr) == (0, "")
    report = json.loads(stdout)
    assert report == {
        "out": str(out),
        "files": [str(out)],
        "bytes": out.stat().st_size,
        "labels": 1,
        "dpi": 203,
        "symbols": [
            {
                "kind": "gs1-datamatrix",
                "data": DM,
                "hri": f"(01)09506000134352(17)271231(21){SERIAL}(10)ABC123",
            }
        ],
    }
    with PILImage.open(out) as image:
        assert verify_symbols(_expected(SERIAL), image.convert("L"), 203).ok


def test_png_count_writes_numbered_files_with_counted_serials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run.png"
    code, _, stderr = _run(
        capsys, TEMPLATE, "--data", DATA, "--out", str(out), "--dpi", "203", "--count", "3"
    )
    assert (code, stderr) == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "run-0001.png", "run-0002.png", "run-0003.png",
    ]  # fmt: skip
    for n in (1, 2, 3):
        with PILImage.open(tmp_path / f"run-000{n}.png") as image:
            assert verify_symbols(_expected(f"{SERIAL}{n}"), image.convert("L"), 203).ok


@pytest.mark.parametrize("stored", [False, True])
def test_zpl_count_is_n_formats_or_one_stored_format_and_n_recalls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stored: bool
) -> None:
    out = tmp_path / "run.zpl"
    argv = [TEMPLATE, "--data", DATA, "--out", str(out), "--dpi", "203", "--count", "12"]
    code, _, stderr = _run(capsys, *argv, *(["--stored-format"] if stored else []))
    assert (code, stderr) == (0, "")
    stream = out.read_bytes()
    assert stream.startswith(b"~DYE:LSSANSB,B,T,")  # fonts first, then the labels
    codes = [c.code for c in tokenize(stream)]
    assert codes.count("DF") == (1 if stored else 0)
    assert codes.count("XF") == (12 if stored else 0)
    assert codes.count("XA") == (13 if stored else 12)
    images = render_zpl_images(stream, 203)
    assert len(images) == 12
    for n, image in enumerate(images, start=1):
        assert verify_symbols(_expected(f"{SERIAL}{n:02d}"), image, 203).ok


def test_zpl_without_fonts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "label.zpl"
    code, _, _ = _run(capsys, TEMPLATE, "--data", DATA, "--out", str(out), "--no-fonts")
    assert code == 0
    assert out.read_bytes().startswith(b"^XA^CI28^PW827^LL472")  # 300 dpi: the stock's


def test_pdf_has_one_page_per_label_and_decodes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run.pdf"
    code, _, stderr = _run(
        capsys, TEMPLATE, "--data", DATA, "--out", str(out), "--count", "2", "--proof"
    )
    assert (code, stderr) == (0, "")
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-png", str(out), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    for n, page in enumerate(pages, start=1):
        with PILImage.open(page) as image:
            assert verify_symbols(_expected(f"{SERIAL}{n}", 300), image.convert("L"), 300).ok


def _refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str, out: str = "x.zpl"
) -> str:
    target = tmp_path / out
    code, stdout, stderr = _run(capsys, *argv, "--out", str(target))
    assert code == 2
    assert stdout == ""
    assert stderr.count("\n") == 1
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == [p for p in tmp_path.iterdir() if p.suffix == ".json"]
    return stderr.strip()


def test_serial_over_20_characters_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    message = _refused(tmp_path, capsys, TEMPLATE, "--data", DATA, "--count", "100000")
    assert message == (
        f"labelstation: error: serial '{SERIAL}' + 6-digit counter: 22 characters; "
        "expected at most 20 (GS1 AI 21)"
    )


def test_unknown_schema_version_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(Path(TEMPLATE).read_text(encoding="utf-8"))
    doc["schema"] = "labelstation.template/9"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    message = _refused(tmp_path, capsys, str(bad), "--data", DATA)
    assert message.startswith("labelstation: error: ")
    assert "labelstation.template/9" in message


def test_unknown_element_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(Path(TEMPLATE).read_text(encoding="utf-8"))
    doc["elements"].append({"type": "hologram", "id": "h", "x": 1, "y": 1})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    message = _refused(tmp_path, capsys, str(bad), "--data", DATA)
    assert "hologram" in message


def test_data_failing_gs1_rules_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {**load_data(DATA), "gtin": "09506000134353"}
    bad = tmp_path / "data.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    message = _refused(tmp_path, capsys, TEMPLATE, "--data", str(bad), out="x.pdf")
    assert message.startswith("labelstation: error: ")
    assert "09506000134353" in message


@pytest.mark.parametrize(
    ("extra", "out", "message"),
    [
        (
            [],
            "x.txt",
            "labelstation: error: --out {out}: unknown extension '.txt'; expected one of "
            ".pdf, .png, .zpl",
        ),
        (
            ["--proof"],
            "x.png",
            "labelstation: error: --proof with --out {out}: expected a .pdf output",
        ),
        (
            ["--stored-format"],
            "x.pdf",
            "labelstation: error: --stored-format with --out {out}: expected a .zpl output",
        ),
        (
            ["--count", "0"],
            "x.zpl",
            "labelstation: error: --count 0: expected a positive number of labels",
        ),
    ],
)
def test_option_refusals(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    out: str,
    message: str,
) -> None:
    got = _refused(tmp_path, capsys, TEMPLATE, "--data", DATA, *extra, out=out)
    assert got == message.format(out=repr(str(tmp_path / out)))


def test_gs1_qr_to_zpl_is_refused_and_leaves_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(Path(TEMPLATE).read_text(encoding="utf-8"))
    for element in doc["elements"]:
        if element["id"] == "dm":
            element["kind"] = "gs1-qr"
    qr = tmp_path / "qr.json"
    qr.write_text(json.dumps(doc), encoding="utf-8")
    message = _refused(tmp_path, capsys, str(qr), "--data", DATA)
    assert message == (
        "labelstation: error: symbol 'dm' (gs1-qr): ZPL ^BQ cannot encode FNC1 in first "
        "position, so a GS1 QR Code cannot be printed with native ZPL; expected "
        "gs1-datamatrix, or print GS1 QR from the PDF"
    )


@pytest.mark.parametrize(("argv", "shown"), [((), "DRAFT"), (("--template-version", "3"), "v3")])
def test_proof_footer_shows_the_template_version_or_draft(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], shown: str
) -> None:
    out = tmp_path / "proof.pdf"
    code, _, stderr = _run(capsys, TEMPLATE, "--data", DATA, "--out", str(out), "--proof", *argv)
    assert (code, stderr) == (0, "")
    text = subprocess.run(
        ["pdftotext", "-raw", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    digest = load_template(TEMPLATE).content_hash
    assert f"PROOF · template eu-fmd-carton {shown} · sha256 {digest}" in " ".join(text.split())
