"""Reads for the checkout: the credit snapshot the decision engine judges."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models
from django.db.models import CharField, Subquery, Value
from django.db.models.functions import Cast

from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.companies.models import AccountHold, Company, Member
from saleor_netterms.core.compiled import CompiledQuery
from saleor_netterms.core.business_time import business_date, business_today
from saleor_netterms.core.money import Money, currency_validate
from saleor_netterms.decisions.engine import CreditSnapshot
from saleor_netterms.decisions.selectors import (HISTORY_OVERDUE_ROW, HISTORY_SETTLED_ROW, PaymentHistory,
                                                  payment_history, payment_history_from_rows,
                                                  payment_history_rows)
from saleor_netterms.ledger import selectors as ledger_selectors

from .models import NetTermsTransaction, TransactionStatus

APPROVED_STATUSES = (TransactionStatus.AUTHORIZED, TransactionStatus.CAPTURED)


def _member_candidates_recorded(*, transaction_id: str, **values):
    """The buyer's member candidates (``companies.selectors.member_candidates_query``), each with
    the id of the transaction recorded for ``transaction_id`` (None: not recorded): the replay
    check rides along with the member lookup."""
    recorded = NetTermsTransaction.objects.filter(installation_id=values["installation_id"],
                                                  saleor_transaction_id=transaction_id)
    return company_selectors.member_candidates_query(**values).annotate(
        recorded_transaction_id=Subquery(recorded.values("id")[:1]))


_MEMBER_CANDIDATES_RECORDED = CompiledQuery(_member_candidates_recorded, transaction_id=("~tx-1", "~tx-2"),
                                            **company_selectors.MEMBER_CANDIDATE_SAMPLES)


def member_candidates_recorded(*, installation, buyer, transaction_id: str) -> list[Member]:
    """``_member_candidates_recorded`` for an authenticated buyer (``checkout.requests.Buyer``),
    compiled once per process per shape (``core.compiled``); no candidates without a user id."""
    if not buyer.user_id:
        return []
    email, domain = company_selectors.member_email_values(buyer.email)
    return _MEMBER_CANDIDATES_RECORDED.instances(
        transaction_id=transaction_id, installation_id=installation.pk, user_id=buyer.user_id, email=email,
        email_domain=domain, external_reference=buyer.external_reference or None,
        customer_type_slug=buyer.customer_type_slug or None)


def credit_history(*, company: Company, currency: str, installation=None):
    """The company's overdue figures and 12-month payment history in ``currency``
    (``decisions.selectors.payment_history``, three queries) as of the installation's business
    date. Slow-moving: the checkout reads it before the company lock; a payment recorded
    meanwhile only lowers what is overdue."""
    return payment_history(company=company, currency=currency,
                           today=business_today(installation or company.installation))


@dataclass(frozen=True, slots=True)
class CreditReads:
    """What a credit decision reads of the company, in ONE statement (``credit_reads``)."""

    limit: Money | None
    balances: dict[str, Money]
    existing_transaction_id: int | None  # the Saleor transaction was recorded before (a replay)
    previous_amounts: list[Decimal]  # the latest 200 approved or captured amounts in the currency
    has_account_hold: bool  # an account hold not lifted (account_hold_in_force decides if it applies)
    history: PaymentHistory | None = None  # read with the rest when asked for (``history_today``)
    reserved_transaction_id: int | None = None  # a new transaction's id, when asked for (PostgreSQL)


_EXISTING_ROW, _PREVIOUS_ROW, _HOLD_ROW, _RESERVED_ROW = "tx_existing", "tx_previous", "account_hold", "tx_reserved"
# The id a new transaction will have, taken from its sequence in the same statement, so the hold
# posting (whose references name the transaction) can be written in one statement with it.
_RESERVED_SQL = ("SELECT 'tx_reserved', nextval(pg_get_serial_sequence('checkout_nettermstransaction', 'id'))"
                 "::numeric(24, 4), 0::numeric(24, 4)")
_HISTORY_ROWS = frozenset({HISTORY_OVERDUE_ROW, HISTORY_SETTLED_ROW})


def credit_reads(*, company: Company, currency: str, installation=None,
                 transaction_id: str | None = None, history_today=None) -> CreditReads:
    """The limit and maintained balances (``companies.selectors.credit_position_with``), whether
    ``transaction_id`` was recorded before, the latest 200 approved amounts (first order, median),
    whether an account hold is in place and — given ``history_today`` — the payment history as
    of that business date (``decisions.selectors.payment_history_rows``): one UNION ALL query.
    Under the company lock it is the checkout's one read of everything the decision needs
    (``credit_reads_query`` builds it before the lock; its ``read()`` runs it under the lock)."""
    return credit_reads_query(company=company, currency=currency, installation=installation,
                              transaction_id=transaction_id, history_today=history_today).read()


@dataclass(frozen=True)
class CreditReadsQuery:
    """The statement of ``credit_reads``, built and not yet run (``read()`` runs it)."""

    position: company_selectors.CreditPositionQuery
    previous: object | None  # the latest approved amounts' queryset where they cannot ride along (SQLite)
    history: bool  # the payment history rows are part of the statement

    def read(self) -> CreditReads:
        limit, balances, theirs = self.position.read()
        existing = next((int(debits) for row, debits, _ in theirs if row == _EXISTING_ROW), None)
        amounts = ([debits for row, debits, _ in theirs if row == _PREVIOUS_ROW] if self.previous is None
                   else list(self.previous.values_list("amount", flat=True)[:200]))
        return CreditReads(limit=limit, balances=balances, existing_transaction_id=existing,
                           previous_amounts=amounts,
                           has_account_hold=any(row == _HOLD_ROW for row, _, _ in theirs),
                           history=(payment_history_from_rows([r for r in theirs if r[0] in _HISTORY_ROWS])
                                    if self.history else None),
                           reserved_transaction_id=next((int(debits) for row, debits, _ in theirs
                                                         if row == _RESERVED_ROW), None))


def credit_reads_query(*, company: Company, currency: str, installation=None,
                       transaction_id: str | None = None, history_today=None,
                       reserve_transaction_id: bool = False) -> CreditReadsQuery:
    """``credit_reads``' one statement, built (on PostgreSQL compiled) but not run: the checkout
    builds it before it takes the company lock, so the lock covers only running it. Nothing in
    it depends on the locked state (the company's id, installation, the currency, the
    transaction id and the business date are known before). ``reserve_transaction_id``: the
    same statement also takes a new transaction's id from its sequence (PostgreSQL; elsewhere
    ``reserved_transaction_id`` stays None and the insert allocates it)."""
    currency = currency_validate(currency)
    installation_id = installation.pk if isinstance(installation, models.Model) else (
        installation or company.installation_id)
    history_sql = (payment_history_rows(company=company, currency=currency, today=history_today)
                   if history_today is not None else None)
    also_sql = (history_sql,) if history_sql else ()
    if reserve_transaction_id and connection.vendor == "postgresql":
        also_sql += ((_RESERVED_SQL, []),)
    if connection.vendor == "postgresql":  # compiled once per process per shape, bound per call
        sql, params = _CREDIT_READS.bind(company_id=company.pk, installation_id=installation_id,
                                         currency=currency, transaction_id=transaction_id)
        for part_sql, part_params in also_sql:
            sql, params = f"{sql} UNION ALL ({part_sql})", [*params, *part_params]
        position = company_selectors.CreditPositionQuery(currency=currency, sql=sql, params=tuple(params),
                                                         queryset=None)
        return CreditReadsQuery(position=position, previous=None, history=history_sql is not None)
    together = connection.features.supports_slicing_ordering_in_compound  # not SQLite
    also, previous = _credit_reads_also(company=company, currency=currency, installation_id=installation_id,
                                        transaction_id=transaction_id, together=together)
    position = company_selectors.credit_position_query(
        company=company, currency=currency, also=also, also_sql=also_sql)
    return CreditReadsQuery(position=position, previous=None if together else previous,
                            history=history_sql is not None)


def _credit_reads_also(*, company: Company | int, currency: str, installation_id: int, transaction_id: str | None,
                       together: bool) -> tuple[tuple, object]:
    """The checkout's own rows of ``credit_reads``' statement (account hold; the latest approved
    amounts where they can ride along, ``together``; the recorded transaction) and the latest
    approved amounts' queryset."""
    amount = company_selectors.credit_position_amount_field()
    zero = Value(Decimal(0), output_field=amount)

    def rows(qs, marker: str, value: str):
        return (qs.annotate(row=Value(marker, output_field=CharField()), debits=Cast(value, amount), credits=zero)
                .values_list("row", "debits", "credits"))

    previous = NetTermsTransaction.objects.filter(company=company, currency=currency,
                                                  status__in=APPROVED_STATUSES).order_by("-id")
    also = [rows(AccountHold.objects.filter(company=company, lifted_at__isnull=True).order_by(), _HOLD_ROW, "id")]
    if together:
        also.append(rows(previous, _PREVIOUS_ROW, "amount")[:200])
    if transaction_id is not None:
        also.append(rows(NetTermsTransaction.objects.filter(
            installation_id=installation_id, saleor_transaction_id=transaction_id).order_by(), _EXISTING_ROW, "id"))
    return tuple(also), previous


