"""Helpers for the device tests: virtual printers on 127.0.0.1, drivers opened by URL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from labelstation.devices.printer import LabelData, PrinterDriver, StoredFormat, open_printer
from labelstation.devices.sim.printer import (
    FaultAt,
    PrinterModel,
    PrinterSimulator,
    VirtualPrinter,
)
from labelstation.devices.transport import DeviceConfig, SerialSettings

#: 2-inch labels at 5000 inches/s: 0.4 ms a label, so tests do not wait on the print engine.
FAST = PrinterModel(speed_ips=5000.0)

FORMAT = StoredFormat(
    "R:CARTON.ZPL",
    b"^CI28^FO20,20^A0N,30,30^FN1^FDdefault^FS^FO20,80^BXN,6,200,,,,_^FN2^FS",
)


def labels(count: int) -> list[LabelData]:
    """``count`` labels with serials SN00000… and a GS1 DataMatrix payload per serial."""
    return [
        LabelData(f"SN{i:05d}", {1: f"SN{i:05d}", 2: f"_10109506000134352_121SN{i:05d}"})
        for i in range(count)
    ]


SimFactory = Callable[..., PrinterSimulator]


@pytest.fixture
def make_sim() -> Iterator[SimFactory]:
    """Start virtual printers behind socket://127.0.0.1:<ephemeral>; stop them afterwards."""
    started: list[PrinterSimulator] = []

    def make(
        model: PrinterModel = FAST,
        faults: tuple[FaultAt, ...] = (),
        out_dir: Path | None = None,
        **link: object,
    ) -> PrinterSimulator:
        printer = VirtualPrinter(
            model, out_dir=out_dir, faults=faults, write_png=out_dir is not None
        )
        sim = PrinterSimulator(printer, listen="socket://127.0.0.1:0", **link)  # type: ignore[arg-type]
        sim.start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


def connect(url: str, timeout: float = 2.0) -> Callable[[], PrinterDriver]:
    """A connect function for PrintJob: open ``url`` as a ZPL printer."""
    config = DeviceConfig(url, SerialSettings(read_timeout=0.02))
    return lambda: open_printer(config, status_timeout=timeout)


def send_labels(driver: PrinterDriver, count: int) -> None:
    """Send ``count`` recalls of :data:`FORMAT` (:func:`labels`) in one write."""
    driver.send(b"".join(driver.label_bytes(FORMAT, label) for label in labels(count)))


def print_labels(sim: PrinterSimulator, count: int) -> None:
    """Store :data:`FORMAT` on ``sim``, print ``count`` labels and wait until all are printed."""
    driver = connect(sim.url)()
    try:
        driver.store_format(FORMAT)
        send_labels(driver, count)
        assert sim.printer.wait_printed(count, timeout=10)
    finally:
        driver.close()
