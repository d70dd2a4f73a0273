"""Turn a GS1 element string (GS-separated, no leading FNC1) into zint's bracket input.

zint wants GS1 data in bracket form (``[01]…[10]…``) while the display list carries the element
string exactly as a scanner reports it. The cutting into ``(ai, value)`` pairs, the canonical
scanner string and the HRI text are the GS1 core's
(:func:`labelstation.gs1.parse.split_element_string`,
:func:`labelstation.gs1.element.join_element_string`,
:func:`labelstation.gs1.element.join_hri`, driven by the table generated from the GS1 Barcode
Syntax Dictionary); values are validated by zint when it encodes.

One extra rule here: the string must already be in the canonical form a scanner would report —
GS only after a variable-length value that is not last, no leading GS. Anything else (a GS
after a predefined-length value, a trailing GS) would encode to a symbol whose decode differs
from ``data``, and the verifier would then reject every label printed from it.

Square brackets are used because they are outside CSET 82 and CSET 39, so no AI value can
contain them, whereas parentheses are legal in CSET 82 values.
"""

from __future__ import annotations

from labelstation.errors import GS1Error
from labelstation.gs1.element import join_element_string as canonical
from labelstation.gs1.element import join_hri as human_readable
from labelstation.gs1.parse import split_element_string as _split

__all__ = ["bracketed", "canonical", "human_readable", "split_element_string"]


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
