"""Never nag a payer: each rule of the issue as its own test, with exact messages and postings,
and nothing written where nothing should happen."""
import datetime as dt
import threading
from dataclasses import replace
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connections

from saleor_netterms.collections.models import (CollectionsTask, CompanyDunning, DunningCharge, DunningStep,
                                                StepKind)
from saleor_netterms.collections.services import (charge_waive, collections_run, dispute_open, dispute_resolve,
                                                  dunning_policy_save, promise_make, task_close)
from saleor_netterms.checkout.selectors import credit_snapshot
from saleor_netterms.collections.statements import statement_build
from saleor_netterms.decisions.engine import decide
from saleor_netterms.decisions.tiers import tier_get
from saleor_netterms.companies.models import AccountHold
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger.models import Posting
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.workflows.payments import payment_record
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.collections.services import kept_promises
from saleor_netterms.reconciliation.models import IncomingPayment
from saleor_netterms.reconciliation.services import payment_intake
from tests.fixtures_credit import postgres_only

from .conftest import STANDARD_LEVELS, at, invoice_make, usd


def sent(company):
    return [(s.run_date.isoformat(), s.level, s.detail["subject"])
            for s in DunningStep.objects.filter(company=company, kind__in=[StepKind.EMAIL, StepKind.THANKS])
            .order_by("id")]


def level_of(company):
    return CompanyDunning.objects.get(company=company).level


@pytest.mark.django_db
def test_paid_yesterday_nothing_is_sent(acme, standard_policy):
    # given: due 2026-02-04, paid in full on that day
    invoice = invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    payment_record(company=acme, money=usd("1000.00"), received_on=dt.date(2026, 2, 4), reference="BANK-1")

    # when: the first overdue day's run
    report = collections_run(installation=acme.installation, now=at("2026-02-05"))

    # then
    assert sent(acme) == []
    assert DunningStep.objects.count() == 0
    assert OutboxMessage.objects.filter(kind="email.dunning").count() == 0
    assert Receivable.objects.get(pk=invoice.receivable_id).status == "paid"
    assert report.by_action() == {}


@pytest.mark.django_db
def test_payment_recorded_but_unallocated_skips_the_company_and_logs_why(acme, standard_policy):
    # given: overdue, and money received that nobody applied yet (it sits on the credit balance)
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    payment_record(company=acme, money=usd("1000.00"), received_on=dt.date(2026, 2, 5), reference="BANK-2",
                   allocations=[])

    # when: twice on the same day
    collections_run(installation=acme.installation, now=at("2026-02-06"))
    collections_run(installation=acme.installation, now=at("2026-02-06", 14))

    # then: no message, one logged skip
    assert sent(acme) == []
    skip = DunningStep.objects.get(company=acme)
    assert (skip.kind, skip.reason, skip.summary) == (
        "skip", "PAYMENT_PENDING",
        "Skipped: payment pending (UNALLOCATED_PAYMENT: 1,000.00 USD received and not yet applied)")


def bank_line_pending(company):
    """A stand-in for the reconciliation's "bank line suggested, not confirmed" selector."""
    return f"BANK_LINE_SUGGESTED: statement line for {company.legal_name}"


@pytest.mark.django_db
def test_a_configured_pending_payment_probe_skips_the_company(acme, standard_policy, settings):
    settings.COLLECTIONS_PAYMENT_PENDING_PROBES = ["tests.collections.test_never_nag.bank_line_pending"]
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")

    collections_run(installation=acme.installation, now=at("2026-02-06"))

    assert sent(acme) == []
    assert DunningStep.objects.get(company=acme).summary == (
        "Skipped: payment pending (BANK_LINE_SUGGESTED: statement line for Acme Industrial Supply)")


