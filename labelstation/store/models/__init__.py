"""Every ORM model module, imported so that ``Base.metadata`` knows all tables.

Alembic's ``env.py`` and the test fixtures import this package; add one line per model module.
"""

from labelstation.store.models import audit as audit

__all__ = ["audit"]
