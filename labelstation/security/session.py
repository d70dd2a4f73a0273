"""A signed-in user's session: who, which roles, and the idle lock (21 CFR 11.300, Annex 11 §12).

A :class:`UserSession` is created by a successful sign-in and carries the clock it was given, so
tests (and a replay) drive time instead of sleeping. Every use goes through :meth:`check_active`:
after :attr:`idle_lock_seconds` without activity the session locks and stays locked until the
same user enters the password again (:meth:`resume`, called by the service that verified it).

The session also remembers whether its user has already signed once, because §11.200(a)(1)
lets later signings in the same continuous session use the password alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from labelstation.errors import AuthenticationError
from labelstation.security.roles import Operation, Role, require

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The current time in UTC, timezone-aware (the default clock)."""
    return dt.datetime.now(dt.UTC)


@dataclass
class UserSession:
    """One continuous period of controlled system access by one user.

    Mutable on purpose: it tracks activity and signing state; its identity fields never change.
    """

    user_id: str
    full_name: str
    roles: frozenset[Role]
    idle_lock_seconds: int
    clock: Clock = utc_now
    last_activity: dt.datetime = field(default_factory=utc_now)
    locked: bool = False
    signed_once: bool = False

    @classmethod
    def start(
        cls,
        user_id: str,
        full_name: str,
        roles: frozenset[Role],
        idle_lock_seconds: int,
        clock: Clock = utc_now,
    ) -> UserSession:
        """Open a session right after a successful sign-in, active as of ``clock()``."""
        return cls(user_id, full_name, roles, idle_lock_seconds, clock, clock())

    def check_active(self) -> None:
        """Refuse use of a locked or idle session; otherwise count this as activity.

        Raises:
            AuthenticationError: the session is locked (now or before).
        """
        now = self.clock()
        idle = (now - self.last_activity).total_seconds()
        if not self.locked and self.idle_lock_seconds > 0 and idle >= self.idle_lock_seconds:
            self.locked = True
        if self.locked:
            raise AuthenticationError(
                f"session of {self.user_id}: locked after {self.idle_lock_seconds} s without "
                "activity; enter the password to continue"
            )
        self.last_activity = now

    def resume(self) -> None:
        """Unlock after the service has verified this user's password again."""
        self.locked = False
        self.last_activity = self.clock()

    def require(self, operation: Operation) -> None:
        """Check the session is active and its roles allow ``operation``.

        Raises:
            AuthenticationError: the session is locked.
            PermissionDenied: no role of the user allows ``operation``.
        """
        self.check_active()
        require(self.user_id, self.roles, operation)
