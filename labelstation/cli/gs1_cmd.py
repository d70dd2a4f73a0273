"""``labelstation gs1``: check, take apart and assemble GS1 data from the command line.

``gs1 parse TEXT`` reads scanner output, bracketed HRI or a Digital Link URI; ``gs1 build
AI=VALUE ...`` assembles an element string. Both validate against the GS1 Barcode Syntax
Dictionary exactly as label printing does, so a supervisor can try data before it goes into a
template. Contract: docs/cli/gs1.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from labelstation.cli._output import (
    gs_from_cli,
    gs_visible,
    iso_date,
    json_refusal,
    print_json,
    show_help,
)
from labelstation.errors import GS1Error
from labelstation.gs1 import BuildPolicy, ElementString, build, parse

_EPILOG_PARSE = """\
TEXT may hold the GS separator as a raw 0x1D byte, as the four characters \\x1d, or as <GS>.
TEXT may be scanner data with or without a symbology identifier (]d2 ]C1 ]Q3 ]e0 ]J1, ]E0 ]E4
]I1 for a bare GTIN, ]Q1/]d1 with a Digital Link), bracketed HRI (write a literal "(" inside a
value as "\\(") or a GS1 Digital Link URI.

--json prints {"valid": true, "symbology": "]d2" or null, "elements": [{"ai", "title",
"value"}, ...], "hri": "(01)...", "data": "01...\\x1d21..."} (data without symbology id or
leading FNC1, each GS written as the four characters \\x1d).
Exit status: 0 valid, 2 refused (one line on stderr, or {"valid": false, "error": ...} on
stdout with --json).

examples:
  labelstation gs1 parse ']d201095060001343521727123110ABC123<GS>21SN0001'
  labelstation gs1 parse '(01)09506000134352(17)271231(10)ABC123' --json
  labelstation gs1 parse 'https://id.gs1.org/01/09506000134352/10/ABC123?17=271231'
"""

_EPILOG_BUILD = """\
--json prints the same keys as "gs1 parse" (symbology null) plus "digital_link" (null when the
data has no Digital Link primary key or holds an AI a Digital Link cannot carry).
Exit status: 0 valid, 2 refused (one line on stderr, or {"valid": false, "error": ...} on
stdout with --json).

example:
  labelstation gs1 build 01=09506000134352 17=271231 10=ABC123 21=SN0001 --json
"""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument(
        "--forbid-day-00",
        action="store_true",
        help="refuse day 00 (last day of month) in dates, a healthcare policy option",
    )
    parser.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="reference date for two-digit years (default: today)",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gs1 parse`` and ``gs1 build`` to the ``labelstation`` command."""
    group = subparsers.add_parser(
        "gs1",
        help="parse, validate and build GS1 element strings and Digital Link URIs",
        description="Parse, validate and build GS1 data (AIs from the GS1 Barcode Syntax "
        "Dictionary).",
    )
    commands = group.add_subparsers(dest="gs1_command", metavar="SUBCOMMAND")
    group.set_defaults(handler=lambda args: show_help(group))

    parse_parser = commands.add_parser(
        "parse",
        help="validate scanner data, bracketed HRI or a Digital Link URI",
        description="Validate GS1 data and show its elements.",
        epilog=_EPILOG_PARSE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parse_parser.add_argument("text", metavar="TEXT", help="the data to read")
    _common(parse_parser)
    parse_parser.set_defaults(handler=_parse)

    build_parser = commands.add_parser(
        "build",
        help="assemble and validate an element string from AI=VALUE pairs",
        description="Assemble a GS1 element string and show its data, HRI and Digital Link.",
        epilog=_EPILOG_BUILD,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build_parser.add_argument("pairs", nargs="+", metavar="AI=VALUE", help="e.g. 01=09506000134352")
    build_parser.add_argument(
        "--base",
        default="https://id.gs1.org",
        help="Digital Link base URI (default: https://id.gs1.org)",
    )
    _common(build_parser)
    build_parser.set_defaults(handler=_build)


def _policy(args: argparse.Namespace) -> BuildPolicy:
    return BuildPolicy(forbid_day_00=args.forbid_day_00)


def _pair(text: str) -> tuple[str, str]:
    ai, sep, value = text.partition("=")
    if not sep or not ai:
        raise GS1Error(f"gs1 build argument {text!r}: expected AI=VALUE, e.g. 01=09506000134352")
    return ai, value


def _document(es: ElementString, symbology: str | None = None) -> dict[str, Any]:
    return {
        "valid": True,
        "symbology": symbology,
        "elements": [{"ai": e.ai, "title": e.title, "value": e.value} for e in es],
        "hri": es.hri,
        "data": gs_visible(es.data),
    }


def _print_table(document: dict[str, Any]) -> None:
    rows = [(f"({e['ai']})", e["title"], e["value"]) for e in document["elements"]]
    width_ai = max(len(r[0]) for r in rows)
    width_title = max(len(r[1]) for r in rows)
    if document.get("symbology"):
        print(f"symbology     {document['symbology']}")
    for ai, title, value in rows:
        print(f"{ai:<{width_ai}}  {title:<{width_title}}  {value}")
    print(f"HRI           {document['hri']}")
    print(f"data          {document['data']}")
    if document.get("digital_link"):
        print(f"Digital Link  {document['digital_link']}")


def _run(args: argparse.Namespace, make: Any) -> int:
    try:
        document: dict[str, Any] = make()
    except GS1Error as exc:
        return json_refusal(exc, args.json, {"valid": False})
    if args.json:
        print_json(document)
    else:
        _print_table(document)
    sys.stdout.flush()
    return 0


def _parse(args: argparse.Namespace) -> int:
    def make() -> dict[str, Any]:
        result = parse(gs_from_cli(args.text), policy=_policy(args), today=args.today)
        return _document(result.element_string, result.symbology)

    return _run(args, make)


def _build(args: argparse.Namespace) -> int:
    def make() -> dict[str, Any]:
        es = build([_pair(p) for p in args.pairs], policy=_policy(args), today=args.today)
        document = _document(es)
        try:
            document["digital_link"] = es.digital_link(args.base)
        except GS1Error:
            document["digital_link"] = None  # valid data without a Digital Link primary key
        return document

    return _run(args, make)
