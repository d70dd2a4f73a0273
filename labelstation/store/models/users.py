"""Tables for user accounts, their roles, password history and electronic signatures.

Written only through ``labelstation.security.users`` / ``labelstation.security.esign`` and the
services, every change with an audit entry in the same transaction.

Times are stored as ISO-8601 UTC text with whole seconds (:class:`UtcText`), like the audit
trail's, so SQLite and PostgreSQL return exactly what was written and signature hashes over a
time recompute to the same bytes on both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from labelstation.store.base import Base

USER_ID_MAX = 64
FULL_NAME_MAX = 200
_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class UtcText(TypeDecorator[dt.datetime]):
    """An aware UTC datetime stored as ``YYYY-MM-DDTHH:MM:SSZ`` text (sub-seconds dropped)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> str | None:
        """Refuse naive times: a time without a zone cannot be put on the UTC record."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"time {value.isoformat()}: expected a timezone-aware time")
        return value.astimezone(dt.UTC).strftime(_FORMAT)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        """Read the text back as an aware UTC datetime."""
        if value is None:
            return None
        return dt.datetime.strptime(str(value), _FORMAT).replace(tzinfo=dt.UTC)


class UserRow(Base):
    """One user account; ``user_id`` is the unique sign-in ID, ``full_name`` the printed name."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(USER_ID_MAX), unique=True)
    full_name: Mapped[str] = mapped_column(String(FULL_NAME_MAX))
    password_hash: Mapped[str] = mapped_column(String(255))
    password_changed_at: Mapped[dt.datetime] = mapped_column(UtcText)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    locked_at: Mapped[dt.datetime | None] = mapped_column(UtcText, nullable=True)
    lock_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcText)
    created_by: Mapped[str] = mapped_column(String(USER_ID_MAX))
    roles: Mapped[list[UserRoleRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRoleRow.role"
    )


class UserRoleRow(Base):
    """One role held by one user."""

    __tablename__ = "user_role"

    user_pk: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class PasswordHistoryRow(Base):
    """A password hash a user has had (the current one included), for the reuse rule."""

    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_pk: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    set_at: Mapped[dt.datetime] = mapped_column(UtcText)


class SignatureRow(Base):
    """An electronic signature as stored; the value object is ``security.esign.Signature``."""

    __tablename__ = "e_signature"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    signer_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    signer_name: Mapped[str] = mapped_column(String(FULL_NAME_MAX))
    meaning: Mapped[str] = mapped_column(String(32))
    signed_at: Mapped[dt.datetime] = mapped_column(UtcText)
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(200), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    audit_seq: Mapped[int] = mapped_column(BigInteger)
    audit_hash: Mapped[str] = mapped_column(String(64))
    signature_hash: Mapped[str] = mapped_column(String(64), unique=True)
