"""HIBC UDI: examples of the standard, exact refusals, and build/parse round trips."""

from __future__ import annotations

import datetime as dt

import pytest
from hibc_strategies import ALNUM, primaries, secondaries, udis
from hypothesis import given, settings
from hypothesis import strategies as st

from labelstation.errors import UDIError
from labelstation.udi import (
    CODE39_CHARSET,
    ExpiryFormat,
    HibcPrimary,
    HibcSecondary,
    HibcSupplement,
    HibcUdi,
    build,
    build_primary,
    build_secondary,
    check_character,
    parse,
    parse_secondary,
)

PRIMARY = build_primary("A123", "BJC5D6E7", 1)


def _c(body: str) -> str:
    """``body`` with its correct check character, so that parsing reaches the rule under test."""
    return body + check_character(body)


# ------------------------------------------------------------------ examples of the standard


def test_primary_example_of_the_standard() -> None:
    # ANSI/HIBC 2.6 primary example: +A123BJC5D6E71 with check character G.
    udi = build(PRIMARY)
    assert udi.data == "+A123BJC5D6E71G"
    assert udi.hri == "*+A123BJC5D6E71G*"
    assert udi.symbols == ("+A123BJC5D6E71G",)
    assert parse("+A123BJC5D6E71G") == udi


def test_check_character_sums_code39_values_mod_43() -> None:
    # + = 41, A = 10, digits themselves, B = 11, J = 19, C = 12, D = 13, E = 14: 145 % 43 = 16.
    assert check_character("+A123BJC5D6E71") == "G"
    assert check_character("+$$52001510X3G") == "D"
    assert [check_character(c) for c in CODE39_CHARSET] == list(CODE39_CHARSET)


@pytest.mark.parametrize(
    ("secondary", "second_symbol"),
    [
        (  # $$5 YYJJJ expiry then lot
            HibcSecondary(
                lot="10X3", expiry=dt.date(2020, 1, 15), expiry_format=ExpiryFormat.YYJJJ
            ),
            "+$$52001510X3GD",
        ),
        (  # the 5-digit Julian default, no flag
            HibcSecondary(
                lot="10X3",
                expiry=dt.date(2020, 1, 15),
                expiry_format=ExpiryFormat.DEFAULT_YYJJJ,
            ),
            "+2001510X3GG",
        ),
        (  # $$7: no expiry date
            HibcSecondary(lot="10X3", expiry_format=ExpiryFormat.NONE),
            "+$$710X3G7",
        ),
        (  # $$+5: expiry then serial
            HibcSecondary(
                serial="10X3", expiry=dt.date(2020, 1, 15), expiry_format=ExpiryFormat.YYJJJ
            ),
            "+$$+52001510X3GB",
        ),
    ],
)
def test_separate_secondary_examples(secondary: HibcSecondary, second_symbol: str) -> None:
    udi = build(PRIMARY, secondary, combined=False)
    assert udi.symbols == ("+A123BJC5D6E71G", second_symbol)
    assert udi.secondary_data == second_symbol
    assert udi.secondary_hri == f"*{second_symbol}*"
    assert parse(udi.data + second_symbol) == udi
    assert parse_secondary(second_symbol) == (secondary, "G")


def test_combined_quantity_example() -> None:
    # $$8: two-digit quantity 24, then flag 3 and YYMMDD 280112, then lot R00089525.
    udi = parse("+E203PB414109/$$8243280112R00089525J")
    assert udi.primary == HibcPrimary("E203", "PB41410", 9)
    assert udi.secondary == HibcSecondary(
        lot="R00089525",
        expiry=dt.date(2028, 1, 12),
        expiry_format=ExpiryFormat.YYMMDD,
        quantity=24,
        quantity_digits=2,
    )
    assert udi.combined
    assert udi.data == "+E203PB414109/$$8243280112R00089525J"
    assert udi.secondary_data is None


def test_space_check_and_link_characters_print_as_underscore() -> None:
    # A primary whose check character is `+`, a secondary whose check character is a space.
    udi = parse("+A123BJCMD6E79++$$52001510X3+ ")
    assert udi.primary.check == "+"
    assert udi.symbols == ("+A123BJCMD6E79+", "+$$52001510X3+ ")
    assert udi.secondary_hri == "*+$$52001510X3+_*"
    assert parse("*+A123BJCMD6E79+**+$$52001510X3+_*") == udi


