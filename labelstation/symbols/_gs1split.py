"""Turn a GS1 element string (GS-separated, no leading FNC1) into zint's bracket input.

zint wants GS1 data in bracket form (``[01]…[10]…``) while the display list carries the element
string exactly as a scanner reports it. The cutting into ``(ai, value)`` pairs is the GS1 core's
(:func:`labelstation.gs1.parse.split_element_string`, driven by the table generated from the GS1
Barcode Syntax Dictionary); values are validated by zint when it encodes.

One extra rule here: the string must already be in the canonical form a scanner would report —
GS only after a variable-length value that is not last, no leading GS. Anything else (a GS
after a predefined-length value, a trailing GS) would encode to a symbol whose decode differs
from ``data``, and the verifier would then reject every label printed from it.

Square brackets are used because they are outside CSET 82 and CSET 39, so no AI value can
contain them, whereas parentheses are legal in CSET 82 values.
"""

from __future__ import annotations

from labelstation.errors import GS1Error
from labelstation.gs1.ai import ai_table
from labelstation.gs1.parse import split_element_string as _split

GS = "\x1d"


def canonical(pairs: tuple[tuple[str, str], ...]) -> str:
    """Return the element string a scanner reports for ``pairs`` (GS after variable values)."""
    table = ai_table()
    out = []
    for n, (ai, value) in enumerate(pairs):
        out.append(ai + value)
        if n < len(pairs) - 1 and not table[ai].predefined_length:
            out.append(GS)
    return "".join(out)


def split_element_string(data: str) -> tuple[tuple[str, str], ...]:
    """Split ``data`` into ``(ai, value)`` pairs, refusing a non-canonical element string.

    Raises:
        GS1Error: the string is empty, names an unknown AI, has an empty value or is not in
            canonical form.
    """
    if not data:
        raise GS1Error("GS1 element string '': expected at least one AI and its value")
    pairs = tuple(_split(data))
    for ai, value in pairs:
        if not value:
            raise GS1Error(f"GS1 element string {data!r}: AI ({ai}) has an empty value")
    expected = canonical(pairs)
    if expected != data:
        raise GS1Error(
            f"GS1 element string {data!r}: expected {expected!r}, with GS only after a "
            "variable-length value that is not last"
        )
    return pairs


def bracketed(pairs: tuple[tuple[str, str], ...]) -> str:
    """Return zint's bracket input form ``[01]…[21]…`` of ``pairs``."""
    return "".join(f"[{ai}]{value}" for ai, value in pairs)


def human_readable(pairs: tuple[tuple[str, str], ...]) -> str:
    """Return the GS1 human-readable interpretation ``(01)…(21)…`` of ``pairs``."""
    return "".join(f"({ai}){value}" for ai, value in pairs)
