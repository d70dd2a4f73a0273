"""The main window opens and names the application and its version."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from labelstation import __version__
from labelstation.ui.app import QtMainWindow


def test_main_window_shows_name_and_version(qtbot: QtBot) -> None:
    window = QtMainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == f"LabelStation {__version__}"
    banner = window.findChild(QLabel, "banner")
    assert banner is not None
    assert __version__ in banner.text()
