"""The audit trail: appending, reading back, refusals, checkpoints and exports (SQLite and PG)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labelstation.errors import IntegrityError, ValidationError
from labelstation.security.audit import (
    CSV_COLUMNS,
    GENESIS_HASH,
    AuditEntry,
    AuditTrail,
    ChainHead,
    VerifyResult,
    entry_hash,
    require_ok,
)
from labelstation.security.keys import CheckpointKeyError, FileKeyProvider, checkpoint_mac, key_id
from labelstation.store.db import Database

CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
GS = "\x1d"


class TickClock:
    """A clock that moves one second and one microsecond per call (never the same instant)."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 11, 25, 8, 0, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1, microseconds=1)
        return self.now


#: The fields of a plain entry; a test overrides only what it is about.
_BASE: dict[str, Any] = {
    "actor_id": "jdoe",
    "actor_name": "Jane Doe",
    "action": "template.edit",
    "object_type": "template",
    "object_id": "T1",
    "old": None,
    "new": None,
    "reason": None,
}


def _append(trail: AuditTrail, db: Database, n: int = 1, **overrides: Any) -> list[AuditEntry]:
    out = []
    for i in range(n):
        fields: dict[str, Any] = {
            **_BASE,
            "object_id": f"T-{i}",
            "old": {"version": i},
            "new": {"version": i + 1},
            **overrides,
        }
        with db.session() as session:
            out.append(trail.append(session, **fields))
    return out


@pytest.fixture
def trail(db: Database, audit_key: FileKeyProvider) -> AuditTrail:
    return AuditTrail(db, audit_key, "LINE-3 WS-1", clock=TickClock(), checkpoint_every=10)


def test_empty_trail_verifies_and_exports(trail: AuditTrail, tmp_path: Path) -> None:
    assert trail.head() == ChainHead(0, GENESIS_HASH)
    result = trail.verify()
    assert result == VerifyResult(
        ok=True,
        entries=0,
        first_bad=None,
        problem="",
        checkpoints=0,
        hmac_checked=False,
        head=ChainHead(0, GENESIS_HASH),
    )
    assert trail.checkpoint() is None
    assert trail.export_csv(tmp_path / "empty.csv") == 0
    assert (tmp_path / "empty.csv").read_bytes() == (",".join(CSV_COLUMNS) + "\r\n").encode()
    assert trail.export_pdf(tmp_path / "empty.pdf") == 0
    assert (tmp_path / "empty.pdf").read_bytes().startswith(b"%PDF-")


def test_append_records_who_when_what_why_where(trail: AuditTrail, db: Database) -> None:
    with db.session() as session:
        entry = trail.append(
            session,
            actor_id="jdoe",
            actor_name="Jane Doe",
            action="template.approve",
            object_type="template",
            object_id="CARTON-EU/3",
            old={"state": "review"},
            new={"state": "approved"},
            reason="QA release 2026-117",
        )
        assert trail.head(session) == ChainHead(1, entry.hash)
    assert entry.seq == 1
    assert entry.recorded_at == dt.datetime(2026, 11, 25, 8, 0, 1, 1, tzinfo=dt.UTC)
    assert entry.prev_hash == GENESIS_HASH
    assert entry.old_json == '{"state":"review"}'
    assert entry.workstation == "LINE-3 WS-1"
    assert entry.hash == entry_hash(
        seq=1,
        recorded_at="2026-11-25T08:00:01.000001Z",
        actor_id="jdoe",
        actor_name="Jane Doe",
        action="template.approve",
        object_type="template",
        object_id="CARTON-EU/3",
        old_json='{"state":"review"}',
        new_json='{"state":"approved"}',
        reason="QA release 2026-117",
        workstation="LINE-3 WS-1",
        prev_hash=GENESIS_HASH,
    )
    assert trail.entries() == [entry]
    assert trail.head() == ChainHead(1, entry.hash)


def test_entries_chain_and_read_back_in_ranges(trail: AuditTrail, db: Database) -> None:
    written = _append(trail, db, 5)
    assert [e.prev_hash for e in written[1:]] == [e.hash for e in written[:-1]]
    assert trail.entries(start=2, stop=3) == written[1:3]
    assert trail.entries(start=4) == written[3:]


