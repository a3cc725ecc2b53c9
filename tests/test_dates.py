from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.dates import (
    Instant,
    PartialDate,
    Precision,
    Span,
    days_in_month,
    format_range,
    year_label,
)
from chronicle.errors import DateError
from chronicle.query import filter_span


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    year = draw(st.integers(-99_999, 99_999))
    precision = draw(st.sampled_from(list(Precision)))
    if precision == Precision.YEAR:
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    if precision == Precision.MONTH:
        return PartialDate(year, month)
    day = draw(st.integers(1, days_in_month(year, month)))
    if precision == Precision.DAY:
        return PartialDate(year, month, day)
    hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    if precision == Precision.MINUTE:
        return PartialDate(year, month, day, hour, minute)
    return PartialDate(year, month, day, hour, minute, draw(st.integers(0, 59)))


@pytest.mark.parametrize(
    ("value", "iso", "precision"),
    [
        ("2014", "2014", Precision.YEAR),
        (2014, "2014", Precision.YEAR),
        ("2014-04", "2014-04", Precision.MONTH),
        ("2014-04-17", "2014-04-17", Precision.DAY),
        (dt.date(2014, 4, 17), "2014-04-17", Precision.DAY),
        ("2014-04-17T12:03", "2014-04-17T12:03", Precision.MINUTE),
        ("2014-04-17 12:03", "2014-04-17T12:03", Precision.MINUTE),
        ("2014-04-17T12:03:00", "2014-04-17T12:03:00", Precision.SECOND),
        (dt.datetime(2013, 12, 12, 12, 3), "2013-12-12T12:03:00", Precision.SECOND),
        ("-0044-03-15", "-0044-03-15", Precision.DAY),
        ("0", "0000", Precision.YEAR),
        ("-4500000000", "-4500000000", Precision.YEAR),
    ],
)
def test_parse_keeps_what_was_written(value: object, iso: str, precision: Precision) -> None:
    date = PartialDate.parse(value)
    assert date.isoformat() == iso
    assert date.precision == precision


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2014-02-30", "day 30 does not exist"),
        ("2013-02-29", "day 29 does not exist"),
        ("2014-13", "month 13"),
        ("2014-04-17T24:00", "hour 24"),
        ("17/04/2014", "not a date"),
        ("yesterday", "not a date"),
        ("", "not a date"),
        (True, "expected a date"),
        ([2014], "expected a date"),
        (dt.datetime(2014, 1, 1, tzinfo=dt.UTC), "time zone"),
    ],
)
def test_impossible_or_unreadable_dates_are_errors(value: object, fragment: str) -> None:
    with pytest.raises(DateError, match=fragment):
        PartialDate.parse(value)


def test_leap_days_follow_the_proleptic_gregorian_calendar() -> None:
    assert PartialDate.parse("2012-02-29").day == 29
    assert PartialDate.parse("2000-02-29").day == 29
    with pytest.raises(DateError):
        PartialDate.parse("1900-02-29")
    assert PartialDate.parse("-0004-02-29").day == 29  # 5 BCE was a leap year


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("2014", "2014"),
        ("2014-04", "Apr 2014"),
        ("2014-04-17", "17 Apr 2014"),
        ("2013-12-12T12:03", "12 Dec 2013 12:03"),
        ("-0043", "44 BCE"),
        ("0000", "1 BCE"),
        ("0001", "1"),
        ("-0043-03-15", "15 Mar 44 BCE"),
    ],
)
def test_display(text: str, shown: str) -> None:
    assert PartialDate.parse(text).display() == shown


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2014-04-17", "2014-04-18", "17\u201318 Apr 2014"),
        ("2014-04-30", "2014-05-02", "30 Apr \u2013 2 May 2014"),
        ("2013-12-30", "2014-01-02", "30 Dec 2013 \u2013 2 Jan 2014"),
        ("2014-04", "2014-06", "Apr\u2013Jun 2014"),
        ("2013", "2014", "2013\u20132014"),
        ("-0049", "-0043", "50\u201344 BCE"),
        ("2014-03-05T12:03", "2014-03-05T14:00", "5 Mar 2014 12:03\u201314:00"),
        ("2014", "2014-06-01", "2014 \u2013 1 Jun 2014"),
        ("2014-04-17", "2014-04-17", "17 Apr 2014"),
    ],
)
def test_format_range(start: str, end: str, shown: str) -> None:
    assert format_range(PartialDate.parse(start), PartialDate.parse(end)) == shown


def test_year_label_never_shows_a_negative_year() -> None:
    assert year_label(-43) == "44 BCE"
    assert year_label(-499) == "500 BCE"
    assert year_label(2014) == "2014"


@settings(max_examples=150)
@given(partial_dates())
def test_iso_round_trip(date: PartialDate) -> None:
    assert PartialDate.parse(date.isoformat()) == date


@settings(max_examples=150)
@given(partial_dates())
def test_span_of_a_date_is_ordered_and_contains_itself(date: PartialDate) -> None:
    span = date.span
    assert span.start <= span.end
    assert span.contains(span)
    assert span.start.key() <= span.end.key()


@settings(max_examples=150)
@given(partial_dates(), partial_dates())
def test_overlap_is_symmetric_and_keys_order_like_instants(a: PartialDate, b: PartialDate) -> None:
    assert a.span.overlaps(b.span) == b.span.overlaps(a.span)
    assert (a.first_instant() < b.first_instant()) == (
        a.first_instant().key() < b.first_instant().key()
    )


@settings(max_examples=100)
@given(partial_dates())
def test_instant_key_round_trips(date: PartialDate) -> None:
    for instant in (date.first_instant(), date.last_instant()):
        assert Instant.from_key(instant.key()) == instant


def test_a_year_covers_all_of_it() -> None:
    span = PartialDate.parse("2014").span
    assert span.start == Instant(2014, 1, 1, 0, 0, 0)
    assert span.end == Instant(2014, 12, 31, 23, 59, 59)
    assert PartialDate.parse("2014-02").last_instant().day == 28


def test_filter_span_intersects_and_includes_whole_periods() -> None:
    span, precision = filter_span(from_="2014-03", to="2014-04")
    assert span == Span(Instant(2014, 3, 1), Instant(2014, 4, 30, 23, 59, 59))
    assert precision == Precision.MONTH
    span, precision = filter_span(year="2014", on="2014-04-18")
    assert span == PartialDate.parse("2014-04-18").span
    assert precision == Precision.DAY
    assert filter_span() == (None, None)
    empty, _ = filter_span(year="2013", month="2014-04")
    assert empty is not None and empty.start > empty.end


def test_filter_span_names_the_bad_filter() -> None:
    with pytest.raises(DateError, match="^from_: "):
        filter_span(from_="2014-02-30")
    with pytest.raises(DateError, match="^--from: "):
        filter_span(from_="2014-02-30", labels={"from_": "--from"})


def test_deep_time_years_are_written_in_digit_groups() -> None:
    from chronicle.dates import format_range, year_label

    assert year_label(-13_799_999_999) == "13,800,000,000 BCE"
    assert year_label(12_000) == "12,000"
    assert year_label(-9998) == "9999 BCE" and year_label(2014) == "2014"
    assert PartialDate(-65_999_999, 6).display() == "Jun 66,000,000 BCE"
    assert format_range(PartialDate(-39_999), PartialDate(-4_999)) == "40,000\u20135000 BCE"
