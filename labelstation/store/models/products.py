"""The product master: what a label is printed for (GTIN, NDC, name, strength, market…)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from labelstation.store.base import Base
from labelstation.store.models.templates import TEMPLATE_ID_MAX
from labelstation.store.models.users import UtcText


class ProductRow(Base):
    """One product; ``gtin`` is the 14-digit GTIN and unique."""

    __tablename__ = "product"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    gtin: Mapped[str] = mapped_column(String(14), unique=True)
    ndc: Mapped[str | None] = mapped_column(String(16), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    strength: Mapped[str] = mapped_column(String(100))
    dosage_form: Mapped[str] = mapped_column(String(100))
    market: Mapped[str] = mapped_column(String(32))
    label_profile: Mapped[str] = mapped_column(String(64))
    default_template_id: Mapped[str | None] = mapped_column(String(TEMPLATE_ID_MAX), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcText)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcText)