@pytest.mark.parametrize(
    ("text", "lot", "serial", "expiry", "made", "quantity"),
    [
        # Published HIBC 2.6 examples with supplementary fields (the last is the standard's own
        # sample data); the final characters are their check characters, as printed there.
        (
            "+A123ABCDEFGHI1234567891/$$420020216LOT123456789012345/SXYZ456789012345678"
            "/16D20130202$",
            "LOT123456789012345",
            "XYZ456789012345678",
            dt.date(2020, 2, 2),
            dt.date(2013, 2, 2),
            None,
        ),
        (
            "+A99912345/$$812710X3/16D20111212/14D20200906/S77DEFG453",
            "10X3",
            "77DEFG45",
            dt.date(2020, 9, 6),
            dt.date(2011, 12, 12),
            12,
        ),
        (
            "+A99912345/$$52025010X3/16D20111212/S77DEFG458",
            "10X3",
            "77DEFG45",
            dt.date(2020, 9, 6),
            dt.date(2011, 12, 12),
            None,
        ),
        (
            "+A99912349/$10X3/16D20111231/14D20200131/Q500Z",
            "10X3",
            None,
            dt.date(2020, 1, 31),
            dt.date(2011, 12, 31),
            500,
        ),
    ],
)
def test_supplementary_fields_examples(
    text: str,
    lot: str,
    serial: str | None,
    expiry: dt.date,
    made: dt.date,
    quantity: int | None,
) -> None:
    udi = parse(text)
    secondary = udi.secondary
    assert secondary is not None
    assert udi.data == text
    assert (secondary.lot, secondary.effective_serial, secondary.effective_expiry) == (
        lot,
        serial,
        expiry,
    )
    assert (secondary.manufacture_date, secondary.effective_quantity) == (made, quantity)


def test_build_secondary_puts_a_serial_next_to_a_lot_in_s() -> None:
    secondary = build_secondary(
        lot="L1", serial="S1", expiry=dt.date(2027, 1, 31), manufacture_date=dt.date(2025, 1, 2)
    )
    assert secondary.body == "$$3270131L1/SS1/16D20250102"
    assert secondary.effective_serial == "S1"
    assert build_secondary(serial="S1", quantity=250).body == "$+S1/Q250"
    assert [s.parsed for s in secondary.supplements] == ["S1", dt.date(2025, 1, 2)]


def test_every_expiry_format_writes_its_flag() -> None:
    date, hour = dt.date(2026, 3, 31), 7
    expected = {
        ExpiryFormat.MMYY: "$$0326LOT1",
        ExpiryFormat.MMDDYY: "$$2033126LOT1",
        ExpiryFormat.YYMMDD: "$$3260331LOT1",
        ExpiryFormat.YYMMDDHH: "$$426033107LOT1",
        ExpiryFormat.YYJJJ: "$$526090LOT1",
        ExpiryFormat.YYJJJHH: "$$62609007LOT1",
        ExpiryFormat.DEFAULT_YYJJJ: "26090LOT1",
    }
    for fmt, body in expected.items():
        secondary = build_secondary(
            lot="LOT1", expiry=date, expiry_format=fmt, expiry_hour=hour if fmt.has_hour else None
        )
        assert secondary.body == body
        udi = build(PRIMARY, secondary)
        assert parse(udi.data).secondary == secondary


def test_build_secondary_picks_the_form() -> None:
    assert build_secondary(lot="L1").body == "$L1"
    assert build_secondary(serial="S1").body == "$+S1"
    assert build_secondary(lot="L1", expiry=dt.date(2027, 12, 1)).body == "$$3271201L1"
    assert build_secondary(serial="S1", expiry=dt.date(2027, 12, 1)).body == "$$+3271201S1"
    assert build_secondary(lot="L1", quantity=99).body == "$$8997L1"
    assert build_secondary(lot="L1", quantity=100).body == "$$9001007L1"
    assert build_secondary(quantity=5, quantity_digits=5).body == "$$9000057"
    assert build_secondary(expiry=dt.date(2027, 12, 1), expiry_format="MMDDYY").body == "$$2120127"


