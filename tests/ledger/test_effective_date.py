"""A posting's effective date is a business date: today in the installation's time zone
(core.business_time), never the server's. Nothing falls back to the server's zone: the model
field has no default."""
from datetime import datetime, timezone

import pytest
from django.db import transaction

from saleor_netterms.companies.services import company_lock
from saleor_netterms.core.business_time import business_today
from saleor_netterms.ledger import services as ledger
from saleor_netterms.ledger.models import Posting

from .helpers import usd


def _zone_on_another_day() -> str:
    """A zone whose calendar date differs from UTC's right now (UTC+14 from 10:00 UTC, UTC-11 before)."""
    return "Pacific/Kiritimati" if datetime.now(timezone.utc).hour >= 10 else "Pacific/Pago_Pago"


@pytest.mark.django_db
@pytest.mark.parametrize("locked", [True, False], ids=["under-company-lock", "ledger-locks"])
def test_a_posting_without_a_date_is_dated_today_in_the_installations_zone(company, locked):
    # given: the merchant's zone is on another calendar day than the server (UTC)
    installation = company.installation
    installation.time_zone = _zone_on_another_day()
    installation.save(update_fields=["time_zone"])
    utc_today = datetime.now(timezone.utc).date()

    # when
    with transaction.atomic():
        target = company_lock(company_id=company.pk) if locked else type(company).objects.get(pk=company.pk)
        posting = ledger.hold_place(company=target, money=usd("10.00"), hold_ref="t1", idempotency_key="k1")

    # then
    expected = business_today(installation)
    assert expected != utc_today
    assert posting.effective_date == expected
    assert Posting.objects.get(pk=posting.pk).effective_date == expected


@pytest.mark.django_db
def test_a_date_given_by_the_caller_is_kept(company):
    # when
    posting = ledger.hold_place(company=company, money=usd("10.00"), hold_ref="t1", idempotency_key="k1",
                                effective_date=datetime(2026, 3, 31).date())

    # then
    assert Posting.objects.get(pk=posting.pk).effective_date == datetime(2026, 3, 31).date()


def test_the_model_has_no_default_that_would_use_the_servers_zone():
    assert Posting._meta.get_field("effective_date").has_default() is False
