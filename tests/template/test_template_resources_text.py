"""Shipped resources (fonts, icons, templates) and text measurement on the shipped font."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image, ImageFont

from labelstation.errors import NotFound
from labelstation.resources import (
    RESOURCES_ENV,
    font_ids,
    font_path,
    resource_path,
    resources_root,
)
from labelstation.template.text import (
    ascent_mm,
    fit_text,
    line_height_mm,
    load_font,
    text_width_mm,
    wrap_lines,
)
from labelstation.units import pt_to_mm

REPO = Path(__file__).resolve().parents[2]


def test_source_checkout_resources() -> None:
    assert resources_root() == REPO / "resources"
    assert font_path("sans") == REPO / "resources/fonts/DejaVuSans.ttf"
    assert font_path("sans", bold=True) == REPO / "resources/fonts/DejaVuSans-Bold.ttf"
    assert (REPO / "resources/fonts/LICENSE-DejaVu.txt").read_text("utf-8").count("Bitstream") > 3
    assert font_ids() == ("sans",)


def test_pyinstaller_bundle_and_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "resources/icons").mkdir(parents=True)
    (bundle / "resources/icons/x.png").write_bytes(b"png")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert resource_path("icons/x.png") == bundle / "resources/icons/x.png"
    other = tmp_path / "other"
    (other / "icons").mkdir(parents=True)
    (other / "icons/x.png").write_bytes(b"png")
    monkeypatch.setenv(RESOURCES_ENV, str(other))
    assert resource_path("icons/x.png") == other / "icons/x.png"


def test_resource_refusals() -> None:
    with pytest.raises(NotFound) as info:
        resource_path("icons/none.svg")
    assert str(info.value) == (
        f"resource 'icons/none.svg': no such file at {REPO / 'resources/icons/none.svg'}"
    )
    with pytest.raises(NotFound) as info:
        resource_path("../pyproject.toml")
    assert str(info.value) == (
        "resource '../pyproject.toml': expected a path inside resources/ without '..'"
    )
    with pytest.raises(NotFound) as info:
        font_path("serif")
    assert str(info.value) == "font 'serif': expected one of sans"
    absolute = REPO / "pyproject.toml"
    assert resource_path(absolute) == absolute


@pytest.mark.parametrize("name", ["manufacturer", "manufacture-date", "use-by", "lot", "ref", "sn"])
def test_iso_15223_style_icons_ship_as_svg_and_png(name: str) -> None:
    svg = resource_path(f"icons/{name}.svg").read_text("utf-8")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"')
    with Image.open(resource_path(f"icons/{name}.png")) as image:
        assert image.size == (400, 400)
        alpha = image.getchannel("A")
        assert alpha.getextrema() == (0, 255)  # drawn, on a transparent ground


@pytest.mark.parametrize(
    "text",
    ["Prüfung ÄÖÜß", "Μόνο για κλινική δοκιμή", "Только для клинических исследований", "№ µg ≤ °C"],
)
def test_font_covers_latin_greek_cyrillic(text: str) -> None:
    font = load_font("sans", False, 100)
    missing = font.getmask("\ufffe").getbbox()  # the .notdef box
    for char in text.replace(" ", ""):
        assert font.getmask(char).getbbox() != missing or char == "\ufffe", char


def test_widths_scale_with_size_and_match_pillow_at_large_sizes() -> None:
    text = "EXP 31 Dec 2027"
    assert text_width_mm(text, "sans", False, 16) == pytest.approx(
        2 * text_width_mm(text, "sans", False, 8)
    )
    # at a size where hinting does not matter, Pillow's own measurement agrees
    size_px = 2000
    font = ImageFont.truetype(str(font_path("sans")), size_px)
    px_per_mm = size_px / pt_to_mm(size_px)  # size_px points = size_px pixels per em here
    expected = font.getlength(text) / px_per_mm
    assert text_width_mm(text, "sans", False, size_px) == pytest.approx(expected, rel=1e-3)
    assert text_width_mm(text, "sans", True, 8) > text_width_mm(text, "sans", False, 8)


def test_line_metrics() -> None:
    # DejaVu Sans: ascent + descent is about 1.164 em
    assert line_height_mm("sans", False, 10) == pytest.approx(1.164 * pt_to_mm(10), rel=0.01)
    assert 0 < ascent_mm("sans", False, 10) < line_height_mm("sans", False, 10)


def test_wrap_breaks_at_spaces_and_inside_overlong_words() -> None:
    lines = wrap_lines("LOT ABC123 EXP 2027", "sans", False, 8, 20)
    assert lines == ["LOT ABC123", "EXP 2027"]
    long_word = "W" * 30
    cut = wrap_lines(long_word, "sans", False, 8, 10)
    assert "".join(cut) == long_word
    assert all(text_width_mm(line, "sans", False, 8) <= 10 for line in cut)
    assert wrap_lines("a\nb", "sans", False, 8, 50) == ["a", "b"]


def test_fit_text_shrinks_in_quarter_points() -> None:
    text = "Examplomab 100 mg film-coated tablets"
    fitted = fit_text(
        text, font_id="sans", bold=True, size_pt=12, width=40, height=4,
        wrap=False, shrink=True, min_size_pt=4,
    )  # fmt: skip
    assert fitted is not None
    assert fitted.size_pt < 12
    assert (fitted.size_pt * 4) == int(fitted.size_pt * 4)
    assert text_width_mm(text, "sans", True, fitted.size_pt) <= 40
    assert text_width_mm(text, "sans", True, fitted.size_pt + 0.25) > 40
    assert fit_text(
        text, font_id="sans", bold=True, size_pt=12, width=40, height=4,
        wrap=False, shrink=False, min_size_pt=4,
    ) is None  # fmt: skip