def test_combined_maximum_lengths_survive() -> None:
    primary = build_primary("Z9Z9", "9" * 18, 9)
    secondary = build_secondary(
        lot="A" * 18, expiry=dt.date(2099, 12, 31), expiry_format="YYJJJHH", expiry_hour=23
    )
    udi = build(primary, secondary)
    assert udi.data[:-1] == "+Z9Z9" + "9" * 18 + "9/$$69936523" + "A" * 18
    assert parse(udi.data) == udi


@pytest.mark.parametrize("prefix", ["]C0", "]d1", "]A0", "]A1", "]Q1", "]z0", "]L2", "]Q0"])
def test_aim_identifiers_are_accepted(prefix: str) -> None:
    assert parse(prefix + "+A123BJC5D6E71G") == build(PRIMARY)


def test_code39_reader_that_stripped_the_check_character() -> None:
    assert parse("]A3+A123BJC5D6E71") == build(PRIMARY)


def test_encoder_payload_leaves_plus_and_check_to_zint() -> None:
    udi = build(PRIMARY, build_secondary(lot="10X3"))
    assert udi.data == "+A123BJC5D6E71/$10X3" + check_character("+A123BJC5D6E71/$10X3")
    assert udi.encoder_payload() == "A123BJC5D6E71/$10X3"
    separate = build(PRIMARY, build_secondary(lot="10X3"), combined=False)
    assert separate.encoder_payloads() == ("A123BJC5D6E71", "$10X3G")


