"""Layout of templates into display lists: samples at every dpi, fit, content, refusals.

Symbols are checked end to end: the display list is drawn by the PNG renderer and read back
with zxing-cpp, so what layout intends is what a scanner reads.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labelstation.errors import GS1Error, TemplateError, UDIError, ValidationError
from labelstation.gs1 import BuildPolicy
from labelstation.gs1 import build as gs1_build
from labelstation.render.png import render_png
from labelstation.resources import resource_path
from labelstation.symbols import encode
from labelstation.template import (
    DisplayList,
    FieldElement,
    HriElement,
    Template,
    TextElement,
    check_display_list,
    layout,
    load_data,
    load_template,
    sample_templates,
)
from labelstation.template.displaylist import Box, Symbol, TextRun
from labelstation.template.text import line_height_mm, text_width_mm
from labelstation.udi import build, build_primary, build_secondary
from labelstation.units import dots_to_mm

TEMPLATES = resource_path("templates/eu-fmd-carton.json").parent
SAMPLES = sorted(p.stem for p in sample_templates())
DPIS = (203, 300, 600)
GS = "\x1d"
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
TODAY = dt.date(2026, 1, 15)


def _sample(name: str) -> tuple[Template, dict[str, Any]]:
    return load_template(TEMPLATES / f"{name}.json"), load_data(TEMPLATES / f"{name}.data.json")


def _doc(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((TEMPLATES / f"{name}.json").read_text("utf-8"))
    return doc


def _decoded(display_list: DisplayList) -> list[tuple[str, str]]:
    image = render_png(display_list).convert("L")
    return sorted(
        (r.symbology_identifier, r.bytes.decode("latin-1")) for r in zxingcpp.read_barcodes(image)
    )


def _intended(display_list: DisplayList) -> list[tuple[str, str]]:
    return sorted((s.symbology_id, s.data) for s in display_list.symbols)


def _element_box(template: Template, key: str) -> tuple[float, float, float, float]:
    element = template.element(key.split(".")[0])
    assert isinstance(element, TextElement | FieldElement | HriElement)
    return element.x, element.y, element.w, element.h


def _assert_text_fits(template: Template, display_list: DisplayList) -> None:
    """Every line is no wider than its box and lies inside its element's box."""
    for run in display_list.primitives:
        if not isinstance(run, TextRun):
            continue
        assert text_width_mm(run.text, run.font, run.bold, run.size_pt) <= run.w + 1e-6, run
        lh = line_height_mm(run.font, run.bold, run.size_pt)
        w, h = (run.w, lh) if run.rotation in (0, 180) else (lh, run.w)
        x, y, bw, bh = _element_box(template, run.key)
        assert x - 1e-6 <= run.x, run
        assert run.x + w <= x + bw + 1e-6, run
        assert y - 1e-6 <= run.y, run
        assert run.y + h <= y + bh + 1e-6, run


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_lays_out_fits_and_decodes(name: str, dpi: int) -> None:
    template, data = _sample(name)
    display_list = layout(template, data, dpi=dpi, today=TODAY)
    check_display_list(display_list)
    assert (display_list.width, display_list.height) == (
        template.stock.width,
        template.stock.height,
    )
    assert display_list.dpi == dpi
    assert display_list.template_id == name
    assert display_list.template_hash == template.content_hash
    assert display_list.symbols
    _assert_text_fits(template, display_list)
    if dpi != 203:  # the renderer draws at the list's dpi; 203 is decoded in the test below
        assert _decoded(display_list) == _intended(display_list)


@pytest.mark.parametrize("name", ["eu-fmd-carton", "udi-device", "gs1-logistic", "hibc-device"])
def test_samples_decode_at_203_dpi(name: str) -> None:
    template, data = _sample(name)
    display_list = layout(template, data, dpi=203, today=TODAY)
    assert _decoded(display_list) == _intended(display_list)


