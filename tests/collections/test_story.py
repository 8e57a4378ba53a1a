"""The whole ladder as one bookkeeping story: issue → remind before due → overdue → second level
(fee + interest) → promise → broken → hold (a Saleor-style checkout declined) → payment (the next
checkout approved at once) → hold lifted → thanks. Exact messages, postings, holds and answers."""
import datetime as dt
from decimal import Decimal

import pytest

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.checkout.requests import AuthorizationRequest, Buyer
from saleor_netterms.workflows.checkout import checkout_authorize
from saleor_netterms.collections.models import (CompanyDunning, DunningCharge, DunningStep, PaymentPromise,
                                                StepKind)
from saleor_netterms.collections.notifications import dunning_email_build
from saleor_netterms.collections.services import collections_run, promise_make
from saleor_netterms.companies.models import AccountHold
from saleor_netterms.integration_events.models import IntegrationEvent
from saleor_netterms.integration_events.services import event_envelope, event_validate
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger.models import Posting
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.workflows.payments import payment_record

from .conftest import USER_ID, at, invoice_make, usd


def emails(company):
    return [(s.run_date.isoformat(), s.level, s.detail["subject"])
            for s in DunningStep.objects.filter(company=company, kind__in=[StepKind.EMAIL, StepKind.THANKS])
            .order_by("id")]


def checkout(installation, tx_id):
    return checkout_authorize(installation=installation, request=AuthorizationRequest(
        transaction_id=tx_id, money=usd("100.00"), buyer=Buyer(user_id=USER_ID), channel_slug="default-channel"))


