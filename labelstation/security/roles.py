"""Roles, operations and the one permission table (21 CFR 11.10(d), (g)).

Every service operation names an :class:`Operation` and calls :func:`require` before it touches
data, so "who may do what" lives in exactly one place: :data:`PERMISSIONS`. A user may hold
several roles; an operation is allowed when any of the user's roles is in its row.

Duties are split on purpose: administrators manage accounts but do not design, approve or print
labels; approval belongs to supervisors and QA; operators print and read.

>>> require("jroe", frozenset({Role.QA}), Operation.TEMPLATE_APPROVE)
>>> allowed_roles(Operation.USER_CREATE) == frozenset({Role.ADMINISTRATOR})
True
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from labelstation.errors import PermissionDenied, ValidationError


class Role(StrEnum):
    """A job function on the packaging floor; a user may hold several."""

    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    TECHNICIAN = "technician"
    QA = "qa"
    ADMINISTRATOR = "administrator"


class Operation(StrEnum):
    """Every permission-checked use case, named ``<object>.<verb>``."""

    USER_CREATE = "user.create"
    USER_LIST = "user.list"
    USER_LOCK = "user.lock"
    USER_UNLOCK = "user.unlock"
    USER_SET_ROLES = "user.set_roles"
    USER_RESET_PASSWORD = "user.reset_password"
    TEMPLATE_IMPORT = "template.import"
    TEMPLATE_SUBMIT = "template.submit"
    TEMPLATE_APPROVE = "template.approve"
    TEMPLATE_REJECT = "template.reject"
    TEMPLATE_RETIRE = "template.retire"
    TEMPLATE_LIST = "template.list"
    TEMPLATE_EXPORT = "template.export"
    TEMPLATE_DIFF = "template.diff"
    TEMPLATE_PRINT = "template.print"
    PRODUCT_CREATE = "product.create"
    PRODUCT_UPDATE = "product.update"
    PRODUCT_DELETE = "product.delete"
    PRODUCT_LIST = "product.list"
    PRODUCT_SHOW = "product.show"


_OP = Role.OPERATOR
_SUP = Role.SUPERVISOR
_TEC = Role.TECHNICIAN
_QA = Role.QA
_ADM = Role.ADMINISTRATOR

#: Operation -> the roles that may perform it. The single source of truth for permissions.
PERMISSIONS: dict[Operation, frozenset[Role]] = {
    Operation.USER_CREATE: frozenset({_ADM}),
    Operation.USER_LIST: frozenset({_ADM, _SUP, _QA}),
    Operation.USER_LOCK: frozenset({_ADM}),
    Operation.USER_UNLOCK: frozenset({_ADM}),
    Operation.USER_SET_ROLES: frozenset({_ADM}),
    Operation.USER_RESET_PASSWORD: frozenset({_ADM}),
    Operation.TEMPLATE_IMPORT: frozenset({_SUP, _TEC}),
    Operation.TEMPLATE_SUBMIT: frozenset({_SUP, _TEC}),
    Operation.TEMPLATE_APPROVE: frozenset({_SUP, _QA}),
    Operation.TEMPLATE_REJECT: frozenset({_SUP, _QA}),
    Operation.TEMPLATE_RETIRE: frozenset({_SUP, _QA}),
    Operation.TEMPLATE_LIST: frozenset({_OP, _SUP, _TEC, _QA}),
    Operation.TEMPLATE_EXPORT: frozenset({_SUP, _TEC, _QA}),
    Operation.TEMPLATE_DIFF: frozenset({_SUP, _TEC, _QA}),
    Operation.TEMPLATE_PRINT: frozenset({_OP, _SUP}),
    Operation.PRODUCT_CREATE: frozenset({_SUP}),
    Operation.PRODUCT_UPDATE: frozenset({_SUP}),
    Operation.PRODUCT_DELETE: frozenset({_SUP}),
    Operation.PRODUCT_LIST: frozenset({_OP, _SUP, _TEC, _QA}),
    Operation.PRODUCT_SHOW: frozenset({_OP, _SUP, _TEC, _QA}),
}


def allowed_roles(operation: Operation) -> frozenset[Role]:
    """Return the roles that may perform ``operation``."""
    return PERMISSIONS[operation]


def parse_roles(names: Iterable[str]) -> frozenset[Role]:
    """Turn role names (as typed on the command line or stored) into :class:`Role` values.

    Raises:
        ValidationError: a name is not a role, or no role is given.
    """
    roles: set[Role] = set()
    for name in names:
        try:
            roles.add(Role(name.strip().lower()))
        except ValueError:
            expected = ", ".join(r.value for r in Role)
            raise ValidationError(f"role {name!r}: expected one of {expected}") from None
    if not roles:
        raise ValidationError("roles: expected at least one role, got none")
    return frozenset(roles)


def format_roles(roles: Iterable[Role]) -> str:
    """Roles as a stable, sorted, comma-separated list for messages and listings."""
    return ", ".join(sorted(r.value for r in roles)) or "no roles"


def require(user_id: str, roles: frozenset[Role], operation: Operation) -> None:
    """Refuse ``operation`` unless one of ``roles`` may perform it.

    Raises:
        PermissionDenied: naming the user, the operation, the user's roles and the roles that may.
    """
    allowed = PERMISSIONS[operation]
    if roles & allowed:
        return
    raise PermissionDenied(
        f"user {user_id} ({format_roles(roles)}) may not perform {operation.value}: "
        f"it needs one of the roles {format_roles(allowed)}"
    )
