"""What symbol options cost: rectangular Data Matrix and QR error correction levels.

A rectangular Data Matrix is found by trying the six ECC 200 rectangles smallest first after
checking the data on a square symbol, so its encode costs a few zint calls where a square costs
one; this measures that against the < 3 ms per symbol goal, with a fresh serial per call (the
encode cache never answers). QR levels change the symbol size, so they are measured too, as is
the ZPL of a label that uses both (the ``^BX`` rectangle and ``^BQ`` level cost no bytes worth
counting, but the layout does the encoding).
"""

from __future__ import annotations

import itertools
from functools import partial
from typing import Any

from benchmarks.common import Result, rate
from labelstation.gs1 import GS
from labelstation.render.zpl import render_zpl
from labelstation.symbols import encode
from labelstation.template import Template, layout

GROUP = "symbol options"
_counter = itertools.count()


def _gs1(serial_digits: int = 18) -> str:
    return f"0109506000134352{'10'}LOT-42{GS}21SN{next(_counter):0{serial_digits}d}"


def _encode_dm(options: dict[str, Any]) -> object:
    return encode("gs1-datamatrix", _gs1(), **options)


def _encode_qr(level: str) -> object:
    return encode("qr", f"https://id.example.com/{_gs1()}", ecc=level)


def _template() -> Template:
    return Template.from_json(
        {
            "schema": "labelstation.template/1",
            "id": "bench-options",
            "name": "Options",
            "stock": {"width": 60, "height": 40},
            "elements": [
                {
                    "type": "barcode",
                    "id": "dm",
                    "kind": "gs1-datamatrix",
                    "x": 2,
                    "y": 2,
                    "module_mm": 0.42,
                    "options": {"rectangular": True},
                    "gs1": [["01", "09506000134352"], ["10", "LOT-42"], ["21", "{serial}"]],
                },
                {
                    "type": "barcode",
                    "id": "qr",
                    "kind": "qr",
                    "x": 2,
                    "y": 14,
                    "module_mm": 0.42,
                    "data": "https://id.example.com/{serial}",
                    "options": {"ecc": "Q"},
                },
            ],
        }
    )


def run() -> list[Result]:
    """Encode rates per option and the layout + ZPL rate of a label that uses them."""
    results: list[Result] = []
    n = 300
    for name, options in (
        ("GS1 DataMatrix square", {}),
        ("GS1 DataMatrix rectangular", {"rectangular": True}),
    ):
        per_s = rate(partial(_encode_dm, options), n)
        results.append(
            Result(GROUP, f"encode {name}", 1000 / per_s, "ms", "< 3 ms", "fresh serial")
        )
    for level in ("L", "M", "Q", "H"):
        per_s = rate(partial(_encode_qr, level), n)
        results.append(Result(GROUP, f"encode QR level {level}", 1000 / per_s, "ms", "< 3 ms"))
    template = _template()

    def one_label() -> str:
        dl = layout(template, {"serial": f"S{next(_counter):010d}"}, dpi=300)
        return render_zpl(dl, 300)

    per_s = rate(one_label, 200)
    results.append(
        Result(
            GROUP,
            "layout + render_zpl, rectangular DM + QR Q",
            per_s,
            "labels/s",
            "",
            "300 dpi, fresh serial",
        )
    )
    return results
