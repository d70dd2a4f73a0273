"""Hypothesis properties: every AI of the table builds and round-trips through every spelling."""

from __future__ import annotations

import datetime as dt
import string
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labelstation.errors import GS1Error
from labelstation.gs1 import (
    AI,
    GS,
    ai_info,
    ai_table,
    build,
    check_digit,
    check_pair,
    is_valid_check_digit,
    is_valid_check_pair,
    parse,
)
from labelstation.gs1.ai import Component, matches
from labelstation.gs1.checkdigit import CSET82
from labelstation.gs1.linters import reference_codes, resolve_year

TODAY = dt.date(2026, 11, 25)
CSET39 = "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BASE64URL = string.ascii_letters + string.digits + "-_"
ALPHABET = {"N": string.digits, "X": CSET82, "Y": CSET39, "Z": BASE64URL}
GTIN = "09506000134352"


@st.composite
def _date(draw: st.DrawFn, linter: str) -> str:
    day_00 = linter == "yymmd0" and draw(st.booleans())
    if linter == "yyyymmdd":
        year = draw(st.integers(1900, 2099))
        text_year = f"{year:04d}"
    else:
        yy = draw(st.integers(0, 99))
        year = resolve_year(yy, TODAY)
        text_year = f"{yy:02d}"
    day = draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return f"{text_year}{day.month:02d}{'00' if day_00 else f'{day.day:02d}'}"


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(string.digits, min_size=n, max_size=n)


@st.composite
def component_value(draw: st.DrawFn, comp: Component, at_max: bool = False) -> str:
    """A value for one component that satisfies all of its linters (longest when ``at_max``)."""
    linters = set(comp.linters)
    size = comp.max_length if at_max else draw(st.integers(comp.min_length, comp.max_length))
    for name in ("yymmd0", "yymmdd", "yyyymmdd"):
        if name in linters:
            return draw(_date(name))
    lists = {
        "iso3166": "iso3166_numeric",
        "iso3166alpha2": "iso3166_alpha2",
        "iso4217": "iso4217_numeric",
        "packagetype": "packagetype",
    }
    for name, key in lists.items():
        if name in linters:
            return draw(st.sampled_from(sorted(reference_codes()[key])))
    fixed_choices = {
        "iso3166999": [*sorted(reference_codes()["iso3166_numeric"]), "999"],
        "iso5218": ["0", "1", "2", "9"],
        "yesno": ["0", "1"],
        "winding": ["0", "1", "9"],
        "zero": ["0"],
        "hyphen": ["-"],
        "mediatype": [f"{n:02d}" for n in (*range(1, 11), *range(80, 100))],
        "importeridx": list("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"),
    }
    for name, choices in fixed_choices.items():
        if name in linters:
            return draw(st.sampled_from(choices))
    if "hh" in linters:
        return f"{draw(st.integers(0, 23)):02d}"
    if "mi" in linters or "ss" in linters:
        return f"{draw(st.integers(0, 59)):02d}"
    if "hhmi" in linters:
        return f"{draw(st.integers(0, 23)):02d}{draw(st.integers(0, 59)):02d}"
    if "latitude" in linters:
        return f"{draw(st.integers(0, 1800000000)):010d}"
    if "longitude" in linters:
        return f"{draw(st.integers(0, 3600000000)):010d}"
    if "nonzero" in linters:
        return f"{draw(st.integers(1, 10**size - 1)):0{size}d}"
    if "nozeroprefix" in linters:
        return str(draw(st.integers(1, 10**size - 1)))
    if "pieceoftotal" in linters:
        half = size // 2
        total = draw(st.integers(1, 10**half - 1))
        piece = draw(st.integers(1, total))
        return f"{piece:0{half}d}{total:0{half}d}"
    if "posinseqslash" in linters:
        end = draw(st.integers(1, 9))
        return f"{draw(st.integers(1, end))}/{end}"
    if "pcenc" in linters:
        return draw(st.text(CSET82.replace("%", ""), min_size=size, max_size=size))
    if "iban" in linters:
        return draw(st.sampled_from(["DE91100000000123456789", "GB98MIDL07009312345678"]))
    if "couponposoffer" in linters:
        funder = draw(st.integers(0, 6))
        serial = draw(st.integers(0, 9))
        return (
            draw(st.sampled_from("01"))
            + str(funder)
            + draw(_digits(funder + 6))
            + draw(_digits(6))
            + str(serial)
            + draw(_digits(serial + 6))
        )
    if "couponcode" in linters:
        gcp = draw(st.integers(0, 6))
        return (
            str(gcp)
            + draw(_digits(gcp + 6))
            + draw(_digits(6))
            + "1"
            + draw(_digits(1))
            + "1"
            + draw(_digits(1))
            + draw(st.sampled_from("012349"))
            + draw(_digits(3))
        )
    alphabet = ALPHABET[comp.cset]
    if "csumalpha" in linters:
        size = max(size, 7)
        body = draw(st.text(alphabet, min_size=size - 7, max_size=size - 7))
        body += "A" if "hasnondigit" in linters else draw(st.sampled_from(alphabet))
        body = draw(_digits(4)) + body
        return body + check_pair(body)
    text = draw(st.text(alphabet, min_size=size, max_size=size))
    if "gcppos1" in linters and comp.cset != "N":
        text = draw(_digits(4)) + text[4:] if size >= 4 else draw(_digits(4))
    if "csum" in linters:
        text = text[:-1] + check_digit(text[:-1])
    return text


