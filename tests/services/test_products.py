"""The product master through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from svc_helpers import UserFactory

from labelstation.errors import NotFound, PermissionDenied, ValidationError
from labelstation.security.roles import Role
from labelstation.security.session import UserSession
from labelstation.services import products, templates
from labelstation.services.context import ServiceContext
from labelstation.services.products import Product
from labelstation.template import Template

GTIN = "09506000134352"  # GS1's example GTIN (FIELD-NOTES.md)


def _product(**changes: object) -> Product:
    base = Product(
        gtin=GTIN,
        name="Examplomab 100 mg film-coated tablets",
        strength="100 mg",
        dosage_form="film-coated tablet",
        market="EU",
        label_profile="eu-fmd",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def sup(make_user: UserFactory) -> UserSession:
    return make_user("sup", Role.SUPERVISOR)


def test_create_show_list_update_delete_audited(ctx: ServiceContext, sup: UserSession) -> None:
    created = products.create_product(ctx, sup, _product(ndc="12345-678-90"))
    assert products.show_product(ctx, sup, GTIN) == created
    assert products.list_products(ctx, sup) == [created]
    changed = products.update_product(
        ctx, sup, _product(strength="200 mg"), reason="new strength approved"
    )
    assert products.show_product(ctx, sup, GTIN).strength == "200 mg"
    products.delete_product(ctx, sup, GTIN, reason="discontinued")
    with pytest.raises(NotFound) as exc:
        products.show_product(ctx, sup, GTIN)
    assert str(exc.value) == f"product GTIN {GTIN}: no such product"
    entries = [e for e in ctx.audit.entries() if e.object_type == "product"]
    assert [(e.action, e.object_id) for e in entries] == [
        ("product.create", GTIN),
        ("product.update", GTIN),
        ("product.delete", GTIN),
    ]
    assert entries[1].old == created.as_json()
    assert entries[1].new == changed.as_json()
    assert entries[2].reason == "discontinued"
    assert ctx.audit.verify().ok


def test_short_gtins_are_padded_and_found_by_any_form(
    ctx: ServiceContext, sup: UserSession
) -> None:
    created = products.create_product(ctx, sup, _product(gtin="4006381333931"))  # GTIN-13
    assert created.gtin == "04006381333931"
    assert products.show_product(ctx, sup, "4006381333931") == created
    with pytest.raises(ValidationError) as exc:
        products.create_product(ctx, sup, _product(gtin="04006381333931"))
    assert str(exc.value) == "product GTIN 04006381333931: exists already; expected a new GTIN"


# Field rules are checked before the database is touched: one backend is enough for them.
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"gtin": "09506000134353"}, "GTIN '09506000134353': check digit 3 is wrong"),
        ({"gtin": "0950600013435"}, "GTIN '0950600013435': check digit 5 is wrong"),
        ({"gtin": "123"}, "GTIN '123': expected 8, 12, 13 or 14 digits"),
        (
            {"gtin": "０９５０６０００１３４３５２"},
            "GTIN '０９５０６０００１３４３５２': expected 8, 12, 13 or 14 digits",
        ),
        (
            {"ndc": "1234567890"},
            "NDC '1234567890': expected 4-4-2, 5-3-2, 5-4-1 or 5-4-2 digits with hyphens "
            "(e.g. 12345-678-90)",
        ),
        ({"name": " "}, "product name ' ': expected 1-200 characters, not only spaces"),
        (
            {"market": "E" * 33},
            f"product market {'E' * 33!r}: expected 1-32 characters, not only spaces",
        ),
        (
            {"strength": "10\nmg"},
            "product strength '10\\nmg': expected printable text, found a control character",
        ),
        (
            {"default_template_id": ""},
            "product default_template_id '': expected 1-120 characters",
        ),
    ],
)
def test_field_rules(
    ctx: ServiceContext, sup: UserSession, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        products.create_product(ctx, sup, _product(**changes))
    assert str(exc.value) == message


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
@pytest.mark.parametrize("ndc", ["1234-5678-90", "12345-678-90", "12345-6789-0", "12345-6789-01"])
def test_ndc_forms(ctx: ServiceContext, sup: UserSession, ndc: str) -> None:
    assert products.create_product(ctx, sup, _product(ndc=ndc)).ndc == ndc


def test_maximum_lengths_and_unicode_survive(ctx: ServiceContext, sup: UserSession) -> None:
    value = _product(
        name="Ä" * 199 + "🙂",
        strength="µ" * 100,
        dosage_form="Filmtablette – überzogen" + "x" * 76,
        market="M" * 32,
        label_profile="p" * 64,
    )
    products.create_product(ctx, sup, value)
    assert products.show_product(ctx, sup, GTIN) == value


def test_default_template_must_exist(
    ctx: ServiceContext, sup: UserSession, carton: Template
) -> None:
    with pytest.raises(NotFound) as exc:
        products.create_product(ctx, sup, _product(default_template_id="eu-fmd-carton"))
    assert str(exc.value) == (
        "product default_template_id 'eu-fmd-carton': no such template; expected the ID of an "
        "imported template"
    )
    templates.import_template(ctx, sup, carton)
    created = products.create_product(ctx, sup, _product(default_template_id="eu-fmd-carton"))
    assert created.default_template_id == "eu-fmd-carton"


def test_update_and_delete_need_a_reason(ctx: ServiceContext, sup: UserSession) -> None:
    products.create_product(ctx, sup, _product())
    with pytest.raises(ValidationError) as exc:
        products.update_product(ctx, sup, _product(name="New"), reason="")
    assert str(exc.value) == (
        f"product GTIN {GTIN}: reason '': expected a reason for the audit trail"
    )
    with pytest.raises(ValidationError) as exc:
        products.delete_product(ctx, sup, GTIN, reason=" ")
    assert str(exc.value) == (
        f"product GTIN {GTIN}: reason ' ': expected a reason for the audit trail"
    )


def test_operator_reads_but_does_not_write(
    ctx: ServiceContext, sup: UserSession, make_user: UserFactory
) -> None:
    products.create_product(ctx, sup, _product())
    op = make_user("op1", Role.OPERATOR)
    assert products.show_product(ctx, op, GTIN).gtin == GTIN
    with pytest.raises(PermissionDenied) as exc:
        products.update_product(ctx, op, _product(name="X"), reason="r")
    assert str(exc.value) == (
        "user op1 (operator) may not perform product.update: it needs one of the roles supervisor"
    )