def test_eu_fmd_carton_content() -> None:
    template, data = _sample("eu-fmd-carton")
    display_list = layout(template, data, dpi=300, today=TODAY)
    (dm,) = display_list.symbols
    assert dm.kind == "gs1-datamatrix"
    assert dm.symbology_id == "]d2"
    assert dm.data == "010950600013435217271231217HJ3K9QWX2P4RT8M" + GS + "10ABC123"
    assert dm.hri == "(01)09506000134352(17)271231(21)7HJ3K9QWX2P4RT8M(10)ABC123"
    assert dm.variable
    assert dm.key == "dm"
    hri = [
        p for p in display_list.primitives if isinstance(p, TextRun) and p.key.startswith("hri.")
    ]
    assert [(r.key, r.text) for r in hri] == [
        ("hri.01", "PC 09506000134352"),
        ("hri.21", "SN 7HJ3K9QWX2P4RT8M"),
        ("hri.10", "LOT ABC123"),
        ("hri.17", "EXP 31 Dec 2027"),
    ]
    assert all(r.variable for r in hri)


def test_module_snaps_to_whole_dots_and_sizes_the_symbol() -> None:
    template, data = _sample("eu-fmd-carton")
    for dpi, dots in ((203, 3), (300, 5), (600, 10)):  # 0.42 mm
        (dm,) = layout(template, data, dpi=dpi, today=TODAY).symbols
        assert dm.module == pytest.approx(dots * 25.4 / dpi)
        assert dm.quiet_zone == pytest.approx(dm.module)  # 1 module for Data Matrix
        modules = encode("gs1-datamatrix", dm.data).width_modules  # 24 for this content
        assert dm.w == pytest.approx((modules + 2) * dm.module)  # 1-module quiet zone a side
        assert dm.h == pytest.approx(dm.w)


def test_linear_symbol_size_includes_quiet_zones_and_hri() -> None:
    template, data = _sample("gs1-logistic")
    display_list = layout(template, data, dpi=203, today=TODAY)
    sscc = next(s for s in display_list.symbols if s.key == "sscc-code")
    assert sscc.module == pytest.approx(dots_to_mm(4, 203))  # 0.5 mm is 3.996 dots
    assert sscc.quiet_zone == pytest.approx(10 * sscc.module)
    assert sscc.height == 25
    assert sscc.show_hri
    assert sscc.h > sscc.height
    assert sscc.hri == "(00)095060001234567893"


def test_shrink_to_fit_lowers_the_size_and_stops_at_the_minimum() -> None:
    doc = _doc("eu-fmd-carton")
    template, data = Template.from_json(doc), load_data(TEMPLATES / "eu-fmd-carton.data.json")
    short = layout(template, {**data, "name": "Ab"}, today=TODAY)
    run = next(p for p in short.primitives if isinstance(p, TextRun) and p.key == "name")
    assert run.size_pt == 11
    long_name = "Examplomab 100 mg film-coated tablets for oral use in adults and adolescents"
    shrunk = layout(template, {**data, "name": long_name}, today=TODAY)
    runs = [p for p in shrunk.primitives if isinstance(p, TextRun) and p.key.startswith("name")]
    assert 5.5 <= runs[0].size_pt < 11
    assert " ".join(r.text for r in runs) == long_name
    _assert_text_fits(template, shrunk)
    with pytest.raises(TemplateError) as info:
        layout(template, {**data, "name": long_name * 3}, today=TODAY)
    assert str(info.value) == (
        f"element 'name' (field): text {long_name * 3!r} does not fit its 64 × 5.5 mm box "
        "at 11 pt, even shrunk to 5.5 pt"
    )


