"""verify_symbols: decode the rendered label and compare every symbol with its intent."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelstation.errors import RenderError
from labelstation.render.png import render_png
from labelstation.render.verify import DEFAULT_TOLERANCE_MM, verify_symbols
from labelstation.render.zplimage import render_zpl_image
from labelstation.symbols import encode
from labelstation.template import layout, load_data, load_template, sample_templates
from labelstation.template.displaylist import DisplayList, Symbol, TextRun
from labelstation.units import dots_to_mm

GS = "\x1d"
DM = f"0109506000134352{'17'}271231{'10'}LOT-42{GS}21SN0001"
C128 = f"0109506000134352{'21'}SN0001"


def _dm(x: float = 60, y: float = 5, data: str = DM, **kw: object) -> Symbol:
    size = encode("gs1-datamatrix", data).width_modules * 0.423 + 2 * 0.423
    return Symbol(x, y, size, size, "gs1-datamatrix", data, "]d2", module=0.423,
                  quiet_zone=0.423, key="udi", **kw)  # type: ignore[arg-type]  # fmt: skip


def _c128(x: float = 3, y: float = 5, data: str = C128, **kw: object) -> Symbol:
    w = encode("gs1-128", data).width_modules * 0.254 + 2 * 2.54
    return Symbol(x, y, w, 14, "gs1-128", data, "]C1", module=0.254, height=10,
                  quiet_zone=2.54, show_hri=True, key="sscc", **kw)  # type: ignore[arg-type]  # fmt: skip


def _label(*symbols: Symbol) -> DisplayList:
    return DisplayList(100, 40, (TextRun(3, 25, 50, "Lot LOT-42", 10), *symbols), dpi=300)


@pytest.mark.parametrize("dpi", [203, 300, 600])
def test_a_correct_label_verifies_ok_with_small_deltas(dpi: int) -> None:
    label = _label(_c128(), _dm())
    report = verify_symbols(label, render_png(label, dpi), dpi)
    assert report.ok
    assert [c.status for c in report.checks] == ["ok", "ok"]
    assert [c.key for c in report.checks] == ["sscc", "udi"]
    assert [c.got_id for c in report.checks] == ["]C1", "]d2"]
    assert [c.got_data for c in report.checks] == [C128, DM]  # GS kept
    assert report.max_delta_mm < 0.15
    assert report.problems == ()
    report.raise_for_problems()  # nothing to raise


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_symbols_are_expected_in_their_rotated_boxes(rotation: int) -> None:
    dm, c128 = _dm(rotation=rotation), _c128(y=2, rotation=rotation)
    c128 = dataclasses.replace(c128, w=c128.h, h=c128.w) if rotation != 180 else c128
    label = DisplayList(100, 100, (c128, dm), dpi=300)
    report = verify_symbols(label, render_png(label))
    assert [c.status for c in report.checks] == ["ok", "ok"]
    assert report.max_delta_mm < 0.15


def test_a_wrong_symbol_is_a_mismatch_with_both_contents() -> None:
    printed = _label(_c128(), _dm())
    intended = _label(_c128(), _dm(data=DM.replace("SN0001", "SN0002")))
    report = verify_symbols(intended, render_png(printed))
    assert not report.ok
    check = report.checks[1]
    assert check.status == "mismatch"
    assert check.message == (
        "symbol 'udi' (gs1-datamatrix at 60.00,5.00 mm): decoded ]d2 "
        "'01095060001343521727123110LOT-42\\x1d21SN0001'; expected ]d2 "
        "'01095060001343521727123110LOT-42\\x1d21SN0002'"
    )
    assert check.got_data == DM
    with pytest.raises(RenderError) as caught:
        report.raise_for_problems()
    assert str(caught.value) == check.message


def test_a_wrong_symbology_identifier_is_a_mismatch() -> None:
    label = _label(_dm())
    intended = _label(dataclasses.replace(_dm(), symbology_id="]d1"))
    report = verify_symbols(intended, render_png(label))
    assert [c.status for c in report.checks] == ["mismatch"]
    assert report.checks[0].got_id == "]d2"


def test_a_missing_symbol_is_not_found() -> None:
    report = verify_symbols(_label(_c128(), _dm()), render_png(_label(_c128())))
    assert [c.status for c in report.checks] == ["ok", "not_found"]
    assert report.checks[1].message == (
        "symbol 'udi' (gs1-datamatrix at 60.00,5.00 mm): not decoded; expected ]d2 "
        "'01095060001343521727123110LOT-42\\x1d21SN0001'"
    )
    assert report.checks[1].delta_mm is None


def test_an_unexpected_symbol_is_reported_extra() -> None:
    report = verify_symbols(_label(_c128()), render_png(_label(_c128(), _dm())))
    assert [c.status for c in report.checks] == ["ok", "extra"]
    extra = report.checks[1]
    assert (extra.index, extra.got_id, extra.got_data) == (-1, "]d2", DM)
    assert extra.message.startswith("unexpected symbol ]d2 '0109506000134352")
    assert not report.ok


@pytest.mark.parametrize(("dx", "dy"), [(3.0, 0.0), (0.0, -2.0), (1.5, 1.5)])
def test_a_moved_2d_symbol_is_reported_with_its_delta(dx: float, dy: float) -> None:
    printed = _label(_dm(x=60 + dx, y=5 + dy + 2))
    intended = _label(_dm(y=7))
    report = verify_symbols(intended, render_png(printed))
    check = report.checks[0]
    assert check.status == "moved"
    assert check.dx_mm == pytest.approx(dx, abs=0.1)
    assert check.dy_mm == pytest.approx(dy, abs=0.1)
    assert check.message.startswith("symbol 'udi' (gs1-datamatrix at 60.00,7.00 mm): decoded ")
    assert check.message.endswith(f"; expected within {DEFAULT_TOLERANCE_MM:.2f} mm")
    assert f"(dx {check.dx_mm:+.2f}, dy {check.dy_mm:+.2f})" in check.message


def test_a_moved_linear_symbol_across_and_along_its_bars() -> None:
    intended = _label(_c128(y=10))
    across = verify_symbols(intended, render_png(_label(_c128(x=5, y=10))))
    assert across.checks[0].status == "moved"
    assert across.checks[0].dx_mm == pytest.approx(2.0, abs=0.1)
    # along the bars a reader only reports its scan lines: moving 2 mm of a 10 mm bar is
    # still inside the bars, moving 12 mm is not
    along = verify_symbols(intended, render_png(_label(_c128(y=12))))
    assert along.checks[0].status == "ok"
    far = verify_symbols(intended, render_png(_label(_c128(y=22))))
    assert far.checks[0].status == "moved"
    assert far.checks[0].dy_mm is not None
    assert far.checks[0].dy_mm > 1.0


def test_tolerance_is_a_parameter() -> None:
    printed, intended = _label(_dm(x=61.5)), _label(_dm())
    assert verify_symbols(intended, render_png(printed)).checks[0].status == "moved"
    assert verify_symbols(intended, render_png(printed), tolerance_mm=2.0).ok


def test_two_symbols_with_the_same_content_pair_with_the_nearest() -> None:
    label = _label(_dm(x=40), _dm(x=70))
    report = verify_symbols(label, render_png(label))
    assert [c.status for c in report.checks] == ["ok", "ok"]
    assert report.max_delta_mm < 0.15


def test_verifies_a_zplkit_image_of_zpl() -> None:
    # A GS1 DataMatrix placed by ZPL at ^FO100,80 dots with 6-dot modules, as the ZPL emitter
    # writes it (first module at the field origin): nothing of our PNG renderer is involved.
    zpl = f"^XA^FO100,80^BXN,6,200,,,,_^FD_1{DM.replace(GS, '_1')}^FS^XZ"
    image = render_zpl_image(zpl, 300)
    module = dots_to_mm(6, 300)
    size = encode("gs1-datamatrix", DM).width_modules * module + 2 * module
    symbol = Symbol(dots_to_mm(100, 300) - module, dots_to_mm(80, 300) - module, size, size,
                    "gs1-datamatrix", DM, "]d2", module=module, quiet_zone=module)  # fmt: skip
    label = DisplayList(image.width * 25.4 / 300, image.height * 25.4 / 300, (symbol,), dpi=300)
    report = verify_symbols(label, image, 300)
    assert report.ok
    assert report.max_delta_mm < 0.1


_SAMPLES = sample_templates()


@pytest.mark.parametrize("dpi", [203, 300, 600])
@pytest.mark.parametrize("path", _SAMPLES, ids=[p.stem for p in _SAMPLES])
def test_every_sample_template_verifies_on_its_png(path: Path, dpi: int) -> None:
    label = layout(
        load_template(path), load_data(path.with_suffix(".data.json")), dpi=dpi,
        today=dt.date(2026, 11, 25),
    )  # fmt: skip
    report = verify_symbols(label, render_png(label, dpi), dpi)
    assert label.symbols
    assert [c.status for c in report.checks] == ["ok"] * len(label.symbols)
    assert report.max_delta_mm < 0.15


@settings(max_examples=25, deadline=None)
@given(
    x=st.floats(0, 40),
    y=st.floats(0, 20),
    dots=st.integers(3, 8),
    rotation=st.sampled_from([0, 90, 180, 270]),
    kind=st.sampled_from(["gs1-datamatrix", "gs1-qr", "gs1-128"]),
)
def test_any_placement_renders_where_the_verifier_expects_it(
    x: float, y: float, dots: int, rotation: int, kind: str
) -> None:
    data = C128 if kind == "gs1-128" else DM
    enc = encode(kind, data)
    module = dots_to_mm(dots, 203)
    quiet = enc.quiet_zone_modules * module
    w = enc.width_modules * module + 2 * quiet
    h = 8.0 if enc.is_linear else w
    box = (w, h) if rotation in (0, 180) else (h, w)
    symbol = Symbol(x, y, *box, kind=kind, data=data, symbology_id=enc.symbology_id,
                    module=module, height=8.0, quiet_zone=quiet, rotation=rotation)  # type: ignore[arg-type,misc]  # fmt: skip
    label = DisplayList(x + box[0] + 1, y + box[1] + 1, (symbol,), dpi=203)
    report = verify_symbols(label, render_png(label))
    assert [c.status for c in report.checks] == ["ok"]
    assert report.max_delta_mm < 0.2