def test_checkpoints_every_n_entries_and_on_demand(
    trail: AuditTrail, db: Database, audit_key: FileKeyProvider
) -> None:
    written = _append(trail, db, 23)
    key = audit_key.key()
    points = trail.checkpoints()
    assert [(c.seq, c.entry_hash) for c in points] == [
        (10, written[9].hash),
        (20, written[19].hash),
    ]
    assert all(c.mac == checkpoint_mac(key, c.seq, c.entry_hash) for c in points)
    assert all(c.key_id == key_id(key) for c in points)
    manual = trail.checkpoint()
    assert manual is not None
    assert (manual.seq, manual.entry_hash) == (23, written[22].hash)
    with db.session() as session:
        inside = trail.checkpoint(session)
    assert inside is not None
    assert inside == manual  # the head already has its checkpoint: no second row
    result = trail.verify()
    assert (result.ok, result.entries, result.checkpoints, result.hmac_checked) == (
        True,
        23,
        3,
        True,
    )
    assert result.as_dict() == {
        "ok": True,
        "entries": 23,
        "first_bad": None,
        "problem": "",
        "checkpoints": 3,
        "hmac_checked": True,
        "head": {"seq": 23, "hash": written[22].hash},
    }
    require_ok(result)


def test_station_with_another_key_cannot_add_checkpoints(
    trail: AuditTrail, db: Database, tmp_path: Path
) -> None:
    _append(trail, db, 10)
    stranger = FileKeyProvider(tmp_path / "stranger.key")
    other = AuditTrail(db, stranger, "WS-NEW", checkpoint_every=10)
    site = trail.checkpoints()[0].key_id
    with pytest.raises(CheckpointKeyError) as exc:
        other.checkpoint()
    assert str(exc.value) == (
        f"audit key: this station's key {key_id(stranger.key())} is not the key {site} of the "
        "existing checkpoints; expected the site key (copy the key file from a station)"
    )
    with pytest.raises(CheckpointKeyError):
        _append(other, db, 10)  # the tenth append needs a checkpoint: the change rolls back
    assert trail.head().seq == 19
    assert trail.verify().ok


def test_verify_without_hmac_still_compares_checkpoint_hashes(
    trail: AuditTrail, db: Database
) -> None:
    _append(trail, db, 10)
    result = trail.verify(check_hmac=False)
    assert (result.ok, result.checkpoints, result.hmac_checked) == (True, 1, False)


def test_anchor_recorded_elsewhere_must_match(trail: AuditTrail, db: Database) -> None:
    written = _append(trail, db, 3)
    assert trail.verify(anchors=[(2, written[1].hash)]).ok
    result = trail.verify(anchors=[(2, written[2].hash)])
    assert (result.ok, result.first_bad, result.problem) == (
        False,
        2,
        "anchor at entry 2: recorded head hash does not match the entry (chain rewritten)",
    )
    with pytest.raises(IntegrityError, match=r"^anchor at entry 2: recorded head hash"):
        require_ok(result)


def test_failed_transaction_leaves_no_entry(trail: AuditTrail, db: Database) -> None:
    _append(trail, db, 2)
    head = trail.head()

    def append_then_fail() -> None:
        with db.session() as session:
            trail.append(
                session,
                actor_id="jdoe",
                actor_name="Jane Doe",
                action="batch.start",
                object_type="batch",
                object_id="B1",
                old=None,
                new={"state": "running"},
                reason=None,
            )
            raise RuntimeError("printer jammed")

    with pytest.raises(RuntimeError, match="printer jammed"):
        append_then_fail()
    assert trail.head() == head
    assert len(trail.entries()) == 2
    assert trail.verify().ok


