"""Reads of invoicing for the entrypoints."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from saleor_netterms.receivables.selectors import ReceivableRow, receivable_rows

from .models import Invoice


@dataclass(frozen=True, slots=True)
class EInvoiceProblems:
    count: int
    latest_id: int | None = None
    latest_number: str = ""
    latest_problem: str = ""


def einvoice_problems_recent(*, installation, since: datetime) -> EInvoiceProblems:
    """How many documents issued since `since` could not be produced as e-invoices, and the
    newest one's number and reason (the overview page names the cause)."""
    rows = Invoice.objects.filter(installation=installation, created_at__gte=since).exclude(einvoice_problem="")
    latest = rows.order_by("-id").values("id", "number", "einvoice_problem").first()
    if latest is None:
        return EInvoiceProblems(count=0)
    return EInvoiceProblems(count=rows.count(), latest_id=latest["id"], latest_number=latest["number"],
                            latest_problem=latest["einvoice_problem"][:300])


def invoice_positions(invoices) -> dict[int, ReceivableRow | None]:
    """Each invoice's open amount and days past due, by invoice id: its receivable's ledger balance
    (one ledger query per company and currency for all of them); None for an invoice without a
    receivable (a credit note)."""
    invoices = list(invoices)
    rows = {row.receivable.pk: row for row in receivable_rows([inv.receivable for inv in invoices if inv.receivable_id])}
    return {inv.pk: rows.get(inv.receivable_id) for inv in invoices}