def _credit_reads_statement(*, company_id: int, installation_id: int, currency: str, transaction_id: str | None):
    """``credit_reads``' statement without the parts given as SQL (payment history, reserved id):
    what ``_CREDIT_READS`` compiles once per shape on PostgreSQL."""
    also, _ = _credit_reads_also(company=company_id, currency=currency, installation_id=installation_id,
                                 transaction_id=transaction_id, together=True)
    position = company_selectors.credit_position_query(company=company_id, installation_id=installation_id,
                                                       currency=currency, also=also)
    return position.sql, position.params


_CREDIT_READS = CompiledQuery(_credit_reads_statement, company_id=(-1, -2), installation_id=(-3, -4),
                              currency=("CHF", "JPY"), transaction_id=("~tx-1", "~tx-2"))


def credit_snapshot(*, company: Company, member: Member | None, money: Money, channel_slug: str,
                    reads: CreditReads | None = None, history=None, installation=None) -> CreditSnapshot:
    """Everything the engine needs, read from the ledger and our records (no Saleor call).

    Overdue figures and payment history (avg_days_to_pay, avg_days_beyond_terms,
    late_invoice_share over 12 months) come from ``decisions.selectors.payment_history`` (its
    docstring defines each); is_first_order and the median are over this company's approved or
    captured transactions in the currency (the latest 200). ``reads``: the ``credit_reads`` the
    caller already made in this transaction; ``history``: the ``credit_history`` it read before."""
    currency = money.currency
    reads = reads or credit_reads(company=company, currency=currency, installation=installation)
    limit, balances = reads.limit, reads.balances
    installation = installation or company.installation  # pass the caller's: no extra query
    today = business_today(installation)
    if history is None:
        history = reads.history or payment_history(company=company, currency=currency, today=today)
    previous = reads.previous_amounts
    spending_limit = None
    if member is not None and member.spending_limit_amount is not None \
            and member.spending_limit_currency == currency:
        spending_limit = member.spending_limit_amount
    allowed = company.allowed_channels or []
    hold = account_hold_in_force(company=company) if reads.has_account_hold else None
    return CreditSnapshot(
        currency=currency,
        order_amount=money.amount,
        company_status=company.status,
        limit=limit.amount if limit is not None else None,
        exposure=(balances["holds"] + balances["receivable"]).amount,
        channel_allowed=not allowed or channel_slug in allowed,
        overdue_amount=history.overdue_amount,
        max_days_past_due=history.max_days_past_due,
        avg_days_to_pay=history.avg_days_to_pay,
        avg_days_beyond_terms=history.avg_days_beyond_terms,
        late_invoice_share=history.late_invoice_share,
        account_age_days=(today - business_date(installation, company.created_at)).days,
        is_first_order=not previous,
        median_order_amount=Decimal(statistics.median(previous)) if previous else None,
        member_role=member.role if member is not None else "buyer",
        member_spending_limit=spending_limit,
        account_hold=hold.mode if hold is not None else None,
        account_hold_message=hold.buyer_message if hold is not None else "",
        promises_kept=company.promises_kept,
        promises_broken=company.promises_broken,
    )


def account_hold_in_force(*, company: Company) -> AccountHold | None:
    """The account hold that applies to new checkouts now, if any: not lifted, and — for a hold
    with a cause — while at least one receivable that caused it still has an open balance. So a
    payment that clears the cause releases the account for the very next checkout, before the
    collections run records the lift (one query without holds, one more per hold with a cause)."""
    for hold in AccountHold.objects.filter(company=company, lifted_at__isnull=True).order_by("placed_at", "id"):
        if not hold.cause_refs:
            return hold
        still_open = ledger_selectors.receivables_open_amounts(
            installation=company.installation, receivable_refs=[ref for _, ref in hold.cause_refs])
        if any(amount > 0 for amount in still_open.values()):
            return hold
    return None


def transactions_in_review(*, installation):
    return (NetTermsTransaction.objects.filter(installation=installation, status=TransactionStatus.IN_REVIEW)
            .select_related("company", "member"))
