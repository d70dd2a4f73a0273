"""User accounts: unique IDs, printed names, roles, password changes, lockout, sign-in.

These functions work on the caller's SQLAlchemy session and write one audit entry per change
in it, so the change and its record commit together. Permission checks are the services' job
(:mod:`labelstation.services.users`); what lives here is what every path shares, above all
:func:`authenticate`, used both to sign in and to sign (§11.200): a wrong password counts
towards the lockout whichever it was for, and the count is committed even though the caller
gets an exception, so a restart does not forgive failed attempts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelstation.errors import AuthenticationError, NotFound, ValidationError
from labelstation.security.audit import AuditTrail
from labelstation.security.passwords import PasswordPolicy, hash_password, verify_password
from labelstation.security.roles import Role, format_roles
from labelstation.store.db import Database
from labelstation.store.models.audit import AuditHeadRow
from labelstation.store.models.users import (
    FULL_NAME_MAX,
    PasswordHistoryRow,
    UserRoleRow,
    UserRow,
)

Clock = Callable[[], dt.datetime]

USER_ID_RE: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
UNKNOWN_NAME: Final = "(unknown user)"


@dataclass(frozen=True)
class UserAccount:
    """A user as the rest of the program sees it (never the password hash)."""

    user_id: str
    full_name: str
    roles: frozenset[Role]
    locked: bool
    lock_reason: str | None
    failed_attempts: int
    password_changed_at: dt.datetime
    created_at: dt.datetime
    created_by: str

    @classmethod
    def from_row(cls, row: UserRow) -> UserAccount:
        """Read the value out of a stored row."""
        return cls(
            user_id=row.user_id,
            full_name=row.full_name,
            roles=frozenset(Role(r.role) for r in row.roles),
            locked=row.locked,
            lock_reason=row.lock_reason,
            failed_attempts=row.failed_attempts,
            password_changed_at=row.password_changed_at,
            created_at=row.created_at,
            created_by=row.created_by,
        )

    def as_json(self) -> dict[str, Any]:
        """A plain dict for ``--json`` output and audit entries."""
        return {
            "user_id": self.user_id,
            "full_name": self.full_name,
            "roles": sorted(r.value for r in self.roles),
            "locked": self.locked,
            "lock_reason": self.lock_reason,
            "failed_attempts": self.failed_attempts,
            "password_changed_at": _iso(self.password_changed_at),
            "created_at": _iso(self.created_at),
            "created_by": self.created_by,
        }


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_user_id(user_id: str) -> str:
    """Refuse a user ID that is not 1–64 of ``a-z 0-9 . _ -`` starting with a letter or digit.

    Lower case only, so ``JRoe`` and ``jroe`` can never be two people (§11.300(a)).
    """
    if USER_ID_RE.fullmatch(user_id) is None:
        raise ValidationError(
            f"user ID {user_id!r}: expected 1-64 characters a-z, 0-9, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return user_id


def check_full_name(full_name: str) -> str:
    """Refuse an empty, over-long or control-character printed name (any script is fine)."""
    stripped = full_name.strip()
    if not stripped or len(full_name) > FULL_NAME_MAX:
        raise ValidationError(
            f"full name {full_name!r}: expected 1-{FULL_NAME_MAX} characters, not only spaces"
        )
    if any(unicodedata.category(c).startswith("C") for c in full_name):
        raise ValidationError(
            f"full name {full_name!r}: expected printable characters, found a control character"
        )
    return full_name


def serialize_writes(session: Session) -> None:
    """Queue this transaction behind every other writer, on PostgreSQL as on SQLite.

    Every audited change ends by extending the audit chain, which locks its head row; taking
    that lock *first* makes the whole read-check-write sequence atomic (two stations cannot
    both see "no user yet" or "in review" and both act on it, and failed-attempt counters are
    never lost). SQLite write sessions already hold the database write lock (``BEGIN
    IMMEDIATE``), where ``FOR UPDATE`` is a no-op.
    """
    session.execute(select(AuditHeadRow.id).where(AuditHeadRow.id == 1).with_for_update())


def user_row(session: Session, user_id: str) -> UserRow:
    """Load a user's row.

    Raises:
        NotFound: there is no user with this ID.
    """
    row = session.scalar(select(UserRow).where(UserRow.user_id == user_id))
    if row is None:
        raise NotFound(f"user {user_id!r}: no such user")
    return row


def count_users(session: Session) -> int:
    """How many user accounts exist (0 before the first-run step)."""
    return int(session.scalar(select(func.count()).select_from(UserRow)) or 0)


def insert_user(
    session: Session,
    audit: AuditTrail,
    policy: PasswordPolicy,
    *,
    actor_id: str,
    actor_name: str,
    user_id: str,
    full_name: str,
    roles: frozenset[Role],
    password: str,
    now: dt.datetime,
    reason: str | None,
) -> UserAccount:
    """Create a user with a policy-conforming password, and audit it.

    Raises:
        ValidationError: bad ID, name, roles or password, or the ID is taken.
    """
    check_user_id(user_id)
    check_full_name(full_name)
    if not roles:
        raise ValidationError(f"user {user_id}: roles: expected at least one role, got none")
    policy.check(password)
    if session.scalar(select(UserRow.id).where(UserRow.user_id == user_id)) is not None:
        raise ValidationError(f"user ID {user_id!r}: already taken; expected a new, unique ID")
    digest = hash_password(password, policy.argon2)
    row = UserRow(
        user_id=user_id,
        full_name=full_name,
        password_hash=digest,
        password_changed_at=now,
        failed_attempts=0,
        locked=False,
        created_at=now,
        created_by=actor_id,
        roles=[UserRoleRow(role=r.value) for r in sorted(roles)],
    )
    session.add(row)
    session.flush()
    session.add(PasswordHistoryRow(user_pk=row.id, password_hash=digest, set_at=now))
    account = UserAccount.from_row(row)
    audit.append(
        session,
        actor_id=actor_id,
        actor_name=actor_name,
        action="user.create",
        object_type="user",
        object_id=user_id,
        old=None,
        new=account.as_json(),
        reason=reason,
    )
    return account


def set_password(
    session: Session,
    audit: AuditTrail,
    policy: PasswordPolicy,
    row: UserRow,
    new_password: str,
    *,
    actor_id: str,
    actor_name: str,
    now: dt.datetime,
    reason: str | None,
) -> None:
    """Replace a user's password after the policy and history checks, and audit it.

    Raises:
        ValidationError: the new password breaks the policy or was used recently.
    """
    policy.check(new_password)
    history = session.scalars(
        select(PasswordHistoryRow.password_hash)
        .where(PasswordHistoryRow.user_pk == row.id)
        .order_by(PasswordHistoryRow.id.desc())
        .limit(max(policy.history, 0))
    ).all()
    policy.check_history(new_password, history)
    digest = hash_password(new_password, policy.argon2)
    old_changed = _iso(row.password_changed_at)
    row.password_hash = digest
    row.password_changed_at = now
    session.add(PasswordHistoryRow(user_pk=row.id, password_hash=digest, set_at=now))
    audit.append(
        session,
        actor_id=actor_id,
        actor_name=actor_name,
        action="user.password",
        object_type="user",
        object_id=row.user_id,
        old={"password_changed_at": old_changed},
        new={"password_changed_at": _iso(now)},
        reason=reason,
    )


def set_lock(
    session: Session,
    audit: AuditTrail,
    row: UserRow,
    *,
    locked: bool,
    actor_id: str,
    actor_name: str,
    now: dt.datetime,
    reason: str | None,
) -> None:
    """Lock or unlock an account (unlocking also clears the failed-attempt count), audited."""
    old = {"locked": row.locked, "failed_attempts": row.failed_attempts}
    row.locked = locked
    row.locked_at = now if locked else None
    row.lock_reason = (reason or "locked by an administrator") if locked else None
    if not locked:
        row.failed_attempts = 0
    audit.append(
        session,
        actor_id=actor_id,
        actor_name=actor_name,
        action="user.lock" if locked else "user.unlock",
        object_type="user",
        object_id=row.user_id,
        old=old,
        new={"locked": row.locked, "failed_attempts": row.failed_attempts},
        reason=reason,
    )


def set_roles(
    session: Session,
    audit: AuditTrail,
    row: UserRow,
    roles: frozenset[Role],
    *,
    actor_id: str,
    actor_name: str,
    reason: str | None,
) -> None:
    """Replace a user's roles, audited with the old and new sets."""
    if not roles:
        raise ValidationError(f"user {row.user_id}: roles: expected at least one role, got none")
    old = sorted(r.role for r in row.roles)
    row.roles = [UserRoleRow(role=r.value) for r in sorted(roles)]
    audit.append(
        session,
        actor_id=actor_id,
        actor_name=actor_name,
        action="user.roles",
        object_type="user",
        object_id=row.user_id,
        old={"roles": old},
        new={"roles": sorted(r.value for r in roles)},
        reason=reason,
    )


