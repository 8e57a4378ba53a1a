"""ledger_verify's check of receivables (registered by ReceivablesConfig.ready): every stored
status and amount recomputed from the ledger's entries on the receivable's reference.

- status: receivables.services.receivable_status_expected of the open amount (debits less
  credits on the receivable account) and of what may still be credited (everything booked less
  credit notes, write-offs, decreasing adjustments, payment differences and discounts) — the rule
  the services apply when they write it;
- amount: what the receivable postings (capture, invoice from a hold) booked on it.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, Sum

from saleor_netterms.core.money import Money
from saleor_netterms.ledger.models import AccountKind, Entry, PostingKind, Side
from saleor_netterms.ledger.verification import Mismatch, check_register

from .models import Receivable
from .services import receivable_status_expected

REDUCING = [PostingKind.CREDIT_NOTE, PostingKind.WRITE_OFF, PostingKind.ADJUSTMENT,
            PostingKind.PAYMENT_DIFFERENCE, PostingKind.DISCOUNT]
_ZERO = Decimal(0)


def _figures(installation_id: int | None) -> dict[tuple[int, str, str], dict[str, Decimal]]:
    entries = Entry.objects.filter(account__company__isnull=False).exclude(receivable_ref="")
    if installation_id is not None:
        entries = entries.filter(account__installation_id=installation_id)
    receivable = Q(account__kind=AccountKind.RECEIVABLE)
    rows = (entries.values("account__company_id", "currency", "receivable_ref")
            .annotate(debits=Sum("amount", filter=receivable & Q(side=Side.DEBIT)),
                      credits=Sum("amount", filter=receivable & Q(side=Side.CREDIT)),
                      booked=Sum("amount", filter=receivable & Q(side=Side.DEBIT, posting__kind=PostingKind.RECEIVABLE)),
                      reduced=Sum("amount", filter=Q(side=Side.CREDIT, posting__kind__in=REDUCING)))
            .order_by())
    return {(row["account__company_id"], row["currency"], row["receivable_ref"]):
            {k: row[k] or _ZERO for k in ("debits", "credits", "booked", "reduced")} for row in rows}


def receivable_states(installation_id: int | None) -> Iterable[Mismatch]:
    figures = _figures(installation_id)
    receivables = Receivable.objects.all()
    if installation_id is not None:
        receivables = receivables.filter(installation_id=installation_id)
    empty = {"debits": _ZERO, "credits": _ZERO, "booked": _ZERO, "reduced": _ZERO}
    for pk, company_id, currency, amount, status in receivables.order_by("id").values_list(
            "id", "company_id", "currency", "amount", "status"):
        f = figures.get((company_id, currency, f"rcv:{pk}"), empty)
        subject = f"receivable {pk} (company {company_id}, {currency})"
        if f["booked"] != amount:
            yield Mismatch("receivable_states", f"{subject} amount", f"{f['booked']:.4f}", f"{amount:.4f}")
        expected = receivable_status_expected(open_amount=Money.of(f["debits"] - f["credits"], currency),
                                              creditable=Money.of(f["debits"] - f["reduced"], currency))
        if expected != status:
            yield Mismatch("receivable_states", f"{subject} status", str(expected), status)


def verification_register() -> None:
    check_register("receivable_states", receivable_states)
