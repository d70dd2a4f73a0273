"""ZPL protocol objects fed bytes: STX/ETX framing, ~HS, ~HI, ^HW, label values."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelstation.devices.printer import LabelData, StoredFormat
from labelstation.devices.sim.printer import PrinterModel, VirtualPrinter
from labelstation.devices.status import PrinterStatus
from labelstation.devices.zpl import (
    StxEtxFramer,
    ZplDriver,
    format_directory,
    format_host_identification,
    format_host_status,
    parse_directory,
    parse_host_identification,
    parse_host_status,
)
from labelstation.errors import DeviceError, ValidationError

# A reply as a Zebra sends it (ZPL II guide field layout): paper out, 1245-dot label, 2 formats.
ZEBRA_REPLY = (
    b"\x02030,1,0,1245,002,0,0,0,000,0,0,0\x03\r\n"
    b"\x02001,0,0,0,1,2,4,0,00000001,1,000\x03\r\n"
    b"\x021234,0\x03\r\n"
)
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def test_cset82_constant_is_the_82_characters() -> None:
    assert len(CSET82) == 82


def test_framer_handles_garbage_partial_reads_and_three_strings() -> None:
    framer = StxEtxFramer()
    stream = b"\x00\xffnoise\r\n" + ZEBRA_REPLY
    frames: list[bytes] = []
    for i in range(len(stream)):  # one byte at a time
        frames += framer.feed(stream[i : i + 1])
    assert frames == [
        b"030,1,0,1245,002,0,0,0,000,0,0,0",
        b"001,0,0,0,1,2,4,0,00000001,1,000",
        b"1234,0",
    ]
    assert framer.discarded == len(b"\x00\xffnoise\r\n") + 6  # noise and three CR LF


def test_framer_drops_a_truncated_frame_when_a_new_one_starts() -> None:
    framer = StxEtxFramer()
    assert framer.feed(b"\x02030,1,0\x02abc\x03") == [b"abc"]


def test_parse_zebra_reply() -> None:
    framer = StxEtxFramer()
    status = parse_host_status(framer.feed(ZEBRA_REPLY), ZEBRA_REPLY)
    assert status.paper_out
    assert not status.paused
    assert not status.head_up
    assert status.label_length_dots == 1245
    assert status.formats_in_buffer == 2
    assert status.labels_remaining == 1
    assert status.labels_in_printer == 3
    assert status.thermal_transfer
    assert status.print_mode == "2"
    assert status.password == "1234"
    assert status.faults == ("paper out",)
    assert status.words == ("paper out",)
    assert not status.ready
    assert status.raw == ZEBRA_REPLY


@pytest.mark.parametrize(
    ("frames", "message"),
    [
        ([b"030,1", b"", b""], "~HS string 1: '030,1' has 2 fields; expected 12 (comm settings, "
         "paper out, pause, label length, formats in buffer, buffer full, diagnostic mode, "
         "partial format, unused, corrupt RAM, under temperature, over temperature)"),
        ([b"030,x,0,1245,002,0,0,0,000,0,0,0", b"001,0,0,0,1,2,4,0,00000001,1,000", b"1234,0"],
         "~HS string 1 field paper out: 'x' is not a flag; expected 0 or 1"),
        ([b"030,0,0,12a5,002,0,0,0,000,0,0,0", b"001,0,0,0,1,2,4,0,00000001,1,000", b"1234,0"],
         "~HS string 1 field label length: '12a5' is not a number; expected 4 digits"),
        ([b"030,0,0,1245,002,0,0,0,000,0,0,0", b"001,0,0,0,1,2,4,0,0001,1,000", b"1234,0"],
         "~HS string 2 field labels remaining: '0001' is not a number; expected 8 digits"),
        ([b"a", b"b"], "~HS reply: 2 strings; expected 3"),
    ],
)  # fmt: skip
def test_malformed_status_is_refused_precisely(frames: list[bytes], message: str) -> None:
    with pytest.raises(DeviceError) as exc:
        parse_host_status(frames)
    assert str(exc.value) == message


_flags = st.booleans()


@given(
    st.builds(
        PrinterStatus,
        paper_out=_flags,
        paused=_flags,
        head_up=_flags,
        ribbon_out=_flags,
        buffer_full=_flags,
        corrupt_ram=_flags,
        under_temperature=_flags,
        over_temperature=_flags,
        partial_format=_flags,
        diagnostic_mode=_flags,
        thermal_transfer=_flags,
        label_waiting=_flags,
        comm_settings=st.integers(0, 511),
        function_settings=st.integers(0, 255),
        label_length_dots=st.integers(0, 9999),
        formats_in_buffer=st.integers(0, 999),
        labels_remaining=st.integers(0, 99_999_999),
        print_mode=st.sampled_from("0123456789KSA"),
        print_width_mode=st.sampled_from("0123"),
        graphics_stored=st.integers(0, 999),
        password=st.from_regex(r"\A[0-9]{4}\Z"),
        static_ram=_flags,
    )
)
def test_status_round_trips_through_the_wire_format(status: PrinterStatus) -> None:
    wire = format_host_status(status)
    parsed = parse_host_status(StxEtxFramer().feed(wire), wire)
    assert parsed == dataclasses.replace(status, raw=wire)


@settings(max_examples=300)
@given(st.binary(max_size=400), st.binary(max_size=400).filter(lambda b: b"\x02" not in b))
def test_garbage_never_crashes_the_framer_and_a_reply_after_it_parses(
    garbage: bytes, clean_noise: bytes
) -> None:
    framer = StxEtxFramer()
    framer.feed(garbage)  # anything at all: no exception
    framer.reset()
    frames = framer.feed(clean_noise.replace(b"\x03", b"") + ZEBRA_REPLY)
    assert parse_host_status(frames).formats_in_buffer == 2


def test_identification() -> None:
    ident = parse_host_identification(b"ZT411-300dpi,V92.21.39Z,12,8176KB,R")
    assert (ident.model, ident.firmware, ident.dpi, ident.memory_kb, ident.options) == (
        "ZT411-300dpi",
        "V92.21.39Z",
        300,
        8176,
        "R",
    )
    with pytest.raises(DeviceError) as exc:
        parse_host_identification(b"ZT411,V1,9,8176KB")
    assert str(exc.value) == "~HI field dots per mm: '9' is not known; expected 6, 8, 12 or 24"


def test_directory_listing_round_trip() -> None:
    wire = format_directory("R:", [("R:CARTON.ZPL", 120), ("R:LOT_2.ZPL", 99)], 1000)
    frames = StxEtxFramer().feed(wire)
    assert parse_directory(frames[0]) == ("R:CARTON.ZPL", "R:LOT_2.ZPL")


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("CARTON", b"", "stored format name: 'CARTON' is not valid; expected R:NAME.ZPL with "
         "device R:, E:, B: or A: and 1–16 of A–Z, 0–9, _"),
        ("R:A.ZPL", b"^FO1,1^SNSN001,1,Y^FS", "stored format R:A.ZPL body: contains ^SN at "
         "byte 6; expected serials from the host (^FN fields), never the printer's counter"),
        ("R:A.ZPL", b"^FO1,1^FD1^SFd,1^FS", "stored format R:A.ZPL body: contains ^SF at "
         "byte 10; expected serials from the host (^FN fields), never the printer's counter"),
        ("R:A.ZPL", b"^XA^FO1,1", "stored format R:A.ZPL body: contains ^XA or ^XZ; expected "
         "only the commands between ^DF and ^XZ"),
    ],
)  # fmt: skip
def test_stored_format_refusals(name: str, body: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        StoredFormat(name, body)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({0: "x"}, "label 'SN1' field number: 0 is out of range; expected 1–9999"),
        ({1: "AB^FS"}, "label 'SN1' field 1: 'AB^FS' has '^' at position 2; expected no ^ or ~ "
         "(command prefixes) and no control characters (encode them with ^FH hex in the format)"),
        ({2: "A\x1dB"}, "label 'SN1' field 2: 'A\\x1dB' has '\\x1d' at position 1; expected no ^ "
         "or ~ (command prefixes) and no control characters (encode them with ^FH hex in the "
         "format)"),
    ],
)  # fmt: skip
def test_label_value_refusals(fields: dict[int, str], message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        LabelData("SN1", fields)
    assert str(exc.value) == message


def _printed_value(value: str, field: int = 1) -> bytes:
    """Send one label through the ZPL driver's bytes into a virtual printer; return its ZPL."""
    fmt = StoredFormat("R:T.ZPL", b"^CI28^FO10,10^A0N,20,20^FN1^FS^FO10,50^A0N,20,20^FN9999^FS")
    printer = VirtualPrinter(PrinterModel(speed_ips=5000.0), write_png=False)
    driver = ZplDriver(None, "in-process")
    printer.receive(b"^XA^DF" + fmt.name.encode() + b"^FS" + fmt.body + b"^XZ")
    printer.receive(driver.label_bytes(fmt, LabelData("S", {field: value})))
    printer.start()
    try:
        assert printer.wait_printed(1, timeout=10)
    finally:
        printer.stop()
    return printer.printed[0].zpl


