"""The status monitor: reports changes only, survives a power cycle, never raises."""

from __future__ import annotations

import queue

from devices_support import SimFactory, connect
from hypothesis import given, settings
from hypothesis import strategies as st

from labelstation.devices.monitor import MonitorReport, PrinterMonitor
from labelstation.devices.sim.printer import PrinterModel, VirtualPrinter


def test_monitor_reports_changes_and_recovers_from_a_lost_link(make_sim: SimFactory) -> None:
    sim = make_sim()
    reports: queue.Queue[MonitorReport] = queue.Queue()
    monitor = PrinterMonitor(connect(sim.url, timeout=0.5), reports.put, interval=0.01)
    first = monitor.poll_once()
    assert first.status is not None
    assert first.status.words == ("ready",)
    assert monitor.poll_once() == MonitorReport(first.status, None)
    assert reports.qsize() == 1  # the second poll changed nothing
    sim.printer.inject("paper_out")
    changed = monitor.poll_once()
    assert changed.status is not None
    assert changed.status.words == ("paper out", "paused")
    sim.printer.inject("power_cycle")  # drops the link and clears the fault
    lost = monitor.poll_once()
    assert lost.status is None
    assert lost.error is not None
    assert lost.error.startswith(f"printer at {sim.url}: link lost (")
    back = monitor.poll_once()
    assert back.status is not None
    assert back.status.words == ("ready",)
    assert [r.status.words if r.status else "error" for r in list(reports.queue)] == [
        ("ready",),
        ("paper out", "paused"),
        "error",
        ("ready",),
    ]


def test_monitor_thread_runs_headless(make_sim: SimFactory) -> None:
    sim = make_sim()
    reports: queue.Queue[MonitorReport] = queue.Queue()
    monitor = PrinterMonitor(connect(sim.url), reports.put, interval=0.01).start()
    try:
        assert reports.get(timeout=10).status is not None
        sim.printer.inject("head_open")
        report = reports.get(timeout=10)
        assert report.status is not None
        assert report.status.words == ("head open", "paused")
    finally:
        monitor.stop()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=200), max_size=6))
def test_virtual_printer_survives_any_bytes(chunks: list[bytes]) -> None:
    printer = VirtualPrinter(PrinterModel(speed_ips=5000.0), write_png=False)
    for chunk in chunks:
        printer.receive(chunk)  # never raises, whatever arrives
    printer.receive(b"xyz")  # completes a pending "~" command, as a printer would take it
    reply = printer.receive(b"~HS")
    assert reply.count(b"\x02") == 3
    assert isinstance(printer.state()["labels_in_buffer"], int)
