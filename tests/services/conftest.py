"""Fixtures for the service tests: a context on the shared ``db`` fixture, users, a clock."""

from __future__ import annotations

import pytest
from svc_helpers import FAST_ARGON2, FakeClock, UserFactory, password_of

from labelstation.resources import resource_path
from labelstation.security.audit import AuditTrail
from labelstation.security.passwords import PasswordPolicy
from labelstation.security.roles import Role
from labelstation.security.session import UserSession
from labelstation.services import users
from labelstation.services.context import ServiceContext
from labelstation.store.db import Database
from labelstation.template import Template, load_template


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def policy() -> PasswordPolicy:
    return PasswordPolicy(
        min_length=10, history=3, expiry_days=90, idle_lock_seconds=600, argon2=FAST_ARGON2
    )


@pytest.fixture
def ctx(
    db: Database, audit_trail: AuditTrail, policy: PasswordPolicy, clock: FakeClock
) -> ServiceContext:
    return ServiceContext(db=db, audit=audit_trail, policy=policy, clock=clock)


@pytest.fixture
def admin(ctx: ServiceContext) -> UserSession:
    """The first administrator (``admin``), signed in."""
    users.init_admin(ctx, "admin", "Ada Admin", password_of("admin"))
    return users.sign_in(ctx, "admin", password_of("admin"))


@pytest.fixture
def make_user(ctx: ServiceContext, admin: UserSession) -> UserFactory:
    """Create a user with the given roles (by the admin) and return their signed-in session."""

    def make(user_id: str, *roles: Role, full_name: str | None = None) -> UserSession:
        users.create_user(
            ctx,
            admin,
            user_id,
            full_name or user_id.title(),
            frozenset(roles),
            password_of(user_id),
        )
        return users.sign_in(ctx, user_id, password_of(user_id))

    return make


@pytest.fixture
def carton() -> Template:
    """The shipped EU FMD carton template."""
    return load_template(resource_path("templates/eu-fmd-carton.json"))
