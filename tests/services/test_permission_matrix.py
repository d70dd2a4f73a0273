"""Every operation × every role: the permission table itself, and the real services on SQLite
and PostgreSQL.

The expectation is written out by hand below (not read from ``PERMISSIONS``); the test also
checks that it names exactly the operations of the table, so a new operation without a row here
fails. An allowed call must not raise :class:`PermissionDenied` (it may still be refused for
another reason, e.g. a state rule, which is not what this matrix is about); a denied call must
raise it with the exact message, before touching any data.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from svc_helpers import UserFactory, password_of

from labelstation.errors import LabelStationError, PermissionDenied
from labelstation.security.roles import PERMISSIONS, Operation, Role, allowed_roles, require
from labelstation.security.session import UserSession
from labelstation.services import products, templates, users
from labelstation.services.context import ServiceContext
from labelstation.services.products import Product
from labelstation.template import Template

# operator, supervisor, technician, QA, administrator
EXPECTED = """
user.create            .  .  .  .  x
user.list              .  x  .  x  x
user.lock              .  .  .  .  x
user.unlock            .  .  .  .  x
user.set_roles         .  .  .  .  x
user.reset_password    .  .  .  .  x
template.import        .  x  x  .  .
template.submit        .  x  x  .  .
template.approve       .  x  .  x  .
template.reject        .  x  .  x  .
template.retire        .  x  .  x  .
template.list          x  x  x  x  .
template.export        .  x  x  x  .
template.diff          .  x  x  x  .
template.print         x  x  .  .  .
product.create         .  x  .  .  .
product.update         .  x  .  .  .
product.delete         .  x  .  .  .
product.list           x  x  x  x  .
product.show           x  x  x  x  .
"""
COLUMNS = ("operator", "supervisor", "technician", "qa", "administrator")
ALLOWED = {
    name: {c for c, m in zip(COLUMNS, marks, strict=True) if m == "x"}
    for name, *marks in (line.split() for line in EXPECTED.strip().splitlines())
}
GTIN = "09506000134352"
PRODUCT = Product(GTIN, "Name", "1 mg", "tablet", "EU", "eu-fmd")

Call = Callable[[ServiceContext, UserSession, Template], object]


def _pw(s: UserSession) -> str:
    return password_of(s.user_id)


CALLS: dict[str, Call] = {
    "user.create": lambda c, s, t: users.create_user(
        c, s, "new1", "New One", frozenset({Role.OPERATOR}), password_of("new1")
    ),
    "user.list": lambda c, s, t: users.list_users(c, s),
    "user.lock": lambda c, s, t: users.lock_user(c, s, "victim", reason="matrix"),
    "user.unlock": lambda c, s, t: users.unlock_user(c, s, "victim", reason="matrix"),
    "user.set_roles": lambda c, s, t: users.set_roles(
        c, s, "victim", frozenset({Role.QA}), reason="matrix"
    ),
    "user.reset_password": lambda c, s, t: users.reset_password(
        c, s, "victim", "Matrix-reset-1", reason="matrix"
    ),
    "template.import": lambda c, s, t: templates.import_template(
        c, s, Template.from_json({**t.to_json(), "name": "matrix"})
    ),
    "template.submit": lambda c, s, t: templates.submit(c, s, t.id),
    "template.approve": lambda c, s, t: templates.approve(
        c, s, t.id, 1, user_id=s.user_id, password=_pw(s)
    ),
    "template.reject": lambda c, s, t: templates.reject(
        c, s, t.id, 1, user_id=s.user_id, password=_pw(s), reason="matrix"
    ),
    "template.retire": lambda c, s, t: templates.retire(
        c, s, t.id, 1, user_id=s.user_id, password=_pw(s), reason="matrix"
    ),
    "template.list": lambda c, s, t: templates.list_versions(c, s),
    "template.export": lambda c, s, t: templates.export(c, s, t.id),
    "template.diff": lambda c, s, t: templates.review(c, s, t.id),
    "template.print": lambda c, s, t: templates.get_printable(c, s, t.id),
    "product.create": lambda c, s, t: products.create_product(
        c, s, Product("96385074", "N", "1", "d", "EU", "p")
    ),
    "product.update": lambda c, s, t: products.update_product(c, s, PRODUCT, reason="matrix"),
    "product.delete": lambda c, s, t: products.delete_product(c, s, GTIN, reason="matrix"),
    "product.list": lambda c, s, t: products.list_products(c, s),
    "product.show": lambda c, s, t: products.show_product(c, s, GTIN),
}


def test_the_matrix_names_every_operation() -> None:
    operations = {op.value for op in Operation}
    assert set(ALLOWED) == operations == {op.value for op in PERMISSIONS} == set(CALLS)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("operation", list(Operation))
def test_the_table_for_every_operation_and_role(operation: Operation, role: Role) -> None:
    may = role.value in ALLOWED[operation.value]
    assert (role in allowed_roles(operation)) is may
    if may:
        require("u1", frozenset({role}), operation)
    else:
        with pytest.raises(PermissionDenied):
            require("u1", frozenset({role}), operation)


@pytest.mark.parametrize("role", COLUMNS)
def test_every_operation_for_one_role(
    ctx: ServiceContext,
    make_user: UserFactory,
    admin: UserSession,
    carton: Template,
    role: str,
) -> None:
    author = make_user("author", Role.TECHNICIAN, Role.SUPERVISOR)
    templates.import_template(ctx, author, carton)
    templates.submit(ctx, author, carton.id)
    products.create_product(ctx, author, PRODUCT)
    make_user("victim", Role.OPERATOR)
    session = make_user(f"as-{role}", Role(role))
    outcomes: dict[str, str] = {}
    for name in sorted(CALLS):
        seq_before = ctx.audit.head().seq
        try:
            CALLS[name](ctx, session, carton)
            outcomes[name] = "ok"
        except PermissionDenied as exc:
            outcomes[name] = str(exc)
            assert ctx.audit.head().seq == seq_before  # refused before touching any data
        except LabelStationError as exc:  # allowed, but refused on other grounds
            outcomes[name] = f"ok, then {type(exc).__name__}"
    expected_denials = {
        name: f"user as-{role} ({role}) may not perform {name}: it needs one of the roles "
        f"{', '.join(sorted(ALLOWED[name]))}"
        for name in CALLS
        if role not in ALLOWED[name]
    }
    denials = {name: o for name, o in outcomes.items() if not o.startswith("ok")}
    assert denials == expected_denials
    assert ctx.audit.verify().ok
