"""``labelstation layout``: check a label template, or lay it out with data as a display list.

Without ``--data`` the template is only checked (schema, expressions, fonts, images) and its
identity printed: id, name, canonical content hash and the data fields it reads, so a
supervisor can see which version a file is before importing it. With ``--data`` the record is
laid out exactly as printing does (GS1 and HIBC content built and validated, symbols sized,
text fitted) and the display list is printed as JSON, GS bytes written as ``\\x1d``.
Contract: docs/cli/layout.md.
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from labelstation.cli._output import gs_visible, iso_date, print_json
from labelstation.gs1 import BuildPolicy
from labelstation.template import DisplayList, layout, load_data, load_template
from labelstation.units import SUPPORTED_DPI

_EPILOG = """\
Exit status: 0 valid, 2 refused (one line on stderr: the element id, the field and what was
expected), 1 internal error.

examples:
  labelstation layout resources/templates/eu-fmd-carton.json
  labelstation layout resources/templates/eu-fmd-carton.json \\
      --data resources/templates/eu-fmd-carton.data.json --dpi 203
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``layout`` command to the ``labelstation`` parser."""
    parser = subparsers.add_parser(
        "layout",
        help="check a label template, or lay it out with data and print the display list",
        description="Check TEMPLATE.json against schema labelstation.template/1 and print its "
        "identity; with --data, lay out one record and print the display list as JSON.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("template", metavar="TEMPLATE.json", help="label template (JSON)")
    parser.add_argument("--data", metavar="DATA.json", help="one data record (JSON object)")
    parser.add_argument(
        "--dpi",
        type=int,
        choices=SUPPORTED_DPI,
        help="printer resolution (default: the template's stock dpi)",
    )
    parser.add_argument(
        "--forbid-day-00",
        action="store_true",
        help="refuse day 00 (last day of month) in GS1 dates, a healthcare policy option",
    )
    parser.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="reference date for GS1 two-digit years (default: today)",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    template = load_template(args.template)
    if args.data is None:
        print_json(
            {
                "valid": True,
                "id": template.id,
                "name": template.name,
                "content_hash": template.content_hash,
                "stock": dataclasses.asdict(template.stock),
                "elements": len(template.elements),
                "fields": sorted(template.fields),
            }
        )
        return 0
    display_list = layout(
        template,
        load_data(args.data),
        dpi=args.dpi or template.stock.dpi,
        policy=BuildPolicy(forbid_day_00=args.forbid_day_00),
        today=args.today,
    )
    print_json(display_list_json(display_list))
    return 0


def display_list_json(display_list: DisplayList) -> dict[str, Any]:
    """Return ``display_list`` as a JSON document, each primitive tagged with its type."""
    primitives = []
    for primitive in display_list.primitives:
        fields = {
            name: (gs_visible(value) if isinstance(value, str) else value)
            for name, value in dataclasses.asdict(primitive).items()
        }
        primitives.append({"type": type(primitive).__name__, **fields})
    return {
        "template_id": display_list.template_id,
        "template_version": display_list.template_version,
        "template_hash": display_list.template_hash,
        "inverted": display_list.inverted,
        "dpi": display_list.dpi,
        "width": display_list.width,
        "height": display_list.height,
        "primitives": primitives,
    }
