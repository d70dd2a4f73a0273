"""Application start-up and the main window: open a template, preview it, check it, export it.

The main window is the pattern later screens follow: a plain-Python model
(:class:`labelstation.render.preview.LabelPreview`) and Qt views that subscribe to it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from labelstation import APP_NAME, __version__
from labelstation.devices.sim.printer import PrinterModel, PrinterSimulator, VirtualPrinter
from labelstation.errors import LabelStationError
from labelstation.render.export import export_label
from labelstation.render.preview import LabelPreview, PreviewResult
from labelstation.resources import resource_path, resources_root
from labelstation.template import sample_templates
from labelstation.ui.preview import QtLabelPreview, QtProblemBanner, QtSymbolTable
from labelstation.ui.printer import QtPrinterPanel
from labelstation.units import SUPPORTED_DPI

DEFAULT_SAMPLE = "eu-fmd-carton"
ZOOMS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


class QtMainWindow(QMainWindow):
    """Template preview with its symbol check, dpi and zoom controls, and export."""

    def __init__(self, model: LabelPreview | None = None) -> None:
        super().__init__()
        self.model = model if model is not None else LabelPreview()
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.resize(1280, 820)

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        self.banner = QtProblemBanner(self.model)
        self.preview = QtLabelPreview(self.model)
        column.addWidget(self.banner)
        column.addWidget(self.preview, 1)
        self.setCentralWidget(central)

        self.symbols = QtSymbolTable(self.model)
        dock = QDockWidget("Symbols — intended content and decode-back verdict", self)
        dock.setObjectName("symbolsDock")
        dock.setWidget(self.symbols)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)

        self.printer_panels: list[QtPrinterPanel] = []
        self._build_toolbar()
        self._build_menus()
        self.status_label = QLabel()
        self.status_label.setObjectName("statusText")
        self.statusBar().addPermanentWidget(self.status_label, 1)
        self.model.changed.connect(self._on_changed)
        self._on_changed(self.model.result)

    # -- construction -------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar("Preview")
        bar.setObjectName("previewToolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        bar.addWidget(QLabel(" Printer resolution: "))
        self.dpi_box = QComboBox()
        self.dpi_box.setObjectName("dpiBox")
        for dpi in SUPPORTED_DPI:
            self.dpi_box.addItem(f"{dpi} dpi", dpi)
        self.dpi_box.setCurrentIndex(SUPPORTED_DPI.index(self.model.dpi))
        self.dpi_box.currentIndexChanged.connect(
            lambda index: self.model.set_dpi(int(self.dpi_box.itemData(index)))
        )
        bar.addWidget(self.dpi_box)
        bar.addWidget(QLabel("  Zoom: "))
        self.zoom_box = QComboBox()
        self.zoom_box.setObjectName("zoomBox")
        for zoom in ZOOMS:
            self.zoom_box.addItem(f"{zoom:.0%}", zoom)
        self.zoom_box.setCurrentIndex(ZOOMS.index(0.75))
        self.preview.set_zoom(0.75)
        self.zoom_box.currentIndexChanged.connect(
            lambda index: self.preview.set_zoom(float(self.zoom_box.itemData(index)))
        )
        bar.addWidget(self.zoom_box)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open template…", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._ask_open)
        file_menu.addAction(open_action)
        samples = file_menu.addMenu("Open &sample")
        samples.setObjectName("samplesMenu")
        for path in sample_templates():
            action = QAction(path.stem, self)
            action.triggered.connect(lambda _checked=False, p=path: self.model.open(p))
            samples.addAction(action)
        file_menu.addSeparator()
        self.export_actions: dict[str, QAction] = {}
        for suffix, title in (("pdf", "PDF proof"), ("png", "PNG image"), ("zpl", "ZPL")):
            action = QAction(f"Export {title}…", self)
            action.triggered.connect(lambda _checked=False, s=suffix: self._ask_export(s))
            file_menu.addAction(action)
            self.export_actions[suffix] = action
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

    def add_printer(self, url: str, simulator: PrinterSimulator | None = None) -> QtPrinterPanel:
        """Show a printer's live status in a dock on the right; return its panel."""
        panel = QtPrinterPanel(url, self.model, simulator=simulator)
        dock = QDockWidget("Printer", self)
        dock.setObjectName("printerDock")
        dock.setWidget(panel)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.printer_panels.append(panel)
        return panel

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Stop device polling before the window goes."""
        for panel in self.printer_panels:
            panel.stop()
        super().closeEvent(event)

    # -- model events ---------------------------------------------------------------------

    def _on_changed(self, result: PreviewResult) -> None:
        template = result.template
        for action in self.export_actions.values():
            action.setEnabled(result.display_list is not None)
        if template is None:
            self.setWindowTitle(f"{APP_NAME} {__version__}")
            self.status_label.setText("Open a template: File → Open template, or a sample.")
            return
        self.setWindowTitle(f"{template.name} — {APP_NAME} {__version__}")
        verdict = "all symbols decode as intended" if result.ok else "NOT READY TO PRINT"
        self.status_label.setText(
            f"{template.id} · {template.stock.width:g} × {template.stock.height:g} mm · "
            f"hash {template.content_hash[:12]} · {result.dpi} dpi · {verdict} · "
            f"drawn and checked in {result.elapsed_ms:.0f} ms"
        )

    # -- actions --------------------------------------------------------------------------

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open label template", str(resources_root() / "templates"), "Templates (*.json)"
        )
        if path:
            self.model.open(path)

    def _ask_export(self, suffix: str) -> None:
        result = self.model.result
        if result.display_list is None or result.template is None:
            return
        suggested = str(Path.home() / f"{result.template.id}.{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, f"Export {suffix.upper()}", suggested)
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> None:
        """Write the current label to ``path`` (format from the suffix); report errors."""
        result = self.model.result
        if result.display_list is None:
            return
        try:
            written = export_label(result.display_list, path, dpi=result.dpi)
        except LabelStationError as exc:
            QMessageBox.warning(self, "Export failed", str(exc))
            return
        self.statusBar().showMessage(f"Wrote {path} ({written:,} bytes)", 10_000)


def start_demo_printer(out_dir: Path) -> PrinterSimulator:
    """The built-in simulated 203-dpi ZPL printer on 127.0.0.1 that ``make run`` talks to."""
    printer = VirtualPrinter(PrinterModel(), out_dir=out_dir)
    simulator = PrinterSimulator(printer, listen="socket://127.0.0.1:0")
    simulator.start()
    return simulator


def main(argv: Sequence[str] | None = None) -> int:
    """Start the application on the EU FMD sample and run until the window closes.

    Without ``--printer`` a simulated printer is started in-process; the labels it prints are
    written as ZPL and PNG to a temporary folder named in its panel.
    """
    args_in = list(argv) if argv is not None else sys.argv
    parser = argparse.ArgumentParser(prog="labelstation-gui", description=__doc__)
    parser.add_argument("--printer", metavar="URL", help="printer URL (socket://host:9100, COM3…)")
    parser.add_argument("--template", metavar="FILE", help="template to open first")
    args, qt_args = parser.parse_known_args(args_in[1:])
    app = QApplication([args_in[0], *qt_args])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    model = LabelPreview()
    window = QtMainWindow(model)
    model.open(args.template or resource_path(f"templates/{DEFAULT_SAMPLE}.json"))
    with tempfile.TemporaryDirectory(prefix="labelstation-sim-") as out:
        simulator = None if args.printer else start_demo_printer(Path(out))
        url = args.printer or (simulator.url if simulator else "")
        panel = window.add_printer(url, simulator)
        if simulator is not None:
            panel.setTitle(f"Simulated printer {url} — printed labels go to {out}")
        window.show()
        try:
            return app.exec()
        finally:
            if simulator is not None:
                simulator.stop()
