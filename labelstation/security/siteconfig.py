"""The site's security settings file: the password policy a plant's QA has decided.

21 CFR 11.300 asks for periodic password revision and misuse detection; EU Annex 11 leaves the
numbers to the site. The numbers live in a TOML file outside the database, next to the audit key,
so every station of a site reads the same rules:

.. code-block:: toml

    [password]
    min_length = 12
    required_classes = ["lower", "upper", "digit"]
    history = 5
    expiry_days = 90
    max_failed_attempts = 5
    idle_lock_seconds = 900

The file is ``$LABELSTATION_CONFIG`` or ``labelstation.toml`` in the user config directory; a
missing file means the defaults of :class:`~labelstation.security.passwords.PasswordPolicy`.
Unknown keys and wrong types are refused with the file, key and expected type named, so a typo
never silently weakens the policy.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import platformdirs

from labelstation.errors import ValidationError
from labelstation.security.passwords import PasswordPolicy

ENV_CONFIG = "LABELSTATION_CONFIG"

#: Settable keys of the ``[password]`` table and their types.
_PASSWORD_KEYS: dict[str, type] = {
    "min_length": int,
    "max_length": int,
    "required_classes": list,
    "history": int,
    "expiry_days": int,
    "max_failed_attempts": int,
    "idle_lock_seconds": int,
}


def default_config_path() -> Path:
    """``$LABELSTATION_CONFIG``, else ``labelstation.toml`` in the user config directory."""
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("LabelStation")) / "labelstation.toml"


def load_password_policy(path: Path | None = None) -> PasswordPolicy:
    """The site's password policy from ``path`` (default :func:`default_config_path`).

    Raises:
        ValidationError: the file is not valid TOML, has an unknown key, a value of the wrong
            type, or values the policy itself refuses.
    """
    path = path if path is not None else default_config_path()
    if not path.is_file():
        return PasswordPolicy()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"site config {path}: not valid TOML ({exc})") from None
    unknown_tables = sorted(set(document) - {"password"})
    if unknown_tables:
        raise ValidationError(
            f"site config {path}: unknown table [{unknown_tables[0]}]; expected [password]"
        )
    table: dict[str, Any] = document.get("password", {})
    values: dict[str, Any] = {}
    for key, value in table.items():
        expected = _PASSWORD_KEYS.get(key)
        if expected is None:
            raise ValidationError(
                f"site config {path}: unknown key password.{key}; expected one of "
                + ", ".join(_PASSWORD_KEYS)
            )
        if isinstance(value, bool) or not isinstance(value, expected):
            raise ValidationError(
                f"site config {path}: password.{key} = {value!r}; expected "
                + ("a list of class names" if expected is list else "a whole number")
            )
        values[key] = tuple(value) if isinstance(value, list) else value
    try:
        return PasswordPolicy(**values)
    except ValidationError as exc:
        raise ValidationError(f"site config {path}: {exc}") from None
