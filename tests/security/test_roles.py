"""Permission refusals' messages and role parsing.

The table itself (every operation × every role) is checked against the one hand-written
expected matrix in tests/services/test_permission_matrix.py, both directly through
:func:`require` and through the real services.
"""

from __future__ import annotations

import pytest

from labelstation.errors import PermissionDenied, ValidationError
from labelstation.security.roles import (
    Operation,
    Role,
    format_roles,
    parse_roles,
    require,
)


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
