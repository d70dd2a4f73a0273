"""Password policy and argon2id hashing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelstation.errors import AuthenticationError, IntegrityError, ValidationError
from labelstation.security.passwords import (
    Argon2Params,
    PasswordPolicy,
    hash_password,
    needs_rehash,
    verify_password,
)

T0 = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
#: Still argon2id, but 1 pass over 1 MiB: fast enough for hundreds of hashes in a test run.
FAST_ARGON2 = Argon2Params(time_cost=1, memory_cost_kib=1024, parallelism=1)


@pytest.fixture
def policy() -> PasswordPolicy:
    return PasswordPolicy(min_length=10, history=3, expiry_days=90, argon2=FAST_ARGON2)


def test_hash_is_argon2id_and_verifies() -> None:
    stored = hash_password("Correct Horse 9", FAST_ARGON2)
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "Correct Horse 9")
    assert not verify_password(stored, "Correct Horse 8")


def test_same_password_hashes_differently_each_time() -> None:
    assert hash_password("Correct Horse 9", FAST_ARGON2) != hash_password(
        "Correct Horse 9", FAST_ARGON2
    )


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=64))
def test_any_unicode_password_round_trips(password: str) -> None:
    stored = hash_password(password, FAST_ARGON2)
    assert verify_password(stored, password)
    assert not verify_password(stored, password + "x")


def test_corrupt_stored_hash_is_an_integrity_error() -> None:
    with pytest.raises(IntegrityError) as exc:
        verify_password("plaintext-password", "x")
    assert str(exc.value) == (
        "stored password hash 'plaintext-passwo'…: expected an argon2 hash ('$argon2id$…'); "
        "the user record is corrupt or was altered"
    )


def test_needs_rehash_when_parameters_change() -> None:
    stored = hash_password("Correct Horse 9", FAST_ARGON2)
    assert not needs_rehash(stored, FAST_ARGON2)
    assert needs_rehash(stored, Argon2Params(time_cost=2, memory_cost_kib=1024, parallelism=1))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short1a", "password: expected at least 10 characters, got 7"),
        ("alllowercase1", "password: expected at least an upper-case letter; it has none"),
        ("ALLUPPERCASE1", "password: expected at least a lower-case letter; it has none"),
        (
            "NoDigitsHere",
            "password: expected at least a digit; it has none",
        ),
        (
            "nodigitsnoupper",
            "password: expected at least an upper-case letter, a digit; it has none",
        ),
    ],
)
def test_policy_refuses(policy: PasswordPolicy, password: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        policy.check(password)
    assert str(exc.value) == message


def test_policy_symbol_class_and_max_length() -> None:
    policy = PasswordPolicy(
        min_length=4, max_length=8, required_classes=("symbol",), argon2=FAST_ARGON2
    )
    policy.check("ab!d")
    policy.check("ab d")  # a space is a symbol: neither letter nor digit
    with pytest.raises(ValidationError) as exc:
        policy.check("abcd")
    assert str(exc.value) == (
        "password: expected at least a symbol (neither letter nor digit); it has none"
    )
    with pytest.raises(ValidationError) as exc:
        policy.check("ab!defghi")
    assert str(exc.value) == "password: expected at most 8 characters, got 9"


def test_policy_accepts_unicode_letters(policy: PasswordPolicy) -> None:
    policy.check("Ünïcödé Pässwört 1")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"required_classes": ("emoji",)},
            "password policy required_classes: 'emoji' is not a class, expected one of "
            "lower, upper, digit, symbol",
        ),
        (
            {"min_length": 0},
            "password policy min_length 0, max_length 256: expected 1 <= min_length <= max_length",
        ),
        (
            {"min_length": 20, "max_length": 10},
            "password policy min_length 20, max_length 10: expected 1 <= min_length <= max_length",
        ),
        (
            {"max_failed_attempts": 0},
            "password policy max_failed_attempts 0: expected at least 1",
        ),
    ],
)
def test_policy_configuration_is_checked(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        PasswordPolicy(**kwargs)  # type: ignore[arg-type]
    assert str(exc.value) == message


def test_history_refuses_recent_and_allows_older(policy: PasswordPolicy) -> None:
    hashes = [hash_password(p, FAST_ARGON2) for p in ("Newest 00001", "Middle 00002", "Old 000003")]
    oldest = hash_password("Oldest 00004", FAST_ARGON2)
    for recent in ("Newest 00001", "Middle 00002", "Old 000003"):
        with pytest.raises(ValidationError) as exc:
            policy.check_history(recent, [*hashes, oldest])
        assert str(exc.value) == (
            "password: expected one not among the last 3 passwords of this user; it was used before"
        )
    policy.check_history("Oldest 00004", [*hashes, oldest])  # 4th back: outside history=3
    policy.check_history("Brand New 5", hashes)


def test_history_zero_disables_the_rule() -> None:
    policy = PasswordPolicy(history=0, argon2=FAST_ARGON2)
    policy.check_history("Same Again 1", [hash_password("Same Again 1", FAST_ARGON2)])


def test_expiry(policy: PasswordPolicy) -> None:
    assert policy.expires_at(T0) == T0 + dt.timedelta(days=90)
    policy.check_not_expired("jroe", T0, T0 + dt.timedelta(days=90) - dt.timedelta(seconds=1))
    with pytest.raises(AuthenticationError) as exc:
        policy.check_not_expired("jroe", T0, T0 + dt.timedelta(days=90))
    assert str(exc.value) == (
        "user jroe: password expired on 2026-04-01 08:00 UTC (policy: 90 days); "
        "change it with 'labelstation user passwd'"
    )


def test_expiry_zero_never_expires() -> None:
    policy = PasswordPolicy(expiry_days=0, argon2=FAST_ARGON2)
    assert policy.expires_at(T0) is None
    policy.check_not_expired("jroe", T0, T0 + dt.timedelta(days=100_000))
