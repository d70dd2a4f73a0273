"""Symbol encoding, PNG preview, decode-back verification and PDF output speed.

Goals from the brief: < 3 ms to encode a symbol; a 1,000-label PDF well under 10 s. Every
encode below uses a fresh serial, so the LRU cache in :func:`labelstation.symbols.encode` never
answers; the PNG/verify/PDF numbers use a typical 100×50 mm carton label with a GS1-128, a GS1
DataMatrix and Unicode text.
"""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Callable

from benchmarks.common import Result
from labelstation.gs1 import GS
from labelstation.render.pdf import render_pdf
from labelstation.render.png import render_png
from labelstation.render.verify import verify_symbols
from labelstation.symbols import encode
from labelstation.template.displaylist import Box, DisplayList, Line, Symbol, TextRun

GROUP = "symbols and raster/PDF rendering"
_counter = itertools.count()


def _serial() -> str:
    return f"SN{next(_counter):018d}"


def _label(serial: str) -> DisplayList:
    dm = f"0109506000134352{'17'}271231{'10'}LOT-42{GS}21{serial}"
    c128 = f"0109506000134352{'21'}{serial}"
    dm_size = encode("gs1-datamatrix", dm).width_modules * 0.423 + 2 * 0.423
    c128_w = encode("gs1-128", c128).width_modules * 0.254 + 2 * 2.54
    return DisplayList(100, 50, (
        Box(0.5, 0.5, 99, 49, stroke=0.3, radius=2),
        Line(2, 22, 60, 22, stroke=0.3),
        TextRun(3, 3, 60, "Ελληνικά · Кириллица · café", 9),
        TextRun(3, 8, 60, "Paracetamol 500 mg, 20 tablets", 9, bold=True),
        TextRun(3, 40, 60, f"SN {serial}", 8, key="serial", variable=True),
        Symbol(2, 24, c128_w, 14, "gs1-128", c128, "]C1", module=0.254, height=10,
               quiet_zone=2.54, show_hri=True, key="c128", variable=True),
        Symbol(70, 20, dm_size, dm_size, "gs1-datamatrix", dm, "]d2", module=0.423,
               quiet_zone=0.423, key="udi", variable=True),
    ), dpi=300)  # fmt: skip


def _ms_per_call(func: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        func()
    return (time.perf_counter() - start) / n * 1000


def _png_ms(labels: list[DisplayList], dpi: int) -> float:
    """Best of three: mean ms to render each of ``labels`` at ``dpi``."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for label in labels:
            render_png(label, dpi)
        best = min(best, (time.perf_counter() - start) / len(labels) * 1000)
    return best


def run() -> list[Result]:
    """Measure and return the numbers (best of a few runs where noted)."""
    results: list[Result] = []
    samples = {
        "gs1-datamatrix": lambda: encode(
            "gs1-datamatrix", f"0109506000134352{'17'}271231{'10'}LOT-42{GS}21{_serial()}"
        ),
        "gs1-128": lambda: encode("gs1-128", f"0109506000134352{'21'}{_serial()[-10:]}"),
        "gs1-qr": lambda: encode("gs1-qr", f"0109506000134352{'21'}{_serial()}"),
        "code128": lambda: encode("code128", _serial()),
    }
    for kind, func in samples.items():
        us = min(_ms_per_call(func, 300) for _ in range(3)) * 1000
        results.append(Result(GROUP, f"encode {kind} (uncached)", us, "µs/symbol", "< 3,000 µs"))
    labels = [_label(_serial()) for _ in range(20)]
    for dpi in (203, 300, 600):
        ms = _png_ms(labels, dpi)
        results.append(Result(GROUP, f"render_png 100×50 mm at {dpi} dpi", ms, "ms/label"))
    image = render_png(labels[0], 300)
    ms = min(_ms_per_call(lambda: verify_symbols(labels[0], image, 300), 10) for _ in range(3))
    results.append(Result(GROUP, "verify_symbols 2 symbols at 300 dpi", ms, "ms/label"))
    thousand = [_label(_serial()) for _ in range(1000)]
    start = time.perf_counter()
    buffer = io.BytesIO()
    render_pdf(thousand, buffer)
    seconds = time.perf_counter() - start
    size = f"{len(buffer.getvalue()) / 1e6:.1f} MB"
    results.append(
        Result(GROUP, "render_pdf 1,000 labels (one per page)", seconds, "s", "< 10 s", size)
    )
    start = time.perf_counter()
    render_pdf(thousand[:240], io.BytesIO(), proof=True, n_up=(1, 5))
    results.append(
        Result(GROUP, "render_pdf 240-label proof, 5-up A4", time.perf_counter() - start, "s")
    )
    return results
