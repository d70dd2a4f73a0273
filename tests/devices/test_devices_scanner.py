"""Scanner framing fed bytes, the reader thread over ptys and sockets, the virtual scanner."""

from __future__ import annotations

import os
import pty
import queue
import tty
from pathlib import Path

import pytest
from devices_support import FORMAT, SimFactory, connect, print_labels, send_labels
from hypothesis import given, settings
from hypothesis import strategies as st

from labelstation.devices.scanner import (
    ScanError,
    ScanEvent,
    ScannerEvent,
    ScannerFraming,
    ScannerReader,
    ScannerSettings,
)
from labelstation.devices.sim.scanner import ScannerModel, VirtualScanner
from labelstation.devices.transport import Backoff, DeviceConfig, SerialSettings
from labelstation.errors import ValidationError

GS = "\x1d"
DM = "0109506000134352" + "17271231" + "10ABC123" + GS + "21SN0001"
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def _scans(events: list[ScannerEvent]) -> list[tuple[str | None, str]]:
    return [(e.symbology_id, e.text) for e in events if isinstance(e, ScanEvent)]


def _errors(events: list[ScannerEvent]) -> list[tuple[str, str]]:
    return [(e.kind, e.message) for e in events if isinstance(e, ScanError)]


def test_aim_identifier_and_gs_are_split_and_kept() -> None:
    framing = ScannerFraming()
    events = framing.feed(("]d2" + DM + "\r").encode(), now=1.5)
    assert events == [ScanEvent(DM, "]d2", ("]d2" + DM).encode(), 1.5)]


@pytest.mark.parametrize("substitute", [b"~", b"|", b"<GS>"])
def test_gs_substitutes_are_mapped_back(substitute: bytes) -> None:
    framing = ScannerFraming(ScannerSettings(gs_substitute=substitute))
    wire = ("]d2" + DM).encode().replace(b"\x1d", substitute) + b"\r"
    assert _scans(framing.feed(wire, 0)) == [("]d2", DM)]


@pytest.mark.parametrize(
    ("terminator", "wire_end"),
    [("CR", b"\r"), ("LF", b"\n"), ("CRLF", b"\r\n"), ("ETX", b"\x03")],
)
def test_every_named_terminator(terminator: str, wire_end: bytes) -> None:
    framing = ScannerFraming(ScannerSettings.named(terminator))
    wire = b"".join(("]C1" + DM).encode() + wire_end for _ in range(3))
    assert _scans(framing.feed(wire, 0)) == [("]C1", DM)] * 3
    assert _errors(framing.feed(b"", 0)) == []


def test_custom_terminator_prefix_and_suffix_split_across_reads() -> None:
    framing = ScannerFraming(ScannerSettings(terminator=b"#END#", prefix=b"\x02", suffix=b"@"))
    wire = b"\x02]Q3" + DM.encode() + b"@#END#"
    events: list[ScannerEvent] = []
    for i in range(len(wire)):
        events += framing.feed(wire[i : i + 1], float(i))
    assert events == [ScanEvent(DM, "]Q3", b"\x02]Q3" + DM.encode() + b"@", float(len(wire) - 1))]


def test_noise_between_reads_is_reported_and_nothing_is_lost() -> None:
    framing = ScannerFraming(ScannerSettings(terminator=b"\r"))
    wire = (
        b"]d2" + DM.encode() + b"\r"
        b"\n\x00"  # stray LF and NUL between reads
        + b"]d2" + DM.encode() + b"\r"
        + b"\x8f\x13\xfe" + b"]d2" + DM.encode() + b"\r"  # line noise glued to a read
        + b"\r\n\r"  # empty reads
    )  # fmt: skip
    events = framing.feed(wire, 0)
    assert _scans(events) == [("]d2", DM)] * 3
    assert _errors(events) == [
        ("noise", "scanner: 2 noise bytes b'\\n\\x00' between reads; ignored"),
        ("noise", "scanner: 3 noise bytes b'\\x8f\\x13\\xfe' between reads; ignored"),
        ("noise", "scanner: 1 noise bytes b'\\n' between reads; ignored"),
    ]


def test_crlf_scanner_on_a_cr_setting_loses_nothing() -> None:
    framing = ScannerFraming(ScannerSettings(terminator=b"\r"))
    events = framing.feed(("]d2" + DM + "\r\n]d2" + DM + "\r\n").encode(), 0)
    assert _scans(events) == [("]d2", DM)] * 2


def test_partial_read_is_reported_after_the_timeout() -> None:
    framing = ScannerFraming(ScannerSettings(partial_timeout=0.5))
    assert framing.feed(b"]d20109506", now=10.0) == []
    assert framing.flush(now=10.4) == []
    assert _errors(framing.flush(now=10.5)) == [
        (
            "partial",
            "scanner: partial read b']d20109506' without terminator b'\\r' for 0.5 s; discarded",
        )
    ]
    assert _scans(framing.feed(("]d2" + DM + "\r").encode(), 11.0)) == [("]d2", DM)]


