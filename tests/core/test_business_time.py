"""Business dates are calendar dates in the installation's time zone: around midnight, across DST."""
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from saleor_netterms.core.business_time import (InvalidTimeZone, business_date, business_day_range,
                                                business_day_start, business_today, days_overdue,
                                                time_zone_validate)

UTC = timezone.utc


def at(zone: str) -> SimpleNamespace:
    return SimpleNamespace(time_zone=zone)


@pytest.mark.parametrize("zone, instant, expected", [
    # Berlin (UTC+2 in summer): 22:30 UTC on 31 March is already 1 April there
    ("Europe/Berlin", datetime(2026, 3, 31, 21, 59, 59, tzinfo=UTC), date(2026, 3, 31)),
    ("Europe/Berlin", datetime(2026, 3, 31, 22, 0, 0, tzinfo=UTC), date(2026, 4, 1)),
    ("Europe/Berlin", datetime(2026, 3, 31, 22, 30, tzinfo=UTC), date(2026, 4, 1)),
    # New York (UTC-4 in summer): 00:30 UTC on 1 April is still 31 March there
    ("America/New_York", datetime(2026, 4, 1, 0, 30, tzinfo=UTC), date(2026, 3, 31)),
    ("America/New_York", datetime(2026, 4, 1, 3, 59, 59, tzinfo=UTC), date(2026, 3, 31)),
    ("America/New_York", datetime(2026, 4, 1, 4, 0, tzinfo=UTC), date(2026, 4, 1)),
    # the extremes: Kiritimati UTC+14, Pago Pago UTC-11
    ("Pacific/Kiritimati", datetime(2026, 12, 31, 10, 0, tzinfo=UTC), date(2027, 1, 1)),
    ("Pacific/Pago_Pago", datetime(2027, 1, 1, 10, 59, tzinfo=UTC), date(2026, 12, 31)),
    ("UTC", datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC), date(2026, 12, 31)),
])
def test_the_business_date_of_an_instant_is_its_date_in_the_installations_zone(zone, instant, expected):
    assert business_date(at(zone), instant) == expected
    assert business_today(at(zone), now=instant) == expected


def test_an_installation_without_a_zone_works_in_utc():
    assert business_date(at(""), datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == date(2026, 3, 31)
    assert business_date(SimpleNamespace(), datetime(2026, 4, 1, 0, 30, tzinfo=UTC)) == date(2026, 4, 1)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        business_date(at("Europe/Berlin"), datetime(2026, 3, 31, 23, 30))


@pytest.mark.parametrize("zone, day, start_utc, hours", [
    # Berlin springs forward on 29 March 2026 (02:00 → 03:00): a 23-hour business day
    ("Europe/Berlin", date(2026, 3, 29), datetime(2026, 3, 28, 23, 0, tzinfo=UTC), 23),
    # and falls back on 25 October 2026 (03:00 → 02:00): a 25-hour business day
    ("Europe/Berlin", date(2026, 10, 25), datetime(2026, 10, 24, 22, 0, tzinfo=UTC), 25),
    ("Europe/Berlin", date(2026, 7, 1), datetime(2026, 6, 30, 22, 0, tzinfo=UTC), 24),
    # New York: 8 March and 1 November 2026
    ("America/New_York", date(2026, 3, 8), datetime(2026, 3, 8, 5, 0, tzinfo=UTC), 23),
    ("America/New_York", date(2026, 11, 1), datetime(2026, 11, 1, 4, 0, tzinfo=UTC), 25),
    # Santiago skips local midnight on 6 September 2026 (00:00 → 01:00): the day begins at 01:00
    ("America/Santiago", date(2026, 9, 6), datetime(2026, 9, 6, 4, 0, tzinfo=UTC), 23),
])
def test_business_days_begin_at_local_midnight_and_last_23_to_25_hours_across_dst(zone, day, start_utc, hours):
    start, end = business_day_range(at(zone), day)
    assert start == start_utc
    assert business_day_start(at(zone), day) == start_utc
    assert end - start == timedelta(hours=hours)
    assert business_date(at(zone), start) == day
    assert business_date(at(zone), start - timedelta(microseconds=1)) == day - timedelta(days=1)
    assert business_date(at(zone), end - timedelta(microseconds=1)) == day


def test_due_dates_stay_on_the_calendar_across_dst():
    # an invoice issued the day before Berlin springs forward, Net 1 and Net 30
    issue = business_date(at("Europe/Berlin"), datetime(2026, 3, 28, 23, 30, tzinfo=UTC))  # 00:30 on the 29th
    assert issue == date(2026, 3, 29)
    assert issue + timedelta(days=1) == date(2026, 3, 30)
    assert issue + timedelta(days=30) == date(2026, 4, 28)


def test_days_overdue_counts_business_days_after_the_due_date():
    berlin = at("Europe/Berlin")
    due = date(2026, 3, 31)
    # 23:59 Berlin on the due date: not overdue; one minute later (22:00 UTC) one day overdue
    assert days_overdue(berlin, due, today=business_today(berlin, now=datetime(2026, 3, 31, 21, 59, tzinfo=UTC))) == 0
    assert days_overdue(berlin, due, today=business_today(berlin, now=datetime(2026, 3, 31, 22, 0, tzinfo=UTC))) == 1
    # the same instant in New York is still the due date
    assert days_overdue(at("America/New_York"), due,
                        today=business_today(at("America/New_York"), now=datetime(2026, 3, 31, 22, 0, tzinfo=UTC))) == 0
    assert days_overdue(berlin, due, today=date(2026, 3, 1)) == 0
    assert days_overdue(berlin, due, today=date(2026, 5, 15)) == 45


@pytest.mark.parametrize("name", ["Europe/Berlin", " America/New_York ", "UTC", "Asia/Kolkata"])
def test_valid_zone_names_are_accepted(name):
    assert time_zone_validate(name) == name.strip()


@pytest.mark.parametrize("name", ["", "Berlin", "europe/berlin", "UTC+2", "../etc/passwd", "Europe/Berlin\x00", "X" * 300])
def test_other_zone_names_are_refused_with_a_code(name):
    with pytest.raises(InvalidTimeZone) as refused:
        time_zone_validate(name)
    assert refused.value.code == "INVALID_TIME_ZONE"
    assert refused.value.http_status == 400


def test_no_module_takes_a_business_date_from_the_servers_zone():
    # given: every source but this one place (and the currency list, whose "today" is ISO 4217's, not a merchant's)
    root = Path(__file__).resolve().parents[2] / "saleor_netterms"
    allowed = {"core/business_time.py", "core/money.py"}
    server_today = re.compile(r"timezone\.localdate\(|\bdate\.today\(\)|datetime\.today\(\)|\.now\(\)\.date\(\)")

    # when
    found = sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                   if "migrations" not in path.parts and str(path.relative_to(root)) not in allowed
                   and server_today.search(path.read_text()))

    # then
    assert found == []
