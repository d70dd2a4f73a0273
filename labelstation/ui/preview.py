"""Qt views over :class:`labelstation.render.preview.LabelPreview` (STYLE.md 2).

``QtLabelPreview`` shows the rendered label at a zoom; ``QtSymbolTable`` lists every symbol with
its intended content and its decode-back verdict; ``QtProblemBanner`` says why there is no label.
They subscribe to the model's ``changed`` event and never compute anything themselves.
"""

from __future__ import annotations

from PIL.ImageQt import ImageQt
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from labelstation.render.preview import LabelPreview, PreviewResult
from labelstation.render.verify import SymbolCheck

VERDICT_TEXT = {
    "ok": "✔ OK",
    "mismatch": "✖ WRONG CONTENT",
    "not_found": "✖ NOT FOUND",
    "moved": "✖ MOVED",
    "extra": "✖ UNEXPECTED",
}


def verdict_text(check: SymbolCheck) -> str:
    """A word and a symbol for a verdict: never colour alone (UX.md)."""
    return VERDICT_TEXT.get(check.status, f"✖ {check.status.upper()}")


class QtLabelPreview(QScrollArea):
    """The rendered label, scaled to the zoom, on a calm grey background."""

    def __init__(self, model: LabelPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelPreview")
        self._model = model
        self._zoom = 1.0
        self._pixmap = QPixmap()
        self._label = QLabel()
        self._label.setObjectName("labelImage")
        self._label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidget(self._label)
        self.setWidgetResizable(True)
        self.setStyleSheet("QScrollArea { background: #d0d0d0; } QLabel { background: #d0d0d0; }")
        model.changed.connect(self._on_changed)
        self._on_changed(model.result)

    @property
    def zoom(self) -> float:
        """Screen pixels per printer dot."""
        return self._zoom

    def set_zoom(self, zoom: float) -> None:
        """Show the label at ``zoom`` screen pixels per printer dot."""
        self._zoom = zoom
        self._show()

    def _on_changed(self, result: PreviewResult) -> None:
        if result.image is None:
            self._pixmap = QPixmap()
        else:
            self._pixmap = QPixmap.fromImage(ImageQt(result.image.convert("RGB")))
        self._show()

    def _show(self) -> None:
        if self._pixmap.isNull():
            self._label.clear()
            return
        size = self._pixmap.size() * self._zoom
        self._label.setPixmap(
            self._pixmap.scaled(
                size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )


class QtSymbolTable(QTableWidget):
    """Every symbol on the label: kind, intended content, symbology identifier, verdict."""

    COLUMNS = ("Symbol", "Intended content", "Symbology", "Decoded back")

    def __init__(self, model: LabelPreview, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.COLUMNS), parent)
        self.setObjectName("symbolTable")
        self.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        model.changed.connect(self._on_changed)
        self._on_changed(model.result)

    def _on_changed(self, result: PreviewResult) -> None:
        checks = result.report.checks if result.report is not None else ()
        symbols = result.display_list.symbols if result.display_list is not None else ()
        self.setRowCount(len(checks))
        for row, check in enumerate(checks):
            symbol = symbols[check.index] if 0 <= check.index < len(symbols) else None
            content = symbol.hri if symbol is not None and symbol.hri else check.expected_data
            items = (
                check.kind,
                content.replace("\x1d", "<GS>"),
                check.expected_id,
                verdict_text(check),
            )
            for column, text in enumerate(items):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setToolTip(check.message or "Decoded to exactly the intended data.")
                    item.setForeground(QColor("#1b6e20" if check.ok else "#b00020"))
                self.setItem(row, column, item)


class QtProblemBanner(QLabel):
    """One red line saying what is wrong and what to do; hidden while all is well."""

    def __init__(self, model: LabelPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemBanner")
        self.setWordWrap(True)
        self.setStyleSheet(
            "QLabel { background: #b00020; color: white; padding: 8px; font-weight: bold; }"
        )
        model.changed.connect(self._on_changed)
        self._on_changed(model.result)

    def _on_changed(self, result: PreviewResult) -> None:
        if result.error:
            self.setText(f"⚠ {result.error}")
        elif result.report is not None and not result.report.ok:
            problems = "; ".join(c.message for c in result.report.problems)
            self.setText(f"⚠ Symbols do not decode as intended — do not print: {problems}")
        else:
            self.setText("")
        self.setVisible(bool(self.text()))
