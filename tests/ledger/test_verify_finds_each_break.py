"""Each of ledger_verify's checks finds the figure it guards when that figure is broken
behind the services' back (raw SQL; the append-only and balance triggers are switched off for
the break, as only someone with the database's superuser could do)."""
import datetime as dt

import pytest
from django.db import connection, transaction

from saleor_netterms.ledger import services as ledger
from saleor_netterms.ledger.models import Entry
from saleor_netterms.ledger.verification import CHECKS, ledger_verify
from saleor_netterms.payments.services import payment_book
from saleor_netterms.receivables.services import receivable_book

from .helpers import usd

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="breaks the books past PostgreSQL triggers")


def _receivable(company, key: str = "1", amount: str = "180.00"):
    receivable = receivable_book(installation=company.installation, company=company, reference=f"inv-{key}",
                                 capture_key=f"capture:{key}", money=usd(amount), issue_date=dt.date(2026, 1, 30),
                                 terms_days=30)
    ledger.hold_place(company=company, money=usd(amount), hold_ref=f"tx:{key}", idempotency_key=f"hold:{key}")
    ledger.receivable_from_hold(company=company, money=usd(amount), hold_ref=f"tx:{key}",
                                receivable_ref=receivable.receivable_ref, idempotency_key=f"capture:{key}")
    return receivable


def _leg(company, kind: str, side: str) -> Entry:
    return Entry.objects.filter(account__kind=kind, side=side, posting__company=company).order_by("id").first()


def _break(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off for this statement
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


BREAKS = {
    "postings_balanced": lambda c: _break("UPDATE ledger_entry SET amount = amount + 1 WHERE id = %s",
                                          [_leg(c, "hold_control", "credit").pk]),
    "entry_currencies": lambda c: _break("UPDATE ledger_entry SET currency = 'EUR' WHERE id = %s",
                                         [_leg(c, "holds", "debit").pk]),
    "maintained_balances": lambda c: _break("UPDATE ledger_account SET debits = debits + 1 WHERE company_id = %s"
                                            " AND kind = 'receivable'", [c.pk]),
    "receivable_balances": lambda c: _break("UPDATE ledger_receivablebalance SET credits = credits + 1"
                                            " WHERE company_id = %s", [c.pk]),
    "trial_balances": lambda c: _break("UPDATE ledger_entry SET amount = amount + 1 WHERE id = %s",
                                       [_leg(c, "hold_control", "credit").pk]),
    "references_not_overdrawn": lambda c: _break("UPDATE ledger_entry SET hold_ref = 'tx:other' WHERE id = %s",
                                                 [_leg(c, "holds", "credit").pk]),
    "receivable_states": lambda c: _break("UPDATE receivables_receivable SET status = 'paid' WHERE company_id = %s",
                                          [c.pk]),
    "payment_allocations": lambda c: _break("UPDATE payments_payment SET unallocated_amount = 5 WHERE company_id = %s",
                                            [c.pk]),
    "open_receivables": lambda c: _break("UPDATE receivables_reports_openreceivable SET open_amount = 1"
                                         " WHERE company_id = %s", [c.pk]),
    "company_months": lambda c: _break("UPDATE receivables_reports_companymonth SET sales = sales + 1"
                                       " WHERE company_id = %s", [c.pk]),
    "company_lateness": lambda c: _break("UPDATE receivables_reports_companylateness SET paid = paid + 1"
                                         " WHERE company_id = %s", [c.pk]),
    "open_by_date": lambda c: _break("UPDATE receivables_reports_openbydate SET open_amount = open_amount + 1"
                                     " WHERE installation_id = %s", [c.installation_id]),
    "installation_months": lambda c: _break("UPDATE receivables_reports_installationmonth SET sales = sales + 1"
                                            " WHERE installation_id = %s", [c.installation_id]),
}


def test_every_check_has_a_break():
    assert sorted(BREAKS) == sorted(check.name for check in CHECKS)


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("check", list(BREAKS))
def test_ledger_verify_finds_each_broken_figure(company, check):
    # given sound books: a hold captured into a receivable, partly paid
    receivable = _receivable(company)
    payment_book(company=company, money=usd("100.00"), received_on=dt.date(2026, 2, 10), reference="BANK-1",
                 allocations=[(receivable, usd("100.00"))])
    assert ledger_verify(installation_id=company.installation_id) == []

    # when one figure is broken
    with transaction.atomic():
        BREAKS[check](company)
        found = ledger_verify(installation_id=company.installation_id)
        transaction.set_rollback(True)

    # then its check reports it (a break may show in more than one check; this one is among them)
    assert check in {mismatch.check for mismatch in found}, found