def authenticate(
    db: Database,
    audit: AuditTrail,
    policy: PasswordPolicy,
    user_id: str,
    password: str,
    *,
    clock: Clock,
    purpose: str = "sign-in",
    allow_expired: bool = False,
) -> UserAccount:
    """Check a user ID and password; count, audit and commit failures before refusing.

    Args:
        purpose: ``"sign-in"``, ``"signature"`` or ``"password change"``: named in the audit
            entry and the message, so a failed signature shows as such (§11.300(d)).
        allow_expired: accept an expired password (only to let the user change it).

    Raises:
        AuthenticationError: unknown user or wrong password (one message for both, so the
            message does not reveal which IDs exist), locked account, or expired password.
    """
    now = clock()
    refusal: str | None = None
    with db.session() as session:
        serialize_writes(session)
        row = session.scalar(select(UserRow).where(UserRow.user_id == user_id))
        if row is None:
            refusal = f"{purpose} as {user_id!r}: user ID or password is wrong"
            audit.append(
                session,
                actor_id=user_id[:64] or "(none)",
                actor_name=UNKNOWN_NAME,
                action="auth.failed",
                object_type="user",
                object_id=user_id[:200],
                old=None,
                new={"purpose": purpose, "cause": "unknown user ID"},
                reason=None,
            )
        elif row.locked:
            refusal = (
                f"{purpose} as {user_id!r}: the account is locked ({row.lock_reason}); "
                "an administrator must unlock it"
            )
            _audit_failure(session, audit, row, purpose, "account locked")
        elif not verify_password(row.password_hash, password):
            row.failed_attempts += 1
            refusal = f"{purpose} as {user_id!r}: user ID or password is wrong"
            _audit_failure(session, audit, row, purpose, "wrong password")
            if row.failed_attempts >= policy.max_failed_attempts:
                reason = f"{row.failed_attempts} failed attempts"
                set_lock(
                    session,
                    audit,
                    row,
                    locked=True,
                    actor_id=row.user_id,
                    actor_name=row.full_name,
                    now=now,
                    reason=reason,
                )
                refusal += f"; the account is now locked after {reason}"
        else:
            if row.failed_attempts:
                row.failed_attempts = 0
            account = UserAccount.from_row(row)
            if not allow_expired:
                policy.check_not_expired(row.user_id, row.password_changed_at, now)
            if purpose == "sign-in":
                _audit_own(
                    session, audit, row, "auth.sign_in", {"roles": format_roles(account.roles)}
                )
            return account
    raise AuthenticationError(refusal)


def _audit_failure(
    session: Session, audit: AuditTrail, row: UserRow, purpose: str, cause: str
) -> None:
    new = {"purpose": purpose, "cause": cause, "failed_attempts": row.failed_attempts}
    _audit_own(session, audit, row, "auth.failed", new)


def _audit_own(
    session: Session, audit: AuditTrail, row: UserRow, action: str, new: dict[str, Any]
) -> None:
    """Audit an authentication event of a known user: they are both the actor and the object."""
    audit.append(
        session,
        actor_id=row.user_id,
        actor_name=row.full_name,
        action=action,
        object_type="user",
        object_id=row.user_id,
        old=None,
        new=new,
        reason=None,
    )