@st.composite
def ai_value(draw: st.DrawFn, info: AI, at_max: bool = False) -> str:
    parts: list[str] = []
    for comp in info.components:
        if comp.optional and not at_max and not draw(st.booleans()):
            break
        parts.append(draw(component_value(comp, at_max)))
    return "".join(parts)


def _concrete(pattern: str) -> str:
    candidates = [code for code in ai_table() if matches(pattern, code)]
    return candidates[0]


def _ok(codes: tuple[str, ...]) -> bool:
    for code in codes:
        for pattern in ai_table()[code].excludes:
            if any(other != code and matches(pattern, other) for other in codes):
                return False
    return True


def _missing(codes: tuple[str, ...]) -> tuple[str, tuple[tuple[str, ...], ...]] | None:
    for code in codes:
        groups = ai_table()[code].requires
        if groups and not any(
            all(any(matches(p, c) for c in codes) for p in group) for group in groups
        ):
            return code, groups
    return None


@cache
def companions(code: str) -> tuple[str, ...]:
    """A set of AIs including ``code`` that meets every req= and ex= rule (depth-first)."""

    def search(codes: tuple[str, ...], depth: int) -> tuple[str, ...] | None:
        if not _ok(codes):
            return None
        gap = _missing(codes)
        if gap is None:
            return codes
        if depth > 6:
            return None
        for group in gap[1]:
            extra = tuple(_concrete(p) for p in group if not any(matches(p, c) for c in codes))
            found = search(codes + tuple(dict.fromkeys(extra)), depth + 1)
            if found is not None:
                return found
        return None

    result = search((code,), 0)
    assert result is not None, code
    return result


def _no_ai_in_parentheses(values: list[str]) -> bool:
    table = ai_table()
    for value in values:
        for start in range(len(value)):
            if value[start] == "(":
                close = value.find(")", start)
                if close > 0 and value[start + 1 : close] in table:
                    return False
    return True


def _dl_expected(pairs: list[tuple[str, str]]) -> bool:
    """A Digital Link exists iff some qualifier sequence leaves only DL attributes over."""
    table = ai_table()
    keys = [ai for ai, _ in pairs if table[ai].dl_primary_key]
    if not keys:
        return False
    key = keys[0]
    codes = [ai for ai, _ in pairs]
    return any(
        all(table[ai].dl_attribute for ai in codes if ai != key and ai not in sequence)
        for sequence in table[key].dl_qualifiers
    )


ALL_AIS = sorted(ai_table())


