"""Offline ZPL imaging: tokenizer, stripping of non-drawing commands, ^DF/^XF merging."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from labelstation.errors import RenderError
from labelstation.render.zplimage import (
    merge_stored_formats,
    render_zpl_image,
    render_zpl_images,
    render_zpl_png,
    stored_format_path,
    strip_for_imaging,
    tokenize,
)

GS1_DM = (
    b"^XA^PW400^LL300^FO40,40^BXN,6,200,,,,_^FD_1010950600013435217271231102ABC123_121SN0001^FS^XZ"
)


def _decode(image: Image.Image) -> list[tuple[str, bytes]]:
    return [(r.symbology_identifier, r.bytes) for r in zxingcpp.read_barcodes(image)]


def test_tokenize_names_commands_and_keeps_every_byte() -> None:
    zpl = b"\x02 ^XA^A0N,30,30^FO10,20^FH\\^FDa\\5Eb^FS~HS^XZ\r\n"
    commands = tokenize(zpl)
    assert b"".join(c.raw for c in commands) == zpl
    assert [(c.prefix, c.code) for c in commands if c.prefix] == [
        ("^", "XA"), ("^", "A"), ("^", "FO"), ("^", "FH"), ("^", "FD"), ("^", "FS"),
        ("~", "HS"), ("^", "XZ"),
    ]  # fmt: skip
    font = next(c for c in commands if c.code == "A")
    assert font.params == b"0N,30,30"
    assert next(c for c in commands if c.code == "FD").params == b"a\\5Eb"


def test_tokenize_follows_a_changed_format_prefix() -> None:
    commands = tokenize(b"^XA^CC+\n+FO10,10+GB10,10,1+FS+XZ")
    assert [c.code for c in commands] == ["XA", "CC", "FO", "GB", "FS", "XZ"]
    assert all(c.prefix == "^" for c in commands)


@given(
    st.text(
        alphabet=st.characters(blacklist_characters="^~", blacklist_categories=("Cc", "Cs")),
        max_size=60,
    )
)
def test_tokenize_is_lossless_for_any_field_data(text: str) -> None:
    zpl = ("^XA^FO1,1^A0N,20,20^FD" + text + "^FS^XZ").encode("utf-8")
    commands = tokenize(zpl)
    assert b"".join(c.raw for c in commands) == zpl
    assert next(c for c in commands if c.code == "FD").params == text.encode("utf-8")


def test_strip_removes_host_job_and_media_commands_only() -> None:
    zpl = b"~HS^XA^PQ2^PR4^MD10^MMT^MNY^MTT^MUD^JUS^JZY^PW100^FO1,1^FH\\^FD\\7EHS\\5EPQ^FS^XZ~JA"
    assert strip_for_imaging(zpl) == b"^XA^PW100^FO1,1^FH\\^FD\\7EHS\\5EPQ^FS^XZ"


def test_image_of_a_stream_with_setup_commands_decodes_as_gs1_datamatrix() -> None:
    zpl = b"~HS~JA" + GS1_DM.replace(b"^PW400", b"^PW400^PQ5^MD10^MNY")
    image = render_zpl_image(zpl, 203)
    assert image.size == (400, 300)
    assert _decode(image) == [
        ("]d2", b"010950600013435217271231102ABC123\x1d21SN0001"),
    ]


@pytest.mark.parametrize("dpi", [203, 300, 600])
def test_png_bytes_are_the_image(dpi: int) -> None:
    png = render_zpl_png(GS1_DM, dpi)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.tobytes() == render_zpl_image(GS1_DM, dpi).tobytes()


STORED = (
    b"^XA^DFR:LSFMT1.ZPL^FS^PW400^LL200"
    b"^FO10,10^A0N,30,30^FN1^FDdefault^FS"
    b"^FO10,100^BXN,5,200,,,,_^FN2^FD_101095060001343521DEFAULT^FS^XZ"
)


def test_merge_substitutes_recalled_values_into_the_stored_body() -> None:
    recall = b"^XA^XFLSFMT1^FS^PQ1^FN1^FH\\^FDA\\5EB^FS^FN2^FD_101095060001343521SN42^FS^XZ"
    assert merge_stored_formats(STORED + recall) == (
        b"^XA^PW400^LL200^FO10,10^A0N,30,30^FH\\^FDA\\5EB^FS"
        b"^FO10,100^BXN,5,200,,,,_^FD_101095060001343521SN42^FS^PQ1^XZ"
    )


def test_recalled_values_are_what_the_image_shows() -> None:
    recalls = b"".join(
        b"^XA^XFR:LSFMT1.ZPL^FS^FN2^FD_101095060001343521SN%d^FS^XZ" % n for n in (1, 2, 3)
    )
    images = render_zpl_images(STORED + recalls, 203)
    assert [_decode(i) for i in images] == [
        [("]d2", b"01095060001343521SN%d" % n)] for n in (1, 2, 3)
    ]


def test_unfilled_field_keeps_the_stored_default() -> None:
    merged = merge_stored_formats(STORED + b"^XA^XFR:LSFMT1.ZPL^FS^XZ")
    assert merged == b"^XA" + STORED[len(b"^XA^DFR:LSFMT1.ZPL^FS") :]


def test_recall_of_an_undefined_format_is_refused() -> None:
    with pytest.raises(RenderError) as info:
        render_zpl_image(b"^XA^XFR:NOPE.ZPL^FS^FN1^FDx^FS^XZ")
    assert str(info.value) == (
        "ZPL recall ^XFR:NOPE.ZPL: no ^DFR:NOPE.ZPL earlier in the stream; expected the stored "
        "format to be defined before it is recalled"
    )


def test_unsupported_dpi_is_refused() -> None:
    with pytest.raises(RenderError) as info:
        render_zpl_image(GS1_DM, 150)
    assert str(info.value) == "ZPL imaging dpi 150: expected one of (203, 300, 600)"


def test_a_drawing_command_zplkit_cannot_image_is_an_error() -> None:
    with pytest.raises(RenderError) as info:
        render_zpl_image(b"^XA^FO1,1^A@N,30,30,E:NOFONT.TTF^FDx^FS^XZ")
    assert str(info.value) == (
        "ZPL imaging refused byte 9 ('^A@N,30,30,E:NOFONT.'…): "
        'unresolved named font "E:NOFONT.TTF"; expected only commands zplkit can draw'
    )


def test_a_stream_without_a_label_is_refused() -> None:
    with pytest.raises(RenderError) as info:
        render_zpl_image(STORED)
    assert str(info.value) == "ZPL stream: no printable label; expected at least one ^XA … ^XZ"


def test_stored_format_names_default_to_ram_and_zpl_extension() -> None:
    assert stored_format_path(b"lsfmt1") == "R:LSFMT1.ZPL"
    assert stored_format_path(b"E:CARTON.ZPL,extra") == "E:CARTON.ZPL"
    assert stored_format_path(b"R:X") == "R:X.ZPL"
