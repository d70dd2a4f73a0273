"""The printer panel against the simulator over socket://: state, faults, resume, test print."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from labelstation.devices.sim.printer import PrinterSimulator
from labelstation.render.preview import LabelPreview
from labelstation.resources import resource_path
from labelstation.ui.app import QtMainWindow, start_demo_printer
from labelstation.ui.printer import QtPrinterPanel, raw_text

WAIT_MS = 10_000


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[PrinterSimulator]:
    sim = start_demo_printer(tmp_path)
    yield sim
    sim.stop()


@pytest.fixture
def panel(qtbot: QtBot, simulator: PrinterSimulator) -> Iterator[QtPrinterPanel]:
    window = QtMainWindow(LabelPreview())
    qtbot.addWidget(window)
    window.model.open(resource_path("templates/eu-fmd-carton.json"))
    panel = window.add_printer(simulator.url, simulator)
    window.show()
    yield panel
    panel.stop()


def _click(qtbot: QtBot, panel: QtPrinterPanel, name: str) -> None:
    button = panel.findChild(QPushButton, name)
    assert button is not None, name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_ready_then_paper_out_then_resume(qtbot: QtBot, panel: QtPrinterPanel) -> None:
    qtbot.waitUntil(lambda: panel.state.text() == "● READY", timeout=WAIT_MS)
    assert "<STX>" in panel.raw.text()
    assert "<ETX>" in panel.raw.text()
    _click(qtbot, panel, "inject_paper_out")
    qtbot.waitUntil(lambda: "PAPER OUT" in panel.state.text(), timeout=WAIT_MS)
    assert panel.state.text().endswith("load labels, close the head, press Resume")
    _click(qtbot, panel, "clearFaults")
    qtbot.mouseClick(panel.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state.text() == "● READY", timeout=WAIT_MS)


def test_head_open_names_the_action(qtbot: QtBot, panel: QtPrinterPanel) -> None:
    qtbot.waitUntil(lambda: panel.last_report is not None, timeout=WAIT_MS)
    _click(qtbot, panel, "inject_head_open")
    qtbot.waitUntil(lambda: "HEAD OPEN" in panel.state.text(), timeout=WAIT_MS)
    assert "close the print head" in panel.state.text()


def test_test_print_prints_the_previewed_label(
    qtbot: QtBot, panel: QtPrinterPanel, simulator: PrinterSimulator
) -> None:
    qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.message.text().startswith("Test print sent"), timeout=WAIT_MS)
    assert "203 dpi" in panel.message.text()
    assert simulator.printer.wait_printed(1, timeout=10)


def test_a_printer_that_is_gone_says_not_answering(qtbot: QtBot) -> None:
    preview = LabelPreview()
    dead = QtPrinterPanel("socket://127.0.0.1:9", preview, interval=0.2)
    qtbot.addWidget(dead)
    try:
        qtbot.waitUntil(lambda: "NOT ANSWERING" in dead.state.text(), timeout=WAIT_MS)
    finally:
        dead.stop()


def test_raw_text_names_control_bytes() -> None:
    assert raw_text(b"\x02030,0\x03\r\n") == "<STX>030,0<ETX><CR><LF>\n"
