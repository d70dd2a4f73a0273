"""Template load and layout rates: a label's display list must be ready well inside 150 ms.

At 400 units/min a label has 150 ms for data, print and verify (FIELD-NOTES). Layout runs once
per label with a new serial, so the serial changes on every call here: the symbol encoder's
cache cannot hide the encoding cost.
"""

from __future__ import annotations

import itertools
import json
import time

from benchmarks.common import Result, rate
from labelstation.resources import resource_path
from labelstation.template import Template, layout, load_data, load_template

GROUP = "Templates"
SAMPLES = ("eu-fmd-carton", "us-dscsa-carton", "udi-device", "gs1-logistic", "clinical-kit")


def _per_label_ms(name: str, dpi: int, n: int) -> float:
    template = load_template(resource_path(f"templates/{name}.json"))
    data = load_data(resource_path(f"templates/{name}.data.json"))
    counter = itertools.count(1)
    varying = "serial" if "serial" in data else ("sscc" if name == "gs1-logistic" else "kit")

    def one() -> None:
        record = dict(data)
        i = next(counter)
        if varying == "serial":
            record["serial"] = f"B{i:012d}"
        elif varying == "kit":
            record["kit"] = i
        layout(template, record, dpi=dpi)

    return 1000.0 / rate(one, n)


def run() -> list[Result]:
    """Measure load (parse + schema + model), content hash, and layout per sample."""
    path = resource_path("templates/eu-fmd-carton.json")
    doc = json.loads(path.read_text("utf-8"))
    results = [
        Result(
            GROUP,
            "load_template eu-fmd-carton",
            rate(lambda: load_template(path), 200),
            "/s",
            "≥ 100/s (opening a template is interactive)",
        ),
        Result(
            GROUP,
            "content_hash (fresh template)",
            rate(lambda: Template.from_json(doc).content_hash, 200),
            "/s",
            "≥ 100/s",
        ),
    ]
    for name in SAMPLES:
        for dpi in (203, 300):
            ms = _per_label_ms(name, dpi, 60)
            results.append(
                Result(
                    GROUP,
                    f"layout {name} @ {dpi} dpi",
                    ms,
                    "ms/label",
                    "≤ 15 ms (10 % of a 150 ms label)",
                    "new serial every label",
                )
            )
    start = time.perf_counter()
    template = load_template(path)
    data = load_data(resource_path("templates/eu-fmd-carton.data.json"))
    for i in range(1000):
        layout(template, {**data, "serial": f"S{i:010d}"}, dpi=300)
    elapsed = time.perf_counter() - start
    results.append(
        Result(
            GROUP,
            "1,000 eu-fmd-carton labels, distinct serials",
            elapsed,
            "s",
            "≤ 15 s",
            "includes load",
        )
    )
    return results
