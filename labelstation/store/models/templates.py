"""Template versions: canonical JSON, its hash, lifecycle state and approval signature.

``content_json`` holds the canonical JSON exactly as hashed (``template.canonical``), so a
printing station can recompute ``content_hash`` from what is stored and refuse to print when
someone changed the row behind the application's back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from labelstation.store.base import Base
from labelstation.store.models.users import USER_ID_MAX, UtcText

TEMPLATE_ID_MAX = 120


class TemplateVersionRow(Base):
    """One version of one template."""

    __tablename__ = "template_version"
    __table_args__ = (UniqueConstraint("template_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    template_id: Mapped[str] = mapped_column(String(TEMPLATE_ID_MAX), index=True)
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    content_json: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[str] = mapped_column(String(USER_ID_MAX))
    created_at: Mapped[dt.datetime] = mapped_column(UtcText)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcText)
    approval_signature_id: Mapped[int | None] = mapped_column(
        ForeignKey("e_signature.id"), nullable=True
    )
