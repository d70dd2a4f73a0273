"""Split a GS1 element string (GS-separated, no leading FNC1) into its AI/value pairs.

zint wants GS1 data in bracket form (``[01]…[10]…``) while the display list carries the element
string exactly as a scanner reports it. Converting needs only two facts per AI: how many digits
the AI has and whether its value has a predefined length. Both come from biip's AI table (the
GS1 list biip ships); values are *not* validated here — zint validates them with the GS1 syntax
rules when it encodes, so a single engine decides what is valid.

Square brackets are used because they are outside CSET 82 and CSET 39, so no AI value can
contain them, whereas parentheses are legal in CSET 82 values.
"""

from __future__ import annotations

import re
from functools import lru_cache

from biip import ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier

from labelstation.errors import GS1Error

GS = "\x1d"
_FIXED_PART = re.compile(r"^[NXYZ](\d+)$")


@lru_cache(maxsize=512)
def _ai_at(text: str) -> tuple[str, int | None] | None:
    """Return the AI ``text`` starts with and its predefined value length (None: variable).

    Returns None when ``text`` starts with no known AI.
    """
    try:
        ai = GS1ApplicationIdentifier.extract(text)
    except ParseError:
        return None
    if ai.separator_required:
        return ai.ai, None
    length = 0
    for part in ai.format.split("+")[1:]:
        match = _FIXED_PART.match(part)
        if match is None:  # pragma: no cover - biip marks every variable AI separator_required
            return ai.ai, None
        length += int(match.group(1))
    return ai.ai, length


def split_element_string(data: str) -> tuple[tuple[str, str], ...]:
    """Split ``data`` into ``(ai, value)`` pairs.

    Args:
        data: the element string as a scanner reports it after ``]d2``/``]C1``: AIs and values,
            GS (0x1D) after every variable-length value that is not last, no leading FNC1.

    Raises:
        GS1Error: the string is empty, starts with GS, names an unknown AI or is truncated.
    """
    if not data:
        raise GS1Error("GS1 element string '': expected at least one AI and its value")
    pairs: list[tuple[str, str]] = []
    pos = 0
    while pos < len(data):
        if data[pos] == GS:
            raise GS1Error(
                f"GS1 element string {data!r}: unexpected GS at position {pos}; "
                "expected an AI (GS only follows a variable-length value)"
            )
        found = _ai_at(data[pos : pos + 4])
        if found is None:
            raise GS1Error(
                f"GS1 element string {data!r}: no known application identifier at position "
                f"{pos} ({data[pos : pos + 4]!r}); expected an AI such as 01, 10, 17 or 21"
            )
        ai, length = found
        start = pos + len(ai)
        if length is None:
            end = data.find(GS, start)
            value = data[start:] if end < 0 else data[start:end]
            pos = len(data) if end < 0 else end + 1
        else:
            value = data[start : start + length]
            if len(value) != length:
                raise GS1Error(
                    f"GS1 element string {data!r}: AI ({ai}) value {value!r} has "
                    f"{len(value)} characters; expected exactly {length}"
                )
            pos = start + length
        if not value:
            raise GS1Error(f"GS1 element string {data!r}: AI ({ai}) has an empty value")
        pairs.append((ai, value))
    return tuple(pairs)


def bracketed(pairs: tuple[tuple[str, str], ...]) -> str:
    """Return zint's bracket input form ``[01]…[21]…`` of ``pairs``."""
    return "".join(f"[{ai}]{value}" for ai, value in pairs)


def human_readable(pairs: tuple[tuple[str, str], ...]) -> str:
    """Return the GS1 human-readable interpretation ``(01)…(21)…`` of ``pairs``."""
    return "".join(f"({ai}){value}" for ai, value in pairs)
