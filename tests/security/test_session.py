"""The user session's idle lock, driven by a hand-held clock."""

from __future__ import annotations

import datetime as dt

import pytest

from labelstation.errors import AuthenticationError, PermissionDenied
from labelstation.security.roles import Operation, Role
from labelstation.security.session import UserSession, utc_now


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 25, 14, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def test_activity_keeps_the_session_open_and_idle_locks_it() -> None:
    clock = FakeClock()
    session = UserSession.start("jroe", "Jane Roe", frozenset({Role.QA}), 600, clock)
    clock.advance(599)
    session.check_active()  # counts as activity
    clock.advance(599)
    session.check_active()
    clock.advance(600)
    with pytest.raises(AuthenticationError) as exc:
        session.check_active()
    assert str(exc.value) == (
        "session of jroe: locked after 600 s without activity; enter the password to continue"
    )
    assert session.locked
    clock.advance(1)
    with pytest.raises(AuthenticationError):
        session.check_active()  # stays locked
    session.resume()
    session.check_active()


def test_zero_timeout_never_locks() -> None:
    clock = FakeClock()
    session = UserSession.start("jroe", "Jane Roe", frozenset({Role.QA}), 0, clock)
    clock.advance(10**7)
    session.check_active()
    assert not session.locked


def test_require_checks_lock_then_role() -> None:
    clock = FakeClock()
    session = UserSession.start("op1", "Op One", frozenset({Role.OPERATOR}), 60, clock)
    session.require(Operation.TEMPLATE_PRINT)
    with pytest.raises(PermissionDenied):
        session.require(Operation.TEMPLATE_APPROVE)
    clock.advance(60)
    with pytest.raises(AuthenticationError):
        session.require(Operation.TEMPLATE_PRINT)


def test_default_clock_is_aware_utc() -> None:
    assert utc_now().tzinfo is dt.UTC
