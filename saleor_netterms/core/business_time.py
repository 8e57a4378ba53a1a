"""Business time: the ONE place where an instant becomes a business date.

Every installation has a time zone (`Installation.time_zone`, an IANA name such as
"Europe/Berlin"; "UTC" until the merchant sets one). Issue dates, due dates, "overdue", ageing
buckets and dunning days are calendar dates in that zone: an order captured at 00:30 on 1 April
in Berlin (22:30 UTC on 31 March) is issued on 1 April, and one captured at 20:30 on 31 March in
New York (00:30 UTC on 1 April) is issued on 31 March.

    business_today(installation)                 -> date   (now, in the installation's zone)
    business_date(installation, instant)         -> date   (an aware datetime, in the zone)
    business_day_start(installation, day)        -> datetime (aware, UTC) when that day begins
    days_overdue(installation, due_date, today=) -> int    (0 until the day after the due date)

Pure: no database, no settings; `installation` is anything with a `time_zone` attribute (core
sits below every domain and imports none of them). Date arithmetic (`due = issue + N days`)
stays on dates, where DST cannot shift it.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import NetTermsError

DEFAULT_TIME_ZONE = "UTC"


class InvalidTimeZone(NetTermsError):
    code = "INVALID_TIME_ZONE"
    http_status = 400
    merchant_message = "Not a time zone name from the IANA database (for example Europe/Berlin)."


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone name the system knows, sorted (for pickers and validation)."""
    return tuple(sorted(available_timezones() | {DEFAULT_TIME_ZONE}))


def time_zone_validate(name: str) -> str:
    """The canonical spelling of a valid IANA zone name, else ``INVALID_TIME_ZONE``."""
    candidate = (name or "").strip()
    if candidate not in time_zone_names():
        raise InvalidTimeZone(f"unknown time zone {candidate[:64]!r}")
    return candidate


@lru_cache(maxsize=None)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidTimeZone(f"unknown time zone {name[:64]!r}") from exc


def installation_zone(installation) -> ZoneInfo:
    return _zone(getattr(installation, "time_zone", "") or DEFAULT_TIME_ZONE)


def business_date(installation, instant: datetime) -> date:
    """The calendar date of an aware instant in the installation's time zone."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("business_date needs an aware datetime")
    return instant.astimezone(installation_zone(installation)).date()


def business_today(installation, *, now: datetime | None = None) -> date:
    """Today in the installation's time zone."""
    return business_date(installation, now or datetime.now(timezone.utc))


def business_day_start(installation, day: date) -> datetime:
    """The instant (UTC) the business day begins. Where a DST change skips local midnight
    (America/Santiago, America/Havana), the day begins at the change itself: zoneinfo reads the
    missing 00:00 with the offset before the change (fold=0), which is exactly that instant."""
    return datetime.combine(day, time(0, 0), tzinfo=installation_zone(installation)).astimezone(timezone.utc)


def business_day_range(installation, day: date) -> tuple[datetime, datetime]:
    """[start, end) of the business day in UTC; 23, 24 or 25 hours long."""
    return business_day_start(installation, day), business_day_start(installation, day + timedelta(days=1))


def days_overdue(installation, due_date: date, *, today: date | None = None) -> int:
    """Whole business days past the due date: 0 on the due date itself and before it."""
    today = today if today is not None else business_today(installation)
    return max(0, (today - due_date).days)
