"""Shared result type and timing helper for the benchmark modules."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """One measured number: what, how much, in which unit, against which goal."""

    group: str
    name: str
    value: float
    unit: str
    goal: str = ""
    note: str = ""


def rate(func: Callable[[], object], n: int, repeat: int = 3) -> float:
    """Best-of-``repeat`` calls per second of ``func`` over ``n`` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(n):
            func()
        best = min(best, time.perf_counter() - start)
    return n / best
