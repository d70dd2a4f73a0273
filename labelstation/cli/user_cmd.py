"""``labelstation user``: the first administrator, accounts, roles, locks and passwords.

Who is acting is always ``--user ID``; the password comes from an interactive prompt (getpass)
or, with ``--password-stdin``, from standard input, one line per password asked for, in the
order the command's help states. Passwords never appear in argv (where ``ps`` and shell
history would show them). Contract: docs/cli/users.md.

This module also holds the helpers the ``template`` and ``product`` groups use to open the
database and sign the acting user in.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from labelstation.cli._db import add_db, open_migrated, workstation
from labelstation.cli._output import print_json, show_help
from labelstation.errors import NotFound, ValidationError
from labelstation.security.audit import AuditTrail
from labelstation.security.keys import FileKeyProvider
from labelstation.security.passwords import PasswordPolicy
from labelstation.security.roles import format_roles, parse_roles
from labelstation.security.session import UserSession
from labelstation.security.siteconfig import load_password_policy
from labelstation.services import users
from labelstation.services.context import ServiceContext

_EXIT = """\
Exit status: 0 done, 2 refused (one line on stderr), 1 internal error.
"""

#: The epilog of a command whose only password is the signed-in user's own.
SIGNED_IN_EXIT = f"{_EXIT}With --password-stdin, standard input holds your password (one line).\n"


class PasswordSource:
    """Where passwords come from: the terminal (getpass) or stdin, one line each."""

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin

    def read(self, prompt: str) -> str:
        """Read one password.

        Raises:
            ValidationError: standard input ended before the password (``--password-stdin``).
        """
        if not self.from_stdin:
            return getpass.getpass(prompt)
        line = sys.stdin.readline()
        if not line:
            raise ValidationError(
                f"--password-stdin: standard input ended before the line for {prompt.strip()!r}; "
                "expected one line per password"
            )
        return line[:-1] if line.endswith("\n") else line

    def read_new(self, prompt: str) -> str:
        """Read a new password; at the terminal ask twice and refuse a mismatch."""
        first = self.read(prompt)
        if not self.from_stdin:
            again = getpass.getpass("Repeat it: ")
            if again != first:
                raise ValidationError("new password: the two entries differ; expected the same")
        return first


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    *,
    epilog: str = SIGNED_IN_EXIT,
) -> argparse.ArgumentParser:
    """Add one subcommand whose description is its help text as a sentence.

    Shared by the ``user``, ``template`` and ``product`` groups so that every signed-in
    command's ``--help`` has the same layout and states the same exit status.
    """
    return commands.add_parser(
        name,
        help=help_text,
        description=f"{help_text[0].upper()}{help_text[1:]}.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_actor(parser: argparse.ArgumentParser) -> None:
    """Add ``--db``, ``--user ID`` and ``--password-stdin`` to a command that needs a user."""
    add_db(parser)
    parser.add_argument("--user", required=True, metavar="ID", help="your user ID")
    add_password_stdin(parser)


def add_password_stdin(parser: argparse.ArgumentParser) -> None:
    """Add ``--password-stdin`` (read passwords from standard input, one per line)."""
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read passwords from standard input, one line each (default: prompt)",
    )


#: A password policy pinned for this process (tests swap in cheap hashing); None reads the
#: site config file (labelstation.security.siteconfig) on every command.
POLICY: PasswordPolicy | None = None


def open_context(args: argparse.Namespace) -> ServiceContext:
    """The services' context for ``--db``: migrated database, audit trail, the site's policy."""
    database = open_migrated(args.db)
    trail = AuditTrail(database, FileKeyProvider.default(create=True), workstation())
    policy = POLICY if POLICY is not None else load_password_policy()
    return ServiceContext(db=database, audit=trail, policy=policy)


def sign_in(args: argparse.Namespace, ctx: ServiceContext) -> tuple[UserSession, str]:
    """Sign ``--user`` in; return the session and the password (a signing may reuse it)."""
    source = PasswordSource(args.password_stdin)
    password = source.read(f"Password for {args.user}: ")
    return users.sign_in(ctx, args.user, password), password


def run_signed_in(
    action: Callable[[ServiceContext, UserSession, str, argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Wrap a handler: open the database, sign in, run it, close the database."""

    def handler(args: argparse.Namespace) -> int:
        ctx = open_context(args)
        try:
            session, password = sign_in(args, ctx)
            return action(ctx, session, password, args)
        finally:
            ctx.db.dispose()

    return handler


