"""What every use case needs: the database, the audit trail, the password policy, a clock.

One :class:`ServiceContext` is built at start-up (by the UI, the CLI or a test) and passed to
every service function, so time and configuration come in from outside (ARCHITECTURE.md,
"Rules of the road") and tests drive them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from labelstation.security.audit import AuditTrail
from labelstation.security.passwords import PasswordPolicy
from labelstation.security.session import Clock, utc_now
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
