"""``labelstation udi``: build and parse HIBC UDI data from the command line.

``udi parse TEXT`` reads what a scanner sends (with or without an AIM identifier such as ``]C0``,
or the printed ``*…*`` caption); ``udi build`` assembles primary and secondary data. Both print
the data per symbol, the caption and the fields; ``--json`` prints one JSON object and, on a
refusal, ``{"valid": false, "error": …}`` with exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from labelstation.cli._output import json_refusal, print_json, show_help
from labelstation.errors import UDIError
from labelstation.udi import (
    ExpiryFormat,
    HibcSecondary,
    HibcUdi,
    build,
    build_primary,
    build_secondary,
    parse,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``udi`` command group and its ``parse`` and ``build`` commands."""
    group = subparsers.add_parser(
        "udi",
        help="build and parse HIBC UDI data",
        description="Build and parse HIBC UDI data (ANSI/HIBC 2.6 Supplier Labeling Standard).",
    )
    commands = group.add_subparsers(dest="udi_command", metavar="UDI_COMMAND")

    parse_cmd = commands.add_parser(
        "parse",
        help="validate and explain HIBC data as scanned or printed",
        description="Validate HIBC data: primary, combined, or two symbols joined. An AIM "
        "identifier (]C0, ]d1, ]A0…) and the caption's asterisks are accepted.",
    )
    parse_cmd.add_argument("text", metavar="TEXT", help="the scanned or printed HIBC data")
    parse_cmd.add_argument("--json", action="store_true", help="print one JSON object")
    parse_cmd.set_defaults(handler=_parse_handler)

    build_cmd = commands.add_parser(
        "build",
        help="build HIBC UDI data from its fields",
        description="Build HIBC primary data and optional secondary data (lot or serial, "
        "expiry, quantity), combined in one symbol or as two linked symbols.",
    )
    build_cmd.add_argument("--lic", required=True, help="Labeler Identification Code (4 chars)")
    build_cmd.add_argument("--product", required=True, help="product or catalog number")
    build_cmd.add_argument("--uom", required=True, help="unit of measure, one digit 0-9")
    build_cmd.add_argument("--lot", help="lot or batch number")
    build_cmd.add_argument(
        "--serial", help="serial number (next to --lot it goes into the /S supplementary field)"
    )
    build_cmd.add_argument("--expiry", metavar="YYYY-MM-DD", help="expiry date")
    build_cmd.add_argument(
        "--expiry-format",
        metavar="FORMAT",
        help="how the expiry is written: "
        + ", ".join(f.value for f in ExpiryFormat)
        + " (default YYMMDD when --expiry is given)",
    )
    build_cmd.add_argument("--expiry-hour", metavar="HH", help="hour 0-23 for the …HH formats")
    build_cmd.add_argument("--quantity", help="quantity ($$8 up to 99, $$9 up to 99999)")
    build_cmd.add_argument(
        "--quantity-digits", metavar="N", help="2 ($$8) or 5 ($$9); default: the fewest"
    )
    build_cmd.add_argument(
        "--manufacture-date", metavar="YYYY-MM-DD", help="date of manufacture (/16D field)"
    )
    build_cmd.add_argument(
        "--separate",
        action="store_true",
        help="print the secondary data as its own symbol, linked by the primary's check character",
    )
    build_cmd.add_argument("--json", action="store_true", help="print one JSON object")
    build_cmd.set_defaults(handler=_build_handler)

    group.set_defaults(handler=lambda args: show_help(group))


def _parse_handler(args: argparse.Namespace) -> int:
    return _run(args, lambda: parse(args.text))


