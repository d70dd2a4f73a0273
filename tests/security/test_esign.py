"""Electronic signatures: binding, verification, manifestation, credentials (full branches)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labelstation.errors import AuthenticationError, IntegrityError, ValidationError
from labelstation.security.esign import (
    Meaning,
    Signature,
    manifestation,
    signing_user_id,
    verify_signature,
)
from labelstation.security.roles import Role
from labelstation.security.session import UserSession

WHEN = dt.datetime(2026, 11, 25, 14, 3, 27, 123456, tzinfo=dt.UTC)
HASH_A = "a" * 64
HASH_B = "b" * 64
HEAD = "c" * 64


def _sig(**overrides: object) -> Signature:
    fields: dict[str, object] = {
        "signer_id": "jroe",
        "signer_name": "Jane Roe",
        "meaning": Meaning.APPROVED,
        "signed_at": WHEN,
        "record_type": "template",
        "record_id": "eu-fmd-carton v3",
        "content_hash": HASH_A,
        "audit_seq": 41,
        "audit_hash": HEAD,
    }
    fields.update(overrides)
    return Signature.create(**fields)  # type: ignore[arg-type]


def test_signature_is_bound_to_its_record_and_content() -> None:
    sig = _sig()
    assert sig.signed_at == WHEN.replace(microsecond=0)
    verify_signature(sig, record_type="template", record_id="eu-fmd-carton v3", content_hash=HASH_A)


def test_other_content_hash_fails() -> None:
    with pytest.raises(IntegrityError) as exc:
        verify_signature(
            _sig(), record_type="template", record_id="eu-fmd-carton v3", content_hash=HASH_B
        )
    assert str(exc.value) == (
        f"template eu-fmd-carton v3: content hash {HASH_B} does not match the approved "
        f"signature's {HASH_A}"
    )


@pytest.mark.parametrize(
    ("record_type", "record_id"),
    [("template", "eu-fmd-carton v4"), ("product", "eu-fmd-carton v3")],
)
def test_other_record_fails(record_type: str, record_id: str) -> None:
    sig = _sig()
    with pytest.raises(IntegrityError) as exc:
        verify_signature(sig, record_type=record_type, record_id=record_id, content_hash=HASH_A)
    assert str(exc.value) == (
        f"signature {sig.signature_hash} by jroe: made for template eu-fmd-carton v3, "
        f"not for {record_type} {record_id}"
    )


@pytest.mark.parametrize(
    "field",
    [
        ("signer_id", "mallory"),
        ("signer_name", "Mallory"),
        ("meaning", Meaning.REVIEWED),
        ("signed_at", WHEN + dt.timedelta(seconds=1)),
        ("record_id", "eu-fmd-carton v4"),
        ("content_hash", HASH_B),
        ("audit_seq", 42),
        ("audit_hash", HASH_B),
    ],
)
def test_any_altered_field_breaks_the_signature_hash(field: tuple[str, Any]) -> None:
    sig = _sig()
    forged = dataclasses.replace(sig, **{field[0]: field[1]})
    with pytest.raises(IntegrityError) as exc:
        verify_signature(
            forged,
            record_type=forged.record_type,
            record_id=forged.record_id,
            content_hash=forged.content_hash,
        )
    assert str(exc.value) == (
        f"signature {sig.signature_hash} by {forged.signer_id}: its fields hash to "
        f"{_sig(**{field[0]: field[1]}).signature_hash}: the signature record was altered"
    )


def test_hash_covers_the_audit_head() -> None:
    assert _sig().signature_hash != _sig(audit_hash=HASH_B).signature_hash
    assert _sig().signature_hash != _sig(audit_seq=40).signature_hash


def test_same_inputs_same_hash_and_time_zone_normalised() -> None:
    cet = dt.timezone(dt.timedelta(hours=1))
    assert _sig().signature_hash == _sig(signed_at=WHEN.astimezone(cet)).signature_hash


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        _sig(signed_at=dt.datetime(2026, 11, 25, 14, 3))
    assert str(exc.value) == (
        "signature time 2026-11-25T14:03:00: expected a timezone-aware UTC time"
    )


@pytest.mark.parametrize("bad", ["", "A" * 64, "a" * 63, "g" * 64])
def test_content_hash_must_be_sha256_hex(bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        _sig(content_hash=bad)
    assert str(exc.value) == f"content hash {bad!r}: expected 64 lowercase hex digits (SHA-256)"


@pytest.mark.parametrize(
    ("meaning", "line"),
    [
        (
            Meaning.APPROVED,
            "Approved by Jane Roe (jroe) on 2026-11-25 14:03 UTC — meaning: approved",
        ),
        (
            Meaning.REJECTED,
            "Rejected by Jane Roe (jroe) on 2026-11-25 14:03 UTC — meaning: rejected",
        ),
        (
            Meaning.AUTHORED,
            "Authored by Jane Roe (jroe) on 2026-11-25 14:03 UTC — meaning: authored",
        ),
    ],
)
def test_manifestation(meaning: Meaning, line: str) -> None:
    assert manifestation(_sig(meaning=meaning)) == line


@given(
    name=st.text(min_size=1, max_size=200),
    record_id=st.text(min_size=0, max_size=200),
)
def test_any_unicode_name_and_record_id_verify(name: str, record_id: str) -> None:
    sig = _sig(signer_name=name, record_id=record_id)
    verify_signature(sig, record_type="template", record_id=record_id, content_hash=HASH_A)
    assert f"by {name} (jroe)" in manifestation(sig)


class _Clock:
    def __init__(self) -> None:
        self.now = WHEN

    def __call__(self) -> dt.datetime:
        return self.now


def _session() -> tuple[UserSession, _Clock]:
    clock = _Clock()
    return UserSession.start("jroe", "Jane Roe", frozenset({Role.QA}), 600, clock), clock


def test_first_signing_needs_user_id() -> None:
    session, _ = _session()
    with pytest.raises(AuthenticationError) as exc:
        signing_user_id(session, None)
    assert str(exc.value) == (
        "signature in the session of jroe: the first signing in a session needs the user ID "
        "and the password"
    )
    assert signing_user_id(session, "jroe") == "jroe"


def test_later_signings_need_only_the_password() -> None:
    session, _ = _session()
    session.signed_once = True
    assert signing_user_id(session, None) == "jroe"
    assert signing_user_id(session, "jroe") == "jroe"


def test_only_the_session_user_signs() -> None:
    session, _ = _session()
    with pytest.raises(AuthenticationError) as exc:
        signing_user_id(session, "mallory")
    assert str(exc.value) == (
        "signature user ID 'mallory': expected 'jroe', the user signed in to this session"
    )


def test_no_signing_in_a_locked_session() -> None:
    session, clock = _session()
    session.signed_once = True
    clock.now += dt.timedelta(seconds=600)
    with pytest.raises(AuthenticationError) as exc:
        signing_user_id(session, None)
    assert str(exc.value) == (
        "session of jroe: locked after 600 s without activity; enter the password to continue"
    )
