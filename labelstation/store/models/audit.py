"""Tables of the tamper-evident audit trail (written only by ``labelstation.security.audit``).

* ``audit_entry``: one row per audited event, append-only (database triggers refuse UPDATE and
  DELETE, created in migration ``0001_audit``). Text that takes part in the hash is stored as
  text, exactly as hashed, so verification recomputes the same bytes on SQLite and PostgreSQL.
* ``audit_checkpoint``: keyed HMACs over ``(seq, hash)`` of the chain, append-only as well.
* ``audit_head``: a single row holding the last ``(seq, hash)``. Appenders lock it
  (``UPDATE`` first, in the caller's transaction) so that concurrent stations extend one chain.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from labelstation.store.base import Base

#: The predecessor hash of entry 1: 64 zeros, so every entry has a predecessor of the same form.
GENESIS_HASH = "0" * 64

ACTION_MAX = 64
OBJECT_TYPE_MAX = 64
OBJECT_ID_MAX = 200
ACTOR_ID_MAX = 64
ACTOR_NAME_MAX = 200
WORKSTATION_MAX = 128


class AuditEntryRow(Base):
    """One audit entry as stored; the value object is ``labelstation.security.audit.AuditEntry``."""

    __tablename__ = "audit_entry"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    recorded_at: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str] = mapped_column(String(ACTOR_ID_MAX))
    actor_name: Mapped[str] = mapped_column(String(ACTOR_NAME_MAX))
    action: Mapped[str] = mapped_column(String(ACTION_MAX), index=True)
    object_type: Mapped[str] = mapped_column(String(OBJECT_TYPE_MAX))
    object_id: Mapped[str] = mapped_column(String(OBJECT_ID_MAX))
    old_json: Mapped[str | None] = mapped_column(Text)
    new_json: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    workstation: Mapped[str] = mapped_column(String(WORKSTATION_MAX))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditCheckpointRow(Base):
    """A keyed anchor: HMAC-SHA256 over ``(seq, hash)`` with a site key kept outside the DB."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    entry_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    mac: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class AuditHeadRow(Base):
    """The chain head; exactly one row (``id = 1``), created by the migration."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