# ------------------------------------------------------------------ refusals, exact messages


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: build_primary("A12", "1", 0),
            "HIBC LIC 'A12': expected 4 characters A-Z or 0-9, first a letter",
        ),
        (
            lambda: build_primary("1A23", "1", 0),
            "HIBC LIC '1A23': expected 4 characters A-Z or 0-9, first a letter",
        ),
        (
            lambda: build_primary("a123", "1", 0),
            "HIBC LIC 'a123': expected 4 characters A-Z or 0-9, first a letter",
        ),
        (
            lambda: build_primary("A123", "", 0),
            "HIBC product number '': expected 1 to 18 characters A-Z or 0-9",
        ),
        (
            lambda: build_primary("A123", "1" * 19, 0),
            f"HIBC product number '{'1' * 19}': expected 1 to 18 characters A-Z or 0-9",
        ),
        (
            lambda: build_primary("A123", "AB-1", 0),
            "HIBC product number 'AB-1': expected 1 to 18 characters A-Z or 0-9",
        ),
        (lambda: build_primary("A123", "1", 10), "HIBC unit of measure 10: expected one digit 0-9"),
        (
            lambda: build_primary("A123", "1", "x"),
            "HIBC unit of measure 'x': expected one digit 0-9",
        ),
        (
            lambda: build_secondary(lot="lot1"),
            "HIBC lot 'lot1': expected 1 to 18 characters A-Z or 0-9",
        ),
        (
            lambda: build_secondary(serial="S" * 19),
            f"HIBC serial '{'S' * 19}': expected 1 to 18 characters A-Z or 0-9",
        ),
        (
            lambda: HibcSecondary(lot="L", serial="S"),
            "HIBC secondary: lot 'L' and serial 'S': no secondary form carries both; expected "
            "the serial as a /S supplement",
        ),
        (
            lambda: HibcSecondary(
                serial="S", quantity=2, quantity_digits=2, expiry_format=ExpiryFormat.NONE
            ),
            "HIBC secondary: quantity 2 with serial 'S': expected $$8/$$9 quantities only with "
            "a lot, or a /Q supplement",
        ),
        (
            lambda: build_secondary(serial="S", quantity=100_000),
            "HIBC quantity 100000: expected 1 to 99999",
        ),
        (
            lambda: HibcSupplement("15D", "20250101"),
            "HIBC supplementary field '15D': expected one of /S, /16D, /14D, /Q",
        ),
        (
            lambda: HibcSupplement("16D", "20250230"),
            "HIBC supplementary /16D '20250230': expected a date YYYYMMDD",
        ),
        (
            lambda: HibcSupplement("14D", "250131"),
            "HIBC supplementary /14D '250131': expected a date YYYYMMDD",
        ),
        (
            lambda: HibcSupplement("S", "s1"),
            "HIBC supplementary /S 's1': expected 1 to 18 characters A-Z or 0-9",
        ),
        (
            lambda: HibcSupplement("Q", "123456"),
            "HIBC supplementary /Q '123456': expected a quantity of 1 to 5 digits",
        ),
        (
            lambda: HibcSecondary(
                lot="L", supplements=(HibcSupplement("Q", "1"), HibcSupplement("Q", "2"))
            ),
            "HIBC supplementary /Q: expected at most once",
        ),
        (
            lambda: HibcSecondary(serial="S", supplements=(HibcSupplement("S", "T"),)),
            "HIBC supplementary /S: the secondary already carries a serial; expected one",
        ),
        (
            lambda: HibcSecondary(
                lot="L",
                expiry=dt.date(2027, 1, 1),
                expiry_format=ExpiryFormat.YYMMDD,
                supplements=(HibcSupplement("14D", "20270101"),),
            ),
            "HIBC supplementary /14D: the secondary already carries an expiry; expected one",
        ),
        (
            lambda: HibcSecondary(supplements=(HibcSupplement("S", "T"),)),
            "HIBC secondary: empty; expected a lot, a serial, an expiry or a quantity",
        ),
        (
            lambda: build_secondary(),
            "HIBC secondary: empty; expected a lot, a serial, an expiry or a quantity",
        ),
        (
            lambda: build_secondary(lot="L", quantity=0),
            "HIBC quantity 0: expected 1 to 99 in 2 digits",
        ),
        (
            lambda: build_secondary(lot="L", quantity=100_000),
            "HIBC quantity 100000: expected 1 to 99999 in 5 digits",
        ),
        (
            lambda: build_secondary(lot="L", quantity=100, quantity_digits=2),
            "HIBC quantity 100: expected 1 to 99 in 2 digits",
        ),
        (
            lambda: build_secondary(lot="L", expiry=dt.date(2026, 3, 15), expiry_format="MMYY"),
            "HIBC expiry 2026-03-15: format MMYY carries only month and year; expected the last "
            "day of the month (2026-03-31)",
        ),
        (
            lambda: build_secondary(lot="L", expiry=dt.date(1999, 3, 15)),
            "HIBC expiry year 1999: expected 2000 to 2099",
        ),
        (
            lambda: build_secondary(lot="L", expiry=dt.date(2026, 3, 15), expiry_format="YYMMDDHH"),
            "HIBC expiry hour None: expected 0 to 23 for format YYMMDDHH",
        ),
        (
            lambda: build_secondary(lot="L", expiry=dt.date(2026, 3, 15), expiry_hour=3),
            "HIBC expiry hour 3: format YYMMDD carries no hour",
        ),
        (
            lambda: build_secondary(lot="L", expiry_format="YYDDMM"),
            "HIBC expiry format 'YYDDMM': expected one of MMYY, MMDDYY, YYMMDD, YYMMDDHH, YYJJJ, "
            "YYJJJHH, none, default-YYJJJ",
        ),
        (
            lambda: build_secondary(lot="L", expiry_format="YYMMDD"),
            "HIBC expiry format YYMMDD: expected an expiry date with it",
        ),
        (
            lambda: build_secondary(
                serial="S", expiry=dt.date(2026, 3, 15), expiry_format="default-YYJJJ"
            ),
            "HIBC secondary: serial 'S' with format default-YYJJJ: expected the default Julian "
            "form only with a lot",
        ),
        (
            lambda: build(PRIMARY, build_secondary(lot="L"), combined=False).encoder_payload(),
            "HIBC UDI '+A123BJC5D6E71G': printed as 2 separate symbols; expected one (use "
            "encoder_payloads())",
        ),
    ],
)
def test_build_refusals_name_field_value_and_rule(call: object, message: str) -> None:
    with pytest.raises(UDIError) as exc:
        call()  # type: ignore[operator]
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("+A123BJC5D6E71X", "HIBC check character should be 'G', got 'X'"),
        ("+A123BJC5D6E71/$10X3A", "HIBC check character should be '3', got 'A'"),
        (
            "+A123BJC5D6E71G+$$52001510X3HE",
            "HIBC link character should be 'G' (the primary's check character), got 'H'",
        ),
        ("A123BJC5D6E71G", "HIBC data 'A123BJC5D6E71G': expected the HIBC flag '+' first"),
        ("", "HIBC data '': expected the HIBC flag '+' first"),
        (
            "+$$52001510X3GD",
            "HIBC data '+$$52001510X3GD': a secondary data structure alone; expected the primary "
            "(+ and a 4-character LIC) first",
        ),
        (
            "]d2+A123BJC5D6E71G",
            "HIBC data ']d2+A123BJC5D6E71G': symbology identifier ']d2' does not carry HIBC "
            "data; expected one of ]A0, ]A1, ]A3, ]A4, ]A5, ]A7, ]C0, ]d1, ]L2, ]Q0, ]Q1, ]z0",
        ),
        ("+A1-G", "HIBC LIC 'A1-G': expected 4 characters A-Z or 0-9, first a letter"),
        (
            "+A1231G",
            "HIBC primary '+A1231G': expected + LIC (4), product number (1-18), unit of measure "
            "(1) and a check character",
        ),
        ("+A123BJC5D6E7XG", "HIBC unit of measure 'X': expected one digit 0-9"),
        ("+a123BJC5D6E71G", "HIBC LIC 'a123': expected 4 characters A-Z or 0-9, first a letter"),
        (
            _c("+A123BJC5D6E71/$$9123"),
            "HIBC secondary '$$9123': expected 5 digits of quantity, got '123'",
        ),
        (_c("+A123BJC5D6E71/$$8"), "HIBC secondary '$$8': expected 2 digits of quantity, got ''"),
        (
            _c("+A123BJC5D6E71/$$1399Z"),
            "HIBC secondary '$$1399Z': expiry '1399' is not a date in format MMYY",
        ),
        (
            _c("+A123BJC5D6E71/$$8128"),
            "HIBC secondary '$$8128': expected MMYY or a date format flag 2-7 after $$ and "
            "quantity, got '8'",
        ),
        (
            _c("+A123BJC5D6E71/$$+8Z"),
            "HIBC secondary '$$+8Z': expected MMYY or a date format flag 2-7 after $$+, got '8'",
        ),
        (
            _c("+A123BJC5D6E71/$$2133026L"),
            "HIBC secondary '$$2133026L': expiry '133026' is not a date in format MMDDYY",
        ),
        (
            _c("+A123BJC5D6E71/$$3260229"),
            "HIBC secondary '$$3260229': expiry '260229' is not a date in format YYMMDD",
        ),
        (
            _c("+A123BJC5D6E71/$$526366"),
            "HIBC secondary '$$526366': expiry '26366' is not a date in format YYJJJ",
        ),
        (
            _c("+A123BJC5D6E71/$$426010124"),
            "HIBC secondary '$$426010124': expiry hour '24': expected 00 to 23",
        ),
        (
            _c("+A123BJC5D6E71/$$+526001"),
            "HIBC secondary '$$+526001': expected a serial after $$+ and the date",
        ),
        (
            _c("+A123BJC5D6E71/$L1/XABC"),
            "HIBC secondary '$L1/XABC': supplementary field '/XABC': expected /S, /16D, /14D, /Q",
        ),
        (
            _c("+A123BJC5D6E71/$L1/16D20250230"),
            "HIBC supplementary /16D '20250230': expected a date YYYYMMDD",
        ),
        (
            _c("+A123BJC5D6E71/$/SABC"),
            "HIBC secondary: empty; expected a lot, a serial, an expiry or a quantity",
        ),
        (
            _c("+A123BJC5D6E71/$L1."),
            "HIBC secondary '$L1.': lot or serial 'L1.': expected characters A-Z or 0-9",
        ),
        (
            _c("+A123BJC5D6E71/AB"),
            "HIBC secondary 'AB': expected a flag $, $$, $+, $$+ or a 5-digit YYJJJ date",
        ),
        (
            _c("+A123BJC5D6E71/$"),
            "HIBC secondary: empty; expected a lot, a serial, an expiry or a quantity",
        ),
        (
            "+A123BJC5D6E71G+$L",
            "HIBC data '+A123BJC5D6E71G+$L': unexpected '+$L' after the primary data; expected "
            "'/' and secondary data, or a separate secondary symbol starting with '+'",
        ),
        (
            "+A123BJC5D6E71/$Lé1A",
            "HIBC data '+A123BJC5D6E71/$Lé1': character 'é' is not in the Code 39 set (A-Z, 0-9, "
            "- . space $ / + %)",
        ),
    ],
)
def test_parse_refusals_name_field_value_and_rule(text: str, message: str) -> None:
    with pytest.raises(UDIError) as exc:
        parse(text)
    assert str(exc.value) == message