def _build_handler(args: argparse.Namespace) -> int:
    def make() -> HibcUdi:
        primary = build_primary(args.lic, args.product, args.uom)
        fields = (
            args.lot,
            args.serial,
            args.expiry,
            args.expiry_format,
            args.quantity,
            args.manufacture_date,
        )
        secondary = None
        if any(value is not None for value in fields):
            secondary = build_secondary(
                lot=args.lot,
                serial=args.serial,
                expiry=_date(args.expiry, "expiry"),
                expiry_format=args.expiry_format,
                expiry_hour=_integer(args.expiry_hour, "expiry hour"),
                quantity=_integer(args.quantity, "quantity"),
                quantity_digits=_integer(args.quantity_digits, "quantity digits"),
                manufacture_date=_date(args.manufacture_date, "date of manufacture"),
            )
        elif args.expiry_hour is not None or args.quantity_digits is not None:
            raise UDIError(
                "HIBC secondary: --expiry-hour and --quantity-digits need an --expiry or a "
                "--quantity"
            )
        return build(primary, secondary, combined=not args.separate)

    return _run(args, make)


def _run(args: argparse.Namespace, make: Any) -> int:
    try:
        udi: HibcUdi = make()
    except UDIError as exc:
        return json_refusal(exc, args.json, {"valid": False})
    document = udi_document(udi)
    if args.json:
        print_json(document)
    else:
        _print_text(udi)
    return 0


def _date(text: str | None, what: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _bad_date(text, what)
    except ValueError:
        return _bad_date(text, what)


def _bad_date(text: str, what: str) -> dt.date:
    raise UDIError(f"HIBC {what} {text!r}: expected a date YYYY-MM-DD")


def _integer(text: str | None, what: str) -> int | None:
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()):
        raise UDIError(f"HIBC {what} {text!r}: expected a whole number")
    return int(text)


def secondary_document(secondary: HibcSecondary | None) -> dict[str, Any] | None:
    """The secondary's fields as JSON values (dates ISO 8601, formats by name).

    ``serial``, ``expiry`` and ``quantity`` are the effective values, whether they come from the
    main form or a supplementary field; ``supplements`` lists those fields as encoded.
    """
    if secondary is None:
        return None
    expiry = secondary.effective_expiry
    made = secondary.manufacture_date
    return {
        "lot": secondary.lot,
        "serial": secondary.effective_serial,
        "expiry": None if expiry is None else expiry.isoformat(),
        "expiry_hour": secondary.expiry_hour,
        "expiry_format": None if secondary.expiry_format is None else secondary.expiry_format.value,
        "quantity": secondary.effective_quantity,
        "quantity_digits": secondary.quantity_digits,
        "manufacture_date": None if made is None else made.isoformat(),
        "supplements": [{"di": s.di, "value": s.value} for s in secondary.supplements],
    }


def udi_document(udi: HibcUdi) -> dict[str, Any]:
    """The JSON object both commands print for a valid UDI."""
    return {
        "valid": True,
        "data": udi.data,
        "hri": udi.hri,
        "combined": udi.combined,
        "secondary_data": udi.secondary_data,
        "secondary_hri": udi.secondary_hri,
        "symbols": list(udi.symbols),
        "encoder_payloads": list(udi.encoder_payloads()),
        "primary": {
            "lic": udi.primary.lic,
            "product": udi.primary.product,
            "uom": udi.primary.uom,
            "check": udi.primary.check,
        },
        "secondary": secondary_document(udi.secondary),
    }


def _print_text(udi: HibcUdi) -> None:
    lines = [f"data: {udi.data!r}", f"hri: {udi.hri}"]
    if udi.secondary_data is not None:
        lines += [f"secondary data: {udi.secondary_data!r}", f"secondary hri: {udi.secondary_hri}"]
    p = udi.primary
    lines += [f"LIC: {p.lic}", f"product: {p.product}", f"unit of measure: {p.uom}"]
    fields = secondary_document(udi.secondary) or {}
    supplements = fields.pop("supplements", [])
    lines += [
        f"{name.replace('_', ' ')}: {value}" for name, value in fields.items() if value is not None
    ]
    if supplements:
        lines.append("supplements: " + " ".join(f"/{s['di']}{s['value']}" for s in supplements))
    print("\n".join(lines))
