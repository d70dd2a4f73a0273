"""GS1 Digital Link URIs (uncompressed form): build the canonical URI and read one back.

A Digital Link URI carries the same data as an element string: the primary key and its
qualifiers as path segments in the dictionary's order (``/01/<gtin>/22/<cpv>/10/<lot>/21/<sn>``),
the other data attributes as query parameters (``?17=271231``). Values are percent-encoded per
RFC 3986 with only the unreserved characters left as they are, so every CSET 82 character
(``/``, ``?``, ``#``-free punctuation, ``%`` ...) survives the trip.

Reading accepts any domain, an optional path prefix before the key, percent-encoding anywhere,
and GTIN-8/12/13 in the ``01`` path segment (padded to 14 digits). Query parameters whose name
is not all digits (``linkType``, ``context`` ...) are not GS1 data and are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, unquote, urlsplit

from labelstation.errors import GS1Error
from labelstation.gs1.ai import ai_info, ai_table


def _enc(value: str) -> str:
    return quote(value, safe="")


def _choose_qualifiers(key: str, present: Sequence[str]) -> tuple[str, ...]:
    """The qualifier sequence of ``key`` to put in the path.

    Prefer a sequence that leaves only Digital Link attributes for the query string (so the URI
    can be built at all), then the one that covers the most AIs present.
    """
    table = ai_table()
    best: tuple[str, ...] = ()
    best_rank = (False, -1)
    for sequence in table[key].dl_qualifiers:
        used = tuple(q for q in sequence if q in present)
        rest_ok = all(table[ai].dl_attribute for ai in present if ai != key and ai not in used)
        rank = (rest_ok, len(used))
        if rank > best_rank:
            best, best_rank = used, rank
    return best


def to_uri(pairs: Sequence[tuple[str, str]], base: str) -> str:
    """Build the canonical Digital Link URI for validated ``(ai, value)`` pairs.

    Raises:
        GS1Error: No primary key, or an AI that is neither a qualifier of the key nor allowed as
            a Digital Link data attribute.
    """
    table = ai_table()
    values = dict(pairs)
    key = next((ai for ai, _ in pairs if table[ai].dl_primary_key), None)
    if key is None:
        listed = ", ".join(f"({ai})" for ai, _ in pairs)
        raise GS1Error(
            f"GS1 Digital Link: none of {listed} is a primary key such as (01), (00) or (414)"
        )
    qualifiers = _choose_qualifiers(key, list(values))
    path = [key, *qualifiers]
    query: list[str] = []
    for ai, value in pairs:
        if ai in path:
            continue
        if not table[ai].dl_attribute:
            raise GS1Error(
                f"GS1 ({ai}) cannot go into a Digital Link URI: it is neither a key qualifier "
                f"of ({key}) nor a Digital Link data attribute"
            )
        query.append(f"{ai}={_enc(value)}")
    uri = base.rstrip("/") + "".join(f"/{ai}/{_enc(values[ai])}" for ai in path)
    return uri + ("?" + "&".join(query) if query else "")


def _qualifiers_fit(key: str, qualifiers: Sequence[str]) -> bool:
    for sequence in ai_table()[key].dl_qualifiers:
        position = 0
        for qualifier in qualifiers:
            try:
                position = sequence.index(qualifier, position) + 1
            except ValueError:
                break
        else:
            return True
    return not qualifiers


def from_uri(uri: str) -> list[tuple[str, str]]:
    """Read the ``(ai, value)`` pairs of a Digital Link URI (path first, then query order).

    The pairs are not validated here; :func:`labelstation.gs1.build` does that.

    Raises:
        GS1Error: Not an http(s) URI, no ``/key/value`` path, qualifiers out of order, an
            unknown or non-attribute AI in the query, or a value given twice differently.
    """
    try:
        parts = urlsplit(uri)
    except ValueError as exc:
        raise GS1Error(f"GS1 Digital Link {uri!r}: not a valid URI ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise GS1Error(f"GS1 Digital Link {uri!r}: expected an http:// or https:// URI")
    # A trailing slash (".../21/SN1/") is common in hand-typed links and carries no data.
    segments = parts.path.rstrip("/").split("/")
    table = ai_table()
    pairs: list[tuple[str, str]] | None = None
    for start in range(1, len(segments)):
        rest = segments[start:]
        key = rest[0]
        if len(rest) % 2 or key not in table or not table[key].dl_primary_key:
            continue
        codes = rest[0::2]
        if not _qualifiers_fit(key, codes[1:]):
            continue
        pairs = [(ai, unquote(value)) for ai, value in zip(codes, rest[1::2], strict=True)]
        break
    if pairs is None:
        raise GS1Error(
            f"GS1 Digital Link {uri!r}: no primary key path such as /01/<GTIN> "
            "followed by its qualifiers in order"
        )
    if pairs[0][0] == "01" and len(pairs[0][1]) in (8, 12, 13):
        pairs[0] = ("01", pairs[0][1].zfill(14))
    for item in parts.query.split("&") if parts.query else ():
        name, _, value = item.partition("=")
        name = unquote(name)
        if not name.isdigit() or not name.isascii():
            continue  # not GS1 data (linkType, context ...)
        info = ai_info(name)
        if not info.dl_attribute:
            raise GS1Error(
                f"GS1 Digital Link {uri!r}: ({name}) is not allowed as a query attribute"
            )
        pairs.append((name, unquote(value)))
    return pairs
