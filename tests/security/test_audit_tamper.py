"""An attacker with database access edits the audit tables directly; verify must name the entry.

The attacker drops the append-only triggers first (as anyone with DDL rights can), then edits,
deletes, inserts or renumbers rows, with or without recomputing the later hashes. Everything runs
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

import pytest
import sqlalchemy.exc
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from labelstation.errors import IntegrityError
from labelstation.security.audit import AuditTrail, entry_hash
from labelstation.security.keys import FileKeyProvider, checkpoint_mac, key_id
from labelstation.store.db import Database

N = 25  # entries; checkpoints at 10 and 20

_TRIGGERS = {
    "audit_entry": ("no_update", "no_delete", "extends_head"),
    "audit_checkpoint": ("no_update", "no_delete"),
    "audit_head": ("forward", "no_delete"),
}


class TickClock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


def _print_serials(trail: AuditTrail, db: Database) -> None:
    """Append the N serial prints (SN0001, SN0002, …) every tampering test starts from."""
    with db.session() as session:  # one transaction: 25 fsyncs would dominate the run time
        for i in range(1, N + 1):
            trail.append(
                session,
                actor_id="jdoe",
                actor_name="Jane Doe",
                action="serial.print",
                object_type="serial",
                object_id=f"SN{i:04d}",
                old=None,
                new={"state": "printed", "n": i},
                reason=None,
            )


@pytest.fixture
def trail(db: Database, audit_key: FileKeyProvider) -> AuditTrail:
    trail = AuditTrail(db, audit_key, "WS-1", clock=TickClock(), checkpoint_every=10)
    _print_serials(trail, db)
    assert trail.verify().ok
    return trail


def drop_triggers(db: Database) -> None:
    """What an attacker with DDL rights does first."""
    with db.engine.begin() as connection:
        for table, names in _TRIGGERS.items():
            for name in names:
                suffix = f" ON {table}" if db.dialect == "postgresql" else ""
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_{name}{suffix}")


def attack(db: Database, *statements: str, **params: Any) -> None:
    drop_triggers(db)
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), params)


_COLUMNS = (
    "seq",
    "recorded_at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "old_json",
    "new_json",
    "reason",
    "workstation",
    "prev_hash",
    "hash",
)


def read_rows(db: Database) -> list[dict[str, Any]]:
    with db.engine.connect() as connection:
        result = connection.execute(
            text(f"SELECT {', '.join(_COLUMNS)} FROM audit_entry ORDER BY seq")
        )
        return [dict(row._mapping) for row in result]


def seal(row: dict[str, Any]) -> None:
    """Give ``row`` the hash of its own content, as a forger who knows the algorithm would."""
    row["hash"] = entry_hash(**{k: v for k, v in row.items() if k != "hash"})


def rehash(rows: list[dict[str, Any]], start: int = 0) -> None:
    """Recompute seq-consistent links and hashes from ``rows[start]`` on (no key needed)."""
    for index in range(start, len(rows)):
        row = rows[index]
        row["prev_hash"] = rows[index - 1]["hash"] if index else "0" * 64
        seal(row)


def write_rows(db: Database, rows: list[dict[str, Any]], *, head: bool = True) -> None:
    """Replace the whole table by ``rows`` (and the head row), as a superuser would."""
    drop_triggers(db)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM audit_entry")
        for row in rows:
            connection.execute(
                text(
                    f"INSERT INTO audit_entry ({', '.join(_COLUMNS)}) "
                    f"VALUES ({', '.join(':' + c for c in _COLUMNS)})"
                ),
                row,
            )
        if head:
            last = rows[-1]
            connection.execute(
                text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"),
                {"s": last["seq"], "h": last["hash"]},
            )


def expect(trail: AuditTrail, first_bad: int, problem: str) -> None:
    result = trail.verify()
    assert (result.ok, result.first_bad, result.problem) == (False, first_bad, problem)


# -- without recomputing -----------------------------------------------------------------------


def test_changed_entry_is_named(trail: AuditTrail, db: Database) -> None:
    attack(db, "UPDATE audit_entry SET reason = 'typo fixed' WHERE seq = 17")
    expect(trail, 17, "audit entry 17: hash does not match its content (changed)")


@pytest.mark.parametrize(
    "column", ["recorded_at", "actor_id", "actor_name", "new_json", "workstation", "object_id"]
)
def test_any_changed_column_is_caught(trail: AuditTrail, db: Database, column: str) -> None:
    attack(
        db,
        f"UPDATE audit_entry SET {column} = :v WHERE seq = 3",
        v="2026-11-24T23:59:59.000000Z" if column == "recorded_at" else "forged",
    )
    expect(trail, 3, "audit entry 3: hash does not match its content (changed)")


def test_changed_first_entry_is_named(trail: AuditTrail, db: Database) -> None:
    attack(db, "UPDATE audit_entry SET old_json = '{}' WHERE seq = 1")
    expect(trail, 1, "audit entry 1: hash does not match its content (changed)")


def test_deleted_entry_is_named(trail: AuditTrail, db: Database) -> None:
    attack(db, "DELETE FROM audit_entry WHERE seq = 18")
    expect(trail, 18, "audit entry 18 missing (deleted)")


def test_deleted_last_entry_is_named_by_the_head_row(trail: AuditTrail, db: Database) -> None:
    attack(db, f"DELETE FROM audit_entry WHERE seq = {N}")
    expect(trail, N, f"audit entry {N} missing (deleted)")


def test_deleted_tail_with_head_rolled_back_is_caught_by_a_checkpoint(
    trail: AuditTrail, db: Database
) -> None:
    rows = read_rows(db)
    attack(
        db,
        "DELETE FROM audit_entry WHERE seq >= 20",
        "UPDATE audit_head SET seq = 19, hash = :h WHERE id = 1",
        h=rows[18]["hash"],
    )
    expect(trail, 20, "audit entry 20 missing (deleted)")


def test_deleted_tail_after_last_checkpoint_is_caught_only_by_an_anchor(
    trail: AuditTrail, db: Database
) -> None:
    """The documented limit: between checkpoints only an external anchor shows a cut tail."""
    rows = read_rows(db)
    signed_head = (N, rows[-1]["hash"])  # e.g. recorded in a batch record's e-signature
    attack(
        db,
        f"DELETE FROM audit_entry WHERE seq = {N}",
        "UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1",
        s=N - 1,
        h=rows[-2]["hash"],
    )
    assert trail.verify().ok
    result = trail.verify(anchors=[signed_head])
    assert (result.ok, result.first_bad, result.problem) == (
        False,
        N,
        f"audit entry {N} missing (deleted)",
    )


def test_swapped_entries_are_named_as_reordered(trail: AuditTrail, db: Database) -> None:
    attack(
        db,
        "UPDATE audit_entry SET seq = -1 WHERE seq = 17",
        "UPDATE audit_entry SET seq = 17 WHERE seq = 18",
        "UPDATE audit_entry SET seq = 18 WHERE seq = -1",
    )
    expect(
        trail,
        17,
        "audit entry 17: content was recorded as entry 18 (reordered, or entries before it "
        "deleted)",
    )


def test_deleted_and_renumbered_entries_are_named(trail: AuditTrail, db: Database) -> None:
    attack(
        db,
        "DELETE FROM audit_entry WHERE seq = 12",
        "UPDATE audit_entry SET seq = -seq WHERE seq > 12",
        "UPDATE audit_entry SET seq = -seq - 1 WHERE seq < 0",
    )
    expect(
        trail,
        12,
        "audit entry 12: content was recorded as entry 13 (reordered, or entries before it "
        "deleted)",
    )


def test_inserted_entry_with_its_own_valid_hash_is_named(trail: AuditTrail, db: Database) -> None:
    """A forged entry 18 hashes correctly and links to 17; the shifted old 18 gives it away."""
    rows = read_rows(db)
    forged = dict(rows[16], seq=18, object_id="SN9999", prev_hash=rows[16]["hash"])
    seal(forged)
    shifted = [dict(r, seq=r["seq"] + 1) for r in rows[17:]]
    write_rows(db, [*rows[:17], forged, *shifted])
    expect(trail, 18, "audit entry 18 was inserted (the entry now numbered 19 was recorded as 18)")


def test_entry_rewritten_with_its_own_hash_breaks_the_next_link(
    trail: AuditTrail, db: Database
) -> None:
    rows = read_rows(db)
    rows[13]["reason"] = "backdated approval"
    rehash(rows[13:14] and rows, 13)  # recompute 14 onwards, then restore 15's old link
    original = read_rows(db)
    rows[14:] = original[14:]
    write_rows(db, rows, head=False)
    expect(
        trail,
        14,
        "audit entry 14: entry 15 does not chain to it (entry 14 rewritten, or entry 15 inserted)",
    )


def test_first_entry_must_start_from_genesis(trail: AuditTrail, db: Database) -> None:
    rows = read_rows(db)
    rows[0]["prev_hash"] = "f" * 64
    seal(rows[0])
    write_rows(db, rows, head=False)
    expect(trail, 1, "audit entry 1: does not start from the genesis hash (inserted)")


def test_entry_before_the_first_is_named(trail: AuditTrail, db: Database) -> None:
    rows = read_rows(db)
    write_rows(db, [dict(rows[0], seq=0, hash="a" * 64), *rows], head=False)
    expect(trail, 0, "audit entry 0: sequence number below 1 (inserted)")


def test_entry_beyond_the_head_is_named(trail: AuditTrail, db: Database) -> None:
    rows = read_rows(db)
    extra = dict(rows[-1], seq=N + 1, prev_hash=rows[-1]["hash"], object_id="SN-FORGED")
    seal(extra)
    write_rows(db, [*rows, extra], head=False)
    expect(trail, N + 1, f"audit entry {N + 1}: beyond the chain head at entry {N} (inserted)")


def test_head_row_hash_changed_is_named(trail: AuditTrail, db: Database) -> None:
    attack(db, "UPDATE audit_head SET hash = :h WHERE id = 1", h="e" * 64)
    expect(trail, N, f"audit entry {N}: hash differs from the chain head (changed)")


# -- recomputing every later hash: only the keyed checkpoints catch it -------------------------


def test_rewritten_chain_fails_at_the_next_checkpoint(trail: AuditTrail, db: Database) -> None:
    rows = read_rows(db)
    rows[16]["reason"] = "rewritten"
    rehash(rows, 16)
    write_rows(db, rows)
    expect(
        trail,
        11,
        "checkpoint at entry 20: entry hash does not match the checkpoint (chain rewritten "
        "between entries 11 and 20)",
    )


def test_rewritten_chain_and_checkpoint_hash_fails_on_the_hmac(
    trail: AuditTrail, db: Database
) -> None:
    rows = read_rows(db)
    rows[16]["new_json"] = '{"n":17,"state":"destroyed"}'
    rehash(rows, 16)
    write_rows(db, rows)
    attack(
        db,
        "UPDATE audit_checkpoint SET entry_hash = :h WHERE seq = 20",
        h=rows[19]["hash"],
    )
    expect(
        trail,
        11,
        "checkpoint at entry 20: HMAC does not match (chain rewritten between entries 11 and 20)",
    )


def test_checkpoint_forged_with_another_key_is_named(
    trail: AuditTrail, db: Database, audit_key: FileKeyProvider
) -> None:
    rows = read_rows(db)
    del rows[4]
    for row in rows[4:]:
        row["seq"] -= 1
    rehash(rows, 4)
    write_rows(db, rows)
    attacker_key = b"\x01" * 32
    stmts = []
    params: dict[str, Any] = {}
    for seq in (10, 20):
        h = rows[seq - 1]["hash"]
        stmts.append(
            f"UPDATE audit_checkpoint SET entry_hash = :h{seq}, mac = :m{seq}, key_id = :k "
            f"WHERE seq = {seq}"
        )
        params[f"h{seq}"] = h
        params[f"m{seq}"] = checkpoint_mac(attacker_key, seq, h)
    params["k"] = key_id(attacker_key)
    attack(db, *stmts, **params)
    site = key_id(audit_key.key())
    expect(
        trail,
        1,
        f"checkpoint at entry 10: made with key {key_id(attacker_key)}, not the site key "
        f"{site}; expected the key file of this site",
    )
    # Claiming the site's key id does not help without the key itself.
    attack(db, "UPDATE audit_checkpoint SET key_id = :k", k=site)
    expect(
        trail,
        1,
        "checkpoint at entry 10: HMAC does not match (chain rewritten between entries 1 and 10)",
    )


def test_checkpoint_mac_is_hmac_sha256_over_seq_and_hash() -> None:
    key = bytes(range(32))
    expected = hmac.new(
        key, b"labelstation-audit-checkpoint\x0020\x00" + b"a" * 64, hashlib.sha256
    ).hexdigest()
    assert checkpoint_mac(key, 20, "a" * 64) == expected


# -- the database refuses before anyone has to verify ------------------------------------------


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE audit_entry SET reason = 'x' WHERE seq = 3",
            "audit_entry is append-only: UPDATE refused",
        ),
        ("DELETE FROM audit_entry WHERE seq = 3", "audit_entry is append-only: DELETE refused"),
        (
            "UPDATE audit_checkpoint SET mac = 'x'",
            "audit_checkpoint is append-only: UPDATE refused",
        ),
        ("DELETE FROM audit_checkpoint", "audit_checkpoint is append-only: DELETE refused"),
        ("DELETE FROM audit_head", "audit_head: DELETE refused; the chain head only moves forward"),
        (
            "UPDATE audit_head SET seq = 3 WHERE id = 1",
            "audit_head: UPDATE refused; the chain head only moves forward",
        ),
        (
            "INSERT INTO audit_entry (seq, recorded_at, actor_id, actor_name, action, object_type,"
            " object_id, workstation, prev_hash, hash) VALUES (99, 't', 'a', 'a', 'a', 'a', 'a',"
            " 'w', 'p', 'h')",
            "audit_entry: INSERT refused; seq and prev_hash must extend the chain head",
        ),
    ],
)
def test_triggers_refuse_update_delete_and_out_of_chain_insert(
    trail: AuditTrail, db: Database, statement: str, message: str
) -> None:
    with pytest.raises(sqlalchemy.exc.DatabaseError) as exc, db.engine.begin() as connection:
        connection.exec_driver_sql(statement)
    assert message in str(exc.value.orig)
    assert trail.verify().ok


@pytest.mark.parametrize("table", ["audit_entry", "audit_checkpoint", "audit_head"])
@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_postgresql_refuses_truncate(trail: AuditTrail, db: Database, table: str) -> None:
    with pytest.raises(sqlalchemy.exc.DatabaseError) as exc, db.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {table}")
    assert "refused" in str(exc.value.orig)
    assert trail.verify().ok


# -- property: any single edit anywhere is named exactly ---------------------------------------

_EDITABLE = ("recorded_at", "actor_id", "actor_name", "action", "object_id", "new_json", "reason")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seq=st.integers(min_value=1, max_value=N),
    column=st.sampled_from(_EDITABLE),
    value=st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
)
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_any_single_edit_is_named(
    trail: AuditTrail, db: Database, seq: int, column: str, value: str
) -> None:
    with db.engine.connect() as connection:
        original = connection.execute(
            text(f"SELECT {column} FROM audit_entry WHERE seq = :s"), {"s": seq}
        ).scalar()
    assume(value != original)
    attack(db, f"UPDATE audit_entry SET {column} = :v WHERE seq = :s", v=value, s=seq)
    try:
        expect(trail, seq, f"audit entry {seq}: hash does not match its content (changed)")
    finally:
        attack(db, f"UPDATE audit_entry SET {column} = :v WHERE seq = :s", v=original, s=seq)
    assert trail.verify().ok


def test_deleted_head_row_is_reported_and_blocks_appends(trail: AuditTrail, db: Database) -> None:
    attack(db, "DELETE FROM audit_head")
    message = (
        "audit chain head: the row in audit_head is missing (deleted); expected exactly one row"
    )
    expect(trail, N + 1, message)
    with pytest.raises(IntegrityError) as exc, db.session() as session:
        trail.append(
            session,
            actor_id="jdoe",
            actor_name="Jane Doe",
            action="serial.print",
            object_type="serial",
            object_id="SN-AFTER",
            old=None,
            new=None,
            reason=None,
        )
    assert str(exc.value) == message
    with pytest.raises(IntegrityError, match="audit_head is missing"):
        trail.head()


def test_earlier_damage_is_named_before_a_missing_head_row(trail: AuditTrail, db: Database) -> None:
    attack(db, "DELETE FROM audit_head", "UPDATE audit_entry SET reason = 'x' WHERE seq = 4")
    expect(trail, 4, "audit entry 4: hash does not match its content (changed)")


def test_rewritten_chain_with_checkpoints_deleted_is_caught(
    trail: AuditTrail, db: Database
) -> None:
    rows = read_rows(db)
    rows[16]["reason"] = "rewritten"
    rehash(rows, 16)
    write_rows(db, rows)
    attack(db, "DELETE FROM audit_checkpoint WHERE seq >= 20")
    expect(
        trail,
        11,
        "checkpoint at entry 20 missing (deleted; the chain may have been rewritten between "
        "entries 11 and 20)",
    )
    attack(db, "DELETE FROM audit_checkpoint")
    expect(
        trail,
        1,
        "checkpoint at entry 10 missing (deleted; the chain may have been rewritten between "
        "entries 1 and 10)",
    )


def test_verifier_with_a_longer_interval_accepts_the_same_trail(
    trail: AuditTrail, db: Database, audit_key: FileKeyProvider
) -> None:
    assert AuditTrail(db, audit_key, "QA", checkpoint_every=20).verify().ok
    assert not AuditTrail(db, audit_key, "QA", checkpoint_every=5).verify().ok


@pytest.mark.parametrize("victim", [1, 13, N])
def test_default_interval_names_the_exact_rewritten_entry_even_in_the_tail(
    db: Database, audit_key: FileKeyProvider, victim: int
) -> None:
    """With a checkpoint after every entry (the default) no rewrite hides, not even the newest."""
    site = AuditTrail(db, audit_key, "WS-1", clock=TickClock())
    _print_serials(site, db)
    assert len(site.checkpoints()) == N
    rows = read_rows(db)
    rows[victim - 1]["actor_name"] = "Someone Else"
    rehash(rows, victim - 1)
    write_rows(db, rows)
    expect(
        site,
        victim,
        f"checkpoint at entry {victim}: entry hash does not match the checkpoint (chain "
        f"rewritten between entries {victim} and {victim})",
    )