def test_overlong_read_is_discarded_up_to_the_next_terminator() -> None:
    framing = ScannerFraming(ScannerSettings(max_length=16))
    events = framing.feed(b"A" * 40, 0) + framing.feed(b"B" * 10 + b"\r]d2X\r", 0)
    assert _errors(events) == [
        (
            "overlong",
            "scanner: read of more than 16 bytes without terminator b'\\r'; discarded up to the "
            "next terminator",
        )
    ]
    assert _scans(events) == [("]d2", "X")]


def test_undecodable_and_no_read_are_typed_errors() -> None:
    framing = ScannerFraming()
    events = framing.feed(b"]d2AB\xff\xfeCD\rNOREAD\r", 0)
    assert _errors(events) == [
        (
            "undecodable",
            "scanner: read b']d2AB\\xff\\xfeCD' is not valid utf-8 (byte 2); discarded",
        ),
        ("no_read", "scanner: no read (the scanner sent b'NOREAD')"),
    ]


def test_missing_prefix_is_a_framing_error() -> None:
    framing = ScannerFraming(ScannerSettings(prefix=b"\x02"))
    assert _errors(framing.feed(b"]d2AB\r", 0)) == [
        ("framing", "scanner: read b']d2AB' lacks prefix b'\\x02'; discarded")
    ]


def test_settings_refusals() -> None:
    with pytest.raises(ValidationError) as exc:
        ScannerSettings(terminator=b"")
    assert str(exc.value) == (
        "scanner terminator: b'' has 0 bytes; expected 1–8 bytes (CR, LF, CRLF, ETX or custom)"
    )
    with pytest.raises(ValidationError) as exc:
        ScannerSettings.named("TAB")
    assert str(exc.value) == "scanner terminator: 'TAB' is unknown; expected CR, LF, CRLF or ETX"
    with pytest.raises(ValidationError) as exc:
        ScannerSettings(gs_substitute=b"\r")
    assert str(exc.value) == (
        "scanner gs_substitute: b'\\r' is empty or contains the terminator b'\\r'; expected "
        "other bytes such as b'~'"
    )


def test_every_cset82_character_and_unicode_pass_unchanged() -> None:
    framing = ScannerFraming()
    text = CSET82 + GS + "Ibuprofène 布洛芬"
    assert _scans(framing.feed(("]d1" + text + "\r").encode(), 0)) == [("]d1", text)]


def test_gs1_parsing_on_top_of_a_scan() -> None:
    (event,) = ScannerFraming().feed(("]d2" + DM + "\r").encode(), 0)
    assert isinstance(event, ScanEvent)
    result = event.gs1()
    assert result.symbology == "]d2"


_payload = st.text(alphabet=st.sampled_from(CSET82 + GS + "é布"), min_size=1, max_size=60).filter(
    lambda t: not t.startswith("]")
)


@settings(max_examples=200)
@given(st.lists(_payload, min_size=1, max_size=8), st.data())
def test_any_chunking_gives_the_same_reads(payloads: list[str], data: st.DataObject) -> None:
    wire = b"".join(("]d2" + p + "\r\n").encode() for p in payloads)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=10)))
    framing = ScannerFraming(ScannerSettings.named("CRLF"))
    events: list[ScannerEvent] = []
    last = 0
    for cut in [*cuts, len(wire)]:
        events += framing.feed(wire[last:cut], 0)
        last = cut
    assert _scans(events) == [("]d2", p) for p in payloads]
    assert _errors(events) == []


@settings(max_examples=300)
@given(st.binary(max_size=300), st.binary(max_size=300))
def test_garbage_never_crashes_and_a_clean_read_after_it_parses(a: bytes, b: bytes) -> None:
    framing = ScannerFraming(ScannerSettings(max_length=64))
    framing.feed(a, 0)
    framing.feed(b, 1)
    framing.flush(100)  # whatever is left is reported, never raised
    events = framing.feed(b"\r]d2" + DM.encode() + b"\r", 200)
    assert _scans(events)[-1] == ("]d2", DM)


def test_reader_over_a_pty_pair() -> None:
    master, slave = pty.openpty()
    tty.setraw(slave)
    events: queue.Queue[ScannerEvent] = queue.Queue()
    reader = ScannerReader(
        DeviceConfig(os.ttyname(slave), SerialSettings(baud=9600, read_timeout=0.02)),
        events.put,
        ScannerSettings(gs_substitute=b"|"),
    )
    reader.start()
    try:
        assert reader.opened.wait(5)  # opening a port flushes what arrived before
        os.write(master, b"\x00\n]d2" + DM.encode().replace(b"\x1d", b"|") + b"\r")
        first = events.get(timeout=5)
        second = events.get(timeout=5)
        assert isinstance(first, ScanError)
        assert first.kind == "noise"
        assert isinstance(second, ScanEvent)
        assert (second.symbology_id, second.text) == ("]d2", DM)
    finally:
        reader.stop()
        os.close(master)
        os.close(slave)


