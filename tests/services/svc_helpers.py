"""Helpers shared by the service tests (imported by name; conftest.py holds the fixtures)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from labelstation.security.passwords import Argon2Params
from labelstation.security.session import UserSession

#: Still argon2id, but 1 pass over 1 MiB: fast enough for many hashes per test.
FAST_ARGON2 = Argon2Params(time_cost=1, memory_cost_kib=1024, parallelism=1)


class FakeClock:
    """A clock the test moves by hand (whole seconds, UTC)."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 25, 14, 3, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def password_of(user_id: str) -> str:
    """Every test user's password: policy-conforming and different per user."""
    return f"Pw-{user_id}-2026x"


UserFactory = Callable[..., UserSession]
