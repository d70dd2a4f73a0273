"""The printer panel: live status, raw ``~HS`` bytes beside their meaning, test print, resume.

Device I/O never runs on the GUI thread (UX.md): :class:`~labelstation.devices.monitor.
PrinterMonitor` polls on its own thread and test prints run on a worker thread; both report
through Qt signals, which Qt delivers on the GUI thread. When the printer is the built-in
simulator (``make run``), the panel also offers fault buttons so a technician can see every
state without hardware.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from labelstation.devices.monitor import MonitorReport, PrinterMonitor
from labelstation.devices.printer import PrinterDriver, open_printer
from labelstation.devices.sim.printer import PrinterSimulator
from labelstation.devices.testprint import print_test_label
from labelstation.devices.transport import DeviceConfig
from labelstation.errors import LabelStationError
from labelstation.render.preview import LabelPreview

#: What to do for each fault, in the operator's words (UX.md: alarms say the action).
ACTIONS = {
    "paper out": "load labels, close the head, press Resume",
    "head open": "close the print head, press Resume",
    "ribbon out": "load a ribbon, close the head, press Resume",
    "paused": "press Resume",
}


def state_line(report: MonitorReport) -> tuple[str, bool]:
    """The big state line and whether it is abnormal (a word and a symbol, never colour alone)."""
    if report.status is None:
        return f"✖ NOT ANSWERING — {report.error}", True
    words = report.status.words
    if words == ("ready",):
        return "● READY", False
    action = next((ACTIONS[w] for w in words if w in ACTIONS), "check the printer")
    return f"✖ {' + '.join(w.upper() for w in words)} — {action}", True


def raw_text(raw: bytes) -> str:
    """The reply bytes as a technician reads them: printable ASCII, control bytes as <STX> etc."""
    names = {0x02: "<STX>", 0x03: "<ETX>", 0x0D: "<CR>", 0x0A: "<LF>\n"}
    return "".join(names.get(b, chr(b) if 0x20 <= b < 0x7F else f"<{b:02X}>") for b in raw)


class _Bridge(QObject):
    """Carries reports from worker threads to the GUI thread."""

    report = Signal(object)
    message = Signal(str)


class QtPrinterPanel(QGroupBox):
    """One printer: state across the room, raw status, and the technician's buttons."""

    def __init__(
        self,
        url: str,
        preview: LabelPreview,
        *,
        simulator: PrinterSimulator | None = None,
        interval: float = 0.5,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Printer {url}", parent)
        self.setObjectName("printerPanel")
        self._config = DeviceConfig(url)
        self._preview = preview
        self._simulator = simulator
        self._bridge = _Bridge()
        self._bridge.report.connect(self._on_report)
        self._bridge.message.connect(self._on_message)
        self.last_report: MonitorReport | None = None

        self.state = QLabel("… connecting")
        self.state.setObjectName("printerState")
        self.state.setWordWrap(True)
        big = QFont()
        big.setPointSize(18)
        big.setBold(True)
        self.state.setFont(big)
        self.details = QLabel()
        self.details.setObjectName("printerDetails")
        self.raw = QLabel()
        self.raw.setObjectName("printerRaw")
        self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.raw.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("printerMessage")
        self.message.setWordWrap(True)

        buttons = QHBoxLayout()
        self.test_button = self._button("Test print", self.test_print, buttons)
        self.resume_button = self._button("Resume (~PS)", self.resume, buttons)
        column = QVBoxLayout(self)
        column.addWidget(self.state)
        column.addWidget(self.details)
        column.addWidget(QLabel("Raw ~HS reply:"))
        column.addWidget(self.raw)
        column.addLayout(buttons)
        if simulator is not None:
            faults = QGridLayout()
            faults.addWidget(QLabel("Simulator:"), 0, 0)
            for i, (fault, title) in enumerate(
                (
                    ("paper_out", "Paper out"),
                    ("head_open", "Head open"),
                    ("ribbon_out", "Ribbon out"),
                )
            ):
                button = QPushButton(title)
                button.setObjectName(f"inject_{fault}")
                button.clicked.connect(lambda _c=False, f=fault: self._inject(f))
                faults.addWidget(button, 0, i + 1)
            clear = QPushButton("Fix media")
            clear.setObjectName("clearFaults")
            clear.clicked.connect(simulator.printer.clear_faults)
            faults.addWidget(clear, 0, 4)
            column.addLayout(faults)
        column.addWidget(self.message)
        column.addStretch(1)

        self._monitor = PrinterMonitor(
            self._connect, self._bridge.report.emit, interval=interval
        ).start()

    def _button(self, title: str, slot: Callable[[], None], row: QHBoxLayout) -> QPushButton:
        button = QPushButton(title)
        button.setMinimumHeight(48)  # a gloved finger on a touch panel
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    def _connect(self) -> PrinterDriver:
        return open_printer(self._config, status_timeout=1.0)

    def stop(self) -> None:
        """Stop polling the printer (the window is closing)."""
        self._monitor.stop()

    # -- reports on the GUI thread -------------------------------------------------------

    def _on_report(self, report: MonitorReport) -> None:
        self.last_report = report
        text, abnormal = state_line(report)
        self.state.setText(text)
        self.state.setStyleSheet(
            "QLabel { background: #b00020; color: white; padding: 6px; }"
            if abnormal
            else "QLabel { background: #e0e0e0; color: black; padding: 6px; }"
        )
        status = report.status
        if status is None:
            self.details.setText("")
            self.raw.setText("(no reply)")
            return
        self.details.setText(
            f"Labels in printer: {status.labels_in_printer} · formats in buffer: "
            f"{status.formats_in_buffer} · label length: {status.label_length_dots} dots"
        )
        self.raw.setText(raw_text(status.raw))

    def _on_message(self, text: str) -> None:
        self.message.setText(text)

    # -- actions (I/O on worker threads) -------------------------------------------------

    def _on_printer(self, what: str, work: Callable[[PrinterDriver], str]) -> None:
        """Run ``work`` on its own link to the printer, on a worker thread; report its message."""

        def run() -> None:
            try:
                driver = self._connect()
                try:
                    message = work(driver)
                finally:
                    driver.close()
            except LabelStationError as exc:
                message = f"{what} failed: {exc}"
            self._bridge.message.emit(message)

        self.message.setText(f"{what} …")
        threading.Thread(target=run, name=f"printer-{what}", daemon=True).start()

    def test_print(self) -> None:
        """Print the label shown in the preview on this printer, at the printer's dpi."""
        template = self._preview.template
        if template is None:
            self.message.setText("Test print: open a template first.")
            return
        data = dict(self._preview.data)

        def work(driver: PrinterDriver) -> str:
            result = print_test_label(driver, template, data)
            return (
                f"Test print sent to {result.identity.model} ({result.identity.dpi} dpi): "
                f"{result.bytes_sent:,} bytes including fonts."
            )

        self._on_printer("Test print", work)

    def resume(self) -> None:
        """Send ``~PS`` (the operator fixed the cause of a pause)."""

        def work(driver: PrinterDriver) -> str:
            driver.resume()
            return "Resume sent."

        self._on_printer("Resume", work)

    def _inject(self, fault: str) -> None:
        assert self._simulator is not None
        self._simulator.printer.inject(fault)
