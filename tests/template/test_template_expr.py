"""The template expression language: parsing, evaluation, and its exact refusals."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labelstation.errors import TemplateError
from labelstation.template.expr import Filter, IsoDate, Placeholder, parse

DATA = {
    "gtin": "09506000134352",
    "lot": "ab12",
    "serial": 42,
    "expiry": "2027-12-31",
    "eom": "2028-02-00",
    "name": "Examplomab 100 mg film-coated tablets",
    "greek": "Μόνο για κλινική δοκιμή",
    "empty": "",
    "ratio": 2.5,
    "when": dt.date(2026, 1, 5),
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{expiry:%y%m%d}", "271231"),
        ("{expiry:%d %b %Y}", "31 Dec 2027"),
        ("{expiry:%B %Y|upper}", "DECEMBER 2027"),
        ("{expiry:%j}", "365"),
        ("{eom:%y%m%d}", "280200"),
        ("{eom:%d.%m.%Y}", "00.02.2028"),
        ("{expiry:100%%}", "100%"),
        ("{serial|pad:8:0}", "00000042"),
        ("{serial|pad:8}", "00000042"),
        ("{serial|pad:1}", "42"),
        ("{lot|rpad:6}", "ab12  "),
        ("{lot|rpad:6:*}", "ab12**"),
        ("{lot|upper}", "AB12"),
        ("{greek|upper}", "ΜΌΝΟ ΓΙΑ ΚΛΙΝΙΚΉ ΔΟΚΙΜΉ"),
        ("{name|substr:0:10}", "Examplomab"),
        ("{name|substr:11}", "100 mg film-coated tablets"),
        ("{name|substr:100}", ""),
        ("LOT {lot|upper} / SN {serial}", "LOT AB12 / SN 42"),
        ("{{literal}} {lot}", "{literal} ab12"),
        ("{missing|default:n/a}", "n/a"),
        ("{empty|default:none}", "none"),
        ("{empty}", ""),
        ("{lot|replace:ab:XY}", "XY12"),
        ("{lot|replace:\\::-}", "ab12"),
        ("{gtin|substr:1:13|pad:14:9}", "99506000134352"),
        ("  {lot|trim|upper}  ", "  AB12  "),
        ("{ratio}", "2.5"),
        ("{when:%d/%m/%Y}", "05/01/2026"),
        ("no placeholders at all", "no placeholders at all"),
        ("", ""),
    ],
)
def test_evaluate(source: str, expected: str) -> None:
    assert parse(source).evaluate(DATA) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "{expiry:%Q}",
            "expression '{expiry:%Q}': unknown date directive %Q "
            "(expected one of %d %m %y %Y %b %B %j %%)",
        ),
        ("{expiry:%}", "expression '{expiry:%}': date format ends with a lone '%'"),
        ("{expiry:}", "expression '{expiry:}': empty date format after ':'"),
        ("{lot", "expression '{lot': '{' at position 0 is never closed"),
        (
            "LOT {lot}}",
            "expression 'LOT {lot}}': unmatched '}' at position 9 (write }} for a brace)",
        ),
        ("{}", "expression '{}': empty placeholder '{}'"),
        (
            "{1lot}",
            "expression '{1lot}': field name '1lot' is not an identifier "
            "(expected letters, digits and _, not starting with a digit)",
        ),
        (
            "{lot|shout}",
            "expression '{lot|shout}': unknown filter 'shout' (expected one of default, lower, "
            "pad, replace, rpad, substr, trim, upper)",
        ),
        ("{lot|pad}", "expression '{lot|pad}': filter 'pad' takes 1 to 2 argument(s), got 0"),
        ("{lot|upper:x}", "expression '{lot|upper:x}': filter 'upper' takes 0 argument(s), got 1"),
        (
            "{lot|pad:-1}",
            "expression '{lot|pad:-1}': filter 'pad' argument 1 is '-1', "
            "expected a whole number >= 0",
        ),
        (
            "{lot|substr:0:x}",
            "expression '{lot|substr:0:x}': filter 'substr' argument 2 is 'x', "
            "expected a whole number >= 0",
        ),
        (
            "{lot|pad:8:00}",
            "expression '{lot|pad:8:00}': filter 'pad' fill '00', expected exactly one character",
        ),
        (
            "{lot{x}}",
            "expression '{lot{x}}': '{' inside a placeholder (write \\{ for a brace)",
        ),
        ("{lot\\", "expression '{lot\\\\': '{' at position 0 is never closed"),
    ],
)
def test_parse_refusals_name_the_expression(source: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        parse(source)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("source", "data", "message"),
    [
        ("{lot}", {}, "expression '{lot}': no field 'lot' in the data"),
        (
            "{expiry:%y%m%d}",
            {"expiry": "31.12.2027"},
            "expression '{expiry:%y%m%d}': field 'expiry' value '31.12.2027' "
            "is not an ISO date (YYYY-MM-DD)",
        ),
        (
            "{expiry:%y%m%d}",
            {"expiry": "2027-02-30"},
            "expression '{expiry:%y%m%d}': field 'expiry' value '2027-02-30' "
            "is not an ISO date (YYYY-MM-DD)",
        ),
        (
            "{expiry:%y%m%d}",
            {"expiry": "2027-13-01"},
            "expression '{expiry:%y%m%d}': field 'expiry' value '2027-13-01' "
            "is not an ISO date (YYYY-MM-DD)",
        ),
        (
            "{lot}",
            {"lot": ["A"]},
            "expression '{lot}': field 'lot' value ['A'] is not text, a number or a date",
        ),
        (
            "{lot}",
            {"lot": True},
            "expression '{lot}': field 'lot' value True is not text, a number or a date",
        ),
    ],
)
def test_evaluate_refusals(source: str, data: dict[str, object], message: str) -> None:
    with pytest.raises(TemplateError) as info:
        parse(source).evaluate(data)
    assert str(info.value) == message


def test_parse_tree_and_fields() -> None:
    expr = parse("SN {serial|pad:8:0} EXP {expiry:%y%m%d}")
    assert expr.parts == (
        "SN ",
        Placeholder("serial", None, (Filter("pad", ("8", "0")),)),
        " EXP ",
        Placeholder("expiry", "%y%m%d", ()),
    )
    assert expr.fields == frozenset({"serial", "expiry"})
    assert not expr.is_constant
    assert parse("{{x}}").is_constant


def test_backslash_escapes_delimiters_in_arguments() -> None:
    assert parse(r"{lot|default:a\:b\|c\}d}").evaluate({}) == "a:b|c}d"


def test_with_date_format_repoints_a_single_date_placeholder() -> None:
    repointed = parse("{expiry:%y%m%d}").with_date_format("%d %b %Y")
    assert repointed is not None
    assert repointed.evaluate(DATA) == "31 Dec 2027"
    assert parse("EXP {expiry:%y%m%d}").with_date_format("%Y") is None
    assert parse("{lot}").with_date_format("%Y") is None


def test_month_names_are_english_whatever_the_locale() -> None:
    names = [IsoDate(2027, m, 1).format("%b") for m in range(1, 13)]
    assert names == [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]


@pytest.mark.parametrize("text", ["2027-12-31", "2028-02-29", "2027-02-00", "0001-01-01"])
def test_iso_dates_accepted(text: str) -> None:
    date = IsoDate.parse(text)
    assert date is not None
    assert date.format("%Y-%m-%d") == text


@pytest.mark.parametrize("text", ["2027-02-29", "2027-00-10", "27-12-31", "2027-12-31T00:00", ""])
def test_iso_dates_refused(text: str) -> None:
    assert IsoDate.parse(text) is None


_LITERAL = st.text(
    alphabet=st.characters(exclude_characters="{}", exclude_categories=["Cs"]), max_size=40
)


@given(_LITERAL)
def test_literal_text_survives_unchanged(text: str) -> None:
    assert parse(text).evaluate({}) == text


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60))
def test_any_value_reaches_the_output_unchanged(value: str) -> None:
    assert parse("{v}").evaluate({"v": value}) == value


@given(st.text(alphabet=string.ascii_letters + string.digits, max_size=20), st.integers(0, 30))
def test_pad_gives_at_least_width_and_keeps_the_value_as_suffix(value: str, width: int) -> None:
    out = parse(f"{{v|pad:{width}:0}}").evaluate({"v": value})
    assert len(out) == max(width, len(value))
    assert out.endswith(value)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_date_directives_agree_with_the_calendar(date: dt.date) -> None:
    out = parse("{d:%Y-%m-%d %y %j}").evaluate({"d": date.isoformat()})
    assert out == f"{date.isoformat()} {date:%y} {date.timetuple().tm_yday:03d}"
