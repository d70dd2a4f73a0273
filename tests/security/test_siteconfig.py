"""The site's password policy file: read exactly, refused precisely, applied by the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from labelstation.errors import ValidationError
from labelstation.security.passwords import PasswordPolicy
from labelstation.security.siteconfig import ENV_CONFIG, default_config_path, load_password_policy


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "labelstation.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_the_defaults(tmp_path: Path) -> None:
    assert load_password_policy(tmp_path / "absent.toml") == PasswordPolicy()


def test_every_key_is_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "[password]\nmin_length = 16\nmax_length = 128\nrequired_classes = "
        '["lower", "digit", "symbol"]\nhistory = 10\nexpiry_days = 60\n'
        "max_failed_attempts = 3\nidle_lock_seconds = 300\n",
    )
    policy = load_password_policy(path)
    assert (
        policy.min_length,
        policy.max_length,
        policy.required_classes,
        policy.history,
        policy.expiry_days,
        policy.max_failed_attempts,
        policy.idle_lock_seconds,
    ) == (16, 128, ("lower", "digit", "symbol"), 10, 60, 3, 300)


def test_env_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "[password]\nmin_length = 20\n")
    monkeypatch.setenv(ENV_CONFIG, str(path))
    assert default_config_path() == path
    assert load_password_policy().min_length == 20


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[password]\nmin_lenght = 8\n", "unknown key password.min_lenght; expected one of "),
        ("[password]\nhistory = true\n", "password.history = True; expected a whole number"),
        ("[password]\nhistory = '5'\n", "password.history = '5'; expected a whole number"),
        ('[password]\nrequired_classes = "digit"\n', "expected a list of class names"),
        ("[passwords]\n", "unknown table [passwords]; expected [password]"),
        ("[password\n", "not valid TOML"),
        ("[password]\nmax_failed_attempts = 0\n", "max_failed_attempts 0: expected at least 1"),
    ],
)
def test_bad_files_are_refused_naming_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ValidationError) as exc:
        load_password_policy(path)
    assert str(exc.value).startswith(f"site config {path}: ")
    assert message in str(exc.value)
