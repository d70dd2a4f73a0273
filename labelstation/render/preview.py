"""A live label preview: template + sample data → display list → PNG → decode-back verdict.

This is the model behind the designer's preview pane (STYLE.md 2): it holds what the user chose
(template, data, resolution), redoes layout, rendering and verification when any of them changes,
and tells subscribers through :attr:`LabelPreview.changed`. It knows nothing of Qt, so the CLI and
tests can drive it headless, and the same pipeline the print engine uses is the one on screen.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image as PILImage

from labelstation.errors import LabelStationError
from labelstation.events import Event
from labelstation.render.png import render_png
from labelstation.render.verify import VerifyReport, verify_symbols
from labelstation.template import Template, layout, load_data, load_template
from labelstation.template.displaylist import DisplayList


@dataclass(frozen=True)
class PreviewResult:
    """What one refresh produced: the label, its image and verdict, or why there is none."""

    template: Template | None
    dpi: int
    display_list: DisplayList | None = None
    image: PILImage.Image | None = None
    report: VerifyReport | None = None
    error: str = ""
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the label laid out, rendered and every symbol decoded to its intent."""
        return not self.error and self.report is not None and self.report.ok


@dataclass
class LabelPreview:
    """The preview state; call the setters, subscribe to :attr:`changed`."""

    dpi: int = 300
    template: Template | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    template_path: Path | None = None
    result: PreviewResult = field(init=False)
    changed: Event[PreviewResult] = field(default_factory=Event, init=False, repr=False)

    def __post_init__(self) -> None:
        self.result = PreviewResult(template=None, dpi=self.dpi, error="No template open.")

    def open(self, template_path: str | Path, data_path: str | Path | None = None) -> None:
        """Load a template file and its sample data (``NAME.data.json`` beside it by default).

        A template that cannot be read leaves the previous one in place and reports why.
        """
        path = Path(template_path)
        try:
            template = load_template(path)
            if data_path is None:
                beside = path.with_name(path.name.removesuffix(".json") + ".data.json")
                data: Mapping[str, Any] = load_data(beside) if beside.exists() else {}
            else:
                data = load_data(data_path)
        except LabelStationError as exc:
            self._publish(PreviewResult(template=self.template, dpi=self.dpi, error=str(exc)))
            return
        self.template, self.data, self.template_path = template, data, path
        self.refresh()

    def set_dpi(self, dpi: int) -> None:
        """Redraw at another printer resolution."""
        self.dpi = dpi
        self.refresh()

    def set_data(self, data: Mapping[str, Any]) -> None:
        """Redraw with another record of sample data."""
        self.data = dict(data)
        self.refresh()

    def refresh(self) -> None:
        """Lay out, render and verify the current template; publish the result."""
        if self.template is None:
            self._publish(PreviewResult(template=None, dpi=self.dpi, error="No template open."))
            return
        start = time.perf_counter()
        try:
            display_list = layout(self.template, self.data, dpi=self.dpi)
            image = render_png(display_list, self.dpi)
            report = verify_symbols(display_list, image, self.dpi)
        except LabelStationError as exc:
            result = PreviewResult(template=self.template, dpi=self.dpi, error=str(exc))
        else:
            result = PreviewResult(
                template=self.template,
                dpi=self.dpi,
                display_list=display_list,
                image=image,
                report=report,
                elapsed_ms=(time.perf_counter() - start) * 1000.0,
            )
        self._publish(result)

    def _publish(self, result: PreviewResult) -> None:
        self.result = result
        self.changed.emit(result)