@pytest.mark.django_db
def test_a_partial_payment_keeps_the_rest_on_the_ladder_at_its_level(acme, standard_policy):
    # given: at level 2 (overdue) since 2026-02-05
    invoice = invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    collections_run(installation=acme.installation, now=at("2026-02-05"))
    assert level_of(acme) == 2

    # when: 400.00 paid, then the eight-days-overdue run
    payment_record(company=acme, money=usd("400.00"), received_on=dt.date(2026, 2, 9), reference="BANK-3")
    collections_run(installation=acme.installation, now=at("2026-02-12"))

    # then: level 3 for the 600.00 left; the fee is flat, the interest on 600.00 for 8 days
    assert sent(acme)[-1] == ("2026-02-12", 3, "Payment reminder: 616.58 USD overdue")
    assert list(DunningCharge.objects.order_by("id").values_list("kind", "amount")) == [
        ("late_fee", Decimal("15.0000")), ("interest", Decimal("1.5800"))]
    assert ledger_selectors.receivable_balance(company=acme, currency="USD",
                                               receivable_ref=f"rcv:{invoice.receivable_id}") == usd("600.00")


@pytest.mark.django_db
def test_a_disputed_invoice_is_left_out_of_reminders_fees_and_holds_but_stays_in_ageing(acme, standard_policy):
    # given: two overdue invoices; the buyer disputes one of them completely
    first = invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    second = invoice_make(acme, amount="300.00", issue_date="2026-01-06")
    dispute = dispute_open(company=acme, receivable=first.receivable, reason_code="DAMAGED",
                           opened_by="buyer:VXNlcjo2", note="Pallet arrived crushed")

    # when
    collections_run(installation=acme.installation, now=at("2026-02-13"))

    # then: one message for the 300.00 only, the fee and interest only on it
    step = DunningStep.objects.get(company=acme, kind=StepKind.EMAIL)
    assert step.detail["subject"] == "Payment reminder: 315.79 USD overdue"
    assert first.number not in step.detail["body"] and second.number in step.detail["body"]
    assert list(DunningCharge.objects.values_list("source_id", "kind", "amount").order_by("id")) == [
        (second.receivable_id, "late_fee", Decimal("15.0000")), (second.receivable_id, "interest", Decimal("0.7900"))]
    # ageing (as of today, which is after all of it) still holds the disputed 1,000.00
    statement = statement_build(company=acme, currency="USD", start=dt.date(2026, 1, 1), end=dt.date.today())
    assert sum(statement.ageing.values()) == Decimal("1315.79")
    assert statement.closing == Decimal("1315.79")

    # and when staff reject the dispute, the invoice is back on the ladder at the next level
    dispute_resolve(dispute=dispute, resolution="reject", actor="staff@merchant.example", note="Photos show no damage")
    collections_run(installation=acme.installation, now=at("2026-02-25"))
    assert sent(acme)[-1] == ("2026-02-25", 4, "Final notice: 1,315.79 USD overdue")


@pytest.mark.django_db
def test_a_dispute_lifts_the_hold_it_alone_caused_and_a_credit_note_resolves_it(acme, standard_policy):
    # given: on hold for one overdue invoice
    invoice = invoice_make(acme, amount="500.00", issue_date="2026-01-05")
    collections_run(installation=acme.installation, now=at("2026-02-25"))
    hold = AccountHold.objects.get(company=acme)
    assert hold.lifted_at is None

    # when: the buyer disputes it
    dispute = dispute_open(company=acme, receivable=invoice.receivable, reason_code="PRICING",
                           opened_by="buyer:VXNlcjo2")

    # then: the hold is lifted; nothing more is sent while it is disputed
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lift_reason == "The overdue balance is disputed (PRICING)"
    before = len(sent(acme))
    collections_run(installation=acme.installation, now=at("2026-03-10"))
    assert len(sent(acme)) == before

    # when: staff credit the invoice in full
    dispute_resolve(dispute=dispute, resolution="credit_note", actor="staff@merchant.example")
    dispute.refresh_from_db()
    assert dispute.status == "credited" and dispute.credited_amount == Decimal("500.0000")
    assert ledger_selectors.receivable_balance(company=acme, currency="USD",
                                               receivable_ref=f"rcv:{invoice.receivable_id}") == usd("0.00")


