"""parse_date: every date shape the corpus and the brief name, and garbage → None."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from searcher.dates import MONTHS, parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # ISO 8601, with or without time and zone (aware → naive, wall-clock time kept)
        ("2019-09-28", datetime(2019, 9, 28)),
        ("2019-04-04 23:31:00", datetime(2019, 4, 4, 23, 31)),
        ("2024-07-20T14:05:00+07:00", datetime(2024, 7, 20, 14, 5)),
        ("2024-07-20T07:05:00Z", datetime(2024, 7, 20, 7, 5)),
        ("2024-07-20T14:05:00.123+08:00", datetime(2024, 7, 20, 14, 5, 0, 123000)),
        # the corpus's own shapes
        ("2019-09-10 14:00 WIB", datetime(2019, 9, 10, 14, 0)),
        ("31 Juli 2019 12:38:00", datetime(2019, 7, 31, 12, 38)),
        ("Selasa, 20 Juli 2024", datetime(2024, 7, 20)),
        ("Senin, 20/07/2024 14:00 WIB", datetime(2024, 7, 20, 14, 0)),
        ("16/09/2019 22:58 WIB", datetime(2019, 9, 16, 22, 58)),
        ("Oct 2, 2019", datetime(2019, 10, 2)),
        ("Oktober 19, 2019", datetime(2019, 10, 19)),
        ("2 Oct 2019", datetime(2019, 10, 2)),
        ("20/07/2024", datetime(2024, 7, 20)),
        ("10-Sep-19 23:04", datetime(2019, 9, 10, 23, 4)),
        ("Jumat, 29 Mei 2026 22:02 WIB", datetime(2026, 5, 29, 22, 2)),
        ("Senin 12 Maret 2018, 16:58 WIB", datetime(2018, 3, 12, 16, 58)),
        ("26 Oktober 2019 21:15 WIB", datetime(2019, 10, 26, 21, 15)),
        ("10/21/2025 20:43", datetime(2025, 10, 21, 20, 43)),  # a part > 12 decides the order
        ("9/5/2025 9:39", datetime(2025, 5, 9, 9, 39)),  # ambiguous: day first
        # time-zone words, "pukul", dotted times, English day names
        ("Rabu, 10 Juli 2019 pukul 14.30 WITA", datetime(2019, 7, 10, 14, 30)),
        ("Kamis, 11 Juli 2019 08:00 WIT", datetime(2019, 7, 11, 8, 0)),
        ("Tuesday, 10 September 2019 14:00 GMT+7", datetime(2019, 9, 10, 14, 0)),
        ("Tue, 10 Sep 2019 14:00:00 +0700", datetime(2019, 9, 10, 14, 0)),
        ("pukul 14.00 WIB, Senin 20 Juli 2020", datetime(2020, 7, 20, 14, 0)),
        ("20.07.2024", datetime(2024, 7, 20)),
        ("Sep 24, 2019 3:15 pm", datetime(2019, 9, 24, 15, 15)),
        ("  2 Agt 2019  ", datetime(2019, 8, 2)),
    ],
)
def test_parses_each_shape(value: str, expected: datetime) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("name", sorted(MONTHS))
def test_every_month_name_and_abbreviation(name: str) -> None:
    assert parse_date(f"5 {name} 2020") == datetime(2020, MONTHS[name], 5)
    assert parse_date(f"5 {name.capitalize()} 2020") == datetime(2020, MONTHS[name], 5)
    assert parse_date(f"{name.upper()} 5, 2020") == datetime(2020, MONTHS[name], 5)


@pytest.mark.parametrize(
    ("name", "month"),
    [("Pebruari", 2), ("Agt", 8), ("Agu", 8), ("Sept", 9), ("Nop", 11), ("Des", 12), ("Mei", 5), ("May", 5)],
)
def test_indonesian_variants(name: str, month: int) -> None:
    assert parse_date(f"Minggu, 3 {name} 2019") == datetime(2019, month, 3)


def test_unix_timestamps_are_utc() -> None:
    expected = datetime(2019, 7, 10, 8, 0)
    assert parse_date(1562745600) == expected
    assert parse_date(1562745600.0) == expected
    assert parse_date("1562745600") == expected
    assert parse_date("1562745600000") == expected  # milliseconds
    assert parse_date(1562745600000) == expected


def test_datetime_and_date_objects() -> None:
    aware = datetime(2024, 7, 20, 14, 5, tzinfo=timezone(timedelta(hours=7)))
    assert parse_date(aware) == datetime(2024, 7, 20, 14, 5)
    assert parse_date(aware).tzinfo is None
    assert parse_date(date(2024, 7, 20)) == datetime(2024, 7, 20)


def test_month_first_on_request() -> None:
    assert parse_date("07/08/2024") == datetime(2024, 8, 7)
    assert parse_date("07/08/2024", dayfirst=False) == datetime(2024, 7, 8)


@pytest.mark.parametrize(
    "value",
    [
        None, "", "   ", "bukan tanggal", "31 Februari 2020", "2019-13-45", "32/01/2020", "Oct 2019",
        "20 Foo 2020", "2019-09-10 25:00", "12345", "Senin", "5 Mei", "1/2/3", True, False, [2019, 1, 1],
        {"date": "2019-01-01"}, 10**20, -5, float("nan"), "Jan Feb 2020", "2019/2020/2021", object(),
    ],
)
def test_unparseable_is_none(value: object) -> None:
    assert parse_date(value) is None
