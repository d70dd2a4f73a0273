"""Every ORM model module, imported so that ``Base.metadata`` knows all tables.

Alembic's ``env.py`` and the test fixtures import this package; add one line per model module.
"""

from labelstation.store.models import audit as audit
from labelstation.store.models import products as products
from labelstation.store.models import templates as templates
from labelstation.store.models import users as users

__all__ = ["audit", "products", "templates", "users"]
