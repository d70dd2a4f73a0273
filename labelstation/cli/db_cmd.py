"""``labelstation db`` and ``labelstation audit``: the database schema and the audit trail.

``db upgrade`` backs the database up and migrates it; ``db info`` says where the data is and
which schema it has; ``db grant-app-role`` gives a PostgreSQL role everything but UPDATE and
DELETE on the audit tables. ``audit verify`` walks the hash chain and the keyed checkpoints and
names the first bad entry; ``audit export`` writes CSV (machine-checkable) or PDF (for people);
``audit checkpoint`` anchors the chain head now. Contract: docs/cli/db.md.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from labelstation.cli._db import add_db, open_migrated, workstation
from labelstation.cli._output import print_json, show_help
from labelstation.errors import IntegrityError
from labelstation.security.audit import DEFAULT_CHECKPOINT_EVERY, AuditTrail
from labelstation.security.esign import signature_anchors
from labelstation.security.keys import ENV_KEY_FILE, FileKeyProvider, default_key_path
from labelstation.store.db import Database, DatabaseError

_EXIT = """\
Exit status: 0 done, 2 refused (one line on stderr), 1 internal error.
"""

_EPILOG_VERIFY = """\
Checks every entry's hash, the links between entries, the chain head and every checkpoint's
HMAC (with the site key: LABELSTATION_AUDIT_KEY_FILE, --key-file, or the per-user key file).
Exit status: 0 the trail verifies; 2 it does not (the first bad entry and why on stderr, or
{"valid": false, "error": ...} with --json), or the key is missing.

