"""User administration, sign-in, lockout, password history and expiry, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import threading

import pytest
from svc_helpers import FakeClock, UserFactory, password_of

from labelstation.errors import AuthenticationError, NotFound, PermissionDenied, ValidationError
from labelstation.security.audit import AuditTrail
from labelstation.security.keys import FileKeyProvider
from labelstation.security.roles import Role
from labelstation.security.session import UserSession
from labelstation.services import users
from labelstation.services.context import ServiceContext
from labelstation.store.db import Database


def _actions(trail: AuditTrail) -> list[tuple[str, str, str]]:
    return [(e.action, e.actor_id, e.object_id) for e in trail.entries()]


def test_init_admin_only_when_no_user_exists(ctx: ServiceContext) -> None:
    account = users.init_admin(ctx, "admin", "Ada Admin", password_of("admin"))
    assert account.roles == frozenset({Role.ADMINISTRATOR})
    assert account.created_by == "admin"
    with pytest.raises(ValidationError) as exc:
        users.init_admin(ctx, "admin2", "Second Admin", password_of("admin2"))
    assert str(exc.value) == (
        "init-admin: the database has 1 user(s) already; expected none (the first "
        "administrator is created only once; ask an administrator to add you)"
    )
    assert _actions(ctx.audit) == [("user.create", "admin", "admin")]
    assert ctx.audit.verify().ok


def test_user_ids_are_unique_and_names_keep_unicode(
    ctx: ServiceContext, admin: UserSession
) -> None:
    name = "Zoë Ångström-Łukasiewicz 王小明"
    users.create_user(ctx, admin, "zoe", name, frozenset({Role.QA}), password_of("zoe"))
    with pytest.raises(ValidationError) as exc:
        users.create_user(ctx, admin, "zoe", "Other Zoe", frozenset({Role.QA}), password_of("z"))
    assert str(exc.value) == "user ID 'zoe': already taken; expected a new, unique ID"
    listed = {u.user_id: u for u in users.list_users(ctx, admin)}
    assert listed["zoe"].full_name == name
    assert users.sign_in(ctx, "zoe", password_of("zoe")).full_name == name


# ID rules are checked before the database is touched: one backend is enough for them.
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("user_id", "message"),
    [
        (
            "JRoe",
            "user ID 'JRoe': expected 1-64 characters a-z, 0-9, '.', '_' or '-', starting "
            "with a letter or digit",
        ),
        (
            "x" * 65,
            f"user ID {'x' * 65!r}: expected 1-64 characters a-z, 0-9, '.', '_' or '-', "
            "starting with a letter or digit",
        ),
        (
            "",
            "user ID '': expected 1-64 characters a-z, 0-9, '.', '_' or '-', starting "
            "with a letter or digit",
        ),
    ],
)
def test_user_id_rules(ctx: ServiceContext, admin: UserSession, user_id: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        users.create_user(ctx, admin, user_id, "Name", frozenset({Role.QA}), password_of("a"))
    assert str(exc.value) == message


def test_longest_user_id_and_name_survive(ctx: ServiceContext, admin: UserSession) -> None:
    user_id = "a" + "._-9" * 15 + "zzz"
    name = "N" * 200
    assert len(user_id) == 64
    users.create_user(ctx, admin, user_id, name, frozenset({Role.QA}), password_of("long"))
    session = users.sign_in(ctx, user_id, password_of("long"))
    assert (session.user_id, session.full_name) == (user_id, name)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # checked before any query
def test_full_name_rules(ctx: ServiceContext, admin: UserSession) -> None:
    with pytest.raises(ValidationError) as exc:
        users.create_user(ctx, admin, "blank", "   ", frozenset({Role.QA}), password_of("b"))
    assert str(exc.value) == "full name '   ': expected 1-200 characters, not only spaces"
    with pytest.raises(ValidationError) as exc:
        users.create_user(ctx, admin, "tab", "A\tB", frozenset({Role.QA}), password_of("b"))
    assert str(exc.value) == (
        "full name 'A\\tB': expected printable characters, found a control character"
    )


def test_unknown_user_and_wrong_password_read_the_same(
    ctx: ServiceContext, make_user: UserFactory
) -> None:
    make_user("op1", Role.OPERATOR)
    with pytest.raises(AuthenticationError) as unknown:
        users.sign_in(ctx, "nobody", "whatever-1A")
    with pytest.raises(AuthenticationError) as wrong:
        users.sign_in(ctx, "op1", "whatever-1A")
    assert str(unknown.value) == "sign-in as 'nobody': user ID or password is wrong"
    assert str(wrong.value) == "sign-in as 'op1': user ID or password is wrong"
    failed = [e for e in ctx.audit.entries() if e.action == "auth.failed"]
    assert [(e.object_id, e.new) for e in failed] == [
        ("nobody", {"purpose": "sign-in", "cause": "unknown user ID"}),
        ("op1", {"purpose": "sign-in", "cause": "wrong password", "failed_attempts": 1}),
    ]


def test_lockout_after_five_failures_survives_a_restart(
    ctx: ServiceContext, make_user: UserFactory, db: Database, audit_key: FileKeyProvider
) -> None:
    make_user("op1", Role.OPERATOR)
    for attempt in range(1, 5):
        with pytest.raises(AuthenticationError) as exc:
            users.sign_in(ctx, "op1", f"wrong-{attempt}-Xx")
        assert str(exc.value) == "sign-in as 'op1': user ID or password is wrong"
    with pytest.raises(AuthenticationError) as exc:
        users.sign_in(ctx, "op1", "wrong-5-Xx")
    assert str(exc.value) == (
        "sign-in as 'op1': user ID or password is wrong; the account is now locked after "
        "5 failed attempts"
    )
    # A restart: a new Database object (new engine, new connections) on the same database.
    reopened = Database.open(db.url.render_as_string(hide_password=False))
    try:
        restarted = ServiceContext(
            db=reopened,
            audit=AuditTrail(reopened, audit_key, "TEST-WS"),
            policy=ctx.policy,
            clock=ctx.clock,
        )
        with pytest.raises(AuthenticationError) as exc:
            users.sign_in(restarted, "op1", password_of("op1"))  # the right password
        assert str(exc.value) == (
            "sign-in as 'op1': the account is locked (5 failed attempts); an administrator "
            "must unlock it"
        )
        admin = users.sign_in(restarted, "admin", password_of("admin"))
        account = users.unlock_user(restarted, admin, "op1", reason="identity checked by phone")
        assert (account.locked, account.failed_attempts) == (False, 0)
        assert users.sign_in(restarted, "op1", password_of("op1")).user_id == "op1"
        unlock = [e for e in restarted.audit.entries() if e.action == "user.unlock"]
        assert [(e.actor_id, e.object_id, e.reason) for e in unlock] == [
            ("admin", "op1", "identity checked by phone")
        ]
        assert restarted.audit.verify().ok
    finally:
        reopened.dispose()


def test_a_success_resets_the_failure_count(ctx: ServiceContext, make_user: UserFactory) -> None:
    make_user("op1", Role.OPERATOR)
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            users.sign_in(ctx, "op1", "wrong-pass-Xx")
    users.sign_in(ctx, "op1", password_of("op1"))
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            users.sign_in(ctx, "op1", "wrong-pass-Xx")
    assert users.sign_in(ctx, "op1", password_of("op1")).user_id == "op1"


def test_admin_lock_and_its_rules(
    ctx: ServiceContext, admin: UserSession, make_user: UserFactory
) -> None:
    make_user("op1", Role.OPERATOR)
    with pytest.raises(ValidationError) as exc:
        users.lock_user(ctx, admin, "op1", reason=" ")
    assert str(exc.value) == "lock op1: reason ' ': expected a reason for the audit trail"
    with pytest.raises(ValidationError) as exc:
        users.lock_user(ctx, admin, "admin", reason="test")
    assert str(exc.value) == (
        "lock admin: administrators may not lock their own account; expected another user's ID"
    )
    with pytest.raises(NotFound) as nf:
        users.lock_user(ctx, admin, "ghost", reason="left the company")
    assert str(nf.value) == "user 'ghost': no such user"
    account = users.lock_user(ctx, admin, "op1", reason="left the company")
    assert (account.locked, account.lock_reason) == (True, "left the company")
    with pytest.raises(AuthenticationError) as auth:
        users.sign_in(ctx, "op1", password_of("op1"))
    assert str(auth.value) == (
        "sign-in as 'op1': the account is locked (left the company); an administrator must "
        "unlock it"
    )


def test_roles_change_and_self_demotion_refused(
    ctx: ServiceContext, admin: UserSession, make_user: UserFactory
) -> None:
    make_user("tech", Role.TECHNICIAN)
    account = users.set_roles(
        ctx, admin, "tech", frozenset({Role.TECHNICIAN, Role.SUPERVISOR}), reason="promoted"
    )
    assert account.roles == frozenset({Role.TECHNICIAN, Role.SUPERVISOR})
    with pytest.raises(ValidationError) as exc:
        users.set_roles(ctx, admin, "admin", frozenset({Role.QA}), reason="oops")
    assert str(exc.value) == (
        "roles admin: administrators may not remove their own administrator role; "
        "expected another administrator to do it"
    )
    entry = next(e for e in ctx.audit.entries() if e.action == "user.roles")
    assert (entry.old, entry.new) == (
        {"roles": ["technician"]},
        {"roles": ["supervisor", "technician"]},
    )


def test_password_history_is_enforced(
    ctx: ServiceContext, make_user: UserFactory, clock: FakeClock
) -> None:
    make_user("qa1", Role.QA)
    first = password_of("qa1")
    chain = [first, "Second-pass-22", "Third-pass-333", "Fourth-pass-44"]
    for old, new in itertools.pairwise(chain):
        clock.advance(days=1)
        users.change_own_password(ctx, "qa1", old, new)
    # history=3: the last three (Fourth, Third, Second) are refused, the first is allowed.
    for reused in ("Fourth-pass-44", "Third-pass-333", "Second-pass-22"):
        with pytest.raises(ValidationError) as exc:
            users.change_own_password(ctx, "qa1", "Fourth-pass-44", reused)
        assert str(exc.value) == (
            "password: expected one not among the last 3 passwords of this user; it was used before"
        )
    users.change_own_password(ctx, "qa1", "Fourth-pass-44", first)
    assert users.sign_in(ctx, "qa1", first).user_id == "qa1"


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # checked before any query
def test_policy_applies_to_new_passwords(ctx: ServiceContext, make_user: UserFactory) -> None:
    make_user("qa1", Role.QA)
    with pytest.raises(ValidationError) as exc:
        users.change_own_password(ctx, "qa1", password_of("qa1"), "short")
    assert str(exc.value) == "password: expected at least 10 characters, got 5"


def test_password_expiry_is_enforced_and_the_user_can_change_it(
    ctx: ServiceContext, make_user: UserFactory, clock: FakeClock
) -> None:
    make_user("qa1", Role.QA)
    clock.advance(days=90)
    with pytest.raises(AuthenticationError) as exc:
        users.sign_in(ctx, "qa1", password_of("qa1"))
    assert str(exc.value) == (
        "user qa1: password expired on 2027-02-23 14:03 UTC (policy: 90 days); "
        "change it with 'labelstation user passwd'"
    )
    users.change_own_password(ctx, "qa1", password_of("qa1"), "Brand-new-pass-1")
    assert users.sign_in(ctx, "qa1", "Brand-new-pass-1").user_id == "qa1"


def test_admin_reset_password(
    ctx: ServiceContext, admin: UserSession, make_user: UserFactory
) -> None:
    make_user("op1", Role.OPERATOR)
    users.reset_password(ctx, admin, "op1", "Reset-by-admin-1", reason="forgotten")
    assert users.sign_in(ctx, "op1", "Reset-by-admin-1").user_id == "op1"
    with pytest.raises(ValidationError) as exc:
        users.reset_password(ctx, admin, "op1", "Reset-by-admin-2", reason="")
    assert str(exc.value) == (
        "reset password op1: reason '': expected a reason for the audit trail"
    )


def test_idle_session_locks_and_resumes_with_the_password(
    ctx: ServiceContext, admin: UserSession, clock: FakeClock
) -> None:
    clock.advance(seconds=600)
    with pytest.raises(AuthenticationError) as exc:
        users.list_users(ctx, admin)
    assert str(exc.value) == (
        "session of admin: locked after 600 s without activity; enter the password to continue"
    )
    with pytest.raises(AuthenticationError):
        users.resume(ctx, admin, "wrong-pass-Xx")
    assert admin.locked
    users.resume(ctx, admin, password_of("admin"))
    assert [u.user_id for u in users.list_users(ctx, admin)] == ["admin"]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # checked before any query
def test_non_admin_cannot_manage_users(ctx: ServiceContext, make_user: UserFactory) -> None:
    sup = make_user("sup", Role.SUPERVISOR)
    with pytest.raises(PermissionDenied) as exc:
        users.create_user(ctx, sup, "x1", "X", frozenset({Role.ADMINISTRATOR}), password_of("x"))
    assert str(exc.value) == (
        "user sup (supervisor) may not perform user.create: it needs one of the roles administrator"
    )


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # checked before any query
def test_a_user_needs_at_least_one_role(
    ctx: ServiceContext, admin: UserSession, make_user: UserFactory
) -> None:
    with pytest.raises(ValidationError) as exc:
        users.create_user(ctx, admin, "nobody", "No Body", frozenset(), password_of("nobody"))
    assert str(exc.value) == "user nobody: roles: expected at least one role, got none"
    make_user("op1", Role.OPERATOR)
    with pytest.raises(ValidationError) as exc:
        users.set_roles(ctx, admin, "op1", frozenset(), reason="strip")
    assert str(exc.value) == "user op1: roles: expected at least one role, got none"


def test_two_stations_racing_to_create_the_first_admin(ctx: ServiceContext) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def station(user_id: str) -> None:
        barrier.wait()
        try:
            users.init_admin(ctx, user_id, f"Admin {user_id}", password_of(user_id))
            outcomes.append("created")
        except ValidationError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=station, args=(u,)) for u in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == [
        "created",
        "init-admin: the database has 1 user(s) already; expected none (the first "
        "administrator is created only once; ask an administrator to add you)",
    ]
