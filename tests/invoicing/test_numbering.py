"""Gapless numbers and immutable invoices, proven on PostgreSQL (real threads, real triggers)."""
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone

from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.checkout.services import order_bind
from saleor_netterms.core.money import Money
from saleor_netterms.invoicing.models import (Invoice, InvoiceCounter, InvoiceImmutable, InvoiceKind, InvoiceSeries,
                                              SeriesReset)
from saleor_netterms.invoicing.numbering import number_take, series_for
from saleor_netterms.invoicing.services import invoice_issue_for_order, invoice_void, invoicing_settings_set
from saleor_netterms.ledger import services as ledger
from tests.fixtures_credit import ledger_counts, postgres_only

from .conftest import order_snapshot


@pytest.mark.django_db
@pytest.mark.parametrize("fmt, reset, message", [
    ("INV-{seq:06}", SeriesReset.YEARLY, "A series that restarts every year must contain {year}."),
    ("INV-{year}", SeriesReset.NEVER, "The format must contain {seq} exactly once."),
    ("INV-{year}-{number}", SeriesReset.YEARLY, "Unknown field {number}: use {year}, {seq} or {channel}."),
    ("INV-{year}-{seq:6d}", SeriesReset.YEARLY, "{seq} takes only a zero-padded width, e.g. {seq:06}."),
])
def test_series_format_is_validated_at_save_and_nothing_is_written(credit_installation, fmt, reset, message):
    # when
    with pytest.raises(ValidationError) as refused:
        InvoiceSeries.objects.create(installation=credit_installation, kind=InvoiceKind.INVOICE, format=fmt,
                                     reset=reset)

    # then
    assert refused.value.message_dict == {"format": [message]}
    assert InvoiceSeries.objects.count() == 0


@pytest.mark.django_db
def test_channel_series_and_never_reset_formats(credit_installation):
    # given
    InvoiceSeries.objects.create(installation=credit_installation, kind=InvoiceKind.INVOICE, channel_slug="b2b-de",
                                 format="DE-{channel}-{seq:04}", reset=SeriesReset.NEVER)

    # when
    with transaction.atomic():
        channel = number_take(series=series_for(installation=credit_installation, kind="invoice",
                                                channel_slug="b2b-de"), issue_date=timezone.localdate())
        default = number_take(series=series_for(installation=credit_installation, kind="invoice",
                                                channel_slug="other"), issue_date=timezone.localdate())

    # then
    assert (channel.number, channel.period) == ("DE-b2b-de-0001", "")
    assert default.number == f"INV-{timezone.localdate().year}-000001"


