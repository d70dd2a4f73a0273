"""Suite-wide settings: Qt runs offscreen; fixtures shared by every area."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["dbfixtures"]  # db / empty_db on SQLite and PostgreSQL (tests/dbfixtures.py)
