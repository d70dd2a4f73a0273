"""Run every benchmark module and write ``docs/benchmarks.md`` with machine, date and numbers."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import pkgutil
import platform
import sys
from pathlib import Path

import benchmarks
from benchmarks.common import Result

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main(names: list[str]) -> int:
    modules = sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )
    if names:
        modules = [m for m in modules if any(n in m for n in names)]
    results: list[Result] = []
    for name in modules:
        print(f"bench: {name} …", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        for result in module.run():
            print(
                f"  {result.group} | {result.name}: {result.value:,.1f} {result.unit}", flush=True
            )
            results.append(result)
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.",
        f"Machine: {_machine()}.",
        "",
    ]
    group = None
    for r in results:
        if r.group != group:
            group = r.group
            lines += [
                "",
                f"## {group}",
                "",
                "| measure | value | unit | goal | note |",
                "|---|---:|---|---|---|",
            ]
        lines.append(f"| {r.name} | {r.value:,.1f} | {r.unit} | {r.goal} | {r.note} |")
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"bench: wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
