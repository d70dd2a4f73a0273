"""The technician's test print: one label from a template, checked, then sent to a printer.

"Every setting has a test button beside it" (UX.md): after configuring a printer, a technician
prints the label being designed on it. The printer's own resolution comes from ``~HI``, the label
is laid out at that resolution, its symbols are decoded back from our rendering before anything is
sent (never print a label that fails validation), then the fonts and one full format go out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labelstation.devices.printer import PrinterDriver
from labelstation.devices.status import PrinterIdentity
from labelstation.render.png import render_png
from labelstation.render.verify import verify_symbols
from labelstation.render.zpl import render_zpl, zpl_font_downloads
from labelstation.template import Template, layout


@dataclass(frozen=True)
class TestPrintResult:
    """What went to the printer: who it is, how many bytes, at which resolution."""

    __test__ = False  # not a pytest test class, despite the name

    identity: PrinterIdentity
    bytes_sent: int


def print_test_label(
    driver: PrinterDriver, template: Template, data: Mapping[str, Any]
) -> TestPrintResult:
    """Lay out ``template`` with ``data`` at the printer's dpi, verify it, and print it once.

    Raises:
        DeviceError: the printer does not answer ``~HI`` or the link breaks.
        ValidationError: the data breaks a GS1/HIBC rule (nothing is sent).
        RenderError: a symbol does not decode back to its intent (nothing is sent).
    """
    identity = driver.identify()
    display_list = layout(template, data, dpi=identity.dpi)
    verify_symbols(display_list, render_png(display_list, identity.dpi)).raise_for_problems()
    payload = zpl_font_downloads(display_list) + render_zpl(display_list, identity.dpi).encode()
    driver.send(payload)
    return TestPrintResult(identity=identity, bytes_sent=len(payload))
