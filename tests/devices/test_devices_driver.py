"""The ZPL driver against the virtual printer over real sockets, ptys and loop://."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from devices_support import FAST, FORMAT, SimFactory, connect, labels, print_labels, send_labels

from labelstation.devices.printer import (
    driver_factory,
    languages,
    open_printer,
)
from labelstation.devices.sim.printer import FAULTS, PrinterModel, parse_fault_plan
from labelstation.devices.transport import DeviceConfig, SerialSettings
from labelstation.devices.zpl import ZplDriver
from labelstation.errors import DeviceError, DeviceTimeout, ValidationError


def test_registry_knows_zpl_and_refuses_unknown_languages() -> None:
    assert "zpl" in languages()
    assert driver_factory("zpl") is ZplDriver
    with pytest.raises(ValidationError) as exc:
        driver_factory("epl")
    assert str(exc.value) == "printer language: 'epl' has no driver; expected one of zpl"


def test_status_and_identity_over_socket(make_sim: SimFactory) -> None:
    sim = make_sim()
    driver = connect(sim.url)()
    try:
        status = driver.query_status()
        assert status.words == ("ready",)
        assert status.label_length_dots == 406
        ident = driver.identify()
        assert (ident.model, ident.dpi, ident.memory_kb) == ("ZD621-203dpi", 203, 8192)
    finally:
        driver.close()


@pytest.mark.parametrize(
    ("fault", "words", "flag"),
    [
        ("paper_out", ("paper out", "paused"), "paper_out"),
        ("head_open", ("head open", "paused"), "head_up"),
        ("ribbon_out", ("ribbon out", "paused"), "ribbon_out"),
        ("over_temperature", ("over temperature", "paused"), "over_temperature"),
        ("pause", ("paused",), "paused"),
    ],
)
def test_each_injected_fault_shows_in_the_status(
    make_sim: SimFactory, fault: str, words: tuple[str, ...], flag: str
) -> None:
    sim = make_sim()
    driver = connect(sim.url)()
    try:
        sim.printer.inject(fault)
        status = driver.query_status()
        assert status.words == words
        assert getattr(status, flag)
        sim.printer.clear_faults()
        driver.resume()
        assert driver.query_status().words == ("ready",)
    finally:
        driver.close()


def test_silent_firmware_is_a_timeout_not_a_hang(make_sim: SimFactory) -> None:
    sim = make_sim(PrinterModel(speed_ips=5000.0, silent_when_faulted=True))
    driver = connect(sim.url, timeout=0.3)()
    try:
        sim.printer.inject("head_open")
        with pytest.raises(DeviceTimeout) as exc:
            driver.query_status()
        assert str(exc.value) == (
            f"printer at {sim.url}: not answering ~HS within 0.3 s; check media, ribbon, head"
        )
    finally:
        driver.close()


@pytest.fixture
def mute_server() -> Iterator[str]:
    """A TCP peer that accepts and reads but never answers (a printer that is mute)."""
    server = socket.create_server(("127.0.0.1", 0))
    conns: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conns.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    yield f"socket://127.0.0.1:{server.getsockname()[1]}"
    server.close()
    for conn in conns:
        conn.close()


def test_a_printer_that_never_answers_gives_device_timeout(mute_server: str) -> None:
    driver = connect(mute_server, timeout=0.2)()
    try:
        with pytest.raises(DeviceTimeout) as exc:
            driver.query_status()
        assert str(exc.value) == (
            f"printer at {mute_server}: not answering ~HS within 0.2 s; check media, ribbon, head"
        )
    finally:
        driver.close()


def test_loop_url_echo_is_not_mistaken_for_a_reply() -> None:
    driver = open_printer(
        DeviceConfig("loop://", SerialSettings(read_timeout=0.02)), status_timeout=0.2
    )
    try:
        with pytest.raises(DeviceTimeout):
            driver.query_status()  # loop:// echoes "~HS": no STX, so no reply
    finally:
        driver.close()


def test_garbled_reply_is_refused_then_the_next_one_parses(make_sim: SimFactory) -> None:
    sim = make_sim()
    driver = connect(sim.url)()
    try:
        sim.printer.inject("garble")
        with pytest.raises(DeviceError) as exc:
            driver.query_status()
        assert str(exc.value).startswith("~HS string 1: ")
        assert driver.query_status().words == ("ready",)
    finally:
        driver.close()


def test_stored_format_listing_and_power_cycle_loss(make_sim: SimFactory) -> None:
    sim = make_sim()
    driver = connect(sim.url)()
    try:
        assert driver.list_formats() == ()
        driver.store_format(FORMAT)
        assert driver.list_formats() == ("R:CARTON.ZPL",)
        assert driver.list_formats("E:") == ()
    finally:
        driver.close()
    sim.printer.inject("power_cycle")
    driver = connect(sim.url)()
    try:
        assert driver.list_formats() == ()
    finally:
        driver.close()


def test_cancel_all_empties_the_buffer_of_a_paused_printer(make_sim: SimFactory) -> None:
    sim = make_sim()
    driver = connect(sim.url)()
    try:
        driver.store_format(FORMAT)
        sim.printer.inject("pause")
        send_labels(driver, 5)
        assert driver.query_status().labels_in_printer == 5
        driver.cancel_all()
        assert driver.query_status().labels_in_printer == 0
        driver.resume()
        assert driver.query_status().words == ("ready",)
        assert sim.printer.printed_count == 0
    finally:
        driver.close()


def test_status_over_a_pty_at_modeled_9600_baud(tmp_path: Path, make_sim: SimFactory) -> None:
    from labelstation.devices.sim.printer import PrinterSimulator, VirtualPrinter

    path = tmp_path / "zebra"
    with PrinterSimulator(VirtualPrinter(FAST), pty_path=str(path), baud=9600) as sim:
        driver = open_printer(DeviceConfig(sim.url, SerialSettings(baud=9600, read_timeout=0.02)))
        try:
            driver.store_format(FORMAT)
            assert driver.list_formats() == ("R:CARTON.ZPL",)
            sim.printer.inject("paper_out")
            assert driver.query_status().words == ("paper out", "paused")
        finally:
            driver.close()


def test_fault_plan_parsing() -> None:
    plan = parse_fault_plan("paper_out@50, head_open@120,drop@300")
    assert [(f.fault, f.label) for f in plan] == [
        ("paper_out", 50),
        ("head_open", 120),
        ("drop", 300),
    ]
    assert parse_fault_plan("") == ()
    with pytest.raises(ValidationError) as exc:
        parse_fault_plan("jam@3")
    assert str(exc.value) == (
        "fault plan item 'jam@3': fault 'jam' is unknown; expected one of " + ", ".join(FAULTS)
    )
    with pytest.raises(ValidationError) as exc:
        parse_fault_plan("paper_out@0")
    assert str(exc.value) == (
        "fault plan item 'paper_out@0': label '0' is not valid; expected FAULT@N with N ≥ 1"
    )


def test_simulator_writes_zpl_and_decodable_png(tmp_path: Path, make_sim: SimFactory) -> None:
    import zxingcpp
    from PIL import Image

    sim = make_sim(out_dir=tmp_path)
    print_labels(sim, 2)
    zpl = (tmp_path / "label-000002.zpl").read_bytes()
    assert b"^FDSN00001^FS" in zpl
    assert b"^FN" not in zpl
    with Image.open(tmp_path / "label-000002.png") as image:
        (result,) = zxingcpp.read_barcodes(image)
    assert result.symbology_identifier == "]d2"
    assert bytes(result.bytes) == b"0109506000134352\x1d21SN00001"


def test_recall_of_a_format_the_printer_lacks_prints_without_it(make_sim: SimFactory) -> None:
    sim = make_sim()
    driver = connect(sim.url)()
    try:
        driver.send(driver.label_bytes(FORMAT, labels(1)[0]))
        assert sim.printer.wait_printed(1, timeout=10)
        assert sim.printer.printed[0].stored_format_missing
    finally:
        driver.close()


def test_control_channel(make_sim: SimFactory) -> None:
    sim = make_sim(control="socket://127.0.0.1:0")
    assert sim.control_url is not None
    host, port = sim.control_url[len("socket://") :].rsplit(":", 1)
    with socket.create_connection((host, int(port))) as conn:
        conn.sendall(b"ribbon_out\nstatus\njam\n")
        reply = b""
        while reply.count(b"\n") < 3:
            reply += conn.recv(4096)
    lines = reply.decode().splitlines()
    assert lines[0] == "ok"
    assert lines[1] == (
        '{"state": ["ribbon out", "paused"], "printed": 0, "labels_in_buffer": 0, '
        '"stored_formats": [], "objects": []}'
    )
    assert lines[2] == (
        "error: command 'jam' is unknown; expected a fault (" + ", ".join(FAULTS) + "), "
        "clear, feed, silent on|off, status or printed"
    )
