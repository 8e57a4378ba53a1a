"""Business dates follow the installation's time zone, end to end: a capture's issue and due
dates, and how many days a receivable is past due, are calendar days in the merchant's zone.

No clock is faked: the test picks a zone whose date differs from UTC's right now (UTC+14 or
UTC-12 — at every moment at least one of them is on another calendar day than UTC)."""
import datetime as dt

import pytest

from saleor_netterms.core.business_time import business_today
from saleor_netterms.installations.services import installation_time_zone_set
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.decisions.selectors import payment_history
from tests.api.conftest import invoice

RECEIVABLES = """query ($id: ID!) { company(id: $id) { receivables { reference issueDate dueDate daysPastDue } } }"""


def _zone_on_another_day() -> tuple[str, dt.date]:
    utc_today = dt.datetime.now(dt.timezone.utc).date()
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        today = business_today(type("I", (), {"time_zone": zone})())
        if today != utc_today:
            return zone, today
    raise AssertionError("UTC+14 and UTC-12 cannot both be on UTC's date")


@pytest.mark.django_db
def test_a_capture_is_issued_and_due_on_the_merchants_calendar_not_utcs(gql, credit_installation, buyer):
    # given: the merchant's business day is not UTC's
    zone, local_today = _zone_on_another_day()
    installation_time_zone_set(installation=credit_installation, time_zone=zone)

    # when: an order on Net 30 is captured
    receivable = invoice(credit_installation, tx="VHJhbnNhY3Rpb246MQ==", amount="300.00", order_number="1001")

    # then
    assert (receivable.issue_date, receivable.due_date) == (local_today, local_today + dt.timedelta(days=30))
    assert receivable.issue_date != dt.datetime.now(dt.timezone.utc).date()


@pytest.mark.django_db
def test_days_past_due_count_the_merchants_calendar_days(gql, credit_installation, buyer):
    # given: two receivables, one due yesterday and one due today on the merchant's calendar
    zone, local_today = _zone_on_another_day()
    installation_time_zone_set(installation=credit_installation, time_zone=zone)
    late = invoice(credit_installation, tx="VHJhbnNhY3Rpb246MQ==", amount="100.00", order_number="1001")
    due_today = invoice(credit_installation, tx="VHJhbnNhY3Rpb246Mg==", amount="100.00", order_number="1002")
    Receivable.objects.filter(pk=late.pk).update(issue_date=local_today - dt.timedelta(days=31),
                                                 due_date=local_today - dt.timedelta(days=1))
    Receivable.objects.filter(pk=due_today.pk).update(issue_date=local_today - dt.timedelta(days=30),
                                                      due_date=local_today)

    # when
    rows = gql(RECEIVABLES, {"id": str(buyer.pk)})["company"]["receivables"]

    # then: one day past due in the merchant's zone, whatever UTC says
    assert sorted((r["reference"], r["dueDate"], r["daysPastDue"]) for r in rows) == sorted([
        (late.reference, (local_today - dt.timedelta(days=1)).isoformat(), 1),
        (due_today.reference, local_today.isoformat(), 0)])


@pytest.mark.django_db
def test_the_credit_decision_sees_overdue_days_in_the_merchants_zone(credit_installation, buyer):
    # given: a receivable due two merchant days ago
    zone, local_today = _zone_on_another_day()
    installation_time_zone_set(installation=credit_installation, time_zone=zone)
    late = invoice(credit_installation, tx="VHJhbnNhY3Rpb246MQ==", amount="250.00", order_number="1001")
    Receivable.objects.filter(pk=late.pk).update(issue_date=local_today - dt.timedelta(days=32),
                                                 due_date=local_today - dt.timedelta(days=2))
    buyer.refresh_from_db()

    # when
    history = payment_history(company=buyer, currency="USD")

    # then
    assert (history.overdue_amount, history.max_days_past_due) == (250, 2)
