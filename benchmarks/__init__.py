"""LabelStation benchmarks (``make bench``): speed and size targets, never timed tests.

Each ``benchmarks/bench_*.py`` module defines ``run() -> list[Result]``; ``python -m benchmarks``
runs them all (or those named on the command line) and writes ``docs/benchmarks.md``.
"""
