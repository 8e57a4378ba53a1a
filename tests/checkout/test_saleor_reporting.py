"""Reporting payments to Saleor: through the outbox, after commit, retried until Saleor acknowledges.

The Saleor test double validates every document against the pinned schema and records calls."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_netterms.installations.models import InstallationStatus
from saleor_netterms.outbox.models import OutboxMessage, OutboxStatus
from saleor_netterms.outbox.services import outbox_deliver, outbox_deliver_due
from saleor_netterms.workflows.payments import payment_record
from saleor_netterms.receivables.models import Receivable
from tests.saleor_double import CUSTOMER_ID, transaction_event_report_answer

from .test_handlers import TX, deliver, initialize, usd


@pytest.fixture
def company(installation, company_factory, member_factory):
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply", limit=usd("1000"))
    member_factory(company=company, kind="saleor_user_id", value=CUSTOMER_ID)
    return company


def captured_and_paid(client, fake_saleor, company, amount="180.00"):
    init = initialize(client, fake_saleor)
    deliver(client, fake_saleor, "TRANSACTION_CHARGE_REQUESTED", fake_saleor.payloads.transaction_charge_requested(
        transaction_id=TX, psp_reference=init["pspReference"], amount=Decimal("180.00")))
    payment_record(company=company, money=usd(amount), received_on=dt.date(2026, 12, 1), reference="BANK-1")
    return Receivable.objects.get(), OutboxMessage.objects.filter(kind="saleor.transaction_event_report").first()


def make_due(message):
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_payment_is_reported_as_charge_success(client, fake_saleor, company):
    # given
    receivable, message = captured_and_paid(client, fake_saleor, company)

    # when
    status = outbox_deliver(message_id=message.pk)

    # then
    assert status == OutboxStatus.DELIVERED
    [call] = fake_saleor.calls_for("TransactionEventReport")
    assert call.variables == {"id": TX, "type": "CHARGE_SUCCESS", "pspReference": receivable.reference,
                              "amount": "180.00", "message": f"Payment BANK-1 received for {receivable.reference}.",
                              "availableActions": ["REFUND"]}
    assert call.authorization == f"Bearer {fake_saleor.app_token}"


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_a_saleor_outage_loses_nothing(client, fake_saleor, company):
    # given: Saleor answers 503 to the next two deliveries (one call each: the outbox retries)
    receivable, message = captured_and_paid(client, fake_saleor, company, amount="100.00")
    fake_saleor.fail_next(2, status=503)

    # when Saleor is down
    assert outbox_deliver(message_id=message.pk) == OutboxStatus.PENDING
    make_due(message)
    assert outbox_deliver(message_id=message.pk) == OutboxStatus.PENDING

    # then nothing was lost: both reports wait, in order
    pending = list(OutboxMessage.objects.order_by("id").values_list("payload__type", "status"))
    assert pending == [("CHARGE_SUCCESS", OutboxStatus.PENDING), ("CHARGE_REQUEST", OutboxStatus.PENDING)]

    # when Saleor is back
    make_due(message)
    outbox_deliver_due()

    # then
    delivered = [(c.variables["type"], c.variables["pspReference"], c.variables["amount"])
                 for c in fake_saleor.calls_for("TransactionEventReport") if c.variables]
    assert delivered[-2:] == [("CHARGE_SUCCESS", receivable.reference, "100.00"),
                              ("CHARGE_REQUEST", f"{receivable.reference}-2", "80.00")]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}
    due = receivable.due_date
    assert [c.variables["message"] for c in fake_saleor.calls_for("TransactionEventReport") if c.variables][-1] == (
        f"$80.00 of {receivable.reference} still open, due {due:%b} {due.day}, {due.year}.")  # in INVOICE_LANGUAGE


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_already_processed_counts_as_delivered(client, fake_saleor, company):
    # given
    _, message = captured_and_paid(client, fake_saleor, company)
    fake_saleor.answer("TransactionEventReport", transaction_event_report_answer(already_processed=True))

    # when
    status = outbox_deliver(message_id=message.pk)

    # then
    message.refresh_from_db()
    assert status == OutboxStatus.DELIVERED
    assert message.result["alreadyProcessed"] is True


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_a_report_saleor_refuses_waits_for_a_person(client, fake_saleor, company):
    # given
    _, message = captured_and_paid(client, fake_saleor, company)
    fake_saleor.answer("TransactionEventReport", {"data": {"transactionEventReport": {
        "alreadyProcessed": False, "transaction": None, "transactionEvent": None,
        "errors": [{"field": "amount", "code": "INCORRECT_DETAILS", "message": "Amount differs"}]}}})

    # when
    status = outbox_deliver(message_id=message.pk)

    # then
    message.refresh_from_db()
    assert status == OutboxStatus.DEAD
    assert message.last_error == "INCORRECT_DETAILS: Amount differs"


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_a_deleted_app_marks_the_installation_removed_and_parks_the_report(client, fake_saleor, company, installation):
    # given
    _, message = captured_and_paid(client, fake_saleor, company)
    fake_saleor.reject_token()

    # when
    status = outbox_deliver(message_id=message.pk)

    # then
    installation.refresh_from_db()
    assert status == OutboxStatus.DEAD
    assert installation.status == InstallationStatus.REMOVED


@pytest.mark.django_db(transaction=True)
@pytest.mark.needs_schema
def test_reports_leave_after_commit(client, fake_saleor, company):
    # when: the payment commits (eager Celery delivers from on_commit)
    receivable, message = captured_and_paid(client, fake_saleor, company)

    # then
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    assert [c.variables["pspReference"] for c in fake_saleor.calls_for("TransactionEventReport")] == [
        receivable.reference]