def test_every_cset82_character_reaches_the_printed_label_unchanged() -> None:
    zpl = _printed_value(CSET82)
    assert b"^FD" + CSET82.encode("ascii") + b"^FS" in zpl


def test_maximum_field_number_and_unicode_text_reach_the_label() -> None:
    text = "Ibuprofène 400 mg – 20 Tabletten · 布洛芬 · Ελληνικά"
    zpl = _printed_value(text, field=9999)
    assert b"^FD" + text.encode("utf-8") + b"^FS" in zpl


@settings(max_examples=40, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="^~"),
        min_size=1,
        max_size=90,
    )
)
def test_any_allowed_value_survives_the_recall_path(value: str) -> None:
    fmt = StoredFormat("R:T.ZPL", b"^CI28^FO10,10^A0N,20,20^FN1^FS")
    printer = VirtualPrinter(PrinterModel(speed_ips=5000.0), write_png=False)
    printer.receive(b"^XA^DFR:T.ZPL^FS" + fmt.body + b"^XZ")
    printer.receive(ZplDriver(None, "x").label_bytes(fmt, LabelData("S", {1: value})))
    # the engine is not started: the merged format waits in the buffer, as received
    assert printer.state()["labels_in_buffer"] == 1
    printer.start()
    try:
        assert printer.wait_printed(1, timeout=10)
    finally:
        printer.stop()
    assert printer.printed[0].zpl.count(b"^FD" + value.encode("utf-8") + b"^FS") == 1


@pytest.mark.parametrize(("dpi", "dpm"), [(152, 6), (203, 8), (300, 12), (600, 24)])
def test_host_identification_is_written_as_the_driver_reads_it(dpi: int, dpm: int) -> None:
    wire = format_host_identification("ZT411-300dpi", "V92.21.39Z", dpi, 8192)
    assert wire == f"\x02ZT411-300dpi,V92.21.39Z,{dpm},8192KB,\x03\r\n".encode("latin-1")
    ident = parse_host_identification(wire[1:-3])
    assert (ident.model, ident.firmware, ident.dpi, ident.memory_kb, ident.options) == (
        "ZT411-300dpi",
        "V92.21.39Z",
        dpi,
        8192,
        "",
    )
    assert ident.raw == wire
