"""Recompute every figure the ledger keeps and report each mismatch (``manage.py ledger_verify``).

A check is a function ``(installation_id | None) -> Iterable[Mismatch]``. The ledger's own checks
are listed in ``CHECKS``; a domain above the ledger that caches figures derived from postings
(e.g. receivable states) registers its own with ``check_register`` from its ``AppConfig.ready``,
so the ledger never imports it. ``ledger_verify`` runs them all, in order.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable

from django.db.models import Count, F, Q, Sum

from .models import COMPANY_ACCOUNT_KINDS, DEBIT_NORMAL_KINDS, Account, AccountKind, Entry, ReceivableBalance, Side


@dataclass(frozen=True, slots=True)
class Mismatch:
    check: str
    subject: str  # what is wrong, e.g. "account 12 (holds USD, company 3)"
    expected: str  # the figure recomputed from postings
    found: str  # the figure kept

    def __str__(self) -> str:
        return f"[{self.check}] {self.subject}: expected {self.expected}, found {self.found}"


Check = Callable[[int | None], Iterable[Mismatch]]


@dataclass(frozen=True, slots=True)
class NamedCheck:
    name: str
    run: Check


def _entries(installation_id: int | None):
    qs = Entry.objects.all()
    return qs if installation_id is None else qs.filter(account__installation_id=installation_id)


def _accounts(installation_id: int | None):
    qs = Account.objects.all()
    return qs if installation_id is None else qs.filter(installation_id=installation_id)


def _dec(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.0001"))


def postings_balanced(installation_id: int | None) -> Iterable[Mismatch]:
    """Every posting has at least two legs and, per currency, debits equal credits."""
    rows = (_entries(installation_id).values("posting_id", "currency")
            .annotate(debits=Sum("amount", filter=Q(side=Side.DEBIT)),
                      credits=Sum("amount", filter=Q(side=Side.CREDIT)), legs=Count("id"))
            .order_by("posting_id", "currency"))
    for row in rows:
        debits, credits = _dec(row["debits"]), _dec(row["credits"])
        if debits != credits or row["legs"] < 2:
            yield Mismatch("postings_balanced", f"posting {row['posting_id']} ({row['currency']}, "
                           f"{row['legs']} legs)", f"credits {debits}", f"credits {credits}")


def entry_currencies(installation_id: int | None) -> Iterable[Mismatch]:
    """Every entry is in its account's and its posting's currency."""
    bad = (_entries(installation_id)
           .exclude(currency=F("account__currency"), posting__currency=F("currency"))
           .values_list("id", "currency", "account__currency", "posting__currency").order_by("id"))
    for entry_id, currency, account_currency, posting_currency in bad:
        if currency != account_currency or currency != posting_currency:
            yield Mismatch("entry_currencies", f"entry {entry_id}",
                           f"account {account_currency}, posting {posting_currency}", currency)


def maintained_balances(installation_id: int | None) -> Iterable[Mismatch]:
    """Each company-side account's maintained debits and credits equal the sums of its entries;
    merchant-side accounts carry no maintained figure (zero)."""
    sums = {row["account_id"]: (_dec(row["debits"]), _dec(row["credits"])) for row in (
        _entries(installation_id).values("account_id")
        .annotate(debits=Sum("amount", filter=Q(side=Side.DEBIT)),
                  credits=Sum("amount", filter=Q(side=Side.CREDIT))).order_by("account_id"))}
    for account in _accounts(installation_id).order_by("id"):
        kept = (_dec(account.debits), _dec(account.credits))
        if account.kind in COMPANY_ACCOUNT_KINDS:
            expected = sums.get(account.pk, (_dec(0), _dec(0)))
        else:
            expected = (_dec(0), _dec(0))
        if kept != expected:
            owner = f"company {account.company_id}" if account.company_id else "merchant"
            yield Mismatch("maintained_balances",
                           f"account {account.pk} ({account.kind} {account.currency}, {owner})",
                           f"debits {expected[0]} credits {expected[1]}", f"debits {kept[0]} credits {kept[1]}")


def receivable_balances(installation_id: int | None) -> Iterable[Mismatch]:
    """Each receivable reference's maintained row (``ReceivableBalance``) equals the sums of its
    entries on the company's receivable account; no reference with entries lacks its row, and no
    row exists without entries, for the same account, company and currency."""
    sums = {(row["account_id"], row["receivable_ref"]): (_dec(row["debits"]), _dec(row["credits"])) for row in (
        _entries(installation_id).filter(account__kind=AccountKind.RECEIVABLE, account__company__isnull=False)
        .exclude(receivable_ref="").values("account_id", "receivable_ref")
        .annotate(debits=Sum("amount", filter=Q(side=Side.DEBIT)),
                  credits=Sum("amount", filter=Q(side=Side.CREDIT))).order_by("account_id", "receivable_ref"))}
    kept_rows = ReceivableBalance.objects.select_related("account").order_by("account_id", "receivable_ref")
    if installation_id is not None:
        kept_rows = kept_rows.filter(installation_id=installation_id)
    seen = set()
    for row in kept_rows:
        key = (row.account_id, row.receivable_ref)
        seen.add(key)
        expected = sums.get(key, (_dec(0), _dec(0)))
        kept = (_dec(row.debits), _dec(row.credits))
        owner = (row.account.company_id, row.account.installation_id, row.account.currency)
        if kept != expected:
            yield Mismatch("receivable_balances", f"account {row.account_id} receivable {row.receivable_ref!r}",
                           f"debits {expected[0]} credits {expected[1]}", f"debits {kept[0]} credits {kept[1]}")
        if (row.company_id, row.installation_id, row.currency) != owner:
            yield Mismatch("receivable_balances", f"account {row.account_id} receivable {row.receivable_ref!r}",
                           f"company {owner[0]} installation {owner[1]} {owner[2]}",
                           f"company {row.company_id} installation {row.installation_id} {row.currency}")
    for account_id, ref in sorted(set(sums) - seen):
        debits, credits = sums[(account_id, ref)]
        yield Mismatch("receivable_balances", f"account {account_id} receivable {ref!r}",
                       f"debits {debits} credits {credits}", "no maintained row")


def trial_balances(installation_id: int | None) -> Iterable[Mismatch]:
    """Per installation and currency, all debits equal all credits."""
    rows = (_entries(installation_id).values("account__installation_id", "currency")
            .annotate(debits=Sum("amount", filter=Q(side=Side.DEBIT)),
                      credits=Sum("amount", filter=Q(side=Side.CREDIT)))
            .order_by("account__installation_id", "currency"))
    for row in rows:
        if _dec(row["debits"]) != _dec(row["credits"]):
            yield Mismatch("trial_balances", f"installation {row['account__installation_id']} {row['currency']}",
                           f"credits {_dec(row['debits'])}", f"credits {_dec(row['credits'])}")


def references_not_overdrawn(installation_id: int | None) -> Iterable[Mismatch]:
    """No hold or receivable reference, and no credit balance, is below zero."""
    rows = (_entries(installation_id).filter(account__company__isnull=False)
            .values("account_id", "account__kind", "hold_ref", "receivable_ref")
            .annotate(debits=Sum("amount", filter=Q(side=Side.DEBIT)),
                      credits=Sum("amount", filter=Q(side=Side.CREDIT)))
            .order_by("account_id", "hold_ref", "receivable_ref"))
    per_ref: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        kind = row["account__kind"]
        ref = row["hold_ref"] if kind == "holds" else row["receivable_ref"] if kind == "receivable" else ""
        diff = _dec(row["debits"]) - _dec(row["credits"])
        per_ref[(row["account_id"], kind, ref)] += diff if kind in DEBIT_NORMAL_KINDS else -diff
    for (account_id, kind, ref), balance in sorted(per_ref.items()):
        if balance < 0:
            what = f"{kind} {ref!r}" if ref else kind
            yield Mismatch("references_not_overdrawn", f"account {account_id} {what}", ">= 0", str(balance))


CHECKS: list[NamedCheck] = [
    NamedCheck("postings_balanced", postings_balanced),
    NamedCheck("entry_currencies", entry_currencies),
    NamedCheck("maintained_balances", maintained_balances),
    NamedCheck("receivable_balances", receivable_balances),
    NamedCheck("trial_balances", trial_balances),
    NamedCheck("references_not_overdrawn", references_not_overdrawn),
]


def check_register(name: str, run: Check) -> None:
    """Add a check (once per name) run by ``ledger_verify`` after the ledger's own."""
    if any(check.name == name for check in CHECKS):
        return
    CHECKS.append(NamedCheck(name, run))


def ledger_verify(*, installation_id: int | None = None) -> list[Mismatch]:
    """Run every check; the mismatches found, in check order (empty: the books agree)."""
    found: list[Mismatch] = []
    for check in CHECKS:
        found.extend(check.run(installation_id))
    return found