@pytest.mark.django_db
def test_unpaid_fees_keep_the_dunning_open_until_paid_or_waived(acme, standard_policy):
    # given: level 3 charged 15.00 + 2.63; the buyer pays only the invoice
    invoice = invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    collections_run(installation=acme.installation, now=at("2026-02-12"))
    payment_record(company=acme, money=usd("1000.00"), received_on=dt.date(2026, 2, 14), reference="BANK-4",
                   allocations=[(invoice.receivable, usd("1000.00"))])

    # when
    collections_run(installation=acme.installation, now=at("2026-02-16"))

    # then: not resolved, no thanks
    assert level_of(acme) == 3
    assert not DunningStep.objects.filter(company=acme, kind__in=[StepKind.RESOLVED, StepKind.THANKS]).exists()

    # when: staff waive both charges (credit notes of the fee, audited)
    for charge in DunningCharge.objects.filter(company=acme):
        charge_waive(charge=charge, actor="staff@merchant.example", reason="Goodwill: first late payment")
    collections_run(installation=acme.installation, now=at("2026-02-17"))

    # then: resolved with thanks; the ledger shows the waivers
    assert sent(acme)[-1] == ("2026-02-17", 3, "Thank you for your payment")
    assert level_of(acme) == 0
    assert ledger_selectors.receivable_balance(company=acme, currency="USD") == usd("0.00")
    assert list(Posting.objects.filter(company=acme, memo__startswith="Waiver:").values_list("amount", flat=True)
                .order_by("id")) == [Decimal("15.0000"), Decimal("2.6300")]


@pytest.mark.django_db
def test_the_send_window_is_in_the_merchants_time_zone(acme, credit_installation):
    # given: New York, 09:00-17:00
    dunning_policy_save(installation=credit_installation, name="NY", levels=STANDARD_LEVELS[:2], actor="staff",
                        is_default=True, time_zone="America/New_York",
                        send_window_start=dt.time(9, 0), send_window_end=dt.time(17, 0))
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")

    # when: 13:00 UTC is 08:00 in New York; 21:59 UTC is 16:59; 22:00 UTC is 17:00
    collections_run(installation=credit_installation, now=at("2026-02-05", 13))
    assert sent(acme) == []
    collections_run(installation=credit_installation, now=dt.datetime(2026, 2, 5, 21, 59, tzinfo=dt.timezone.utc))

    # then
    assert sent(acme) == [("2026-02-05", 2, "Payment reminder: 1,000.00 USD overdue")]


@pytest.mark.django_db
def test_one_message_groups_every_due_and_overdue_invoice_and_respects_the_gap(acme, standard_policy):
    a = invoice_make(acme, amount="100.00", issue_date="2026-01-01")
    b = invoice_make(acme, amount="200.00", issue_date="2026-01-03")
    c = invoice_make(acme, amount="300.00", issue_date="2026-01-20")  # due 02-19, not yet

    collections_run(installation=acme.installation, now=at("2026-02-03"))
    collections_run(installation=acme.installation, now=at("2026-02-04"))  # within the 3-day gap

    steps = DunningStep.objects.filter(company=acme, kind=StepKind.EMAIL)
    assert [s.detail["subject"] for s in steps] == ["Payment reminder: 300.00 USD overdue"]
    body = steps[0].detail["body"]
    assert a.number in body and b.number in body and c.number not in body
    assert sorted(steps[0].detail["invoice_ids"]) == sorted([a.pk, b.pk])


@pytest.mark.django_db
def test_a_task_level_waits_for_staff_then_the_agency_stops_chasing(acme, standard_policy):
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    collections_run(installation=acme.installation, now=at("2026-03-06"))  # 30 days: the call level
    task = CollectionsTask.objects.get(company=acme)
    assert (task.assignee, task.title, task.level) == ("ar@merchant.example", "Call Accounts Payable", 5)

    collections_run(installation=acme.installation, now=at("2026-04-10"))  # 65 days, but the call is open
    assert level_of(acme) == 5

    task_close(task=task, status="done", actor="ar@merchant.example", note="AP says the CFO signs on Friday")
    collections_run(installation=acme.installation, now=at("2026-04-11"))
    state = CompanyDunning.objects.get(company=acme)
    assert state.level == 6 and state.agency_at is not None
    agency = DunningStep.objects.get(company=acme, kind=StepKind.ERP_EVENT)
    assert agency.detail["event"] == "collections.dunning_level" and agency.detail["level"] == 6

    steps = DunningStep.objects.count()
    collections_run(installation=acme.installation, now=at("2026-05-11"))
    assert DunningStep.objects.count() == steps  # chasing stopped