def test_text_without_shrink_that_overflows_is_refused() -> None:
    doc = _doc("us-dscsa-carton")
    rx = next(e for e in doc["elements"] if e["id"] == "rx")
    rx["text"] = "Rx only " * 20
    with pytest.raises(TemplateError) as info:
        layout(Template.from_json(doc), load_data(TEMPLATES / "us-dscsa-carton.data.json"))
    assert str(info.value) == (
        f"element 'rx' (text): text {'Rx only ' * 20!r} does not fit its 70 × 3.5 mm box at 7 pt"
    )


def _one_field_template(
    text_options: dict[str, Any],
    *,
    stock: tuple[float, float] = (300, 120),
    box: tuple[float, float, float, float] = (5, 5, 290, 110),
    size_pt: float = 8,
) -> Template:
    """A probe template: one field ``t`` showing ``{text}`` in ``box`` on ``stock`` (mm)."""
    x, y, w, h = box
    return Template.from_json(
        {
            "schema": "labelstation.template/1",
            "id": "probe",
            "name": "probe",
            "stock": {"width": stock[0], "height": stock[1]},
            "elements": [
                {
                    "type": "field",
                    "id": "t",
                    "x": x,
                    "y": y,
                    "w": w,
                    "h": h,
                    "expr": "{text}",
                    "size_pt": size_pt,
                    **text_options,
                }
            ],
        }
    )


_UNICODE = st.text(
    alphabet=st.characters(
        categories=(
            "Lu",
            "Ll",
            "Lt",
            "Lo",
            "Nd",
            "Pc",
            "Pd",
            "Ps",
            "Pe",
            "Po",
            "Sm",
            "Sc",
            "Sk",
            "So",
            "Mn",
        ),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_UNICODE)
def test_unicode_text_reaches_the_text_run_unchanged(text: str) -> None:
    display_list = layout(_one_field_template({}), {"text": text})
    (run,) = display_list.primitives
    assert isinstance(run, TextRun)
    assert run.text == text


@pytest.mark.parametrize(
    "text",
    [
        "Μόνο για κλινική δοκιμή — Только для клинических исследований — Prüfung ÄÖÜß",
        "Ελληνικά ÆØÅ æøå Ç ğ İ ı ł Ő ű č ž ș ț — №5 — 10 µg — ≤ 25 °C",
        "🙂 emoji and 漢字 are kept even where the font has no glyph",
    ],
)
def test_multilingual_text_survives_wrapping_in_order(text: str) -> None:
    template = _one_field_template({"wrap": True}, stock=(60, 60), box=(2, 2, 40, 50))
    display_list = layout(template, {"text": text})
    runs = [p for p in display_list.primitives if isinstance(p, TextRun)]
    assert len(runs) > 1
    assert " ".join(r.text for r in runs) == text
    _assert_text_fits(template, display_list)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(
        st.text(alphabet="ilmwWAΩЖ.-", min_size=1, max_size=12), min_size=1, max_size=25
    ),
    w=st.floats(8, 60),
    h=st.floats(4, 40),
)
def test_wrapped_shrunk_text_always_fits_or_is_refused(
    words: list[str], w: float, h: float
) -> None:
    text = " ".join(words)
    template = _one_field_template(
        {"wrap": True, "shrink": True, "min_size_pt": 4},
        stock=(100, 100),
        box=(1, 1, w, h),
        size_pt=12,
    )
    try:
        display_list = layout(template, {"text": text})
    except TemplateError as exc:
        refusal = str(exc)
    else:
        refusal = ""
    if refusal:
        assert refusal.startswith("element 't' (field): text ")
        assert refusal.endswith("even shrunk to 4 pt")
        return
    _assert_text_fits(template, display_list)
    runs = [p for p in display_list.primitives if isinstance(p, TextRun)]
    assert "".join(r.text for r in runs).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotated_text_stays_in_its_box(rotation: int) -> None:
    template = _one_field_template(
        {"wrap": True, "rotation": rotation}, stock=(60, 60), box=(10, 5, 12, 40)
    )
    display_list = layout(template, {"text": "LOT ABC123 EXP 2027-12-31"})
    runs = [p for p in display_list.primitives if isinstance(p, TextRun)]
    assert len(runs) >= 2
    assert all(r.rotation == rotation for r in runs)
    _assert_text_fits(template, display_list)
    first, second = runs[0], runs[1]
    # the first line is on the side the text's top faces
    expected = {0: first.y < second.y, 90: first.x > second.x, 180: first.y > second.y,
                270: first.x < second.x}  # fmt: skip
    assert expected[rotation]


