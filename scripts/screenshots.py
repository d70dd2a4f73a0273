"""Regenerate the pictures in README.md: the main window and a rendered sample label.

Run with ``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py`` (or under Xvfb).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from labelstation.render.png import render_png
from labelstation.render.preview import LabelPreview
from labelstation.resources import resource_path
from labelstation.ui.app import QtMainWindow, start_demo_printer

OUT = Path(__file__).resolve().parent.parent / "docs" / "images"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv)
    model = LabelPreview(dpi=300)
    window = QtMainWindow(model)
    model.open(resource_path("templates/eu-fmd-carton.json"))
    simulator = start_demo_printer(Path(tempfile.mkdtemp(prefix="labelstation-shot-")))
    panel = window.add_printer(simulator.url, simulator)
    panel.setTitle(f"Simulated printer {simulator.url}")
    window.resize(1400, 820)
    window.show()
    deadline = time.monotonic() + 10
    while panel.last_report is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    app.processEvents()
    window.grab().save(str(OUT / "main-window.png"))
    panel.stop()
    simulator.stop()
    for name in ("eu-fmd-carton", "udi-device", "clinical-kit"):
        model.open(resource_path(f"templates/{name}.json"))
        assert model.result.display_list is not None, model.result.error
        render_png(model.result.display_list, 300).save(OUT / f"{name}-300dpi.png", dpi=(300, 300))
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