def test_reason_required_by_caller_or_action_list(db: Database, audit_key: FileKeyProvider) -> None:
    trail = AuditTrail(db, audit_key, "WS", reason_actions={"product.change"})
    with pytest.raises(ValidationError) as exc, db.session() as session:
        trail.append(
            session,
            actor_id="jdoe",
            actor_name="Jane Doe",
            action="product.change",
            object_type="product",
            object_id="P1",
            old={"gtin": "09506000134352"},
            new={"gtin": "09506000134369"},
            reason="  ",
        )
    assert str(exc.value) == (
        "audit reason: '  ' for action 'product.change' on product 'P1'; expected a reason "
        "(changes to approved or production data need one)"
    )
    with pytest.raises(ValidationError) as exc, db.session() as session:
        trail.append(
            session,
            actor_id="jdoe",
            actor_name="Jane Doe",
            action="template.edit",
            object_type="template",
            object_id="T1",
            old=None,
            new={},
            reason=None,
            reason_required=True,
        )
    assert str(exc.value) == (
        "audit reason: None for action 'template.edit' on template 'T1'; expected a reason "
        "(changes to approved or production data need one)"
    )
    with db.session() as session:
        entry = trail.append(
            session,
            actor_id="jdoe",
            actor_name="Jane Doe",
            action="product.change",
            object_type="product",
            object_id="P1",
            old=None,
            new={},
            reason="CAPA-12",
        )
    assert entry.reason == "CAPA-12"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"actor_id": ""}, "audit actor_id: '' is empty; expected text"),
        ({"actor_id": 7}, "audit actor_id: 7 is a int; expected text"),
        ({"reason": ""}, "audit reason: '' is empty; expected a reason or None"),
        ({"reason": 5}, "audit reason: 5 is a int; expected text"),
        ({"actor_name": "x" * 201}, "audit actor_name: 201 characters; expected at most 200"),
        ({"action": "a" * 65}, "audit action: 65 characters; expected at most 64"),
        ({"object_type": " "}, "audit object_type: ' ' is empty; expected text"),
        ({"object_id": "o" * 201}, "audit object_id: 201 characters; expected at most 200"),
        (
            {"reason": "bad\x00reason"},
            "audit reason: 'bad\\x00reason' contains NUL (U+0000); expected text without NUL, "
            "which PostgreSQL cannot store",
        ),
        (
            {"actor_name": "Ann\ud800"},
            "audit actor_name: 'Ann\\ud800' is not valid Unicode (surrogates not allowed); "
            "expected UTF-8 text",
        ),
        ({"old": [1, 2]}, "audit old: [1, 2] is a list; expected a dict or None"),
        (
            {"new": {"x": float("nan")}},
            "audit new: {'x': nan} holds NaN or infinity; expected finite numbers (JSON has "
            "neither)",
        ),
        (
            {"new": {"when": dt.date(2026, 1, 2)}},
            "audit new: {'when': datetime.date(2026, 1, 2)} cannot be written as JSON (Object "
            "of type date is not JSON serializable); expected JSON values",
        ),
        (
            {"old": {1: "a"}},
            "audit old: {1: 'a'} does not survive JSON unchanged; expected string keys and "
            "JSON values (str, int, float, bool, None, list, dict)",
        ),
        (
            {"old": {"a": [{"b": (1, 2)}]}},
            "audit old: {'a': [{'b': (1, 2)}]} does not survive JSON unchanged; expected "
            "string keys and JSON values (str, int, float, bool, None, list, dict)",
        ),
    ],
)
def test_refusals_name_field_value_and_expectation(
    trail: AuditTrail, db: Database, override: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError) as exc, db.session() as session:
        trail.append(session, **{**_BASE, **override})
    assert str(exc.value) == message
    assert trail.head().seq == 0


def test_object_id_may_be_empty_and_lists_without_tuples_pass(
    trail: AuditTrail, db: Database
) -> None:
    with db.session() as session:
        entry = trail.append(session, **{**_BASE, "object_id": "", "new": {"a": [[1], {"b": []}]}})
    assert entry.object_id == ""
    assert entry.new == {"a": [[1], {"b": []}]}


def test_constructor_refusals(db: Database, audit_key: FileKeyProvider) -> None:
    with pytest.raises(ValidationError) as exc:
        AuditTrail(db, audit_key, "WS", checkpoint_every=0)
    assert str(exc.value) == (
        "audit checkpoint_every: 0 is below 1; expected a positive number of entries"
    )
    with pytest.raises(ValidationError) as exc:
        AuditTrail(db, audit_key, "")
    assert str(exc.value) == "audit workstation: '' is empty; expected text"


def test_clock_must_be_aware_and_is_stored_in_utc(db: Database, audit_key: FileKeyProvider) -> None:
    naive = AuditTrail(db, audit_key, "WS", clock=lambda: dt.datetime(2026, 1, 1, 12, 0))
    with pytest.raises(ValidationError) as exc, db.session() as session:
        naive.append(session, **_BASE)
    assert str(exc.value) == (
        "audit clock: 2026-01-01T12:00:00 has no time zone; expected an aware datetime"
    )
    cet = dt.timezone(dt.timedelta(hours=1))
    local = AuditTrail(
        db, audit_key, "WS", clock=lambda: dt.datetime(2026, 1, 1, 0, 30, tzinfo=cet)
    )
    with db.session() as session:
        entry = local.append(session, **_BASE)
    assert entry.recorded_at == dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert local.entries()[0].recorded_at == entry.recorded_at


def test_real_clock_is_utc_and_now(db: Database, audit_key: FileKeyProvider) -> None:
    trail = AuditTrail(db, audit_key, "WS")
    before = dt.datetime.now(dt.UTC)
    with db.session() as session:
        entry = trail.append(session, **_BASE)
    assert before <= entry.recorded_at <= dt.datetime.now(dt.UTC)