def test_parse_secondary_refuses_a_primary() -> None:
    with pytest.raises(UDIError) as exc:
        parse_secondary("+A123BJC5D6E71G")
    assert str(exc.value) == (
        "HIBC secondary '+A123BJC5D6E71G': expected + then a flag $ or a date, then link and "
        "check characters"
    )


# ------------------------------------------------------------------ properties


@given(udis)
def test_build_parse_round_trip(udi: HibcUdi) -> None:
    joined = "".join(udi.symbols)
    assert parse(joined) == udi
    assert parse("]C0" + joined) == udi
    for symbol in udi.symbols:
        assert symbol.startswith("+")
        assert check_character(symbol[:-1]) == symbol[-1]


@given(udis)
def test_hri_round_trips_each_symbol(udi: HibcUdi) -> None:
    assert parse(udi.hri).primary == udi.primary
    if udi.secondary_hri is not None:
        secondary, link = parse_secondary(udi.secondary_hri)
        assert (secondary, link) == (udi.secondary, udi.primary.check)
    # Every caption printed on the label, read together, gives the UDI back.
    assert parse(udi.hri + (udi.secondary_hri or "")) == udi


@given(primaries, secondaries())
def test_combined_and_separate_carry_the_same_fields(
    primary: HibcPrimary, secondary: HibcSecondary
) -> None:
    combined, separate = build(primary, secondary), build(primary, secondary, combined=False)
    assert combined.symbols[0][:-1] == primary.body + "/" + secondary.body
    assert separate.symbols == (
        primary.data,
        "+" + secondary.body + primary.check + separate.symbols[1][-1],
    )
    assert parse(combined.data).secondary == parse("".join(separate.symbols)).secondary