def _with_lot_serial(lot: str, serial: str) -> DisplayList:
    template, data = _sample("eu-fmd-carton")
    return layout(template, {**data, "lot": lot, "serial": serial}, today=TODAY)


@pytest.mark.parametrize("start", range(0, len(CSET82), 20))
def test_all_of_cset_82_in_lot_and_serial_reaches_the_symbol_and_the_scanner(start: int) -> None:
    chunk = CSET82[start : start + 20]
    reverse = chunk[::-1]
    display_list = _with_lot_serial(chunk, reverse)
    (dm,) = display_list.symbols
    assert dm.data == f"01095060001343521727123121{reverse}{GS}10{chunk}"
    assert _decoded(display_list) == [("]d2", dm.data)]
    hri = {p.key: p.text for p in display_list.primitives if isinstance(p, TextRun)}
    assert hri["hri.10"] == f"LOT {chunk}"
    assert hri["hri.21"] == f"SN {reverse}"


@pytest.mark.parametrize("start", range(0, len(CSET82), 20))
def test_cset_82_reaches_a_gs1_128_unchanged(start: int) -> None:
    template, data = _sample("udi-device")
    lot = CSET82[start : start + 20]
    serial = lot[::-1]
    display_list = layout(template, {**data, "lot": lot, "serial": serial}, today=TODAY)
    symbols = {s.key: s for s in display_list.symbols}
    assert symbols["udi-pi"].data == f"1729103110{lot}"
    assert symbols["udi-sn"].data == f"21{serial}"
    decoded = _decoded(display_list)
    assert ("]C1", f"1729103110{lot}") in decoded
    assert ("]C1", f"21{serial}") in decoded


WORST = ["W" * 20, "w" * 20, "%" * 20, "M" * 20, "!" * 20]


@pytest.mark.parametrize(
    "name", ["eu-fmd-carton", "eu-fmd-carton-pt", "us-dscsa-carton", "udi-device"]
)
@pytest.mark.parametrize("value", WORST)
def test_longest_and_widest_lot_and_serial_fit_every_gs1_sample(name: str, value: str) -> None:
    template, data = _sample(name)
    for dpi in DPIS:
        display_list = layout(
            template, {**data, "lot": value, "serial": value}, dpi=dpi, today=TODAY
        )
        _assert_text_fits(template, display_list)
        assert any(value in s.data for s in display_list.symbols)


def test_longest_values_fit_the_other_samples() -> None:
    cases: dict[str, list[dict[str, Any]]] = {
        "gs1-logistic": [{"lot": "W" * 20, "count": 99999999}, {"lot": "%" * 20, "count": 1}],
        "hibc-device": [{"lot": "W" * 18, "product": "W" * 18, "lic": "WWWW"}],
        "clinical-kit": [{"kit": 999999, "lot": "W" * 20}],
    }
    for name, changes in cases.items():
        template, data = _sample(name)
        for change in changes:
            for dpi in DPIS:
                display_list = layout(template, {**data, **change}, dpi=dpi, today=TODAY)
                _assert_text_fits(template, display_list)


