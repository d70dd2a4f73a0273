"""Device throughput and latency: paced stored-format jobs to the virtual printer, scan latency.

Labels/s is the whole driver loop (``^XF`` recall, ``~HS`` pacing, accounting) against the
virtual printer with a print engine fast enough (5000 in/s) that the link is what limits: over
``socket://`` unthrottled, and over a pty with the line speed modeled at 9600 and 115,200 baud.
Scan latency is from the scanner's last byte written into a pty to the parsed
:class:`~labelstation.devices.scanner.ScanEvent` in the callback.
"""

from __future__ import annotations

import os
import pty
import queue
import statistics
import tempfile
import time
import tty
from pathlib import Path

from benchmarks.common import Result
from labelstation.devices.job import JobState, PrintJob
from labelstation.devices.printer import LabelData, PrinterDriver, StoredFormat, open_printer
from labelstation.devices.scanner import ScanEvent, ScannerEvent, ScannerReader
from labelstation.devices.sim.printer import PrinterModel, PrinterSimulator, VirtualPrinter
from labelstation.devices.transport import DeviceConfig, SerialSettings

GROUP = "devices"
FORMAT = StoredFormat(
    "R:CARTON.ZPL",
    b"^CI28^FO20,20^A0N,30,30^FN1^FS^FO20,80^BXN,6,200,,,,_^FN2^FS^FO20,300^A0N,24,24^FN3^FS",
)


def _labels(count: int) -> list[LabelData]:
    return [
        LabelData(
            f"SN{i:08d}",
            {
                1: f"SN{i:08d}",
                2: f"_10109506000134352172712311_10ABC123_121SN{i:08d}",
                3: "EXP 2027-12-31 LOT ABC123",
            },
        )
        for i in range(count)
    ]


def _job_rate(url: str, baud: int, count: int) -> tuple[float, int]:
    config = DeviceConfig(url, SerialSettings(baud=baud, read_timeout=0.02))

    def connect() -> PrinterDriver:
        return open_printer(config, status_timeout=5.0)

    items = _labels(count)
    job = PrintJob(connect, FORMAT, items, window=8)
    start = time.perf_counter()
    job.start()
    snap = job.wait(timeout=600)
    elapsed = time.perf_counter() - start
    if snap.state is not JobState.DONE:
        raise RuntimeError(f"benchmark job did not finish: {snap.summary()}")
    return count / elapsed, len(_recall_bytes(items[0]))


def _recall_bytes(label: LabelData) -> bytes:
    from labelstation.devices.zpl import ZplDriver

    return ZplDriver(None, "bench").label_bytes(FORMAT, label)


def _printer_rates() -> list[Result]:
    results = []
    model = PrinterModel(speed_ips=5000.0)
    with PrinterSimulator(VirtualPrinter(model), listen="socket://127.0.0.1:0") as sim:
        rate, size = _job_rate(sim.url, 9600, 1000)
        results.append(
            Result(
                GROUP,
                "stored-format job over socket:// (1000 labels, window 8)",
                rate,
                "labels/s",
                "≥ 7 (400 units/min)",
                f"{size}-byte ^XF recall per label",
            )
        )
    for baud, count in ((9600, 40), (115200, 300)):
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "zebra")
            with PrinterSimulator(VirtualPrinter(model), pty_path=path, baud=baud) as sim:
                rate, size = _job_rate(sim.url, baud, count)
        ceiling = baud / 10 / size
        results.append(
            Result(
                GROUP,
                f"stored-format job over pty at {baud:,} baud ({count} labels)",
                rate,
                "labels/s",
                "",
                f"line ceiling {ceiling:.1f} labels/s for {size} bytes; ~HS polls share it",
            )
        )
    return results


def _scan_latency(reads: int = 400) -> list[Result]:
    master, slave = pty.openpty()
    tty.setraw(slave)
    events: queue.Queue[tuple[ScannerEvent, float]] = queue.Queue()
    reader = ScannerReader(
        DeviceConfig(os.ttyname(slave), SerialSettings(baud=115200, read_timeout=0.01)),
        lambda e: events.put((e, time.perf_counter())),
    )
    reader.start()
    if not reader.opened.wait(5):
        raise RuntimeError("benchmark scanner port did not open")
    wire = b"]d20109506000134352172712311" + b"10ABC123\x1d21SN00000001\r"
    latencies = []
    try:
        for _ in range(reads):
            sent = time.perf_counter()
            os.write(master, wire)
            event, received = events.get(timeout=5)
            if not isinstance(event, ScanEvent):
                raise RuntimeError(f"benchmark scan not parsed: {event}")
            latencies.append((received - sent) * 1000)
            time.sleep(0.002)
    finally:
        reader.stop()
        os.close(master)
        os.close(slave)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return [
        Result(GROUP, "scan → parsed event over a pty, p50", statistics.median(latencies), "ms"),
        Result(GROUP, "scan → parsed event over a pty, p99", p99, "ms", "≤ 20 ms"),
    ]


def run() -> list[Result]:
    """Measure printer job throughput and scan latency."""
    return _printer_rates() + _scan_latency()
