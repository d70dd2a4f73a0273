"""GS1 throughput: parse and build element strings, side by side with biip on the same strings.

A 400 units/min line leaves 150 ms per label for data, print and verify; GS1 work must be a
negligible part of that, and verification parses every scan. Goals: parse at least as fast as
biip, build at least 50,000 element strings/s.

The mix is realistic: a handful of label layouts (pharma packs under EU FMD / DSCSA, NHRN,
logistics, weight-variable goods, a pallet label), and every label carries its own serial number
or SSCC, as on a line, so nothing is measured on one repeated string. The builder's cache of
validated values is emptied before every timed pass, so each serial is validated afresh, as it
would be in production, while GTIN, lot and expiry repeat as they do on a real batch.
"""

from __future__ import annotations

import biip
from biip.gs1_messages import GS1Message

from benchmarks.common import Result, rate
from labelstation.gs1 import build, check_digit, parse
from labelstation.gs1.element import clear_validation_cache

GROUP = "GS1 data core"
LABELS = 4000


def _sscc(n: int) -> str:
    body = f"1061414{n:010d}"
    return body + check_digit(body)


def _layouts(n: int) -> list[list[tuple[str, str]]]:
    serial = f"{n:012d}"
    return [
        [("01", "09506000134352"), ("17", "271231"), ("10", "ABC123"), ("21", "SN" + serial)],
        [("01", "04150999999994"), ("17", "280630"), ("10", "L2401-7"), ("21", "7HX" + serial)],
        [
            ("01", "09506000134352"),
            ("21", serial + "ABCDEFGH"),
            ("10", "B-77/12"),
            ("17", "290200"),
        ],
        [
            ("01", "04150999999994"),
            ("710", "12345678"),
            ("17", "270331"),
            ("10", "Q9"),
            ("21", serial),
        ],
        [("00", _sscc(n)), ("02", "09506000134352"), ("37", "48"), ("10", "LOT42")],
        [("01", "09506000134352"), ("3103", f"{n % 999999:06d}"), ("15", "261130"), ("10", "W7")],
        [("00", _sscc(n)), ("410", "9501101020016"), ("403", "ROUTE-66")],
        [
            ("01", "09506000134352"),
            ("11", "250101"),
            ("17", "280101"),
            ("10", "X" * 20),
            ("21", serial),
        ],
    ]


def run() -> list[Result]:
    """Measure build and parse rates over the mix (best of several runs)."""
    labels = [pairs for n in range(LABELS // 8) for pairs in _layouts(n)]
    built = [build(p) for p in labels]
    scans = ["]d2" + es.data for es in built]
    plain = [es.data for es in built]
    hris = [es.hri for es in built]
    links = [es.digital_link() for es in built[::8]]
    for text, es in zip(scans[:64], built, strict=False):  # same answers before timing
        assert biip.parse(text).gs1_message is not None
        assert parse(text).element_string == es

    def do_build() -> None:
        clear_validation_cache()
        for pairs in labels:
            build(pairs)

    def do_parse() -> None:
        clear_validation_cache()
        for text in scans:
            parse(text)

    def do_biip() -> None:
        for text in scans:
            biip.parse(text)

    def do_biip_message() -> None:
        for text in plain:
            GS1Message.parse(text)

    def do_hri() -> None:
        clear_validation_cache()
        for text in hris:
            parse(text)

    def do_dl() -> None:
        clear_validation_cache()
        for uri in links:
            parse(uri)

    n = len(labels)
    build_rate = rate(do_build, 1, repeat=7) * n
    parse_rate = rate(do_parse, 1, repeat=7) * n
    biip_rate = rate(do_biip, 1, repeat=5) * n
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
            rate(do_biip_message, 1, repeat=5) * n,
            "element strings/s",
            "reference",
        ),
        Result(GROUP, "parse bracketed HRI", rate(do_hri, 1, repeat=5) * n, "element strings/s"),
        Result(GROUP, "parse Digital Link URI", rate(do_dl, 1, repeat=5) * len(links), "URIs/s"),
    ]