def test_a_symbol_growing_into_text_is_refused() -> None:
    doc = _doc("eu-fmd-carton")
    next(e for e in doc["elements"] if e["id"] == "hri")["x"] = 12
    with pytest.raises(TemplateError) as info:
        layout(Template.from_json(doc), load_data(TEMPLATES / "eu-fmd-carton.data.json"))
    assert str(info.value) == (
        "element 'dm': Symbol at x 3.00 y 16.00 to x 14.01 y 27.01 mm (quiet zones included) "
        "overlaps TextRun 'hri.01' at x 12.00 y 16.00 to x 41.70 y 19.29 mm"
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lot=st.text(alphabet=CSET82, min_size=1, max_size=20),
    serial=st.text(alphabet=CSET82, min_size=1, max_size=20),
)
def test_any_cset_82_lot_and_serial_reaches_symbol_data(lot: str, serial: str) -> None:
    (dm,) = _with_lot_serial(lot, serial).symbols
    assert dm.data == f"01095060001343521727123121{serial}{GS}10{lot}"


_DEFAULT_POLICY = BuildPolicy()


def _gs1_message(pairs: list[tuple[str, str]], policy: BuildPolicy = _DEFAULT_POLICY) -> str:
    with pytest.raises(GS1Error) as info:
        gs1_build(pairs, policy=policy, today=TODAY)
    return str(info.value)


@pytest.mark.parametrize(
    ("change", "pairs"),
    [
        ({"gtin": "09506000134353"}, [("01", "09506000134353")]),
        ({"lot": "ABC 123"}, [("10", "ABC 123")]),
        ({"lot": "ABC#123"}, [("10", "ABC#123")]),
        ({"serial": "S" * 21}, [("21", "S" * 21)]),
        ({"lot": "L" * 21}, [("10", "L" * 21)]),
        ({"serial": "ÄBC"}, [("21", "ÄBC")]),
    ],
)
def test_data_breaking_gs1_rules_is_refused_with_the_gs1_message(
    change: dict[str, str], pairs: list[tuple[str, str]]
) -> None:
    template, data = _sample("eu-fmd-carton")
    with pytest.raises(GS1Error) as info:
        layout(template, {**data, **change}, today=TODAY)
    assert str(info.value) == "element 'dm' (barcode): " + _gs1_message(pairs)


def test_day_00_follows_the_policy() -> None:
    template, data = _sample("eu-fmd-carton")
    eom = {**data, "expiry": "2028-02-00"}
    display_list = layout(template, eom, today=TODAY)
    (dm,) = display_list.symbols
    assert "17280200" in dm.data
    hri = {p.key: p.text for p in display_list.primitives if isinstance(p, TextRun)}
    assert hri["hri.17"] == "EXP 29 Feb 2028"  # day 00 is the last day of the month
    strict = BuildPolicy(forbid_day_00=True)
    with pytest.raises(GS1Error) as info:
        layout(template, eom, policy=strict, today=TODAY)
    assert str(info.value) == "element 'dm' (barcode): " + _gs1_message([("17", "280200")], strict)


def test_a_missing_data_field_names_the_element_and_the_expression() -> None:
    template, data = _sample("eu-fmd-carton")
    del data["lot"]
    with pytest.raises(TemplateError) as info:
        layout(template, data)
    assert (
        str(info.value) == "element 'dm' (barcode): expression '{lot}': no field 'lot' in the data"
    )


@pytest.mark.parametrize(
    ("market", "options", "lines"),
    [
        ("US", {}, ["GTIN 09506000134352", "SN 7HJ3K9QWX2P4RT8M", "LOT ABC123", "EXP 2027-12-31"]),
        (
            "DE",
            {},
            ["PC 09506000134352", "SN 7HJ3K9QWX2P4RT8M", "CH.-B. ABC123", "VERW. BIS 12.2027"],
        ),
        (
            "EU",
            {"separator": ": ", "date_format": "%b %Y", "ais": ["17", "10"]},
            ["EXP: Dec 2027", "LOT: ABC123"],
        ),
        ("custom", {"captions": {"21": "Serial"}}, ["Serial 7HJ3K9QWX2P4RT8M"]),
        ("custom", {"ais": ["01"]}, ["(01) 09506000134352"]),
    ],
)
def test_hri_block_markets(market: str, options: dict[str, Any], lines: list[str]) -> None:
    doc = _doc("eu-fmd-carton")
    hri = next(e for e in doc["elements"] if e["id"] == "hri")
    hri.update(market=market, **options)
    template = Template.from_json(doc)
    display_list = layout(template, load_data(TEMPLATES / "eu-fmd-carton.data.json"))
    runs = [
        p for p in display_list.primitives if isinstance(p, TextRun) and p.key.startswith("hri.")
    ]
    assert [r.text for r in runs] == lines


