"""The product master: create, change, delete, list and show products, audited and checked.

A product is what a label is printed for. Its GTIN is the key (14 digits, GS1 check digit
valid; GTIN-8/12/13 are accepted and padded to 14 with leading zeros, which is how GS1 element
strings carry them). The NDC is optional (US products), in one of the FDA's hyphenated forms
4-4-2, 5-3-2, 5-4-1 or the 11-digit 5-4-2 billing form.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelstation.errors import NotFound, ValidationError
from labelstation.gs1 import is_valid_check_digit
from labelstation.security.roles import Operation
from labelstation.security.session import UserSession
from labelstation.services.context import ServiceContext
from labelstation.store.models.products import ProductRow
from labelstation.store.models.templates import TEMPLATE_ID_MAX, TemplateVersionRow

NDC_RE: Final = re.compile(r"\d{4}-\d{4}-\d{2}|\d{5}-\d{3}-\d{2}|\d{5}-\d{4}-\d{1,2}")
GTIN_LENGTHS: Final = (8, 12, 13, 14)
_TEXT_LIMITS: Final = {
    "name": 200,
    "strength": 100,
    "dosage_form": 100,
    "market": 32,
    "label_profile": 64,
}


@dataclass(frozen=True)
class Product:
    """One product master record."""

    gtin: str
    name: str
    strength: str
    dosage_form: str
    market: str
    label_profile: str
    ndc: str | None = None
    default_template_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        """A plain dict for ``--json`` output and audit entries."""
        return dataclasses.asdict(self)


def normalize_gtin(gtin: str) -> str:
    """Check a GTIN and return it as 14 digits.

    Raises:
        ValidationError: not 8, 12, 13 or 14 digits, or a wrong check digit.
    """
    if not gtin.isascii() or not gtin.isdigit() or len(gtin) not in GTIN_LENGTHS:
        raise ValidationError(f"GTIN {gtin!r}: expected 8, 12, 13 or 14 digits")
    if not is_valid_check_digit(gtin):
        raise ValidationError(f"GTIN {gtin!r}: check digit {gtin[-1]} is wrong")
    return gtin.rjust(14, "0")


def check_ndc(ndc: str) -> str:
    """Refuse an NDC that is not in a hyphenated FDA form.

    Raises:
        ValidationError: naming the value and the accepted forms.
    """
    if not ndc.isascii() or NDC_RE.fullmatch(ndc) is None:
        raise ValidationError(
            f"NDC {ndc!r}: expected 4-4-2, 5-3-2, 5-4-1 or 5-4-2 digits with hyphens "
            "(e.g. 12345-678-90)"
        )
    return ndc


def _check_text(field: str, value: str) -> None:
    limit = _TEXT_LIMITS[field]
    if not value.strip() or len(value) > limit:
        raise ValidationError(
            f"product {field} {value!r}: expected 1-{limit} characters, not only spaces"
        )
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise ValidationError(
            f"product {field} {value!r}: expected printable text, found a control character"
        )


def validate(product: Product) -> Product:
    """Check every field; return the product with its GTIN padded to 14 digits.

    Raises:
        ValidationError: the first field that breaks its rule.
    """
    gtin = normalize_gtin(product.gtin)
    for name in _TEXT_LIMITS:
        _check_text(name, getattr(product, name))
    if product.ndc is not None:
        check_ndc(product.ndc)
    template = product.default_template_id
    if template is not None and not (0 < len(template) <= TEMPLATE_ID_MAX):
        raise ValidationError(
            f"product default_template_id {template!r}: expected 1-{TEMPLATE_ID_MAX} characters"
        )
    return dataclasses.replace(product, gtin=gtin)


def _to_value(row: ProductRow) -> Product:
    return Product(
        gtin=row.gtin,
        name=row.name,
        strength=row.strength,
        dosage_form=row.dosage_form,
        market=row.market,
        label_profile=row.label_profile,
        ndc=row.ndc,
        default_template_id=row.default_template_id,
    )


def _row(session: Session, gtin: str) -> ProductRow:
    key = normalize_gtin(gtin)
    row = session.scalar(select(ProductRow).where(ProductRow.gtin == key))
    if row is None:
        raise NotFound(f"product GTIN {key}: no such product")
    return row


def _check_template_exists(session: Session, template_id: str | None) -> None:
    if template_id is None:
        return
    found = session.scalar(
        select(TemplateVersionRow.id).where(TemplateVersionRow.template_id == template_id)
    )
    if found is None:
        raise NotFound(
            f"product default_template_id {template_id!r}: no such template; "
            "expected the ID of an imported template"
        )


def _audit(
    ctx: ServiceContext,
    session: Session,
    actor: UserSession,
    action: str,
    gtin: str,
    old: Product | None,
    new: Product | None,
    reason: str | None,
) -> None:
    ctx.audit.append(
        session,
        actor_id=actor.user_id,
        actor_name=actor.full_name,
        action=action,
        object_type="product",
        object_id=gtin,
        old=old.as_json() if old else None,
        new=new.as_json() if new else None,
        reason=reason,
    )


def create_product(
    ctx: ServiceContext, session: UserSession, product: Product, *, reason: str | None = None
) -> Product:
    """Add a product (supervisors).

    Raises:
        ValidationError: a field is invalid or the GTIN exists already.
        NotFound: the default template does not exist.
    """
    session.require(Operation.PRODUCT_CREATE)
    value = validate(product)
    now = ctx.clock()
    with ctx.write() as db:
        if db.scalar(select(ProductRow.id).where(ProductRow.gtin == value.gtin)) is not None:
            raise ValidationError(f"product GTIN {value.gtin}: exists already; expected a new GTIN")
        _check_template_exists(db, value.default_template_id)
        db.add(ProductRow(**value.as_json(), created_at=now, updated_at=now))
        db.flush()
        _audit(ctx, db, session, "product.create", value.gtin, None, value, reason)
    return value


def update_product(
    ctx: ServiceContext, session: UserSession, product: Product, *, reason: str
) -> Product:
    """Replace a product's fields (GTIN is the key and cannot change); a reason is required."""
    session.require(Operation.PRODUCT_UPDATE)
    value = validate(product)
    if not reason.strip():
        raise ValidationError(
            f"product GTIN {value.gtin}: reason {reason!r}: expected a reason for the audit trail"
        )
    with ctx.write() as db:
        row = _row(db, value.gtin)
        _check_template_exists(db, value.default_template_id)
        old = _to_value(row)
        for name, field_value in value.as_json().items():
            setattr(row, name, field_value)
        row.updated_at = ctx.clock()
        _audit(ctx, db, session, "product.update", value.gtin, old, value, reason)
    return value


def delete_product(ctx: ServiceContext, session: UserSession, gtin: str, *, reason: str) -> None:
    """Remove a product from the master (the audit entry keeps its last values)."""
    session.require(Operation.PRODUCT_DELETE)
    if not reason.strip():
        raise ValidationError(
            f"product GTIN {gtin}: reason {reason!r}: expected a reason for the audit trail"
        )
    with ctx.write() as db:
        row = _row(db, gtin)
        old = _to_value(row)
        db.delete(row)
        _audit(ctx, db, session, "product.delete", row.gtin, old, None, reason)


def list_products(ctx: ServiceContext, session: UserSession) -> list[Product]:
    """Every product, by GTIN."""
    session.require(Operation.PRODUCT_LIST)
    with ctx.db.session(write=False) as db:
        return [_to_value(r) for r in db.scalars(select(ProductRow).order_by(ProductRow.gtin))]


def show_product(ctx: ServiceContext, session: UserSession, gtin: str) -> Product:
    """One product by GTIN (any of its 8/12/13/14-digit forms)."""
    session.require(Operation.PRODUCT_SHOW)
    with ctx.db.session(write=False) as db:
        return _to_value(_row(db, gtin))
