"""Differential check against biip, an independent GS1 implementation, on the same strings.

Our dictionary-generated rules are the authority; biip serves as a second opinion that our
element strings and Digital Link URIs are read the same way by other software.
"""

from __future__ import annotations

import datetime as dt

from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_messages import GS1Message
from hypothesis import given, settings
from hypothesis import strategies as st

from labelstation.gs1 import build, check_digit, parse
from labelstation.gs1.checkdigit import CSET82

TODAY = dt.date(2026, 11, 25)
DIGITS = "0123456789"


@st.composite
def gtin(draw: st.DrawFn) -> str:
    body = draw(st.text(DIGITS, min_size=13, max_size=13))
    return body + check_digit(body)


@st.composite
def yymmdd(draw: st.DrawFn) -> str:
    day = draw(st.dates(dt.date(2000, 1, 1), dt.date(2049, 12, 31)))
    return day.strftime("%y%m%d")


@st.composite
def pharma_pairs(draw: st.DrawFn) -> list[tuple[str, str]]:
    pairs = [
        ("01", draw(gtin())),
        ("17", draw(yymmdd())),
        ("10", draw(st.text(CSET82, min_size=1, max_size=20))),
        ("21", draw(st.text(CSET82, min_size=1, max_size=20))),
    ]
    if draw(st.booleans()):
        pairs.append(("710", draw(st.text(CSET82, min_size=1, max_size=20))))
    if draw(st.booleans()):
        pairs.append(("3103", draw(st.text(DIGITS, min_size=6, max_size=6))))
    return draw(st.permutations(pairs))


@settings(max_examples=150, deadline=None)
@given(pharma_pairs())
def test_biip_reads_our_element_strings_the_same(pairs: list[tuple[str, str]]) -> None:
    es = build(pairs, today=TODAY)
    message = GS1Message.parse(es.data)
    assert [(e.ai.ai, e.value) for e in message.element_strings] == list(es.pairs())
    if not any("(" in value or ")" in value for _, value in pairs):
        # biip's HRI reader cannot take parentheses inside values; ours can (see parse.py).
        theirs = GS1Message.parse_hri(es.hri)
        assert [(e.ai.ai, e.value) for e in theirs.element_strings] == list(es.pairs())


@settings(max_examples=150, deadline=None)
@given(pharma_pairs())
def test_biip_reads_our_digital_links_the_same(pairs: list[tuple[str, str]]) -> None:
    es = build([p for p in pairs if p[0] != "710"], today=TODAY)
    uri = es.digital_link()
    theirs = GS1DigitalLinkURI.parse(uri)
    assert {e.ai.ai: e.value for e in theirs.element_strings} == dict(es.pairs())
    assert dict(parse(theirs.as_uri(), today=TODAY).element_string.pairs()) == dict(es.pairs())