@postgres_only
@pytest.mark.django_db
def test_a_failed_issue_gives_its_number_back(acme, held_order):
    # given: the database refuses the issue's last write (its after-commit messages), as a full disk would
    invoicing_settings_set(company=acme, policy="at_confirmation")
    first = held_order(company=acme, amount="180.00")
    second = held_order(company=acme, amount="180.00")
    with connection.cursor() as cursor:
        cursor.execute("CREATE FUNCTION test_outbox_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                       "$$ BEGIN RAISE EXCEPTION 'outbox full'; END $$")
        cursor.execute("CREATE TRIGGER test_outbox_refuse BEFORE INSERT ON outbox_outboxmessage "
                       "FOR EACH ROW EXECUTE FUNCTION test_outbox_refuse()")
    before = ledger_counts()

    # when: fails after the number was taken, the receivable and the posting written
    with pytest.raises(DatabaseError, match="outbox full"):
        invoice_issue_for_order(transaction=first)

    # then: nothing stayed, and the next invoice gets number 1
    assert (ledger_counts(), Invoice.objects.count()) == (before, 0)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER test_outbox_refuse ON outbox_outboxmessage")
    issued = invoice_issue_for_order(transaction=second)
    assert issued.sequence == 1
    assert InvoiceCounter.objects.get().last_sequence == 1


@pytest.mark.django_db
def test_voided_invoices_keep_their_numbers(acme, held_order):
    # given
    invoicing_settings_set(company=acme, policy="at_confirmation")
    first = invoice_issue_for_order(transaction=held_order(company=acme))
    invoice_void(invoice=first, reason="Duplicate")

    # when
    second = invoice_issue_for_order(transaction=held_order(company=acme))

    # then
    assert [(i.sequence, i.status) for i in Invoice.objects.filter(kind="invoice").order_by("id")] == [
        (1, "void"), (2, "issued")]
    assert second.sequence == 2


@pytest.mark.django_db
def test_python_refuses_to_change_or_delete_an_issued_invoice(acme, held_order):
    # given
    invoicing_settings_set(company=acme, policy="at_confirmation")
    invoice = invoice_issue_for_order(transaction=held_order(company=acme))

    # when / then
    invoice.number = "INV-TAMPERED"
    with pytest.raises(InvoiceImmutable):
        invoice.save()
    with pytest.raises(InvoiceImmutable):
        invoice.save(update_fields=["number"])
    with pytest.raises(InvoiceImmutable):
        invoice.delete()
    invoice.refresh_from_db()
    assert invoice.number.startswith("INV-")


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize("sql", [
    "UPDATE invoicing_invoice SET number = 'INV-TAMPERED' WHERE id = %s",
    "UPDATE invoicing_invoice SET total_gross = 1 WHERE id = %s",
    "UPDATE invoicing_invoice SET snapshot = '{}'::jsonb WHERE id = %s",
    "DELETE FROM invoicing_invoice WHERE id = %s",
])
def test_postgresql_refuses_to_change_an_issued_invoice_bypassing_the_orm(acme, held_order, sql):
    # given
    invoicing_settings_set(company=acme, policy="at_confirmation")
    invoice = invoice_issue_for_order(transaction=held_order(company=acme))
    stored = Invoice.objects.values().get(pk=invoice.pk)

    # when
    with pytest.raises(IntegrityError, match="is issued"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [invoice.pk])

    # then
    assert Invoice.objects.values().get(pk=invoice.pk) == stored


@postgres_only
@pytest.mark.django_db
def test_postgresql_lets_voiding_through_and_refuses_un_voiding(acme, held_order):
    # given
    invoicing_settings_set(company=acme, policy="at_confirmation")
    invoice = invoice_issue_for_order(transaction=held_order(company=acme))

    # when
    with connection.cursor() as cursor:
        cursor.execute("UPDATE invoicing_invoice SET status = 'void', void_reason = 'x', voided_at = now() "
                       "WHERE id = %s", [invoice.pk])

    # then
    with pytest.raises(IntegrityError, match="cannot go from void to issued"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE invoicing_invoice SET status = 'issued' WHERE id = %s", [invoice.pk])
    assert Invoice.objects.get(pk=invoice.pk).status == "void"


THREADS = 24


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_issuing_numbers_one_to_n_without_gaps_or_duplicates(company_factory, credit_installation,
                                                                       credit_saleor):
    # given: THREADS orders of THREADS companies, each with its hold; one thread fails after numbering;
    # the installation's Saleor is the double (each issued invoice is told to it after commit)
    transactions = []
    for n in range(THREADS + 1):
        company = company_factory(installation=credit_installation, legal_name=f"Buyer {n}")
        invoicing_settings_set(company=company, policy="at_confirmation")
        tx = NetTermsTransaction.objects.create(
            installation=credit_installation, saleor_transaction_id=f"tx-par-{n}", psp_reference=f"nt-par-{n}",
            company=company, currency="USD", amount=Decimal("180.00"), status=TransactionStatus.AUTHORIZED,
            decision_outcome="approve", terms_days=30, channel_slug="default-channel")
        ledger.hold_place(company=company, money=Money.of("180.00", "USD"), hold_ref=tx.hold_ref,
                          idempotency_key=f"hold:{tx.pk}")
        order_bind(installation=credit_installation,
                   order=order_snapshot(order_id=f"order-par-{n}", transaction_id=f"tx-par-{n}", number=str(n)))
        transactions.append(NetTermsTransaction.objects.get(pk=tx.pk))
    # the database refuses the doomed issue's last write (its message to Saleor), as a full disk would
    doomed_order = f"order-par-{THREADS}"
    with connection.cursor() as cursor:
        cursor.execute("CREATE FUNCTION test_outbox_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                       "$$ BEGIN RAISE EXCEPTION 'fails after numbering'; END $$")
        cursor.execute("CREATE TRIGGER test_outbox_refuse BEFORE INSERT ON outbox_outboxmessage FOR EACH ROW "
                       f"WHEN (NEW.payload->>'order_id' = '{doomed_order}') EXECUTE FUNCTION test_outbox_refuse()")
    barrier = threading.Barrier(len(transactions))
    errors: list[BaseException] = []

    def issue(tx):
        try:
            barrier.wait(timeout=30)
            invoice_issue_for_order(transaction=tx)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    # when
    try:
        threads = [threading.Thread(target=issue, args=(tx,)) for tx in transactions]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER test_outbox_refuse ON outbox_outboxmessage")
            cursor.execute("DROP FUNCTION test_outbox_refuse()")

    # then
    assert [isinstance(e, DatabaseError) for e in errors] == [True]
    assert "fails after numbering" in str(errors[0])
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS + 1))
    assert InvoiceCounter.objects.get().last_sequence == THREADS
    assert len(set(Invoice.objects.values_list("number", flat=True))) == THREADS
    # each issued invoice was attached to its Saleor order once, after its commit; the doomed one never was
    issued = dict(Invoice.objects.values_list("number", "saleor_invoice_id"))
    attached = sorted((c.variables["orderId"], c.variables["number"]) for c in credit_saleor.calls_for("InvoiceCreate"))
    assert attached == sorted(Invoice.objects.values_list("saleor_order_id", "number"))
    assert doomed_order not in {order for order, _ in attached}
    assert sorted(issued.values()) == sorted(f"SW52b2ljZTo{order}" for order, _ in attached)