def test_hri_block_refuses_an_ai_the_barcode_lacks() -> None:
    doc = _doc("eu-fmd-carton")
    next(e for e in doc["elements"] if e["id"] == "hri")["ais"] = ["01", "11"]
    with pytest.raises(TemplateError) as info:
        layout(Template.from_json(doc), load_data(TEMPLATES / "eu-fmd-carton.data.json"))
    assert str(info.value) == (
        "element 'hri' (hri): field 'ais': AI (11) is not in barcode 'dm' "
        "(expected one of 01, 21, 10, 17)"
    )


def test_nhrn_for_portugal() -> None:
    template, data = _sample("eu-fmd-carton-pt")
    display_list = layout(template, data, today=TODAY)
    (dm,) = display_list.symbols
    assert dm.data.endswith(f"{GS}7145681234{GS}10L24-0917") or f"7145681234{GS}" in dm.data
    hri = [
        p.text
        for p in display_list.primitives
        if isinstance(p, TextRun) and p.key.startswith("hri.")
    ]
    assert hri == [
        "PC 09506000134352",
        "SN PT4K7M2Q9X1Z",
        "NHRN 5681234",
        "LOT L24-0917",
        "EXP 31 Mar 2028",
    ]


def test_us_dscsa_gtin_is_ndc_based() -> None:
    template, data = _sample("us-dscsa-carton")
    (dm,) = layout(template, data, today=TODAY).symbols
    ndc10 = data["ndc"].replace("-", "")
    assert dm.data.startswith("01" + "0" + "03" + ndc10)


def test_logistic_label_pairing_is_checked_over_both_symbols() -> None:
    doc = _doc("gs1-logistic")
    data = load_data(TEMPLATES / "gs1-logistic.data.json")
    layout(Template.from_json(doc), data, today=TODAY)  # (02)+(37) with (00) elsewhere: fine
    doc["elements"] = [e for e in doc["elements"] if e["id"] != "sscc-code"]
    with pytest.raises(GS1Error) as info:
        layout(Template.from_json(doc), data, today=TODAY)
    assert str(info.value) == (
        "label (GS1 barcodes 'content-code', 'batch-code' together): "
        + _gs1_message([("02", "19506000134359"), ("37", "48")])
    )
    # with pairing checks switched off by policy, the partial message alone is accepted
    layout(Template.from_json(doc), data, policy=BuildPolicy(check_pairings=False), today=TODAY)


def test_hibc_content_is_built_by_the_udi_package() -> None:
    template, data = _sample("hibc-device")
    symbols = {s.key: s for s in layout(template, data, today=TODAY).symbols}
    primary = build_primary("A123", "BJC5D6E7", "1")
    secondary = build_secondary(lot="3C001", expiry=dt.date(2028, 5, 31), expiry_format="YYMMDD")
    combined = build(primary, secondary)
    separate = build(primary, secondary, combined=False)
    assert symbols["dm"].data == combined.data
    assert symbols["primary"].data == primary.data
    assert symbols["primary"].hri == primary.hri
    assert symbols["secondary"].data == separate.secondary_data
    assert symbols["secondary"].hri == separate.secondary_hri