@pytest.mark.django_db
def test_a_dry_run_shows_exactly_what_would_happen_and_writes_nothing(acme, standard_policy):
    invoice = invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    counts = (DunningStep.objects.count(), Posting.objects.count(), OutboxMessage.objects.count(),
              Receivable.objects.count())

    dry = collections_run(installation=acme.installation, now=at("2026-02-12"), dry_run=True)

    assert (DunningStep.objects.count(), Posting.objects.count(), OutboxMessage.objects.count(),
            Receivable.objects.count()) == counts
    [outcome] = dry.outcomes
    assert (outcome.action, outcome.level) == ("advance", 3)
    assert [(s["kind"], s["summary"]) for s in outcome.steps] == [
        ("fee", f"Late fee (15.00 USD once) on {invoice.number}: 15.00 USD"),
        ("interest", f"Interest 12% p.a. (act/365) to 2026-02-12 on {invoice.number}: 2.63 USD"),
        ("email", "Reminder 'Second reminder': Payment reminder: 1,017.63 USD overdue"),
    ]
    real = collections_run(installation=acme.installation, now=at("2026-02-12"))
    assert [(s["kind"], s["summary"]) for s in real.outcomes[0].steps] == [
        (s["kind"], s["summary"]) for s in outcome.steps]


def _run_in_thread(installation, start, now):
    try:
        start.wait(timeout=30)
        return collections_run(installation=installation, now=now).acted
    finally:
        connections.close_all()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once(credit_installation, credit_saleor, company_factory):
    # given: 5 overdue companies (their invoices attached to the Saleor orders after commit)
    dunning_policy_save(installation=credit_installation, name="Std", levels=STANDARD_LEVELS, actor="staff",
                        is_default=True)
    companies = [company_factory(installation=credit_installation, legal_name=f"Buyer {i}",
                                 billing_contact_email=f"ap{i}@buyer.example", limit=usd("100000")) for i in range(5)]
    for company in companies:
        invoice_make(company, amount="100.00", issue_date="2026-01-05")
    start = threading.Event()

    # when: four runs at once on real parallel connections
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(_run_in_thread, credit_installation, start, at("2026-02-05")) for _ in range(4)]
        start.set()
        [f.result() for f in futures]

    # then: one reminder per company, one outbox message each
    assert DunningStep.objects.filter(kind=StepKind.EMAIL).count() == 5
    assert OutboxMessage.objects.filter(kind="email.dunning").count() == 5
    assert sorted(CompanyDunning.objects.values_list("level", flat=True)) == [2, 2, 2, 2, 2]


@pytest.mark.django_db
def test_a_bank_line_waiting_in_reconciliation_skips_the_company(acme, standard_policy):
    # given: overdue; the ERP reports a payment of this company that nobody confirmed yet

    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    result = payment_intake(installation=acme.installation, source="bank", source_reference="ACSV-77",
                            money=usd("990.00"), received_on=dt.date(2026, 2, 5), company=acme,
                            remittance_text="thanks", actor="bank")
    assert result.payment is None and IncomingPayment.objects.get().status in ("unmatched", "suggested")

    # when
    collections_run(installation=acme.installation, now=at("2026-02-06"))

    # then
    assert sent(acme) == []
    step = DunningStep.objects.get(company=acme)
    assert (step.kind, step.reason) == ("skip", "PAYMENT_PENDING")
    assert step.summary.startswith("Skipped: payment pending (PAYMENT_UNCONFIRMED: 990.00 USD (bank, ")


@pytest.mark.django_db
def test_the_dry_run_command_prints_the_plan_and_writes_nothing(acme, credit_installation):
    import io

    from django.core.management import call_command

    dunning_policy_save(installation=credit_installation, name="All day", levels=STANDARD_LEVELS, actor="staff",
                        is_default=True, send_window_start=dt.time(0, 0),
                        send_window_end=dt.time(23, 59, 59, 999999))
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    out = io.StringIO()

    call_command("collections_run", "--dry-run", stdout=out)

    assert DunningStep.objects.count() == 0
    text = out.getvalue()
    assert "(dry run: nothing written)" in text
    assert "Acme Industrial Supply: [" in text