def _roles_arg(text: str) -> list[str]:
    return [part for part in text.split(",") if part.strip()]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``user`` command group."""
    group = subparsers.add_parser(
        "user",
        help="user accounts, roles, locks and passwords",
        description="User accounts (21 CFR 11.300): unique IDs, printed names, roles, "
        "password policy, lockout.",
    )
    commands = group.add_subparsers(dest="user_command", metavar="SUBCOMMAND")
    group.set_defaults(handler=lambda args: show_help(group))

    def command(name: str, help_text: str, stdin_lines: str) -> argparse.ArgumentParser:
        epilog = f"With --password-stdin, standard input holds: {stdin_lines}.\n{_EXIT}"
        return add_command(commands, name, help_text, epilog=epilog)

    init = command(
        "init-admin",
        "create the first administrator (only while no user exists)",
        "the new administrator's password",
    )
    add_db(init)
    init.add_argument("--id", required=True, metavar="ID", help="the administrator's user ID")
    init.add_argument("--name", required=True, help="printed (full) name")
    add_password_stdin(init)
    init.set_defaults(handler=_init_admin)

    add = command(
        "add", "add a user (administrators)", "your password, then the new user's password"
    )
    add.add_argument("id", metavar="NEW_ID", help="the new user's ID (a-z, 0-9, . _ -)")
    add.add_argument("--name", required=True, help="printed (full) name")
    add.add_argument(
        "--roles",
        required=True,
        type=_roles_arg,
        help="comma-separated: operator, supervisor, technician, qa, administrator",
    )
    add.add_argument("--reason", default=None, help="why (recorded in the audit trail)")
    add_actor(add)
    add.set_defaults(handler=run_signed_in(_add))

    listing = command("list", "list users", "your password")
    listing.add_argument("--json", action="store_true", help="print a JSON array on stdout")
    add_actor(listing)
    listing.set_defaults(handler=run_signed_in(_list))

    for name, verb in (("lock", "lock"), ("unlock", "unlock")):
        sub = command(name, f"{verb} an account (administrators)", "your password")
        sub.add_argument("id", metavar="ID", help="the user to " + verb)
        sub.add_argument("--reason", required=True, help="why (recorded in the audit trail)")
        add_actor(sub)
        sub.set_defaults(handler=run_signed_in(_lock if name == "lock" else _unlock))

    passwd = command(
        "passwd",
        "change your password, or (administrators) set another user's",
        "your current password, then the new password",
    )
    passwd.add_argument(
        "id", nargs="?", default=None, metavar="ID", help="another user (default: yourself)"
    )
    passwd.add_argument("--reason", default=None, help="why (required for another user)")
    add_actor(passwd)
    passwd.set_defaults(handler=_passwd)

    roles = command("roles", "show or replace a user's roles", "your password")
    roles.add_argument("id", metavar="ID", help="the user")
    roles.add_argument(
        "--set", dest="roles", type=_roles_arg, default=None, help="new comma-separated roles"
    )
    roles.add_argument("--reason", default=None, help="why (required with --set)")
    add_actor(roles)
    roles.set_defaults(handler=run_signed_in(_roles))


def _init_admin(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        password = PasswordSource(args.password_stdin).read_new(f"New password for {args.id}: ")
        account = users.init_admin(ctx, args.id, args.name, password)
    finally:
        ctx.db.dispose()
    print(f"created administrator {account.user_id} ({account.full_name})")
    return 0


def _add(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    roles = parse_roles(args.roles)
    password = PasswordSource(args.password_stdin).read_new(f"Password for {args.id}: ")
    account = users.create_user(
        ctx, session, args.id, args.name, roles, password, reason=args.reason
    )
    print(f"created user {account.user_id} ({account.full_name}): {format_roles(account.roles)}")
    return 0


def _list(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    accounts = users.list_users(ctx, session)
    if args.json:
        print_json([a.as_json() for a in accounts])
        return 0
    for a in accounts:
        state = "locked" if a.locked else "active"
        print(f"{a.user_id}\t{a.full_name}\t{format_roles(a.roles)}\t{state}")
    return 0


def _lock(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    users.lock_user(ctx, session, args.id, reason=args.reason)
    print(f"locked {args.id}")
    return 0


def _unlock(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    users.unlock_user(ctx, session, args.id, reason=args.reason)
    print(f"unlocked {args.id}")
    return 0


def _passwd(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        source = PasswordSource(args.password_stdin)
        if args.id is None or args.id == args.user:
            old = source.read(f"Current password for {args.user}: ")
            new = source.read_new(f"New password for {args.user}: ")
            users.change_own_password(ctx, args.user, old, new)
            print(f"password changed for {args.user}")
            return 0
        session = users.sign_in(ctx, args.user, source.read(f"Password for {args.user}: "))
        new = source.read_new(f"New password for {args.id}: ")
        users.reset_password(ctx, session, args.id, new, reason=args.reason or "")
        print(f"password set for {args.id}")
        return 0
    finally:
        ctx.db.dispose()


def _roles(ctx: ServiceContext, session: UserSession, _pw: str, args: argparse.Namespace) -> int:
    if args.roles is None:
        account = next((a for a in users.list_users(ctx, session) if a.user_id == args.id), None)
        if account is None:
            raise NotFound(f"user {args.id!r}: no such user")
        print(format_roles(account.roles))
        return 0
    account = users.set_roles(
        ctx, session, args.id, parse_roles(args.roles), reason=args.reason or ""
    )
    print(f"{account.user_id}: {format_roles(account.roles)}")
    return 0