@given(udis, st.data())
def test_any_single_substitution_is_detected(udi: HibcUdi, data: st.DataObject) -> None:
    text = udi.data
    index = data.draw(st.integers(1, len(text) - 1))
    other = data.draw(st.sampled_from(CODE39_CHARSET).filter(lambda c: c != text[index]))
    with pytest.raises(UDIError):
        parse(text[:index] + other + text[index + 1 :])


@settings(max_examples=300)
@given(st.text())
def test_arbitrary_text_raises_only_udierror(text: str) -> None:
    _parse_or_refuse(text)


@settings(max_examples=300)
@given(st.text(CODE39_CHARSET + "*]_" + ALNUM.lower()))
def test_code39_like_text_raises_only_udierror(text: str) -> None:
    _parse_or_refuse(text)
    outcome: tuple[HibcSecondary, str] | UDIError
    try:
        outcome = parse_secondary(text)
    except UDIError as exc:
        outcome = exc
    if isinstance(outcome, UDIError):
        assert str(outcome).startswith("HIBC ")
    else:
        secondary, link = outcome
        assert link in CODE39_CHARSET
        assert parse_secondary(_c("+" + secondary.body + link)) == (secondary, link)


def _parse_or_refuse(text: str) -> None:
    """Whatever ``text`` is, parsing either refuses with a UDIError or gives a UDI that re-encodes
    to the same data."""
    outcome: HibcUdi | UDIError
    try:
        outcome = parse(text)
    except UDIError as exc:
        outcome = exc
    if isinstance(outcome, UDIError):
        assert str(outcome).startswith("HIBC ")
    else:
        assert parse("".join(outcome.symbols)) == outcome
