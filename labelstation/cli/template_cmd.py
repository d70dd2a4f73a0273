"""``labelstation template``: validate, import, review, sign and export template versions.

``validate FILE`` only loads the file (no database, no user). Everything else works on the
database as ``--user ID`` (password by prompt or ``--password-stdin``). ``approve``, ``reject``
and ``retire`` are electronic signatures: the command prints what is being signed (for
``approve``, the field-by-field changes against the approved version and, with ``--data``, the
changed-pixel count of the rendered label) and the signature's meaning, and the password given
for the command signs it. Contract: docs/cli/template.md.
"""

from __future__ import annotations

import argparse
import json
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from labelstation.cli._output import print_json, show_help
from labelstation.cli.user_cmd import add_actor, add_command, run_signed_in
from labelstation.render.export import write_atomically
from labelstation.render.pdf import pdf_bytes
from labelstation.security.esign import Signature, manifestation
from labelstation.security.session import UserSession
from labelstation.services import templates
from labelstation.services.context import ServiceContext
from labelstation.services.lifecycle import State
from labelstation.services.templates import TemplateDiff
from labelstation.template import Template, layout, load_data, load_template
from labelstation.template.canonical import canonical_json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``template`` command group."""
    group = subparsers.add_parser(
        "template",
        help="template versions: validate, import, submit, approve, reject, retire, diff",
        description="Template lifecycle: draft -> in review -> approved -> superseded/retired.",
    )
    commands = group.add_subparsers(dest="template_command", metavar="SUBCOMMAND")
    group.set_defaults(handler=lambda args: show_help(group))

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return add_command(commands, name, help_text)

    validate = commands.add_parser(
        "validate",
        help="check a template file (no database)",
        description="Load FILE as a template; exit 0 if it is valid, else 2 with one line.",
    )
    validate.add_argument("file", type=Path, metavar="FILE")
    validate.set_defaults(handler=_validate)

    imp = command("import", "store a template file as a new draft (or replace the draft)")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--reason", default=None, help="why (recorded in the audit trail)")
    add_actor(imp)
    imp.set_defaults(handler=run_signed_in(_import))

    submit = command("submit", "send a draft for review")
    submit.add_argument("id", metavar="TEMPLATE_ID")
    submit.add_argument("--version", type=int, default=None, help="default: the latest")
    add_actor(submit)
    submit.set_defaults(handler=run_signed_in(_submit))

    approve = command("approve", "review and approve a version (e-signature 'approved')")
    approve.add_argument("id", metavar="TEMPLATE_ID")
    approve.add_argument("--version", type=int, required=True)
    approve.add_argument(
        "--data", type=Path, default=None, help="sample data JSON for the image diff"
    )
    approve.add_argument("--diff-png", type=Path, default=None, help="write the image diff here")
    approve.add_argument("--dpi", type=int, default=300)
    approve.add_argument("--reason", default=None)
    add_actor(approve)
    approve.set_defaults(handler=run_signed_in(_approve))

    for name, help_text, transition in (
        (
            "reject",
            "send a version in review back to draft (e-signature 'rejected')",
            templates.reject,
        ),
        ("retire", "withdraw a version from use (e-signature 'retired')", templates.retire),
    ):
        sub = command(name, help_text)
        sub.add_argument("id", metavar="TEMPLATE_ID")
        sub.add_argument("--version", type=int, required=True)
        sub.add_argument("--reason", required=True, help="why (recorded and signed)")
        add_actor(sub)
        sub.set_defaults(handler=run_signed_in(partial(_sign, transition)))

    listing = command("list", "list template versions")
    listing.add_argument("id", nargs="?", default=None, metavar="TEMPLATE_ID")
    listing.add_argument("--json", action="store_true", help="print a JSON array on stdout")
    add_actor(listing)
    listing.set_defaults(handler=run_signed_in(_list))

    export = command("export", "write a stored version's JSON")
    export.add_argument("id", metavar="TEMPLATE_ID")
    export.add_argument("--version", type=int, default=None, help="default: the latest")
    export.add_argument("-o", "--output", type=Path, default=None, help="default: stdout")
    add_actor(export)
    export.set_defaults(handler=run_signed_in(_export))

    proof = command(
        "proof", "a PDF proof of a version with its state and approval signature (11.50)"
    )
    proof.add_argument("id", metavar="TEMPLATE_ID")
    proof.add_argument("--version", type=int, default=None, help="default: the latest")
    proof.add_argument("--data", type=Path, required=True, help="sample data JSON")
    proof.add_argument("--out", type=Path, required=True, help="the PDF to write")
    proof.add_argument("--dpi", type=int, default=300)
    add_actor(proof)
    proof.set_defaults(handler=run_signed_in(_proof))

    diff = command("diff", "compare two versions field by field (and pixel by pixel)")
    diff.add_argument("id", metavar="TEMPLATE_ID")
    diff.add_argument("old", type=int, metavar="OLD")
    diff.add_argument("new", type=int, metavar="NEW")
    diff.add_argument("--data", type=Path, default=None, help="sample data JSON for the image diff")
    diff.add_argument("--png", type=Path, default=None, help="write the image diff here")
    diff.add_argument("--dpi", type=int, default=300)
    diff.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    add_actor(diff)
    diff.set_defaults(handler=run_signed_in(_diff))


def _validate(args: argparse.Namespace) -> int:
    template = load_template(args.file)
    print(f"valid: template {template.id} ({template.content_hash})")
    return 0


def _import(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    version = templates.import_template(ctx, session, load_template(args.file), reason=args.reason)
    print(f"{version.label}: {version.state.value} ({version.content_hash})")
    return 0


def _submit(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    version = templates.submit(ctx, session, args.id, args.version)
    print(f"{version.label}: {version.state.value}")
    return 0


def _print_diff(result: TemplateDiff, png: Path | None) -> None:
    base = "nothing" if result.old_version is None else f"v{result.old_version}"
    print(f"changes from {base} to v{result.new_version}: {len(result.changes)}")
    for change in result.changes:
        old = json.dumps(change.old, ensure_ascii=False)
        new = json.dumps(change.new, ensure_ascii=False)
        print(f"  {change.kind.value:8} {change.path}: {old} -> {new}")
    if result.image is not None:
        print(
            f"rendered label: {result.image.changed_pixels} of {result.image.total_pixels} "
            "pixels changed"
        )
        if png is not None:
            png.write_bytes(result.image.png)
            print(f"image diff written to {png}")


class _SignedTransition(Protocol):
    """The shape :func:`templates.approve`, ``reject`` and ``retire`` share."""

    def __call__(
        self,
        ctx: ServiceContext,
        session: UserSession,
        template_id: str,
        version: int,
        *,
        password: str,
        reason: str,
        user_id: str | None = None,
    ) -> tuple[templates.TemplateVersion, Signature]: ...


def _sign(
    transition: _SignedTransition,
    ctx: ServiceContext,
    session: UserSession,
    password: str,
    args: argparse.Namespace,
) -> int:
    """Sign ``args.id`` v``args.version`` with the command's password; print the manifestation."""
    version, signature = transition(
        ctx,
        session,
        args.id,
        args.version,
        user_id=args.user,
        password=password,
        reason=args.reason,
    )
    print(f"{version.label}: {version.state.value}")
    print(manifestation(signature))
    print(f"signature {signature.signature_hash}")
    return 0


