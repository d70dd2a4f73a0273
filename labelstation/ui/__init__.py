"""The PySide6 user interface: thin views over the domain services.

Only this package may import Qt (enforced by import-linter); nothing imports it.
"""
