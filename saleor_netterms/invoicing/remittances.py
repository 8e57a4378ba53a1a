"""Combined remittances: one payment reference for several open invoices of one company.

The buyer picks invoices in the portal; ``combined_remittance_create`` records which invoices
and what was open on each, and gives the row its RF reference (``remittance_reference_for``).
Reconciliation reads the row back when a bank line carries that reference
(``remittance_receivables``) and settles the listed invoices — the app's and those the
merchant's ERP issued — oldest first — one transfer,
every invoice matched. Asking again for the same open invoices returns the same remittance (one
reference, not a new one per click)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from django.db import transaction
from django.db.models import F

from saleor_netterms.companies.models import Company
from saleor_netterms.core.errors import BadRequest
from saleor_netterms.core.money import Money
from saleor_netterms.ledger.selectors import receivables_open
from saleor_netterms.receivables.models import Receivable, ReceivableStatus
from saleor_netterms.sellers.models import SellerBankAccount

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


def _chosen(company: Company, numbers: list[str]) -> dict[str, tuple[Receivable, int | None]]:
    """number → (open receivable, the app's invoice id or None) of the numbers that are open
    invoices of the company: the app's, else ones the merchant's ERP issued (found through the
    receivable's reverse relation: invoicing does not import erp)."""
    chosen: dict[str, tuple[Receivable, int | None]] = {
        i.number: (i.receivable, i.pk) for i in Invoice.objects.filter(
            company=company, kind=InvoiceKind.INVOICE, number__in=numbers, receivable__status=ReceivableStatus.OPEN)
        .select_related("receivable").defer("snapshot")}
    rest = [n for n in numbers if n not in chosen]
    if rest:
        for receivable in (Receivable.objects.filter(company=company, status=ReceivableStatus.OPEN,
                                                     erp_invoice__number__in=rest)
                           .annotate(erp_number=F("erp_invoice__number"))):
            chosen[receivable.erp_number] = (receivable, None)
    return chosen


def combined_remittance_create(*, company: Company, invoice_numbers: Iterable[str], created_by: str
                               ) -> CombinedRemittance:
    """Invoices of either kind (the app's, the ERP's) may be combined; each item keeps its
    receivable (what reconciliation settles) and its number."""
    numbers = sorted({str(n).strip() for n in invoice_numbers if str(n).strip()})
    if not 2 <= len(numbers) <= MAX_INVOICES:
        raise RemittanceInvalid(f"{len(numbers)} invoices chosen")
    chosen = _chosen(company, numbers)
    if len(chosen) != len(numbers):
        missing = sorted(set(numbers) - set(chosen))
        raise RemittanceInvalid(f"not open invoices of company {company.pk}: {missing[:5]}",
                                code="REMITTANCE_INVOICE_NOT_OPEN",
                                buyer_message="Some of the chosen invoices are not open any more. Please choose again.")
    currencies = {receivable.currency for receivable, _ in chosen.values()}
    if len(currencies) != 1:
        raise RemittanceInvalid(f"currencies {sorted(currencies)}", code="REMITTANCE_MIXED_CURRENCIES",
                                buyer_message="One transfer pays invoices of one currency. Choose invoices in one currency.")
    currency = currencies.pop()
    open_amounts = receivables_open(company=company, currency=currency,
                                    receivable_refs=[r.receivable_ref for r, _ in chosen.values()])
    amounts = {r.pk: open_amounts.get(r.receivable_ref, Money.zero(currency)).amount for r, _ in chosen.values()}
    if any(a <= 0 for a in amounts.values()):
        raise RemittanceInvalid("an invoice has nothing open", code="REMITTANCE_INVOICE_NOT_OPEN",
                                buyer_message="Some of the chosen invoices are not open any more. Please choose again.")
    total = sum(amounts.values(), Decimal(0))
    wanted = sorted(amounts.items())
    for existing in (CombinedRemittance.objects.filter(company=company, currency=currency, total=total)
                     .prefetch_related("items").order_by("-id")[:20]):
        if sorted((item.receivable_id, item.amount) for item in existing.items.all()) == wanted:
            return existing
    with transaction.atomic():
        remittance = CombinedRemittance.objects.create(installation_id=company.installation_id, company=company,
                                                       currency=currency, total=total, created_by=created_by[:255])
        remittance.reference = remittance_reference_for(remittance.pk)
        remittance.save(update_fields=["reference"])
        CombinedRemittanceItem.objects.bulk_create(
            [CombinedRemittanceItem(remittance=remittance, receivable=receivable, number=number, invoice_id=invoice_id,
                                    amount=amounts[receivable.pk])
             for number, (receivable, invoice_id) in sorted(chosen.items())])
    return remittance


def _merchant_account(company: Company, currency: str) -> Remittance:
    """The merchant's account in ``currency`` as payment details (a remittance of ERP invoices
    only: they have no snapshot of their own)."""
    account = SellerBankAccount.objects.filter(profile__installation_id=company.installation_id,
                                               currency=currency).select_related("profile").first()
    if account is None:
        return Remittance()
    return Remittance(iban=account.iban, bic=account.bic,
                      account_holder=account.account_holder or account.profile.legal_name,
                      bank_name=account.bank_name, account_number=account.account_number,
                      bank_code=account.bank_code, bank_code_label=account.bank_code_label)


def combined_remittance_get(*, company: Company, remittance_id: int) -> RemittanceInstructions | None:
    remittance = CombinedRemittance.objects.filter(company=company, pk=remittance_id).first()
    if remittance is None:
        return None
    items = list(remittance.items.select_related("invoice").order_by("number"))
    app = next((item.invoice for item in items if item.invoice is not None), None)
    first = (snapshot_from_dict(app.snapshot).remittance if app is not None
             else _merchant_account(company, remittance.currency))
    epc = epc_qr_payload(name=first.account_holder, iban=first.iban, bic=first.bic, amount=remittance.total,
                         currency=remittance.currency, reference=remittance.reference)
    return RemittanceInstructions(remittance=remittance, items=items, bank=first, epc_qr_payload=epc)


def remittance_receivables(*, installation, remittance_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """remittance id → the (receivable id, invoice number) of its invoices, the app's and the
    ERP's (one query; ids of another installation are not found)."""
    found: dict[int, list[tuple[int, str]]] = {}
    rows = (CombinedRemittanceItem.objects.filter(remittance__installation=installation,
                                                  remittance_id__in=list(set(remittance_ids)))
            .values_list("remittance_id", "receivable_id", "number").order_by("remittance_id", "id"))
    for remittance_id, receivable_id, number in rows:
        found.setdefault(remittance_id, []).append((receivable_id, number))
    return found