@pytest.mark.django_db
def test_a_kept_promise_is_recorded_and_counted_for_the_payment_history(acme, standard_policy):
    # given: overdue at level 2, a promise of 400.00 by 2026-02-15, paid on the 14th
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    collections_run(installation=acme.installation, now=at("2026-02-05"))
    promise = promise_make(company=acme, amount=usd("400.00"), promised_date=dt.date(2026, 2, 15),
                           made_by="buyer:VXNlcjo2", today=dt.date(2026, 2, 6))
    payment_record(company=acme, money=usd("400.00"), received_on=dt.date(2026, 2, 14), reference="BANK-9")

    # when
    collections_run(installation=acme.installation, now=at("2026-02-16"))

    # then: kept, counted; the 600.00 left goes on at its level (level 3 is due from the 12th)
    promise.refresh_from_db()
    assert (promise.status, promise.resolved_on) == ("kept", dt.date(2026, 2, 16))
    assert kept_promises(company=acme) == 1
    assert DunningStep.objects.filter(company=acme, kind=StepKind.PROMISE_KEPT).count() == 1
    assert sent(acme)[-1] == ("2026-02-16", 3, "Payment reminder: 617.37 USD overdue")  # 600 + 15 + 2.37 (12 days)
    acme.refresh_from_db()
    assert (acme.promises_kept, acme.promises_broken) == (1, 0)


@pytest.mark.django_db
def test_the_credit_decision_weighs_broken_promises_against_kept_ones(acme, standard_policy):
    # given: one promise kept, then two broken (the Standard tier reviews above 1 net broken promise)
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    collections_run(installation=acme.installation, now=at("2026-02-05"))
    promise_make(company=acme, amount=usd("100.00"), promised_date=dt.date(2026, 2, 10), made_by="buyer",
                 today=dt.date(2026, 2, 6))
    payment_record(company=acme, money=usd("100.00"), received_on=dt.date(2026, 2, 9), reference="BANK-1")
    collections_run(installation=acme.installation, now=at("2026-02-11"))
    for day in (12, 20):
        promise_make(company=acme, amount=usd("100.00"), promised_date=dt.date(2026, 2, day + 2), made_by="buyer",
                     today=dt.date(2026, 2, day))
        collections_run(installation=acme.installation, now=at(f"2026-02-{day + 3}"))
    acme.refresh_from_db()
    snapshot = credit_snapshot(company=acme, member=None, money=usd("10.00"), channel_slug="default-channel")

    # when
    decision = decide(snapshot, tier_get("standard").policy)

    # then: 2 broken − 1 kept = 1, not above 1; a third broken one would send orders to review
    assert (acme.promises_kept, acme.promises_broken) == (1, 2) == (snapshot.promises_kept, snapshot.promises_broken)
    assert "BROKEN_PROMISES" not in decision.codes
    assert "BROKEN_PROMISES" in decide(replace(snapshot, promises_broken=3), tier_get("standard").policy).codes
    assert "BROKEN_PROMISES" in decide(snapshot, tier_get("starter").policy).codes


@pytest.mark.django_db
def test_a_policy_without_a_time_zone_follows_the_installations(acme, credit_installation):
    # given: the merchant's business time zone is Tokyo; the ladder names none
    credit_installation.time_zone = "Asia/Tokyo"
    credit_installation.save(update_fields=["time_zone"])
    policy = dunning_policy_save(installation=credit_installation, name="Tokyo", levels=STANDARD_LEVELS[:2],
                                 actor="staff", is_default=True, send_window_start=dt.time(9, 0),
                                 send_window_end=dt.time(17, 0))
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")

    # when: 08:30 UTC is 17:30 in Tokyo (outside the window), 23:30 UTC on the 4th is 08:30 on the 5th
    collections_run(installation=credit_installation, now=dt.datetime(2026, 2, 5, 8, 30, tzinfo=dt.timezone.utc))
    collections_run(installation=credit_installation, now=dt.datetime(2026, 2, 4, 23, 30, tzinfo=dt.timezone.utc))
    assert sent(acme) == []
    collections_run(installation=credit_installation, now=dt.datetime(2026, 2, 5, 0, 30, tzinfo=dt.timezone.utc))

    # then: sent at 09:30 Tokyo time, dated Tokyo's 5 February
    assert policy.time_zone == ""
    assert sent(acme) == [("2026-02-05", 2, "Payment reminder: 1,000.00 USD overdue")]
