"""Rendering throughput and ZPL size, and the same PDF run made by glabels-3-batch as a peer.

Measures, for the EU FMD carton sample (70 × 40 mm) with 1,000 serials:

* layout, PDF, PNG (300 dpi), ZPL full format and ZPL stored format (``^DF`` once, then one
  ``^XF`` recall per label) in labels per second, each stage on the same 1,000 display lists;
* the whole PDF run (layout + PDF) against ``glabels-3-batch`` printing the same 1,000 labels
  from ``benchmarks/glabels/eu-fmd-carton.glabels`` and a CSV of the same data, timed in the
  same run (goal: at least 2× the peer's labels/s);
* bytes per label, full format against stored-format recall, for every sample template, at
  203 dpi (goal: EU FMD carton recall ≤ 144 bytes: 0.15 s at 9600 baud, one label's budget at
  400 units/min).

The stored format holds every field that is the same on all labels of the run
(:func:`labelstation.render.zpl.zpl_static_keys`), so a recall carries only what changes.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Result
from labelstation.render.pdf import render_pdf
from labelstation.render.png import png_bytes
from labelstation.render.zpl import (
    render_zpl,
    zpl_job,
    zpl_recall,
    zpl_static_keys,
    zpl_stored_format,
)
from labelstation.resources import resource_path
from labelstation.template import layout, load_data, load_template, sample_templates
from labelstation.template.displaylist import DisplayList

LABELS = 1000
DPI = 300
ZPL_BYTES_DPI = 203
GROUP = "Rendering (EU FMD carton, 1,000 labels)"
BYTES_GROUP = "ZPL bytes per label (203 dpi)"
PEER = Path(__file__).resolve().parent / "glabels" / "eu-fmd-carton.glabels"
BUDGET = 144


def _records(name: str, count: int) -> list[dict[str, Any]]:
    data = load_data(resource_path(f"templates/{name}.data.json"))
    if "serial" not in data or count == 1:
        return [data] * count
    prefix = str(data["serial"])[: 20 - len(str(count))]
    return [{**data, "serial": f"{prefix}{n:0{len(str(count))}d}"} for n in range(1, count + 1)]


def _timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def _layout_all(name: str, records: list[dict[str, Any]], dpi: int) -> list[DisplayList]:
    template = load_template(resource_path(f"templates/{name}.json"))
    return [layout(template, r, dpi=dpi) for r in records]


def _peer_csv(records: list[dict[str, Any]], lists: list[DisplayList], path: Path) -> None:
    """The same data as gLabels merge fields; ``dm`` is the symbol's element string."""
    fields = ["name", "strength", "gtin", "serial", "lot", "expiry", "manufacturer", "dm"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        for record, dl in zip(records, lists, strict=True):
            texts = {p.key: p.text for p in dl.primitives if hasattr(p, "text")}
            writer.writerow(
                [
                    record["name"],
                    record["strength"],
                    record["gtin"],
                    record["serial"],
                    record["lot"],
                    texts.get("hri.17", "").removeprefix("EXP "),
                    record["manufacturer"],
                    dl.symbols[0].data,
                ]
            )


def _glabels(records: list[dict[str, Any]], lists: list[DisplayList]) -> tuple[float, int] | None:
    """Seconds and pages for glabels-3-batch printing the run to PDF (None if not installed).

    It renders with cairo and needs no display here; where it does, it runs under xvfb-run.
    """
    batch = shutil.which("glabels-3-batch")
    if batch is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _peer_csv(records, lists, work / "eu-fmd-carton.csv")
        (work / "peer.glabels").write_bytes(PEER.read_bytes())
        command = [batch, "-o", "peer.pdf", "peer.glabels"]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=work, capture_output=True, check=False)
        if done.returncode != 0 and shutil.which("xvfb-run"):
            start = time.perf_counter()
            done = subprocess.run(["xvfb-run", "-a", *command], cwd=work, capture_output=True)
        seconds = time.perf_counter() - start
        done.check_returncode()
        info = subprocess.run(
            ["pdfinfo", "peer.pdf"], cwd=work, capture_output=True, text=True, check=True
        ).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    return seconds, pages


def _throughput() -> list[Result]:
    name = "eu-fmd-carton"
    records = _records(name, LABELS)
    lists: list[DisplayList] = []
    t_layout = _timed(lambda: lists.extend(_layout_all(name, records, DPI)))
    pdf = io.BytesIO()
    t_pdf = _timed(lambda: render_pdf(lists, pdf))
    t_png = _timed(lambda: [png_bytes(dl, DPI) for dl in lists])
    full: list[str] = []
    t_full = _timed(lambda: full.extend(render_zpl(dl, DPI) for dl in lists))
    stored: list[str] = []

    def _stored() -> None:
        stored.append(zpl_job(lists, DPI, stored=True))

    t_stored = _timed(_stored)
    ours = LABELS / (t_layout + t_pdf)
    results = [
        Result(GROUP, "layout", LABELS / t_layout, "labels/s"),
        Result(GROUP, "PDF (render only)", LABELS / t_pdf, "labels/s",
               note=f"{len(pdf.getvalue()) / LABELS:,.0f} bytes/label"),
        Result(GROUP, "PNG 300 dpi (render + encode)", LABELS / t_png, "labels/s"),
        Result(GROUP, "ZPL full format", LABELS / t_full, "labels/s",
               note=f"{sum(map(len, full)) / LABELS:,.0f} bytes/label"),
        Result(GROUP, "ZPL stored format + recalls (zpl_job)", LABELS / t_stored, "labels/s",
               note=f"{len(stored[0]) / LABELS:,.0f} bytes/label incl. the one ^DF"),
        Result(GROUP, "PDF run, layout + PDF (LabelStation)", ours, "labels/s"),
    ]  # fmt: skip
    peer = _glabels(records, lists)
    if peer is None:
        results.append(
            Result(GROUP, "PDF run, glabels-3-batch", 0.0, "labels/s", note="not installed")
        )
        return results
    seconds, pages = peer
    theirs = LABELS / seconds
    results += [
        Result(GROUP, "PDF run, glabels-3-batch (peer)", theirs, "labels/s",
               note=f"{pages} pages, same data, plain Data Matrix"),
        Result(GROUP, "PDF run speed-up vs glabels-3-batch", ours / theirs, "×", goal="≥ 2×"),
    ]  # fmt: skip
    return results


def _sizes() -> list[Result]:
    results: list[Result] = []
    names = sorted(p.stem for p in sample_templates())
    for name in names:
        lists = _layout_all(name, _records(name, 2), ZPL_BYTES_DPI)
        full = len(render_zpl(lists[0], ZPL_BYTES_DPI).encode())
        # with a serial, what the two labels share is stored; without one, every data field
        # is sent per label (nothing is known to stay the same)
        has_serial = "serial" in load_data(resource_path(f"templates/{name}.data.json"))
        static = zpl_static_keys(lists) if has_serial else frozenset()
        recall = len(zpl_recall(lists[0], static_keys=static).encode())
        stored = len(zpl_stored_format(lists[0], ZPL_BYTES_DPI, static_keys=static).encode())
        goal = f"≤ {BUDGET}" if name == "eu-fmd-carton" else ""
        results += [
            Result(BYTES_GROUP, f"{name}: full format", full, "bytes/label"),
            Result(BYTES_GROUP, f"{name}: stored-format recall", recall, "bytes/label",
                   goal=goal, note=f"stored format once: {stored:,} bytes"),
        ]  # fmt: skip
    return results


def run() -> list[Result]:
    """Every rendering measurement (see the module docstring)."""
    return _throughput() + _sizes()
