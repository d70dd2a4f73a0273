"""Alembic migration environment shipped inside the package (run by ``Database.upgrade``)."""
