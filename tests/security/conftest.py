"""Fixtures for the security tests: cheap argon2id parameters so hashing stays fast."""

from __future__ import annotations

import pytest

from labelstation.security.passwords import Argon2Params, PasswordPolicy

#: Still argon2id, but 1 pass over 1 MiB: fast enough for hundreds of hashes in a test run.
FAST_ARGON2 = Argon2Params(time_cost=1, memory_cost_kib=1024, parallelism=1)


@pytest.fixture
def fast_argon2() -> Argon2Params:
    return FAST_ARGON2


@pytest.fixture
def policy() -> PasswordPolicy:
    return PasswordPolicy(min_length=10, history=3, expiry_days=90, argon2=FAST_ARGON2)
