"""Users, roles, password history, e-signatures, template versions and the product master.

Revision ID: 0002_users_templates_products
Revises: 0001_audit
Create Date: 2026-11-25

Times are ISO-8601 UTC text (``store.models.users.UtcText``), as in the audit trail.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_users_templates_products"
down_revision = "0001_audit"
branch_labels = None
depends_on = None

_TIME = sa.String(length=32)


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("password_changed_at", _TIME, nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("locked_at", _TIME, nullable=True),
        sa.Column("lock_reason", sa.Text(), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("user_id", name=op.f("uq_user_account_user_id")),
    )
    op.create_table(
        "user_role",
        sa.Column("user_pk", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_pk"],
            ["user_account.id"],
            name=op.f("fk_user_role_user_pk_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_pk", "role", name=op.f("pk_user_role")),
    )
    op.create_table(
        "password_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_pk", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("set_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_pk"],
            ["user_account.id"],
            name=op.f("fk_password_history_user_pk_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_history")),
    )
    op.create_index(
        op.f("ix_password_history_user_pk"), "password_history", ["user_pk"], unique=False
    )
    op.create_table(
        "e_signature",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("signer_id", sa.String(length=64), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("meaning", sa.String(length=32), nullable=False),
        sa.Column("signed_at", _TIME, nullable=False),
        sa.Column("record_type", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("audit_seq", sa.BigInteger(), nullable=False),
        sa.Column("audit_hash", sa.String(length=64), nullable=False),
        sa.Column("signature_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_e_signature")),
        sa.UniqueConstraint("signature_hash", name=op.f("uq_e_signature_signature_hash")),
    )
    op.create_index(op.f("ix_e_signature_record_id"), "e_signature", ["record_id"], unique=False)
    op.create_table(
        "template_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("template_id", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("content_json", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("author_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.Column("approval_signature_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approval_signature_id"],
            ["e_signature.id"],
            name=op.f("fk_template_version_approval_signature_id_e_signature"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_template_version")),
        sa.UniqueConstraint(
            "template_id", "version", name=op.f("uq_template_version_template_id_version")
        ),
    )
    op.create_index(
        op.f("ix_template_version_template_id"), "template_version", ["template_id"], unique=False
    )
    op.create_table(
        "product",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("ndc", sa.String(length=16), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("strength", sa.String(length=100), nullable=False),
        sa.Column("dosage_form", sa.String(length=100), nullable=False),
        sa.Column("market", sa.String(length=32), nullable=False),
        sa.Column("label_profile", sa.String(length=64), nullable=False),
        sa.Column("default_template_id", sa.String(length=120), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product")),
        sa.UniqueConstraint("gtin", name=op.f("uq_product_gtin")),
    )


def downgrade() -> None:
    """Drop the tables (throwaway databases only: it destroys records)."""
    for table in (
        "product",
        "template_version",
        "e_signature",
        "password_history",
        "user_role",
        "user_account",
    ):
        op.drop_table(table)
