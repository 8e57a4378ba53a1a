"""Reads of invoicing for the entrypoints."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
