"""Reads of the ledger, each one query.

A company's account totals (``account_balances``, and ``hold_balance``/``receivable_balance``/
``credit_balance`` without a reference) are read from the balances the ledger maintains on its
company-side accounts as it posts: three rows, however long the company's history. The open
amount of a receivable reference is its maintained ``ReceivableBalance`` row (one indexed row per
invoice, for one or a whole book of them). Figures per hold reference, and everything
merchant-side, are summed from the entries (an indexed SUM per reference). ``ledger.verification`` recomputes every maintained figure from the
entries (``manage.py ledger_verify``).

Signs follow each account's normal balance (see ``ledger.services``): holds, receivable, cash,
write_off and adjustments are debit-normal (balance = debits − credits); hold_control, sales,
fees and credit_balance are credit-normal (balance = credits − debits). A figure returned here is
therefore positive in the ordinary case (money on hold, owed by the buyer, owed to the buyer).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from saleor_netterms.core.money import Money, currency_validate

from .models import DEBIT_NORMAL_KINDS, Account, AccountKind, Entry, Posting, PostingKind, ReceivableBalance, Side

_DEC = DecimalField(max_digits=24, decimal_places=4)
_ZERO = Value(Decimal("0"), output_field=_DEC)
# debits − credits of the selected entries
_SIGNED = Case(When(side=Side.DEBIT, then=F("amount")), default=-F("amount"), output_field=_DEC)


def _debit_minus_credit(qs: QuerySet[Entry]) -> Decimal:
    return qs.aggregate(total=Coalesce(Sum(_SIGNED), _ZERO))["total"]


def _money(amount: Decimal, currency: str) -> Money:
    return Money.of(amount, currency)


def _company_entries(*, company, currency: str, kind: str) -> QuerySet[Entry]:
    return Entry.objects.filter(account__company=company, account__kind=kind,
                                account__currency=currency_validate(currency))


def _maintained(*, company, currency: str, kind: str) -> Money:
    currency = currency_validate(currency)
    row = (Account.objects.filter(company=company, currency=currency, kind=kind)
           .values_list("debits", "credits").first())
    if row is None:
        return Money.zero(currency)
    diff = row[0] - row[1]
    return _money(diff if kind in DEBIT_NORMAL_KINDS else -diff, currency)


def hold_balance(*, company, currency: str, hold_ref: str | None = None) -> Money:
    """Amount on hold (authorized, not yet captured or released); one hold_ref or all of them."""
    if hold_ref is None:
        return _maintained(company=company, currency=currency, kind=AccountKind.HOLDS)
    qs = _company_entries(company=company, currency=currency, kind=AccountKind.HOLDS).filter(hold_ref=hold_ref)
    return _money(_debit_minus_credit(qs), currency_validate(currency))


def receivable_balance(*, company, currency: str, receivable_ref: str | None = None) -> Money:
    """Amount the buyer owes (open receivables); one receivable_ref or all of them."""
    if receivable_ref is None:
        return _maintained(company=company, currency=currency, kind=AccountKind.RECEIVABLE)
    currency = currency_validate(currency)
    row = (ReceivableBalance.objects.filter(company=company, currency=currency, receivable_ref=receivable_ref)
           .values_list("debits", "credits").first())
    return _money(row[0] - row[1] if row else Decimal(0), currency)


def credit_balance(*, company, currency: str) -> Money:
    """Amount owed to the buyer (overpayments, credit notes on paid amounts)."""
    return _maintained(company=company, currency=currency, kind=AccountKind.CREDIT_BALANCE)


def receivable_creditable(*, company, currency: str, receivable_ref: str) -> Money:
    """How much a credit note may still credit on a receivable: everything booked on it (debits)
    less what credit notes, write-offs and decreasing adjustments already took off it.
    Payments do not reduce it (crediting a paid invoice moves the paid part to credit_balance)."""
    currency = currency_validate(currency)
    qs = Entry.objects.filter(account__company=company, account__currency=currency,
                              receivable_ref=receivable_ref)
    reducing = Q(posting__kind__in=[PostingKind.CREDIT_NOTE, PostingKind.WRITE_OFF, PostingKind.ADJUSTMENT,
                                     PostingKind.PAYMENT_DIFFERENCE, PostingKind.DISCOUNT])
    total = qs.aggregate(
        booked=Coalesce(Sum("amount", filter=Q(account__kind=AccountKind.RECEIVABLE, side=Side.DEBIT)), _ZERO),
        reduced=Coalesce(Sum("amount", filter=Q(side=Side.CREDIT) & reducing), _ZERO),
    )
    return _money(total["booked"] - total["reduced"], currency)


def _open_by_ref(*, company, currency: str, kind: str, ref_field: str,
                 refs: Iterable[str] | None = None) -> dict[str, Money]:
    currency = currency_validate(currency)
    qs = _company_entries(company=company, currency=currency, kind=kind)
    if refs is not None:
        qs = qs.filter(**{f"{ref_field}__in": list(refs)})
    rows = qs.values(ref_field).annotate(total=Sum(_SIGNED)).order_by(ref_field)
    return {row[ref_field]: _money(row["total"], currency) for row in rows if row["total"]}


def holds_open(*, company, currency: str) -> dict[str, Money]:
    """Every hold_ref with a non-zero amount on hold (one query)."""
    return _open_by_ref(company=company, currency=currency, kind=AccountKind.HOLDS, ref_field="hold_ref")


def receivables_open(*, company, currency: str, receivable_refs: Iterable[str] | None = None) -> dict[str, Money]:
    """Every receivable_ref with a non-zero open amount (one query); only these refs when given
    (an indexed sum over their entries, whatever the company's history)."""
    currency = currency_validate(currency)
    qs = ReceivableBalance.objects.filter(company=company, currency=currency)
    if receivable_refs is not None:
        qs = qs.filter(receivable_ref__in=list(receivable_refs))
    return {ref: _money(debits - credits, currency)
            for ref, debits, credits in qs.order_by("receivable_ref").values_list("receivable_ref", "debits", "credits")
            if debits != credits}


def ref_currencies(*, company, hold_ref: str | None = None, receivable_ref: str | None = None) -> set[str]:
    """The currencies a hold_ref or receivable_ref has entries in (used to explain refusals)."""
    qs = Entry.objects.filter(account__company=company)
    if hold_ref is not None:
        qs = qs.filter(hold_ref=hold_ref, account__kind=AccountKind.HOLDS)
    if receivable_ref is not None:
        qs = qs.filter(receivable_ref=receivable_ref, account__kind=AccountKind.RECEIVABLE)
    return set(qs.values_list("currency", flat=True).distinct())


def account_balances_rows(*, company, currency: str) -> QuerySet:
    """The maintained totals of the company's accounts in ``currency`` as ``(kind, debits,
    credits)`` rows: a queryset a caller may combine (``union``) with its own rows into one query."""
    return (Account.objects.filter(company=company, currency=currency_validate(currency))
            .values_list("kind", "debits", "credits"))


def account_balances_from_rows(rows: Iterable[tuple[str, Decimal, Decimal]], currency: str) -> dict[str, Money]:
    """``account_balances`` from ``account_balances_rows`` already read."""
    currency = currency_validate(currency)
    result = {kind: Money.zero(currency)
              for kind in (AccountKind.HOLDS.value, AccountKind.RECEIVABLE.value, AccountKind.CREDIT_BALANCE.value)}
    for kind, debits, credits in rows:
        diff = debits - credits
        result[kind] = _money(diff if kind in DEBIT_NORMAL_KINDS else -diff, currency)
    return result


def account_balances(*, company, currency: str) -> dict[str, Money]:
    """The company's three accounts in one query: ``{"holds", "receivable", "credit_balance"}``,
    each as a normal-signed Money (zero when the account does not exist yet). Read from the
    maintained balances: flat in the company's history."""
    return account_balances_from_rows(account_balances_rows(company=company, currency=currency), currency)


def account_balances_recomputed(*, company, currency: str) -> dict[str, Money]:
    """``account_balances`` summed from the entries instead (what ``ledger_verify`` compares)."""
    currency = currency_validate(currency)
    result = {kind: Money.zero(currency)
              for kind in (AccountKind.HOLDS.value, AccountKind.RECEIVABLE.value, AccountKind.CREDIT_BALANCE.value)}
    rows = (Entry.objects.filter(account__company=company, account__currency=currency)
            .values("account__kind").annotate(total=Sum(_SIGNED)).order_by("account__kind"))
    for row in rows:
        kind = row["account__kind"]
        sign = 1 if kind in DEBIT_NORMAL_KINDS else -1
        result[kind] = _money(sign * row["total"], currency)
    return result


def postings_for_company(*, company, currency: str | None = None,
                         kinds: Iterable[str] | None = None) -> QuerySet[Posting]:
    """The company's postings, oldest first, with their entries prefetched."""
    qs = Posting.objects.filter(company=company)
    if currency is not None:
        qs = qs.filter(currency=currency_validate(currency))
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return qs.order_by("created_at", "id").prefetch_related("entries__account")


@dataclass(frozen=True, slots=True)
class TrialBalanceRow:
    account_id: int
    kind: str
    company_id: int | None
    debits: Money
    credits: Money

    @property
    def balance(self) -> Money:
        """Normal-signed balance of the account."""
        diff = self.debits - self.credits
        return diff if self.kind in DEBIT_NORMAL_KINDS else -diff


@dataclass(frozen=True, slots=True)
class TrialBalance:
    currency: str
    rows: tuple[TrialBalanceRow, ...]
    debits: Money
    credits: Money

    @property
    def difference(self) -> Money:
        """Total debits − total credits: always zero in a sound ledger."""
        return self.debits - self.credits

    @property
    def is_balanced(self) -> bool:
        return self.difference.amount == 0


def trial_balance(*, installation, currency: str) -> TrialBalance:
    """Debits and credits of every account of the installation in one currency (one query)."""
    currency = currency_validate(currency)
    rows = (Entry.objects.filter(account__installation=installation, account__currency=currency)
            .values("account_id", "account__kind", "account__company_id")
            .annotate(debits=Coalesce(Sum("amount", filter=Q(side=Side.DEBIT)), _ZERO),
                      credits=Coalesce(Sum("amount", filter=Q(side=Side.CREDIT)), _ZERO))
            .order_by("account_id"))
    result = tuple(
        TrialBalanceRow(account_id=row["account_id"], kind=row["account__kind"],
                        company_id=row["account__company_id"],
                        debits=_money(row["debits"], currency), credits=_money(row["credits"], currency))
        for row in rows
    )
    zero = Money.zero(currency)
    debits = sum((row.debits for row in result), zero)
    credits = sum((row.credits for row in result), zero)
    return TrialBalance(currency=currency, rows=result, debits=debits, credits=credits)


def postings_exist(*, installation, idempotency_key_prefix: str) -> bool:
    """Has a multi-posting operation (e.g. a credit note over several receivables) run already?"""
    return Posting.objects.filter(installation=installation,
                                  idempotency_key__startswith=idempotency_key_prefix).exists()


def postings_with_key_prefix(*, installation, idempotency_key_prefix: str) -> list[Posting]:
    """The postings one multi-posting operation made (keys ``<prefix>`` and ``<prefix>:…``)."""
    return list(Posting.objects.filter(
        Q(idempotency_key=idempotency_key_prefix) | Q(idempotency_key__startswith=f"{idempotency_key_prefix}:"),
        installation=installation).order_by("id"))


def receivables_open_amounts(*, installation, receivable_refs: Iterable[str]) -> dict[str, Decimal]:
    """Open amount per receivable_ref for many receivables at once (refs with nothing open are
    left out): their maintained balance rows, one indexed round trip however many (portable: the
    checkout's hold check and the open-items export run on ``make run``'s SQLite too)."""
    refs = list(dict.fromkeys(receivable_refs))
    if not refs:
        return {}
    return {ref: debits - credits for ref, debits, credits in
            ReceivableBalance.objects.filter(installation=installation, receivable_ref__in=refs)
            .exclude(debits=F("credits")).order_by().values_list("receivable_ref", "debits", "credits")}


def receivables_open_bulk(*, installation_id: int, company_ids: Iterable[int] | None = None,
                          receivable_refs: Iterable[str] | None = None) -> dict[tuple[int, str], Decimal]:
    """(company_id, receivable_ref) → open amount (non-zero only) for the companies of an
    installation — every currency, one grouped query (the collections run reads a whole book at
    once instead of one query per company; a page of invoices reads only its own references)."""
    qs = ReceivableBalance.objects.filter(installation_id=installation_id).exclude(debits=F("credits"))
    if company_ids is not None:
        qs = qs.filter(company_id__in=list(company_ids))
    if receivable_refs is not None:
        qs = qs.filter(receivable_ref__in=list(receivable_refs))
    rows = qs.order_by().values_list("company_id", "receivable_ref", "debits", "credits")
    return {(company_id, ref): debits - credits for company_id, ref, debits, credits in rows}


def credit_balances_bulk(*, installation_id: int, company_ids: Iterable[int] | None = None
                         ) -> dict[tuple[int, str], Decimal]:
    """(company_id, currency) → positive credit balance (owed to the buyer), one grouped query."""
    qs = Entry.objects.filter(account__installation_id=installation_id, account__kind=AccountKind.CREDIT_BALANCE)
    if company_ids is not None:
        qs = qs.filter(account__company_id__in=list(company_ids))
    rows = (qs.values("account__company_id", "account__currency").annotate(total=Sum(_SIGNED))
            .order_by().values_list("account__company_id", "account__currency", "total"))
    return {(company_id, currency): -total for company_id, currency, total in rows if total and total < 0}