def test_edge_values_survive_append_read_verify_and_csv(
    trail: AuditTrail, db: Database, tmp_path: Path
) -> None:
    """Every CSET 82 character, GS, maximum lengths and non-Latin text come back unchanged."""
    values: dict[str, Any] = {
        "actor_id": "u" * 64,
        "actor_name": "Zoë Ångström-Łukasiewicz 李小龍 " + "n" * 170,
        "action": "a" * 64,
        "object_type": "t" * 64,
        "object_id": ("]d2" + CSET82 + GS + "21SN0001")[:200],
        "old": {"data": CSET82, "gs": f"10ABC{GS}21X", "max": "9" * 20, "f": 0.1, "big": 2**62},
        "new": {"text": 'Ελληνικά, кириллица, 日本語, emoji 💊, quote " and \\ and \n'},
        "reason": "Änderung laut CAPA-7;\r\nzweite Zeile, 'quoted', \"double\"",
    }
    assert len(values["actor_name"]) <= 200
    with db.session() as session:
        written = trail.append(session, **values)
    (read,) = trail.entries()
    assert read == written
    for field, value in values.items():
        assert getattr(read, field) == value
    assert trail.verify().ok
    target = tmp_path / "audit.csv"
    assert trail.export_csv(target) == 1
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(CSV_COLUMNS)
    row = rows[0]
    assert json.loads(row["old"]) == values["old"]
    assert row["reason"] == values["reason"]
    assert row["object_id"] == values["object_id"]
    # The CSV alone is enough to recompute the hash.
    assert (
        entry_hash(
            seq=int(row["seq"]),
            recorded_at=row["recorded_at"],
            actor_id=row["actor_id"],
            actor_name=row["actor_name"],
            action=row["action"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            old_json=row["old"] or None,
            new_json=row["new"] or None,
            reason=row["reason"] or None,
            workstation=row["workstation"],
            prev_hash=row["prev_hash"],
        )
        == row["hash"]
    )


_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")
_json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)
_json = st.recursive(
    _json_leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    actor_name=_text,
    object_id=st.text(alphabet=CSET82 + GS, max_size=200),
    reason=st.one_of(
        st.none(),
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
            min_size=1,
        ),
    ),
    new=st.dictionaries(st.text(max_size=8), _json, max_size=4),
)
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_any_allowed_value_round_trips(
    trail: AuditTrail,
    db: Database,
    actor_name: str,
    object_id: str,
    reason: str | None,
    new: dict[str, Any],
) -> None:
    with db.session() as session:
        written = trail.append(
            session,
            **{
                **_BASE,
                "actor_name": actor_name,
                "object_id": object_id,
                "new": new,
                "reason": reason,
            },
        )
    read = trail.entries(start=written.seq, stop=written.seq)
    assert read == [written]
    assert read[0].new == new
    assert (read[0].actor_name, read[0].object_id, read[0].reason) == (
        actor_name,
        object_id,
        reason,
    )


def test_pdf_export_is_readable_text(trail: AuditTrail, db: Database, tmp_path: Path) -> None:
    _append(trail, db, 2)
    with db.session() as session:
        trail.append(
            session,
            actor_id="mkowalska",
            actor_name="Małgorzata Kowalska",
            action="batch.release",
            object_type="batch",
            object_id=f"01095060001343521{GS}10LOT<7>&\x7f",
            old={"state": "running"},
            new={"state": "released"},
            reason="Line clearance OK\nsecond line\x07",
        )
    target = tmp_path / "audit.pdf"
    assert trail.export_pdf(target) == 3
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Audit trail" in text
    assert "Małgorzata Kowalska" in text
    assert "batch.release" in text
    packed = "".join(text.split())  # table cells wrap; compare without white space
    assert "01095060001343521<GS>10LOT<7>&<U+007F>" in packed
    assert "secondline<U+0007>" in packed
    head = trail.head()
    assert head.hash in packed
    assert "chain verified: 3 entries" in text
    assert trail.export_pdf(tmp_path / "again.pdf", title="Audit trail, line 3") == 3


def test_pdf_export_lays_out_huge_values_and_points_to_the_csv(
    trail: AuditTrail, db: Database, tmp_path: Path
) -> None:
    big = {"elements": [{"id": f"e{i}", "text": "x" * 50} for i in range(400)]}
    with db.session() as session:
        trail.append(
            session,
            **{
                **_BASE,
                "action": "template.import",
                "object_id": "CARTON-EU v1",
                "new": big,
                "reason": "\x07" * 700,  # spelled out as <U+0007>: far longer than it looks
            },
        )
    target = tmp_path / "big.pdf"
    assert trail.export_pdf(target) == 1
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    packed = "".join(text.split())
    new_json = trail.entries()[0].new_json
    assert new_json is not None
    hidden = len("—\n→ ") + len(new_json) - 1200
    assert f"[{hidden}morecharacters:seetheCSVexport]" in packed
    assert f"[{700 * 8 - 600}morecharacters:seetheCSVexport]" in packed
    assert '{"elements":[{"id":"e0","text":"xxxx' in packed