def test_printed_labels_are_decoded_and_read_back_over_a_socket(
    tmp_path: Path, make_sim: SimFactory
) -> None:
    sim = make_sim(out_dir=tmp_path)
    with VirtualScanner(ScannerModel(gs_substitute=b"~"), listen="socket://127.0.0.1:0") as scanner:
        scanner.attach(sim.printer)
        events: queue.Queue[ScannerEvent] = queue.Queue()
        reader = ScannerReader(
            DeviceConfig(scanner.url, SerialSettings(read_timeout=0.02)),
            events.put,
            ScannerSettings(gs_substitute=b"~"),
        )
        reader.start()
        try:
            assert reader.opened.wait(5)
            driver = connect(sim.url)()
            try:
                driver.store_format(FORMAT)
                send_labels(driver, 3)
                reads = [events.get(timeout=10) for _ in range(3)]
            finally:
                driver.close()
        finally:
            reader.stop()
    assert [(e.symbology_id, e.text) for e in reads if isinstance(e, ScanEvent)] == [
        ("]d2", f"0109506000134352{GS}21SN{i:05d}") for i in range(3)
    ]


def test_virtual_scanner_rates_are_seeded() -> None:
    def run(seed: int) -> list[bytes]:
        scanner = VirtualScanner(
            ScannerModel(no_read_rate=0.3, misread_rate=0.3, seed=seed),
            listen="socket://127.0.0.1:0",
        )
        scanner.wait_for_client = 0.0  # nobody listens: only the framing is compared
        try:
            return [scanner.send_read("]d2", DM.encode()) for _ in range(50)]
        finally:
            scanner.stop()

    first = run(7)
    assert first == run(7)
    good = ("]d2" + DM + "\r").encode()
    no_reads = first.count(b"NOREAD\r")
    misreads = sum(1 for w in first if w not in (good, b"NOREAD\r"))
    assert 0 < no_reads < 50
    assert 0 < misreads < 50
    for wire in first:
        assert len(wire) in (len(good), len(b"NOREAD\r"))


def test_reader_reports_a_lost_link_and_reconnects() -> None:
    with VirtualScanner(listen="socket://127.0.0.1:0") as scanner:
        events: queue.Queue[ScannerEvent] = queue.Queue()
        slept: list[float] = []
        reader = ScannerReader(
            DeviceConfig(scanner.url, SerialSettings(read_timeout=0.02)),
            events.put,
            backoff=Backoff(initial=0.01, attempts=50),
            sleep=slept.append,
        )
        reader.start()
        try:
            assert reader.opened.wait(5)
            scanner.send_read("]C1", b"00095060001343520000")
            first = events.get(timeout=5)
            assert isinstance(first, ScanEvent)
            scanner.link.drop()
            lost = events.get(timeout=5)
            assert isinstance(lost, ScanError)
            assert lost.kind == "link"
            assert lost.message.startswith(f"scanner at {scanner.url}: link lost (")
            assert reader.opened.wait(5)  # re-opened (opening flushes what came before)
            scanner.send_read("]C1", b"00095060001343520001")
            again = events.get(timeout=5)
            assert isinstance(again, ScanEvent)
            assert (again.symbology_id, again.text) == ("]C1", "00095060001343520001")
        finally:
            reader.stop()


def test_scanner_watches_the_printer_output_and_sends_over_a_pty(
    tmp_path: Path, make_sim: SimFactory
) -> None:
    out = tmp_path / "out"
    sim = make_sim(out_dir=out)
    print_labels(sim, 2)
    port = tmp_path / "scanner"
    model = ScannerModel(terminator=b"\x03", prefix=b"\x02", gs_substitute=b"<GS>")
    with VirtualScanner(model, pty_path=str(port), baud=9600) as scanner:
        events: queue.Queue[ScannerEvent] = queue.Queue()
        reader = ScannerReader(
            DeviceConfig(str(port), SerialSettings(baud=9600, read_timeout=0.02)),
            events.put,
            ScannerSettings.named("ETX", prefix=b"\x02", gs_substitute=b"<GS>"),
        )
        reader.start()
        try:
            assert reader.opened.wait(5)  # opening a port flushes what arrived before
            scanner.watch(out, poll=0.01)
            reads = [events.get(timeout=10) for _ in range(2)]
        finally:
            reader.stop()
    assert [(e.symbology_id, e.text) for e in reads if isinstance(e, ScanEvent)] == [
        ("]d2", f"0109506000134352{GS}21SN{i:05d}") for i in range(2)
    ]