def _approve(
    ctx: ServiceContext, session: UserSession, password: str, args: argparse.Namespace
) -> int:
    data = load_data(args.data) if args.data is not None else None
    review = templates.review(ctx, session, args.id, args.version, data=data, dpi=args.dpi)
    _print_diff(review, args.diff_png)
    print(f"signing: template {args.id} v{args.version} — meaning: approved")
    return _sign(templates.approve, ctx, session, password, args)


def _list(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    versions = templates.list_versions(ctx, session, args.id)
    if args.json:
        print_json([v.as_json() for v in versions])
        return 0
    for v in versions:
        signed = f"\t{manifestation(v.approval)}" if v.approval is not None else ""
        print(f"{v.template_id}\tv{v.version}\t{v.state.value}\t{v.content_hash}{signed}")
    return 0


def _export(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    document: Any = templates.export(ctx, session, args.id, args.version)
    text = canonical_json(document).decode("utf-8")
    if args.output is None:
        print(text)
    else:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


def _proof(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    """Proof sheet: the label, the PROOF watermark, and in words what state it is in and who
    signed it, so a printout carries the signature manifestation 21 CFR 11.50 asks for."""
    template = Template.from_json(templates.export(ctx, session, args.id, args.version))
    versions = templates.list_versions(ctx, session, args.id)
    wanted = args.version if args.version is not None else max(v.version for v in versions)
    version = next(v for v in versions if v.version == wanted)
    approved = version.approval is not None and version.state is State.APPROVED
    display_list = layout(
        template, load_data(args.data), dpi=args.dpi, version=str(wanted) if approved else ""
    )
    notes = [
        f"{version.label} — state: {version.state.value}"
        + ("" if approved else " — NOT APPROVED, NOT FOR PRODUCTION"),
        f"content sha256 {version.content_hash}",
        manifestation(version.approval)
        if version.approval is not None
        else "No approval signature",
    ]
    size = write_atomically(
        args.out, pdf_bytes([display_list], proof=True, n_up=(1, 1), notes=notes)
    )
    print(f"wrote {args.out} ({size:,} bytes): {notes[0]}")
    return 0


def _diff(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    data = load_data(args.data) if args.data is not None else None
    result = templates.diff(ctx, session, args.id, args.old, args.new, data=data, dpi=args.dpi)
    if args.json:
        if result.image is not None and args.png is not None:
            args.png.write_bytes(result.image.png)
        print_json(result.as_json())
        return 0
    _print_diff(result, args.png)
    return 0
