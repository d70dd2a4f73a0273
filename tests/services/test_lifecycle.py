"""The template lifecycle state machine: every state × event, and the edit rule (all branches)."""

from __future__ import annotations

import pytest

from labelstation.errors import ValidationError
from labelstation.services.lifecycle import (
    TRANSITIONS,
    EditAction,
    Event,
    State,
    edit_action,
    transition,
)

# Written out by hand from the requirements (not derived from TRANSITIONS).
EXPECTED = {
    (State.DRAFT, Event.SUBMIT): State.IN_REVIEW,
    (State.DRAFT, Event.RETIRE): State.RETIRED,
    (State.IN_REVIEW, Event.APPROVE): State.APPROVED,
    (State.IN_REVIEW, Event.REJECT): State.DRAFT,
    (State.APPROVED, Event.SUPERSEDE): State.SUPERSEDED,
    (State.APPROVED, Event.RETIRE): State.RETIRED,
    (State.SUPERSEDED, Event.RETIRE): State.RETIRED,
}
ALLOWED_FROM = {
    Event.SUBMIT: "draft",
    Event.APPROVE: "in_review",
    Event.REJECT: "in_review",
    Event.SUPERSEDE: "approved",
    Event.RETIRE: "approved or draft or superseded",
}


def test_table_matches_the_written_expectation() -> None:
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize("event", list(Event))
@pytest.mark.parametrize("state", list(State))
def test_every_state_and_event(state: State, event: Event) -> None:
    if (state, event) in EXPECTED:
        assert transition(state, event) is EXPECTED[(state, event)]
    else:
        with pytest.raises(ValidationError) as exc:
            transition(state, event, label="template t v2")
        assert str(exc.value) == (
            f"template t v2: cannot {event.value} a version in state {state.value}; "
            f"expected state {ALLOWED_FROM[event]}"
        )


def test_retired_is_final() -> None:
    for event in Event:
        with pytest.raises(ValidationError):
            transition(State.RETIRED, event)


def test_default_label() -> None:
    with pytest.raises(ValidationError) as exc:
        transition(State.RETIRED, Event.SUBMIT)
    assert str(exc.value) == (
        "template version: cannot submit a version in state retired; expected state draft"
    )


@pytest.mark.parametrize(
    ("latest", "action"),
    [
        (None, EditAction.NEW_TEMPLATE),
        (State.DRAFT, EditAction.REPLACE_DRAFT),
        (State.APPROVED, EditAction.NEW_VERSION),
        (State.SUPERSEDED, EditAction.NEW_VERSION),
        (State.RETIRED, EditAction.NEW_VERSION),
    ],
)
def test_edit_action(latest: State | None, action: EditAction) -> None:
    assert edit_action(latest) is action


def test_edit_in_review_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        edit_action(State.IN_REVIEW, label="template eu-fmd-carton")
    assert str(exc.value) == (
        "template eu-fmd-carton: the latest version is in_review; expected draft, approved, "
        "superseded or retired (reject it before editing)"
    )
