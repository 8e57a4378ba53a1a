"""Combined remittances: one payment reference for several open invoices of one company.

The buyer picks invoices in the portal; ``combined_remittance_create`` records which invoices
and what was open on each, and gives the row its RF reference (``remittance_reference_for``).
Reconciliation reads the row back when a bank line carries that reference
(``remittance_invoice_positions``) and settles the listed invoices oldest first — one transfer,
every invoice matched. Asking again for the same open invoices returns the same remittance (one
reference, not a new one per click)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from django.db import transaction

from saleor_netterms.companies.models import Company
from saleor_netterms.core.errors import BadRequest
from saleor_netterms.core.money import Money
from saleor_netterms.ledger.selectors import receivables_open
from saleor_netterms.receivables.models import ReceivableStatus

from .creditor_reference import remittance_reference_for
from .figures import epc_qr_payload
from .models import CombinedRemittance, CombinedRemittanceItem, Invoice, InvoiceKind
from .snapshot import Remittance, snapshot_from_dict

MAX_INVOICES = 50


class RemittanceInvalid(BadRequest):
    code = "REMITTANCE_INVALID"
    buyer_message = "Choose between 2 and 50 of your open invoices in one currency."
    merchant_message = "A combined remittance needs 2 to 50 open invoices of the company in one currency."


@dataclass(frozen=True)
class RemittanceInstructions:
    """How to pay a combined remittance: the bank details of its invoices, its total and reference."""

    remittance: CombinedRemittance
    items: list[CombinedRemittanceItem]
    bank: Remittance
    epc_qr_payload: str

    @property
    def total(self) -> Money:
        return Money.of(self.remittance.total, self.remittance.currency)


def combined_remittance_create(*, company: Company, invoice_numbers: Iterable[str], created_by: str
                               ) -> CombinedRemittance:
    numbers = sorted({str(n).strip() for n in invoice_numbers if str(n).strip()})
    if not 2 <= len(numbers) <= MAX_INVOICES:
        raise RemittanceInvalid(f"{len(numbers)} invoices chosen")
    invoices = list(Invoice.objects.filter(company=company, kind=InvoiceKind.INVOICE, number__in=numbers,
                                           receivable__status=ReceivableStatus.OPEN).select_related("receivable"))
    if len(invoices) != len(numbers):
        missing = sorted(set(numbers) - {i.number for i in invoices})
        raise RemittanceInvalid(f"not open invoices of company {company.pk}: {missing[:5]}",
                                code="REMITTANCE_INVOICE_NOT_OPEN",
                                buyer_message="Some of the chosen invoices are not open any more. Please choose again.")
    currencies = {i.currency for i in invoices}
    if len(currencies) != 1:
        raise RemittanceInvalid(f"currencies {sorted(currencies)}", code="REMITTANCE_MIXED_CURRENCIES",
                                buyer_message="One transfer pays invoices of one currency. Choose invoices in one currency.")
    currency = currencies.pop()
    open_amounts = receivables_open(company=company, currency=currency,
                                    receivable_refs=[i.receivable.receivable_ref for i in invoices])
    amounts = {i.pk: open_amounts.get(i.receivable.receivable_ref, Money.zero(currency)).amount for i in invoices}
    if any(a <= 0 for a in amounts.values()):
        raise RemittanceInvalid("an invoice has nothing open", code="REMITTANCE_INVOICE_NOT_OPEN",
                                buyer_message="Some of the chosen invoices are not open any more. Please choose again.")
    total = sum(amounts.values(), Decimal(0))
    wanted = sorted(amounts.items())
    for existing in (CombinedRemittance.objects.filter(company=company, currency=currency, total=total)
                     .prefetch_related("items").order_by("-id")[:20]):
        if sorted((item.invoice_id, item.amount) for item in existing.items.all()) == wanted:
            return existing
    with transaction.atomic():
        remittance = CombinedRemittance.objects.create(installation_id=company.installation_id, company=company,
                                                       currency=currency, total=total, created_by=created_by[:255])
        remittance.reference = remittance_reference_for(remittance.pk)
        remittance.save(update_fields=["reference"])
        CombinedRemittanceItem.objects.bulk_create(
            [CombinedRemittanceItem(remittance=remittance, invoice_id=invoice_id, amount=amount)
             for invoice_id, amount in wanted])
    return remittance


def combined_remittance_get(*, company: Company, remittance_id: int) -> RemittanceInstructions | None:
    remittance = CombinedRemittance.objects.filter(company=company, pk=remittance_id).first()
    if remittance is None:
        return None
    items = list(remittance.items.select_related("invoice").order_by("invoice__number"))
    first = snapshot_from_dict(items[0].invoice.snapshot).remittance if items else Remittance()
    epc = epc_qr_payload(name=first.account_holder, iban=first.iban, bic=first.bic, amount=remittance.total,
                         currency=remittance.currency, reference=remittance.reference)
    return RemittanceInstructions(remittance=remittance, items=items, bank=first, epc_qr_payload=epc)


def remittance_invoice_positions(*, installation, remittance_ids: Iterable[int]
                                 ) -> dict[int, list[tuple[int, str, int]]]:
    """remittance id → the (series, period, sequence) of its invoices (one query; ids of another
    installation are not found)."""
    found: dict[int, list[tuple[int, str, int]]] = {}
    rows = (CombinedRemittanceItem.objects.filter(remittance__installation=installation,
                                                  remittance_id__in=list(set(remittance_ids)))
            .values_list("remittance_id", "invoice__series_id", "invoice__period", "invoice__sequence")
            .order_by("remittance_id", "id"))
    for remittance_id, series_id, period, sequence in rows:
        found.setdefault(remittance_id, []).append((series_id, period, sequence))
    return found
