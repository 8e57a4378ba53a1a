"""The one-statement posting (PostgreSQL: posting, accounts, balances, entries, receivable balances
in data-modifying CTEs, ``ledger.services._write``) writes exactly what the statement-per-table
path (``_write_portable``, the one SQLite runs) writes: after any random sequence of operations,
the same postings, the same entries in the same order, the same maintained balances and the same
refusals."""
import itertools
from decimal import Decimal
from unittest import mock

from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import Money
from saleor_netterms.ledger import services as ledger_services
from saleor_netterms.ledger.models import Account, Entry, Posting, ReceivableBalance
from saleor_netterms.ledger.selectors import account_balances, account_balances_recomputed
from saleor_netterms.ledger.verification import ledger_verify

from .test_verify import OPERATIONS, _apply

_keys = itertools.count()

step = st.tuples(
    st.sampled_from(OPERATIONS),
    st.integers(min_value=1, max_value=300_000),  # cents
    st.integers(min_value=0, max_value=3),  # which reference
    st.sampled_from(["USD", "EUR"]),
)


def _postings(company) -> list[tuple]:
    """What the ledger wrote for the company, without ids and keys: postings in order, each with
    its entries in order (account kind, side, amount, currency, references)."""
    return [(p.kind, p.currency, p.amount, p.hold_ref, p.receivable_ref, p.memo,
             [(e.account.kind, e.side, e.amount, e.currency, e.hold_ref, e.receivable_ref)
              for e in Entry.objects.filter(posting=p).select_related("account").order_by("id")])
            for p in Posting.objects.filter(company=company).order_by("id")]


def _maintained(company) -> dict:
    accounts = {(a.kind, a.currency): (a.debits, a.credits) for a in Account.objects.filter(company=company)}
    receivables = {(b.receivable_ref, b.currency): (b.debits, b.credits)
                   for b in ReceivableBalance.objects.filter(company=company)}
    return {"accounts": accounts, "receivables": receivables}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_the_one_statement_posting_writes_what_the_statement_per_table_path_writes(company_factory, steps):
    assert connection.vendor == "postgresql"  # the one-statement path is PostgreSQL's
    with transaction.atomic():
        # given two companies of one installation: one posted through the one statement, the
        # other through one statement per table
        one = company_factory()
        per_table = company_factory(installation=one.installation)

        # when the same sequence runs for both (refusals included)
        refused = {one.pk: [], per_table.pk: []}
        for op, cents, ref, currency in steps:
            money = Money.of(Decimal(cents) / 100, currency)
            for company, write in ((one, ledger_services._write), (per_table, ledger_services._write_portable)):
                with mock.patch.object(ledger_services, "_write", write):
                    try:
                        with transaction.atomic():
                            _apply(company, op, money, ref)
                        refused[company.pk].append(None)
                    except NetTermsError as error:
                        refused[company.pk].append(error.code)

        # then both wrote the same postings and entries, keep the same balances and refused the same
        assert refused[one.pk] == refused[per_table.pk]
        assert _postings(one) == _postings(per_table)
        assert _maintained(one) == _maintained(per_table)
        for company in (one, per_table):
            for currency in ("USD", "EUR"):
                assert account_balances(company=company, currency=currency) == account_balances_recomputed(
                    company=company, currency=currency)
        assert ledger_verify(installation_id=one.installation_id) == []
        transaction.set_rollback(True)
