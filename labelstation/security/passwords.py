"""Password policy and argon2id hashing (21 CFR 11.300(b): periodic revision of passwords).

A :class:`PasswordPolicy` is plain configuration: minimum length, which character classes are
required, how many previous passwords may not be reused, after how many days a password expires
and how many failed attempts lock an account. Hashes are argon2id strings that carry their own
cost parameters, so a policy's :class:`Argon2Params` may be raised later and old hashes still
verify (and :func:`needs_rehash` says when to upgrade one at the next successful sign-in).

>>> policy = PasswordPolicy(min_length=8)
>>> policy.check("short")
Traceback (most recent call last):
...
labelstation.errors.ValidationError: password: expected at least 8 characters, got 5
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import argon2
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from labelstation.errors import AuthenticationError, IntegrityError, ValidationError


@dataclass(frozen=True)
class Argon2Params:
    """argon2id cost parameters.

    The defaults are RFC 9106's second recommended option (t=3, 64 MiB, p=4): around 50 ms on a
    line PC, slow enough to make offline guessing expensive, fast enough for a sign-in.
    """

    time_cost: int = 3
    memory_cost_kib: int = 65536
    parallelism: int = 4

    def hasher(self) -> PasswordHasher:
        """An argon2-cffi hasher for these parameters (always argon2id)."""
        return PasswordHasher(
            time_cost=self.time_cost,
            memory_cost=self.memory_cost_kib,
            parallelism=self.parallelism,
            type=argon2.Type.ID,
        )


#: The ASCII character classes a policy may require, with how a message names them.
CHARACTER_CLASSES: dict[str, str] = {
    "lower": "a lower-case letter",
    "upper": "an upper-case letter",
    "digit": "a digit",
    "symbol": "a symbol (neither letter nor digit)",
}


def _has_class(password: str, name: str) -> bool:
    if name == "lower":
        return any(c.islower() for c in password)
    if name == "upper":
        return any(c.isupper() for c in password)
    if name == "digit":
        return any(c.isdigit() for c in password)
    return any(not c.isalnum() for c in password)


@dataclass(frozen=True)
class PasswordPolicy:
    """The site's password rules; every field is configurable.

    Attributes:
        min_length: fewest characters (Unicode code points) a password may have.
        max_length: most characters, a bound on hashing work for absurd input.
        required_classes: names from :data:`CHARACTER_CLASSES` that must each occur.
        history: how many previous passwords (the current one included) may not be reused.
        expiry_days: a password older than this must be changed; 0 disables expiry.
        max_failed_attempts: consecutive failed sign-ins or signatures that lock the account.
        idle_lock_seconds: a session idle this long locks and asks for the password again.
        argon2: hashing cost for new hashes.
    """

    min_length: int = 12
    max_length: int = 256
    required_classes: tuple[str, ...] = ("lower", "upper", "digit")
    history: int = 5
    expiry_days: int = 90
    max_failed_attempts: int = 5
    idle_lock_seconds: int = 900
    argon2: Argon2Params = field(default_factory=Argon2Params)

    def __post_init__(self) -> None:
        for name in self.required_classes:
            if name not in CHARACTER_CLASSES:
                expected = ", ".join(CHARACTER_CLASSES)
                raise ValidationError(
                    f"password policy required_classes: {name!r} is not a class, "
                    f"expected one of {expected}"
                )
        if self.min_length < 1 or self.max_length < self.min_length:
            raise ValidationError(
                f"password policy min_length {self.min_length}, max_length {self.max_length}: "
                "expected 1 <= min_length <= max_length"
            )
        if self.max_failed_attempts < 1:
            raise ValidationError(
                f"password policy max_failed_attempts {self.max_failed_attempts}: "
                "expected at least 1"
            )

    def check(self, password: str) -> None:
        """Refuse a new password that breaks the length or character-class rules.

        Raises:
            ValidationError: naming the first rule broken (never echoing the password).
        """
        if len(password) < self.min_length:
            raise ValidationError(
                f"password: expected at least {self.min_length} characters, got {len(password)}"
            )
        if len(password) > self.max_length:
            raise ValidationError(
                f"password: expected at most {self.max_length} characters, got {len(password)}"
            )
        missing = [n for n in self.required_classes if not _has_class(password, n)]
        if missing:
            wanted = ", ".join(CHARACTER_CLASSES[n] for n in missing)
            raise ValidationError(f"password: expected at least {wanted}; it has none")

    def check_history(self, password: str, previous_hashes: Iterable[str]) -> None:
        """Refuse ``password`` if it matches one of the last :attr:`history` hashes.

        ``previous_hashes`` is newest first; only the first :attr:`history` are compared.

        Raises:
            ValidationError: the password was used recently.
        """
        if self.history <= 0:
            return
        for index, stored in enumerate(previous_hashes):
            if index >= self.history:
                break
            if verify_password(stored, password):
                raise ValidationError(
                    f"password: expected one not among the last {self.history} passwords "
                    "of this user; it was used before"
                )

    def expires_at(self, changed_at: dt.datetime) -> dt.datetime | None:
        """When a password set at ``changed_at`` expires, or ``None`` if expiry is off."""
        if self.expiry_days <= 0:
            return None
        return changed_at + dt.timedelta(days=self.expiry_days)

    def check_not_expired(self, user_id: str, changed_at: dt.datetime, now: dt.datetime) -> None:
        """Refuse a sign-in with an expired password.

        Raises:
            AuthenticationError: the password is older than :attr:`expiry_days`.
        """
        expires = self.expires_at(changed_at)
        if expires is not None and now >= expires:
            raise AuthenticationError(
                f"user {user_id}: password expired on {expires:%Y-%m-%d %H:%M} UTC "
                f"(policy: {self.expiry_days} days); change it with 'labelstation user passwd'"
            )


def hash_password(password: str, params: Argon2Params) -> str:
    """Hash ``password`` with argon2id and a fresh random salt."""
    return params.hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True if ``password`` matches ``stored_hash``; False on mismatch.

    Raises:
        IntegrityError: the stored hash is not an argon2 hash at all, which means the user
        table was tampered with or corrupted.
    """
    try:
        return bool(PasswordHasher().verify(stored_hash, password))
    except VerifyMismatchError:
        return False
    except (InvalidHashError, VerificationError):
        raise IntegrityError(
            f"stored password hash {stored_hash[:16]!r}…: expected an argon2 hash "
            "('$argon2id$…'); the user record is corrupt or was altered"
        ) from None


def needs_rehash(stored_hash: str, params: Argon2Params) -> bool:
    """True if ``stored_hash`` was made with other parameters than ``params``."""
    return bool(params.hasher().check_needs_rehash(stored_hash))