@pytest.mark.parametrize("code", ALL_AIS)
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_ai_round_trips(code: str, data: st.DataObject) -> None:
    pairs = [(ai, data.draw(ai_value(ai_info(ai)), label=ai)) for ai in companions(code)]
    es = build(pairs, today=TODAY)
    assert dict(es.pairs()) == dict(pairs)
    assert parse(es.data, today=TODAY).element_string == es
    assert parse("]d2" + es.data, today=TODAY).element_string == es
    assert parse(es.bracketed, today=TODAY).element_string == es
    if _no_ai_in_parentheses([v for _, v in pairs]):
        assert parse(es.hri, today=TODAY).element_string == es
    if _dl_expected(pairs):
        uri = es.digital_link("https://example.com/prefix")
        back = parse(uri, today=TODAY).element_string
        assert dict(back.pairs()) == dict(es.pairs())
        assert back.digital_link("https://example.com/prefix") == uri
    else:
        with pytest.raises(GS1Error):
            es.digital_link()


@pytest.mark.parametrize("code", ALL_AIS)
@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_ai_at_maximum_length_round_trips(code: str, data: st.DataObject) -> None:
    value = data.draw(ai_value(ai_info(code), at_max=True), label=code)
    pairs = [(code, value)] + [
        (ai, data.draw(ai_value(ai_info(ai)), label=ai)) for ai in companions(code)[1:]
    ]
    es = build(pairs, today=TODAY)
    assert es[code] == value
    assert parse(es.data, today=TODAY).element_string == es
    assert parse(es.bracketed, today=TODAY).element_string == es


@settings(max_examples=200, deadline=None)
@given(
    lot=st.text(CSET82, min_size=1, max_size=20),
    serial=st.text(CSET82, min_size=1, max_size=20),
)
def test_cset82_lot_and_serial_survive_every_path(lot: str, serial: str) -> None:
    es = build([("01", GTIN), ("10", lot), ("21", serial)], today=TODAY)
    assert es["10"] == lot
    assert es["21"] == serial
    assert parse(es.data, today=TODAY).element_string == es
    assert parse(es.bracketed, today=TODAY).element_string == es
    if _no_ai_in_parentheses([lot, serial]):
        assert parse(es.hri, today=TODAY).element_string == es
    back = parse(es.digital_link(), today=TODAY).element_string
    assert back == es


def test_all_cset82_characters_in_lot_and_serial() -> None:
    chunks = [CSET82[i : i + 20] for i in range(0, len(CSET82), 20)]
    for chunk in chunks:
        es = build([("01", GTIN), ("10", chunk), ("21", chunk[::-1])], today=TODAY)
        for text in (es.data, es.bracketed, es.hri, es.digital_link()):
            assert parse(text, today=TODAY).element_string == es, text


FRAGMENTS = st.sampled_from(
    [
        "01",
        "10",
        "17",
        "21",
        "8200",
        "3103",
        GTIN,
        GS,
        "(",
        ")",
        "(01)",
        "(10)",
        "\\(",
        "]d2",
        "]C1",
        "]Q1",
        "]E0",
        "https://",
        "http://x/",
        "/01/",
        "?",
        "&",
        "=",
        "%",
        "%2",
        "%FF",
        "271231",
        "000000",
        "[",
        "]",
        "\x00",
        "é",
        "\ud800",
    ]
)


@settings(max_examples=800, deadline=None)
@given(st.one_of(st.text(), st.lists(st.one_of(FRAGMENTS, st.text(max_size=3))).map("".join)))
def test_parse_arbitrary_text_raises_only_gs1error(text: str) -> None:
    try:
        result = parse(text, today=TODAY)
    except GS1Error:
        return
    es = result.element_string
    assert parse(es.data, today=TODAY).element_string == es


@given(st.text(string.digits, min_size=1, max_size=40))
def test_computed_check_digit_validates(body: str) -> None:
    assert is_valid_check_digit(body + check_digit(body))
    wrong = str((int(check_digit(body)) + 1) % 10)
    assert not is_valid_check_digit(body + wrong)


@given(st.text(CSET82, max_size=97))
def test_computed_check_pair_validates(body: str) -> None:
    assert is_valid_check_pair(body + check_pair(body))
