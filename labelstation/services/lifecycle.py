"""The template-version lifecycle as a pure state machine.

::

    draft ──submit──► in_review ──approve──► approved ──supersede──► superseded
      ▲                  │                      │                        │
      └─────reject───────┘                      └──retire──► retired ◄───┘
    draft ──retire──► retired (an abandoned draft)

Only an *approved* version may be printed. Editing never changes an approved, superseded or
retired version: it creates a new draft with the next version number (:func:`edit_action`).
Keeping the table here, free of storage, lets tests cover every state × event pair.

>>> transition(State.DRAFT, Event.SUBMIT)
<State.IN_REVIEW: 'in_review'>
"""

from __future__ import annotations

from enum import StrEnum

from labelstation.errors import ValidationError


class State(StrEnum):
    """Where a template version is in its life."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SUPERSEDED = "superseded"
    RETIRED = "retired"


class Event(StrEnum):
    """What can happen to a template version."""

    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    SUPERSEDE = "supersede"
    RETIRE = "retire"


#: (state, event) -> next state; any pair not listed is refused.
TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.DRAFT, Event.SUBMIT): State.IN_REVIEW,
    (State.IN_REVIEW, Event.APPROVE): State.APPROVED,
    (State.IN_REVIEW, Event.REJECT): State.DRAFT,
    (State.APPROVED, Event.SUPERSEDE): State.SUPERSEDED,
    (State.APPROVED, Event.RETIRE): State.RETIRED,
    (State.SUPERSEDED, Event.RETIRE): State.RETIRED,
    (State.DRAFT, Event.RETIRE): State.RETIRED,
}


def transition(state: State, event: Event, *, label: str = "template version") -> State:
    """Return the state after ``event``, or refuse an event the state does not allow.

    Args:
        state: the version's current state.
        event: what is requested.
        label: how the message names the version (``"template eu-fmd-carton v3"``).

    Raises:
        ValidationError: naming the version, the event, its state and the states that allow it.
    """
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        allowed = sorted(s.value for (s, e) in TRANSITIONS if e is event)
        raise ValidationError(
            f"{label}: cannot {event.value} a version in state {state.value}; "
            f"expected state {' or '.join(allowed)}"
        ) from None


class EditAction(StrEnum):
    """What importing new content for a template does, given its latest version's state."""

    NEW_TEMPLATE = "new_template"
    REPLACE_DRAFT = "replace_draft"
    NEW_VERSION = "new_version"


def edit_action(latest: State | None, *, label: str = "template") -> EditAction:
    """Decide how new content lands: a first version, a replaced draft or version n+1.

    Raises:
        ValidationError: the latest version is in review (reject it first, so the reviewer
            never approves something other than what they were shown).
    """
    if latest is None:
        return EditAction.NEW_TEMPLATE
    if latest is State.DRAFT:
        return EditAction.REPLACE_DRAFT
    if latest is State.IN_REVIEW:
        raise ValidationError(
            f"{label}: the latest version is in_review; expected draft, approved, superseded "
            "or retired (reject it before editing)"
        )
    return EditAction.NEW_VERSION
