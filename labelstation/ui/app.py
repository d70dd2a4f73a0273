"""Application start-up: one QApplication and the main window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from labelstation import APP_NAME, __version__


class QtMainWindow(QMainWindow):
    """The main window; later screens (designer, line, devices) dock into it."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.resize(1200, 800)
        banner = QLabel(f"{APP_NAME} {__version__}")
        banner.setObjectName("banner")
        self.setCentralWidget(banner)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the application and run the event loop until the window closes."""
    app = QApplication(list(argv) if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    window = QtMainWindow()
    window.show()
    return app.exec()
