"""HIBC UDI build and parse rates (a label's data must be ready well inside 150 ms)."""

from __future__ import annotations

import datetime as dt

from benchmarks.common import Result, rate
from labelstation.udi import build, build_primary, build_secondary, parse

GROUP = "HIBC UDI"


def run() -> list[Result]:
    """Measure building and parsing primary-only and combined HIBC data."""
    primary = build_primary("A123", "BJC5D6E7", 1)
    expiry = dt.date(2027, 12, 31)

    def build_combined() -> str:
        secondary = build_secondary(lot="LOT123456789012345", expiry=expiry, quantity=24)
        return build(build_primary("A123", "BJC5D6E7", 1), secondary).data

    combined = build_combined()
    separate = "".join(build(primary, build_secondary(serial="SN0001"), combined=False).symbols)
    n = 5_000
    goal = "≥ 10,000/s (far under a 150 ms label budget)"
    return [
        Result(GROUP, "build primary", rate(lambda: build(primary).data, n), "/s", goal),
        Result(
            GROUP, "build combined (lot, expiry, quantity)", rate(build_combined, n), "/s", goal
        ),
        Result(GROUP, "parse primary", rate(lambda: parse("]C0+A123BJC5D6E71G"), n), "/s", goal),
        Result(GROUP, "parse combined", rate(lambda: parse(combined), n), "/s", goal),
        Result(GROUP, "parse two symbols joined", rate(lambda: parse(separate), n), "/s", goal),
    ]