examples:
  labelstation audit verify
  labelstation audit verify --db postgresql+psycopg://qa@db.site/labelstation --json
  labelstation audit verify --db copy.sqlite3 --key-file /media/qa/audit-checkpoint.key
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``db`` and ``audit`` command groups to the ``labelstation`` command."""
    _register_db(subparsers)
    _register_audit(subparsers)


def _register_db(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser(
        "db",
        help="create, upgrade, back up and describe the database",
        description="Database schema (Alembic migrations), backups and PostgreSQL roles.",
    )
    commands = group.add_subparsers(dest="db_command", metavar="SUBCOMMAND")
    group.set_defaults(handler=lambda args: show_help(group))

    upgrade = commands.add_parser(
        "upgrade",
        help="back up the database, then migrate it to the newest schema",
        description="Back up the database (SQLite: online backup beside the file; PostgreSQL: "
        "pg_dump), then run every pending migration in one transaction.",
        epilog=_EXIT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db(upgrade)
    upgrade.add_argument(
        "--no-backup",
        action="store_true",
        help="skip the backup (only when you made your own, e.g. without pg_dump)",
    )
    upgrade.add_argument(
        "--backup-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="write the backup here (default: beside the SQLite file; PostgreSQL: the per-user "
        "data folder's backups/)",
    )
    upgrade.set_defaults(handler=_db_upgrade)

    backup = commands.add_parser(
        "backup",
        help="copy the database to a timestamped backup file",
        description="Copy the database (SQLite online backup API; PostgreSQL pg_dump).",
        epilog=_EXIT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db(backup)
    backup.add_argument("--backup-dir", type=Path, default=None, metavar="DIR")
    backup.set_defaults(handler=_db_backup)

    info = commands.add_parser(
        "info",
        help="show the database URL, schema revision and audit entry count",
        description="Describe the database (the URL is shown with its password hidden).",
        epilog=_EXIT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db(info)
    info.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    info.set_defaults(handler=_db_info)

    grant = commands.add_parser(
        "grant-app-role",
        help="PostgreSQL: give a role SELECT/INSERT only on the audit tables",
        description="Create (if needed) the application role NAME and grant it read/write on "
        "every table except UPDATE and DELETE on audit_entry and audit_checkpoint. Run again "
        "after each upgrade.",
        epilog=_EXIT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    grant.add_argument("name", metavar="NAME", help="role name (a-z, 0-9, _)")
    add_db(grant)
    grant.set_defaults(handler=_db_grant)


def _register_audit(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser(
        "audit",
        help="verify, export and checkpoint the tamper-evident audit trail",
        description="The audit trail: a SHA-256 hash chain anchored by keyed HMAC checkpoints.",
    )
    commands = group.add_subparsers(dest="audit_command", metavar="SUBCOMMAND")
    group.set_defaults(handler=lambda args: show_help(group))

    verify = commands.add_parser(
        "verify",
        help="check the hash chain and checkpoints; name the first bad entry",
        description="Verify the audit trail.",
        epilog=_EPILOG_VERIFY,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db(verify)
    verify.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    verify.add_argument(
        "--key-file",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"checkpoint key file (default: ${ENV_KEY_FILE}, else the per-user key file)",
    )
    verify.add_argument(
        "--no-hmac",
        action="store_true",
        help="do not check checkpoint HMACs (no key at hand); a rewritten chain may then pass",
    )
    verify.add_argument(
        "--checkpoint-every",
        type=_positive,
        default=DEFAULT_CHECKPOINT_EVERY,
        metavar="N",
        help="the site's checkpoint interval: a checkpoint must exist at every multiple of N "
        f"(default {DEFAULT_CHECKPOINT_EVERY})",
    )
    verify.set_defaults(handler=_audit_verify)

    export = commands.add_parser(
        "export",
        help="write the audit trail to CSV or PDF",
        description="Export every entry: CSV holds the exact stored values (hashes can be "
        "recomputed from it); PDF is a readable table for reviews.",
        epilog=_EXIT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db(export)
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--csv", type=Path, metavar="FILE", help="write CSV (UTF-8) to FILE")
    target.add_argument("--pdf", type=Path, metavar="FILE", help="write PDF to FILE")
    export.set_defaults(handler=_audit_export)

    checkpoint = commands.add_parser(
        "checkpoint",
        help="write a keyed checkpoint at the current chain head",
        description="Anchor the current chain head with an HMAC checkpoint (e.g. at shift end).",
        epilog=_EXIT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db(checkpoint)
    checkpoint.set_defaults(handler=_audit_checkpoint)


def _db_upgrade(args: argparse.Namespace) -> int:
    database = Database.open(args.db)
    try:
        before = database.current_revision()
        head = database.head_revision()
        if before == head:
            print(f"database {database.display_url()}: already at {head}; nothing to do")
            return 0
        backup: Path | None = None
        if args.no_backup:
            print("backup: skipped (--no-backup)")
        else:
            backup = database.backup(args.backup_dir)
            print(f"backup: {backup}" if backup is not None else "backup: none (new database)")
        database.upgrade()
        _record_system_change(
            database,
            action="db.upgrade",
            object_id=database.display_url(),
            old={"revision": before},
            new={"revision": head, "backup": None if backup is None else str(backup)},
        )
        print(f"database {database.display_url()}: upgraded from {before or 'empty'} to {head}")
        return 0
    finally:
        database.dispose()


def _db_backup(args: argparse.Namespace) -> int:
    database = Database.open(args.db)
    try:
        path = database.backup(args.backup_dir)
        if path is None:
            raise DatabaseError(
                f"backup: {database.display_url()} does not exist yet; expected an existing "
                "database"
            )
        print(f"backup: {path}")
        return 0
    finally:
        database.dispose()


def _db_info(args: argparse.Namespace) -> int:
    database = Database.open(args.db)
    try:
        info = database.info()
    finally:
        database.dispose()
    if args.json:
        print_json(
            {
                "url": info.url,
                "dialect": info.dialect,
                "path": info.path,
                "revision": info.revision,
                "head_revision": info.head_revision,
                "up_to_date": info.up_to_date,
                "audit_entries": info.audit_entries,
            }
        )
        return 0
    print(f"url:       {info.url}")
    print(f"dialect:   {info.dialect}")
    if info.path is not None:
        print(f"file:      {info.path}")
    state = "up to date" if info.up_to_date else f"upgrade available to {info.head_revision}"
    print(f"schema:    {info.revision or 'none'} ({state})")
    if info.audit_entries is not None:
        print(f"audit:     {info.audit_entries} entries")
    return 0


def _db_grant(args: argparse.Namespace) -> int:
    database = Database.open(args.db)
    try:
        database.grant_app_role(args.name)
        _record_system_change(
            database,
            action="db.grant_app_role",
            object_id=args.name,
            old=None,
            new={
                "audit_tables": "SELECT, INSERT",
                "other_tables": "SELECT, INSERT, UPDATE, DELETE",
            },
        )
    finally:
        database.dispose()
    print(f"role {args.name}: SELECT, INSERT only on audit_entry and audit_checkpoint")
    return 0


def _record_system_change(
    database: Database,
    *,
    action: str,
    object_id: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
) -> None:
    """Audit a change made from the command line, by the operating-system account running it.

    The CLI has no LabelStation sign-in; the OS account is the best "who" it has, marked
    ``os:`` so that it cannot be mistaken for a LabelStation user ID.
    """
    user = _os_user()
    trail = AuditTrail(database, FileKeyProvider.default(), workstation())
    with database.session() as session:
        trail.append(
            session,
            actor_id=f"os:{user}"[:64],
            actor_name=f"{user} (operating-system account)"[:200],
            action=action,
            object_type="database",
            object_id=object_id[:200],
            old=old,
            new=new,
            reason="labelstation command line",
        )


def _os_user() -> str:
    try:
        return getpass.getuser() or "unknown"
    except (KeyError, OSError):  # no passwd entry and no USER/LOGNAME (containers)
        return "unknown"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of entries >= 1")
    return value


def _trail(
    database: Database,
    key_file: Path | None,
    *,
    create_key: bool,
    checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY,
) -> AuditTrail:
    provider = FileKeyProvider(key_file or default_key_path(), create=create_key)
    return AuditTrail(database, provider, workstation(), checkpoint_every=checkpoint_every)


def _audit_verify(args: argparse.Namespace) -> int:
    database = open_migrated(args.db)
    try:
        trail = _trail(
            database, args.key_file, create_key=False, checkpoint_every=args.checkpoint_every
        )
        try:
            with database.session(write=False) as session:
                anchors = signature_anchors(session)
        except IntegrityError as exc:  # an altered signature is itself a broken trail
            if args.json:
                print_json({"valid": False, "error": str(exc)})
                return 2
            raise
        result = trail.verify(check_hmac=not args.no_hmac, anchors=anchors)
    finally:
        database.dispose()
    if args.json:
        print_json({"valid": result.ok, "error": result.problem or None, **result.as_dict()})
        return 0 if result.ok else 2
    if not result.ok:
        raise IntegrityError(result.problem)
    hmac_note = "HMACs checked" if result.hmac_checked else "HMACs NOT checked"
    print(
        f"audit trail ok: {result.entries} entries, {result.checkpoints} checkpoints "
        f"({hmac_note}), head {result.head.seq} {result.head.hash}"
    )
    return 0


def _audit_export(args: argparse.Namespace) -> int:
    database = open_migrated(args.db)
    try:
        trail = _trail(database, None, create_key=False)
        if args.csv is not None:
            count = trail.export_csv(args.csv)
            target = args.csv
        else:
            count = trail.export_pdf(args.pdf)
            target = args.pdf
    finally:
        database.dispose()
    print(f"exported {count} audit entries to {target}")
    return 0


def _audit_checkpoint(args: argparse.Namespace) -> int:
    database = open_migrated(args.db)
    try:
        checkpoint = _trail(database, None, create_key=True).checkpoint()
    finally:
        database.dispose()
    if checkpoint is None:
        print("audit trail is empty; no checkpoint written", file=sys.stderr)
        return 0
    print(f"checkpoint at entry {checkpoint.seq}: {checkpoint.entry_hash}")
    return 0
