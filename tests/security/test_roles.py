"""The permission table against an independently written expected matrix (every op × role)."""

from __future__ import annotations

import pytest

from labelstation.errors import PermissionDenied, ValidationError
from labelstation.security.roles import (
    PERMISSIONS,
    Operation,
    Role,
    allowed_roles,
    format_roles,
    parse_roles,
    require,
)

# Written out by hand from the requirements, not derived from PERMISSIONS: columns are
# operator, supervisor, technician, QA, administrator; "x" = allowed.
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
COLUMNS = (Role.OPERATOR, Role.SUPERVISOR, Role.TECHNICIAN, Role.QA, Role.ADMINISTRATOR)


def _expected() -> dict[str, frozenset[Role]]:
    table: dict[str, frozenset[Role]] = {}
    for line in EXPECTED.strip().splitlines():
        name, *marks = line.split()
        table[name] = frozenset(r for r, m in zip(COLUMNS, marks, strict=True) if m == "x")
    return table


EXPECTED_TABLE = _expected()


def test_expected_matrix_and_table_list_the_same_operations() -> None:
    assert set(EXPECTED_TABLE) == {op.value for op in Operation} == {op.value for op in PERMISSIONS}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("operation", list(Operation))
def test_every_operation_for_every_role(operation: Operation, role: Role) -> None:
    may = role in EXPECTED_TABLE[operation.value]
    assert (role in allowed_roles(operation)) is may
    if may:
        require("u1", frozenset({role}), operation)
    else:
        with pytest.raises(PermissionDenied):
            require("u1", frozenset({role}), operation)


def test_denial_message_names_user_operation_and_roles() -> None:
    with pytest.raises(PermissionDenied) as exc:
        require("jdoe", frozenset({Role.OPERATOR, Role.TECHNICIAN}), Operation.TEMPLATE_APPROVE)
    assert str(exc.value) == (
        "user jdoe (operator, technician) may not perform template.approve: "
        "it needs one of the roles qa, supervisor"
    )


def test_no_roles_is_denied_and_named() -> None:
    with pytest.raises(PermissionDenied) as exc:
        require("ghost", frozenset(), Operation.PRODUCT_LIST)
    assert str(exc.value) == (
        "user ghost (no roles) may not perform product.list: "
        "it needs one of the roles operator, qa, supervisor, technician"
    )


def test_several_roles_combine() -> None:
    require("multi", frozenset({Role.OPERATOR, Role.QA}), Operation.TEMPLATE_APPROVE)
    require("multi", frozenset({Role.OPERATOR, Role.QA}), Operation.TEMPLATE_PRINT)


def test_parse_roles_accepts_names_case_and_space_insensitively() -> None:
    assert parse_roles([" QA", "Supervisor"]) == frozenset({Role.QA, Role.SUPERVISOR})
    assert format_roles([Role.SUPERVISOR, Role.QA]) == "qa, supervisor"


def test_parse_roles_refuses_unknown_role() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_roles(["qa", "boss"])
    assert str(exc.value) == (
        "role 'boss': expected one of operator, supervisor, technician, qa, administrator"
    )


def test_parse_roles_refuses_empty() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_roles([])
    assert str(exc.value) == "roles: expected at least one role, got none"
