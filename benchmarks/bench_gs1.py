"""GS1 throughput: parse and build element strings, side by side with biip on the same strings.

A 400 units/min line leaves 150 ms per label for data, print and verify; GS1 work must be a
negligible part of that, and verification parses every scan. Goals: parse at least as fast as
biip, build at least 50,000 element strings/s.
"""

from __future__ import annotations

import biip
from biip.gs1_messages import GS1Message

from benchmarks.common import Result, rate
from labelstation.gs1 import build, parse

GROUP = "GS1 data core"

# A realistic mix of what packaging lines scan: pharma packs (EU FMD / DSCSA), NHRN, logistics
# labels, weight-variable goods, and a GS1-128 pallet label.
PAIRS: list[list[tuple[str, str]]] = [
    [("01", "09506000134352"), ("17", "271231"), ("10", "ABC123"), ("21", "SN0001")],
    [("01", "04150999999994"), ("17", "280630"), ("10", "L2401-7"), ("21", "7HX9QK2M4R")],
    [("01", "09506000134352"), ("21", "12345678901234567890"), ("10", "B-77/12"), ("17", "290200")],
    [("01", "04150999999994"), ("710", "12345678"), ("17", "270331"), ("10", "Q9"), ("21", "A1")],
    [("00", "106141412345678908"), ("02", "09506000134352"), ("37", "48"), ("10", "LOT42")],
    [("01", "09506000134352"), ("3103", "000189"), ("15", "261130"), ("10", "W7")],
    [("00", "106141412345678908"), ("410", "9501101020016"), ("403", "ROUTE-66")],
    [("01", "09506000134352"), ("11", "250101"), ("17", "280101"), ("10", "X" * 20)],
]


def run() -> list[Result]:
    """Measure build and parse rates over the mix (best of three)."""
    built = [build(p) for p in PAIRS]
    scans = ["]d2" + es.data for es in built]
    plain = [es.data for es in built]
    for text in scans:  # same answers before timing anything
        assert biip.parse(text).gs1_message is not None
        assert parse(text).element_string in built
    n = len(PAIRS)
    rounds = 400

    def do_build() -> None:
        for pairs in PAIRS:
            build(pairs)

    def do_parse() -> None:
        for text in scans:
            parse(text)

    def do_biip() -> None:
        for text in scans:
            biip.parse(text)

    def do_biip_message() -> None:
        for text in plain:
            GS1Message.parse(text)

    def do_hri() -> None:
        for es in built:
            parse(es.hri)

    def do_dl() -> None:
        for es in built[:4]:
            parse(es.digital_link())

    build_rate = rate(do_build, rounds) * n
    parse_rate = rate(do_parse, rounds) * n
    biip_rate = rate(do_biip, rounds) * n
    biip_message_rate = rate(do_biip_message, rounds) * n
    return [
        Result(GROUP, "build (validate + order)", build_rate, "element strings/s", ">= 50,000"),
        Result(
            GROUP,
            "parse ]d2 scanner data",
            parse_rate,
            "element strings/s",
            ">= biip",
            f"{parse_rate / biip_rate:.1f}x biip.parse",
        ),
        Result(GROUP, "biip.parse, same strings", biip_rate, "element strings/s", "reference"),
        Result(
            GROUP,
            "biip GS1Message.parse, same strings without ]d2",
            biip_message_rate,
            "element strings/s",
            "reference",
        ),
        Result(GROUP, "parse bracketed HRI", rate(do_hri, rounds) * n, "element strings/s"),
        Result(GROUP, "parse Digital Link URI", rate(do_dl, rounds) * 4, "URIs/s"),
    ]