@pytest.mark.django_db
def test_the_whole_ladder_from_invoice_to_thanks(acme, standard_policy):
    installation = acme.installation
    # given: one invoice of 1,000.00 issued 2026-01-05, due 2026-02-04 (Net 30)
    invoice = invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    assert invoice.due_date == dt.date(2026, 2, 4)

    # 2026-02-01: three days before due — the friendly reminder
    collections_run(installation=installation, now=at("2026-02-01"))
    # 2026-02-02 and -04: nothing new (at level, not overdue yet)
    collections_run(installation=installation, now=at("2026-02-02"))
    collections_run(installation=installation, now=at("2026-02-04"))
    # 2026-02-05: one day overdue — the overdue reminder
    collections_run(installation=installation, now=at("2026-02-05"))
    # 2026-02-12: eight days overdue — second reminder with a 15.00 fee and 8 days' interest
    collections_run(installation=installation, now=at("2026-02-12"))

    assert emails(acme) == [
        ("2026-02-01", 1, "Friendly reminder: 1 invoice due soon"),
        ("2026-02-05", 2, "Payment reminder: 1,000.00 USD overdue"),
        ("2026-02-12", 3, "Payment reminder: 1,017.63 USD overdue"),
    ]
    first = DunningStep.objects.get(company=acme, kind=StepKind.EMAIL, level=1)
    assert first.detail["to"] == "ap@acme.example"
    assert first.detail["body"] == (
        "Dear Accounts Payable,\n\nthis is a friendly reminder that the following invoice will be due shortly:\n\n"
        f"  {invoice.number}  due 2026-02-04  1,000.00 USD\n\nTotal: 1,000.00 USD\n"
        "If you have already paid, thank you — please ignore this message.\n\nNet Terms")
    third = DunningStep.objects.get(company=acme, kind=StepKind.EMAIL, level=3)
    assert third.detail["body"] == (
        "Dear Accounts Payable,\n\nour records show the following open item past due:\n\n"
        f"  {invoice.number}  due 2026-02-04  1,000.00 USD  (8 days overdue)\n"
        "\nCharged now:\n"
        f"  Late fee (15.00 USD once) on {invoice.number}  15.00 USD\n"
        f"  Interest 12% p.a. (act/365) to 2026-02-12 on {invoice.number}  2.63 USD\n"
        "\nTotal due: 1,017.63 USD\nYour statement of account is attached.\n"
        "If you have already paid, thank you — please ignore this message.\n\nNet Terms")
    charges = list(DunningCharge.objects.filter(company=acme).order_by("id").values_list("kind", "amount"))
    assert charges == [("late_fee", Decimal("15.0000")), ("interest", Decimal("2.6300"))]
    assert [(p.kind, p.amount) for p in Posting.objects.filter(company=acme, kind="fee").order_by("id")] == [
        ("fee", Decimal("15.0000")), ("fee", Decimal("2.6300"))]
    assert ledger_selectors.receivable_balance(company=acme, currency="USD") == usd("1017.63")
    # the reminder carries the invoice PDF and the statement (PDF + CSV)
    message = dunning_email_build(third)
    assert [name for name, _, _ in message.attachments] == [
        f"{invoice.number}.pdf", f"statement-{acme.pk}-USD-2026-02-12.pdf", f"statement-{acme.pk}-USD-2026-02-12.csv"]
    assert OutboxMessage.objects.filter(kind="email.dunning").count() == 3

    # 2026-02-13: the buyer promises to pay everything by 2026-02-20 — the ladder pauses
    promise = promise_make(company=acme, amount=usd("1017.63"), promised_date=dt.date(2026, 2, 20),
                           made_by="staff@merchant.example", today=dt.date(2026, 2, 13))
    collections_run(installation=installation, now=at("2026-02-16"))
    collections_run(installation=installation, now=at("2026-02-20"))
    assert list(DunningStep.objects.filter(company=acme, kind=StepKind.SKIP).order_by("id")
                .values_list("run_date", "reason")) == [
        (dt.date(2026, 2, 16), "PROMISE_OPEN"), (dt.date(2026, 2, 20), "PROMISE_OPEN")]
    assert len(emails(acme)) == 3

    # 2026-02-21: the promise is broken — one level up at once (the hold), staff told
    collections_run(installation=installation, now=at("2026-02-21"))
    promise.refresh_from_db()
    assert promise.status == "broken"
    broken = DunningStep.objects.get(company=acme, kind=StepKind.PROMISE_BROKEN)
    assert (broken.detail["to"], broken.detail["subject"]) == ("ar@merchant.example",
                                                                "Broken promise: Acme Industrial Supply")
    assert emails(acme)[-1] == ("2026-02-21", 4, "Final notice: 1,017.63 USD overdue")
    hold = AccountHold.objects.get(company=acme)
    assert (hold.mode, hold.reason_code, hold.lifted_at) == ("decline", "DUNNING_HOLD", None)
    assert hold.buyer_message == (
        f"Your company's account is on hold because {invoice.number} (1,000.00 USD) is overdue (17 days). "
        "New orders on invoice are declined until the overdue balance is paid.")
    assert CompanyDunning.objects.get(company=acme).level == 4

    # a new net-terms checkout is declined with the hold's message, nothing held
    declined = checkout(installation, "tx-held-1")
    assert (declined.outcome, declined.primary_code) == ("declined", "DUNNING_HOLD")
    assert declined.message == hold.buyer_message

    # 2026-02-23: the buyer pays everything — the very next checkout is approved, before any run
    payment_record(company=acme, money=usd("1017.63"), received_on=dt.date(2026, 2, 23), reference="BANK-7781")
    approved = checkout(installation, "tx-held-2")
    assert approved.outcome == "approved"

    # 2026-02-24: the run records the lift, thanks the payer and resolves the dunning
    collections_run(installation=installation, now=at("2026-02-24"))
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lift_reason == "The overdue balance that caused it is cleared"
    assert emails(acme)[-1] == ("2026-02-24", 4, "Thank you for your payment")
    thanks = DunningStep.objects.get(company=acme, kind=StepKind.THANKS)
    assert thanks.detail["body"] == ("Dear Accounts Payable,\n\nthank you — your overdue balance is settled. "
                                     "Orders on invoice are open again. We appreciate your business.\n\nNet Terms")
    state = CompanyDunning.objects.get(company=acme)
    assert (state.level, state.cycle, state.was_overdue) == (0, 1, False)
    # a second run the same day changes nothing
    steps = DunningStep.objects.count()
    collections_run(installation=installation, now=at("2026-02-24", 15))
    assert DunningStep.objects.count() == steps
    assert set(AuditEntry.objects.filter(company=acme, action__startswith="collections.")
               .values_list("action", flat=True)) == {
        "collections.reminder", "collections.level", "collections.late_fee", "collections.interest",
        "collections.promise", "collections.promise_broken", "collections.hold", "collections.hold_lift",
        "collections.resolved"}

    # every reminder, charge and hold was announced to the ERP, each payload valid against its schema
    events = IntegrationEvent.objects.filter(type__startswith="dunning.") | IntegrationEvent.objects.filter(
        type__startswith="account.hold_")
    assert [e.type for e in events.order_by("id")] == [
        "dunning.reminder_sent", "dunning.reminder_sent", "dunning.charge_posted", "dunning.charge_posted",
        "dunning.reminder_sent", "account.hold_placed", "dunning.reminder_sent", "account.hold_lifted",
        "dunning.reminder_sent"]
    assert {e.pk: event_validate(event_envelope(e)) for e in events} == {e.pk: [] for e in events}
    placed = events.get(type="account.hold_placed").data
    assert (placed["mode"], placed["reasonCode"], placed["causes"]) == ("decline", "DUNNING_HOLD", [invoice.number])
