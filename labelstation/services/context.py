"""What every use case needs: the database, the audit trail, the password policy, a clock.

One :class:`ServiceContext` is built at start-up (by the UI, the CLI or a test) and passed to
every service function, so time and configuration come in from outside (ARCHITECTURE.md,
"Rules of the road") and tests drive them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from labelstation.security.audit import AuditTrail
from labelstation.security.passwords import PasswordPolicy
from labelstation.security.session import Clock, UserSession, utc_now
from labelstation.security.users import serialize_writes
from labelstation.store.db import Database


@dataclass(frozen=True)
class ServiceContext:
    """The shared dependencies of the services (immutable; build a new one to reconfigure)."""

    db: Database
    audit: AuditTrail
    policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    clock: Clock = utc_now

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction that holds the writers' lock from its first statement.

        Services check state and then change it; holding the lock throughout makes the check
        still true at commit (see :func:`labelstation.security.users.serialize_writes`).
        """
        with self.db.session() as session:
            serialize_writes(session)
            yield session

    def audit_by(
        self,
        session: Session,
        actor: UserSession,
        *,
        action: str,
        object_type: str,
        object_id: str,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
        reason: str | None,
    ) -> None:
        """Append an audit entry in ``session`` naming the signed-in ``actor`` as who did it.

        The product and template services record their changes this way, so the actor's ID
        and printed name come from the session in one place (21 CFR 11.10(e)).
        """
        self.audit.append(
            session,
            actor_id=actor.user_id,
            actor_name=actor.full_name,
            action=action,
            object_type=object_type,
            object_id=object_id,
            old=old,
            new=new,
            reason=reason,
        )
