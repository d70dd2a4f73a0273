"""``labelstation product``: the product master (add, list, show). Contract: docs/cli/users.md.

Adding needs the supervisor role; listing and showing any floor role. The GTIN is checked (GS1
check digit) and stored as 14 digits.
"""

from __future__ import annotations

import argparse

from labelstation.cli._output import print_json, show_help
from labelstation.cli.user_cmd import add_actor, add_command, run_signed_in
from labelstation.security.session import UserSession
from labelstation.services import products
from labelstation.services.context import ServiceContext
from labelstation.services.products import Product


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``product`` command group."""
    group = subparsers.add_parser(
        "product",
        help="the product master: add, list, show",
        description="Products a label is printed for (GTIN, NDC, name, strength, market…).",
    )
    commands = group.add_subparsers(dest="product_command", metavar="SUBCOMMAND")
    group.set_defaults(handler=lambda args: show_help(group))

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return add_command(commands, name, help_text)

    add = command("add", "add a product (supervisors)")
    add.add_argument("--gtin", required=True, help="GTIN-8/12/13/14 with a valid check digit")
    add.add_argument("--name", required=True)
    add.add_argument("--strength", required=True)
    add.add_argument("--dosage-form", required=True)
    add.add_argument("--market", required=True, help="e.g. EU, US, DE")
    add.add_argument("--label-profile", required=True, help="e.g. eu-fmd, us-dscsa")
    add.add_argument("--ndc", default=None, help="US NDC, hyphenated (4-4-2, 5-3-2, 5-4-1)")
    add.add_argument("--template", default=None, help="default template ID")
    add.add_argument("--reason", default=None)
    add_actor(add)
    add.set_defaults(handler=run_signed_in(_add))

    listing = command("list", "list products")
    listing.add_argument("--json", action="store_true", help="print a JSON array on stdout")
    add_actor(listing)
    listing.set_defaults(handler=run_signed_in(_list))

    show = command("show", "show one product")
    show.add_argument("gtin", metavar="GTIN")
    show.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    add_actor(show)
    show.set_defaults(handler=run_signed_in(_show))


def _add(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    product = products.create_product(
        ctx,
        session,
        Product(
            gtin=args.gtin,
            name=args.name,
            strength=args.strength,
            dosage_form=args.dosage_form,
            market=args.market,
            label_profile=args.label_profile,
            ndc=args.ndc,
            default_template_id=args.template,
        ),
        reason=args.reason,
    )
    print(f"added product {product.gtin} ({product.name})")
    return 0


def _list(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    items = products.list_products(ctx, session)
    if args.json:
        print_json([p.as_json() for p in items])
        return 0
    for p in items:
        print(f"{p.gtin}\t{p.name}\t{p.strength}\t{p.market}\t{p.default_template_id or '-'}")
    return 0


def _show(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    product = products.show_product(ctx, session, args.gtin)
    if args.json:
        print_json(product.as_json())
        return 0
    for key, value in product.as_json().items():
        print(f"{key}: {value if value is not None else '-'}")
    return 0
