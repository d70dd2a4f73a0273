"""The main window: opens samples, previews at every dpi, lists symbol verdicts, exports.

Driven offscreen with pytest-qt (Qt warnings fail the test, see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from labelstation import __version__
from labelstation.render.preview import LabelPreview
from labelstation.resources import resource_path
from labelstation.template import sample_templates
from labelstation.ui.app import QtMainWindow


@pytest.fixture
def window(qtbot: QtBot) -> QtMainWindow:
    model = LabelPreview()
    win = QtMainWindow(model)
    qtbot.addWidget(win)
    win.show()
    return win


def test_empty_window_names_app_and_says_what_to_do(window: QtMainWindow) -> None:
    assert window.windowTitle() == f"LabelStation {__version__}"
    assert "Open a template" in window.status_label.text()
    assert not window.export_actions["pdf"].isEnabled()


def test_every_sample_is_offered_in_the_menu(window: QtMainWindow) -> None:
    menu = window.menuBar().findChild(type(window.menuBar().addMenu("x")), "samplesMenu")
    assert menu is not None
    names = sorted(a.text() for a in menu.actions())
    assert names == sorted(p.stem for p in sample_templates())
    assert "eu-fmd-carton" in names


@pytest.mark.parametrize("dpi", [203, 300, 600])
def test_eu_fmd_sample_previews_and_every_symbol_verifies(
    window: QtMainWindow, qtbot: QtBot, dpi: int
) -> None:
    window.model.open(resource_path("templates/eu-fmd-carton.json"))
    window.dpi_box.setCurrentIndex(window.dpi_box.findData(dpi))
    result = window.model.result
    assert result.dpi == dpi
    assert result.ok, result.error
    table = window.symbols
    assert table.rowCount() == len(result.display_list.symbols) >= 1  # type: ignore[union-attr]
    assert table.item(0, 0).text() == "gs1-datamatrix"
    assert table.item(0, 1).text().startswith("(01)")
    assert table.item(0, 2).text() == "]d2"
    assert table.item(0, 3).text() == "✔ OK"
    assert not window.banner.isVisible()
    image = window.preview.findChild(QLabel, "labelImage")
    assert image is not None
    assert not image.pixmap().isNull()
    assert f"{dpi} dpi" in window.status_label.text()


def test_bad_template_shows_banner_and_keeps_nothing_printable(
    window: QtMainWindow, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "labelstation.template/99"}', encoding="utf-8")
    window.model.open(bad)
    assert window.banner.isVisible()
    assert "labelstation.template/99" in window.banner.text()


def test_export_png_writes_a_decodable_label(window: QtMainWindow, tmp_path: Path) -> None:
    window.model.open(resource_path("templates/eu-fmd-carton.json"))
    out = tmp_path / "label.png"
    window.export(out)
    decoded = zxingcpp.read_barcodes(Image.open(out))
    assert [d.symbology_identifier for d in decoded] == ["]d2"]
    expected = window.model.result.display_list.symbols[0].data  # type: ignore[union-attr]
    assert bytes(decoded[0].bytes).decode("ascii") == expected


def test_zoom_scales_the_pixmap(window: QtMainWindow) -> None:
    window.model.open(resource_path("templates/eu-fmd-carton.json"))
    image = window.preview.findChild(QLabel, "labelImage")
    assert image is not None
    window.zoom_box.setCurrentIndex(window.zoom_box.findData(1.0))
    full = image.pixmap().width()
    window.zoom_box.setCurrentIndex(window.zoom_box.findData(0.5))
    assert abs(image.pixmap().width() - full / 2) <= 1
