"""Audit trail tables and the triggers that keep them append-only.

Revision ID: 0001_audit
Revises:
Create Date: 2026-11-25

``audit_entry`` and ``audit_checkpoint`` refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) by
trigger on both databases, and an INSERT into ``audit_entry`` must extend the chain head held in
``audit_head`` (same ``seq``, ``prev_hash`` = the head's hash). An attacker with DDL rights can
drop the triggers; ``AuditTrail.verify`` and the keyed checkpoints catch what they do next.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_audit"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
_APPEND_ONLY = ("audit_entry", "audit_checkpoint")

_PG_FUNCTIONS = """
CREATE FUNCTION labelstation_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION labelstation_audit_extends_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_seq bigint;
    head_hash varchar(64);
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM audit_head WHERE id = 1;
    IF NEW.seq IS DISTINCT FROM head_seq OR NEW.prev_hash IS DISTINCT FROM head_hash THEN
        RAISE EXCEPTION 'audit_entry: INSERT refused; seq and prev_hash must extend the chain head'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION labelstation_audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq THEN
        RAISE EXCEPTION 'audit_head: % refused; the chain head only moves forward', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
"""


def _create_tables() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=200), nullable=False),
        sa.Column("old_json", sa.Text(), nullable=True),
        sa.Column("new_json", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("workstation", sa.String(length=128), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entry")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entry_hash")),
    )
    op.create_index(op.f("ix_audit_entry_action"), "audit_entry", ["action"])
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )
    op.create_index(op.f("ix_audit_checkpoint_seq"), "audit_checkpoint", ["seq"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.execute(
        sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)").bindparams(
            h=GENESIS_HASH
        )
    )


def _sqlite_triggers() -> None:
    for table in _APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
            )
    op.execute(
        "CREATE TRIGGER audit_entry_extends_head BEFORE INSERT ON audit_entry "
        "WHEN NEW.seq IS NOT (SELECT seq FROM audit_head WHERE id = 1) "
        "OR NEW.prev_hash IS NOT (SELECT hash FROM audit_head WHERE id = 1) "
        "BEGIN SELECT RAISE(ABORT, "
        "'audit_entry: INSERT refused; seq and prev_hash must extend the chain head'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head BEGIN SELECT "
        "RAISE(ABORT, 'audit_head: DELETE refused; the chain head only moves forward'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head WHEN NEW.seq < OLD.seq "
        "BEGIN SELECT RAISE(ABORT, "
        "'audit_head: UPDATE refused; the chain head only moves forward'); END"
    )


def _postgresql_triggers() -> None:
    op.execute(_PG_FUNCTIONS)
    for table in _APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION labelstation_append_only()"
            )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION labelstation_append_only()"
        )
    op.execute(
        "CREATE TRIGGER audit_entry_extends_head BEFORE INSERT ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION labelstation_audit_extends_head()"
    )
    op.execute(
        "CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_head "
        "FOR EACH ROW EXECUTE FUNCTION labelstation_audit_head_forward()"
    )
    op.execute(
        "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
        "FOR EACH STATEMENT EXECUTE FUNCTION labelstation_append_only()"
    )


def upgrade() -> None:
    """Create the audit tables, the head row and the append-only triggers."""
    _create_tables()
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    """Drop the audit trail (only for throwaway databases: it destroys the record)."""
    if op.get_bind().dialect.name == "postgresql":
        for table in ("audit_entry", "audit_checkpoint", "audit_head"):
            op.execute(f"DROP TABLE {table} CASCADE")
        for function in (
            "labelstation_append_only",
            "labelstation_audit_extends_head",
            "labelstation_audit_head_forward",
        ):
            op.execute(f"DROP FUNCTION {function}()")
        return
    for table in ("audit_entry", "audit_checkpoint", "audit_head"):
        op.drop_table(table)