def test_hibc_errors_come_from_the_udi_package() -> None:
    template, data = _sample("hibc-device")
    with pytest.raises(UDIError) as info:
        layout(template, {**data, "lic": "1234"})
    assert str(info.value) == (
        "element 'dm' (barcode): HIBC LIC '1234': expected 4 characters A-Z or 0-9, first a letter"
    )
    with pytest.raises(TemplateError) as info2:
        layout(template, {**data, "expiry": "2028-05-00"})
    assert str(info2.value) == (
        "element 'dm' (barcode): field 'hibc.expiry': '2028-05-00' is not an ISO date (YYYY-MM-DD)"
    )


def test_plain_symbol_content_errors_name_the_element() -> None:
    doc = _doc("clinical-kit")
    doc["elements"].append(
        {
            "type": "barcode",
            "id": "ean",
            "kind": "ean13",
            "x": 40,
            "y": 36,
            "module_mm": 0.33,
            "height": 10,
            "data": "{ean}",
        }
    )
    data = {**load_data(TEMPLATES / "clinical-kit.data.json"), "ean": "12"}
    with pytest.raises(ValidationError) as info:
        layout(Template.from_json(doc), data)
    assert str(info.value) == (
        "element 'ean' (barcode): field 'data': ean13 data '12': expected exactly 13 digits "
        "including the check digit"
    )


def test_constant_and_variable_primitives_are_marked_for_stored_formats() -> None:
    template, data = _sample("udi-device")
    display_list = layout(template, data, today=TODAY)
    by_key = {p.key: p for p in display_list.primitives}
    name = by_key["name"]
    assert isinstance(name, TextRun)
    assert name.variable
    assert all(p.key for p in display_list.primitives)
    clinical, cdata = _sample("clinical-kit")
    runs = {p.key: p for p in layout(clinical, cdata).primitives if isinstance(p, TextRun)}
    assert not runs["ct-en"].variable
    assert runs["kit"].variable
    assert runs["kit"].text == "KIT 001207"
    frame = next(p for p in layout(clinical, cdata).primitives if isinstance(p, Box))
    assert (frame.key, frame.radius) == ("frame", 1.5)


@pytest.mark.parametrize("rotation", [90, 270])
def test_rotated_symbol_swaps_its_bounding_box(rotation: int) -> None:
    doc = _doc("eu-fmd-carton")
    data = load_data(TEMPLATES / "eu-fmd-carton.data.json")
    doc["elements"] = []
    doc["elements"].append(
        {
            "type": "barcode",
            "id": "c128",
            "kind": "code128",
            "x": 50,
            "y": 1,
            "module_mm": 0.25,
            "height": 6,
            "data": "{lot}",
            "rotation": rotation,
        }
    )
    symbol = next(s for s in layout(Template.from_json(doc), data).symbols if s.key == "c128")
    assert isinstance(symbol, Symbol)
    assert symbol.rotation == rotation
    assert symbol.w == pytest.approx(6)
    assert symbol.h > symbol.w


def test_a_primitive_off_the_label_is_refused() -> None:
    doc = _doc("eu-fmd-carton")
    next(e for e in doc["elements"] if e["id"] == "dm")["x"] = 62
    with pytest.raises(TemplateError) as info:
        layout(Template.from_json(doc), load_data(TEMPLATES / "eu-fmd-carton.data.json"))
    assert str(info.value) == (
        "element 'dm': Symbol at x 62.00 y 16.00 to x 73.01 y 27.01 mm runs off the "
        "70 × 40 mm label"
    )


def test_unsupported_dpi_is_refused() -> None:
    template, data = _sample("eu-fmd-carton")
    with pytest.raises(TemplateError) as info:
        layout(template, data, dpi=250)
    assert str(info.value) == "layout dpi 250: expected one of 203, 300, 600"


def test_layout_is_deterministic() -> None:
    template, data = _sample("gs1-logistic")
    first = layout(template, copy.deepcopy(data), dpi=300, today=TODAY)
    assert layout(template, data, dpi=300, today=TODAY) == first
