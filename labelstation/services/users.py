"""User administration and sign-in, each use case permission-checked and audited.

The first administrator is created by :func:`init_admin`, which works only while no user exists
(the first-run step); after that every account change needs a signed-in administrator.
"""

from __future__ import annotations

from sqlalchemy import select

from labelstation.errors import ValidationError
from labelstation.security import users as accounts
from labelstation.security.roles import Operation, Role
from labelstation.security.session import UserSession
from labelstation.security.users import UserAccount
from labelstation.services.context import ServiceContext
from labelstation.store.models.users import UserRow


def init_admin(ctx: ServiceContext, user_id: str, full_name: str, password: str) -> UserAccount:
    """Create the first administrator; refused once any user exists.

    Raises:
        ValidationError: users exist already, or the ID, name or password is refused.
    """
    with ctx.write() as session:
        existing = accounts.count_users(session)
        if existing:
            raise ValidationError(
                f"init-admin: the database has {existing} user(s) already; expected none "
                "(the first administrator is created only once; ask an administrator to add you)"
            )
        return accounts.insert_user(
            session,
            ctx.audit,
            ctx.policy,
            actor_id=accounts.check_user_id(user_id),
            actor_name=accounts.check_full_name(full_name),
            user_id=user_id,
            full_name=full_name,
            roles=frozenset({Role.ADMINISTRATOR}),
            password=password,
            now=ctx.clock(),
            reason="first-run: first administrator",
        )


def sign_in(ctx: ServiceContext, user_id: str, password: str) -> UserSession:
    """Check the credentials and open a session with the policy's idle lock.

    Raises:
        AuthenticationError: wrong ID/password, locked account, expired password.
    """
    account = accounts.authenticate(
        ctx.db, ctx.audit, ctx.policy, user_id, password, clock=ctx.clock
    )
    return UserSession.start(
        account.user_id,
        account.full_name,
        account.roles,
        ctx.policy.idle_lock_seconds,
        ctx.clock,
    )


def resume(ctx: ServiceContext, session: UserSession, password: str) -> None:
    """Unlock an idle-locked session with the same user's password (a failure counts).

    Raises:
        AuthenticationError: wrong password or the account was locked meanwhile.
    """
    accounts.authenticate(
        ctx.db,
        ctx.audit,
        ctx.policy,
        session.user_id,
        password,
        clock=ctx.clock,
        purpose="session unlock",
    )
    session.resume()


def create_user(
    ctx: ServiceContext,
    session: UserSession,
    user_id: str,
    full_name: str,
    roles: frozenset[Role],
    password: str,
    *,
    reason: str | None = None,
) -> UserAccount:
    """Add a user (administrators only).

    Raises:
        PermissionDenied, AuthenticationError, ValidationError.
    """
    session.require(Operation.USER_CREATE)
    with ctx.write() as db:
        return accounts.insert_user(
            db,
            ctx.audit,
            ctx.policy,
            actor_id=session.user_id,
            actor_name=session.full_name,
            user_id=user_id,
            full_name=full_name,
            roles=roles,
            password=password,
            now=ctx.clock(),
            reason=reason,
        )


def list_users(ctx: ServiceContext, session: UserSession) -> list[UserAccount]:
    """Every user, by ID."""
    session.require(Operation.USER_LIST)
    with ctx.db.session(write=False) as db:
        rows = db.scalars(select(UserRow).order_by(UserRow.user_id)).all()
        return [UserAccount.from_row(r) for r in rows]


def lock_user(
    ctx: ServiceContext, session: UserSession, user_id: str, *, reason: str
) -> UserAccount:
    """Lock an account (administrators only; a reason is required and audited).

    Raises:
        ValidationError: no reason, or the administrator would lock themselves out.
    """
    session.require(Operation.USER_LOCK)
    _require_reason("lock", user_id, reason)
    if user_id == session.user_id:
        raise ValidationError(
            f"lock {user_id}: administrators may not lock their own account; "
            "expected another user's ID"
        )
    return _set_lock(ctx, session, user_id, locked=True, reason=reason)


def unlock_user(
    ctx: ServiceContext, session: UserSession, user_id: str, *, reason: str
) -> UserAccount:
    """Unlock an account and clear its failed attempts (administrators only, audited)."""
    session.require(Operation.USER_UNLOCK)
    _require_reason("unlock", user_id, reason)
    return _set_lock(ctx, session, user_id, locked=False, reason=reason)


def _set_lock(
    ctx: ServiceContext, session: UserSession, user_id: str, *, locked: bool, reason: str
) -> UserAccount:
    """Lock or unlock in one write transaction; shared so both stay audited the same way."""
    with ctx.write() as db:
        row = accounts.user_row(db, user_id)
        accounts.set_lock(
            db,
            ctx.audit,
            row,
            locked=locked,
            actor_id=session.user_id,
            actor_name=session.full_name,
            now=ctx.clock(),
            reason=reason,
        )
        return UserAccount.from_row(row)


def set_roles(
    ctx: ServiceContext,
    session: UserSession,
    user_id: str,
    roles: frozenset[Role],
    *,
    reason: str,
) -> UserAccount:
    """Replace a user's roles (administrators only, audited).

    Raises:
        ValidationError: no reason, no roles, or an administrator removing their own
            administrator role (which could leave nobody to manage accounts).
    """
    session.require(Operation.USER_SET_ROLES)
    _require_reason("roles", user_id, reason)
    if user_id == session.user_id and Role.ADMINISTRATOR not in roles:
        raise ValidationError(
            f"roles {user_id}: administrators may not remove their own administrator role; "
            "expected another administrator to do it"
        )
    with ctx.write() as db:
        row = accounts.user_row(db, user_id)
        accounts.set_roles(
            db,
            ctx.audit,
            row,
            roles,
            actor_id=session.user_id,
            actor_name=session.full_name,
            reason=reason,
        )
        return UserAccount.from_row(row)


def reset_password(
    ctx: ServiceContext,
    session: UserSession,
    user_id: str,
    new_password: str,
    *,
    reason: str,
) -> None:
    """Set another user's password (administrators only; policy and history apply)."""
    session.require(Operation.USER_RESET_PASSWORD)
    _require_reason("reset password", user_id, reason)
    with ctx.write() as db:
        row = accounts.user_row(db, user_id)
        accounts.set_password(
            db,
            ctx.audit,
            ctx.policy,
            row,
            new_password,
            actor_id=session.user_id,
            actor_name=session.full_name,
            now=ctx.clock(),
            reason=reason,
        )


def change_own_password(
    ctx: ServiceContext, user_id: str, old_password: str, new_password: str
) -> None:
    """Let a user change their own password, also when it has expired.

    Any user may do this for themselves (no role needed); the old password proves who they
    are, and a wrong one counts towards the lockout.

    Raises:
        AuthenticationError: wrong old password or locked account.
        ValidationError: the new password breaks the policy or was used recently.
    """
    account = accounts.authenticate(
        ctx.db,
        ctx.audit,
        ctx.policy,
        user_id,
        old_password,
        clock=ctx.clock,
        purpose="password change",
        allow_expired=True,
    )
    with ctx.write() as db:
        row = accounts.user_row(db, account.user_id)
        accounts.set_password(
            db,
            ctx.audit,
            ctx.policy,
            row,
            new_password,
            actor_id=account.user_id,
            actor_name=account.full_name,
            now=ctx.clock(),
            reason="changed by the user",
        )


def _require_reason(action: str, user_id: str, reason: str) -> None:
    if not reason.strip():
        raise ValidationError(
            f"{action} {user_id}: reason {reason!r}: expected a reason for the audit trail"
        )
