"""Collections' default dates are business dates: today in the installation's time zone
(core.business_time), never the server's (issue 9 "Time")."""
import datetime as dt

import pytest

from saleor_netterms.collections.errors import CollectionsError
from saleor_netterms.collections.services import promise_make
from saleor_netterms.core.business_time import business_today
from saleor_netterms.core.money import Money


def _zone_on_another_day() -> str:
    """A zone whose calendar date differs from UTC's right now (UTC+14 from 10:00 UTC, UTC-11 before)."""
    return "Pacific/Kiritimati" if dt.datetime.now(dt.timezone.utc).hour >= 10 else "Pacific/Pago_Pago"


@pytest.fixture
def acme(company_factory):
    company = company_factory(legal_name="Acme Industrial Supply", limit=Money.of("10000", "USD"))
    company.installation.time_zone = _zone_on_another_day()
    company.installation.save(update_fields=["time_zone"])
    return company


@pytest.mark.django_db
def test_a_promise_for_the_merchants_today_is_taken_and_one_for_the_day_before_is_past(acme):
    # given: the merchant's today is not the server's
    today = business_today(acme.installation)
    assert today != dt.datetime.now(dt.timezone.utc).date()

    # when
    promise = promise_make(company=acme, amount=Money.of("100.00", "USD"), promised_date=today, made_by="staff")
    with pytest.raises(CollectionsError) as refused:
        promise_make(company=acme, amount=Money.of("100.00", "USD"), promised_date=today - dt.timedelta(days=1),
                     made_by="staff")

    # then
    assert promise.promised_date == today
    assert refused.value.code == "PROMISE_DATE_PAST"
