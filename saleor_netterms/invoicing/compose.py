"""From the facts to the snapshot (pure: no Django, no I/O).

`snapshot_compose` is the one place an invoice's or credit note's snapshot is put together, from:
the seller (`SellerFacts`: the seller profile as a Party, its bank accounts, its VAT rules), the
buyer (a Party), the priced lines (figures.py), the payment terms (terms.engine) and the dates.
It decides each line's VAT category from the facts (vat.py), attaches the exemption reasons,
applies a rounding amount (BT-114) when the invoice must total an amount its lines cannot
give exactly, computes the schedule, picks the bank account of the invoice's currency and
builds the EPC QR payload for the *next amount due*. invoicing.services calls it with the
database's facts; the document tests call it with hand-written ones.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from saleor_netterms.core.money import Money, currency_exponent
from saleor_netterms.terms.engine import PaymentTerms, schedule_compute

from .figures import SERVICES, breakdown_and_totals, epc_qr_payload
from .snapshot import (Discount, InvalidSnapshot, InvoiceSnapshot, Line, Party, Remittance, SchedulePart,
                       TaxBreakdown, snapshot_check)
from .vat import VatTreatment, vat_treatment


@dataclass(frozen=True, slots=True)
class BankAccount:
    currency: str
    account_holder: str = ""
    bank_name: str = ""
    iban: str = ""
    bic: str = ""
    account_number: str = ""     # a domestic account without IBAN (US, GB, JP…)
    bank_code: str = ""          # ABA routing number, UK sort code, JP bank + branch code
    bank_code_label: str = ""


@dataclass(frozen=True, slots=True)
class SellerFacts:
    party: Party
    accounts: tuple[BankAccount, ...] = ()
    domestic_zero_category: str = "Z"       # Z, or E with a reason (e.g. "§ 19 UStG")
    exemption_reason: str = ""
    exemption_code: str = ""
    supplies_services: bool = False          # a line whose supply is not known: services (AE) or goods (K)
    footer: str = ""
    logo_key: str = ""                       # the seller logo's content hash (sellers app), if any


def account_for(accounts: tuple[BankAccount, ...], currency: str) -> BankAccount | None:
    """The account for `currency`, else one for any currency (currency ""), else None (the
    documents then name no account)."""
    for wanted in (currency, ""):
        for account in accounts:
            if account.currency == wanted:
                return account
    return None


def _seller_vat_registered(party: Party) -> bool:
    return bool(party.tax_id) and (party.tax_id_scheme or "VAT").upper() == "VAT"


def lines_categorised(lines: list[Line], *, seller: SellerFacts, buyer: Party
                      ) -> tuple[list[Line], dict[str, VatTreatment]]:
    """Each line with its VAT category decided from the facts (vat.py): goods or services per
    line (Saleor's isShippingRequired), the seller profile's default where a line does not say;
    the treatments used."""
    untaxed = all(line.tax_rate == 0 for line in lines)
    treatments: dict[str, VatTreatment] = {}
    result = []
    buyer_vat = buyer.tax_id if (buyer.tax_id_scheme or "VAT").upper() == "VAT" else ""
    for line in lines:
        treatment = vat_treatment(
            rate=line.tax_rate, seller_country=seller.party.address.country,
            seller_vat_registered=_seller_vat_registered(seller.party),
            buyer_country=buyer.address.country, buyer_vat_id=buyer_vat,
            service=line.supply == SERVICES if line.supply else seller.supplies_services,
            all_lines_untaxed=untaxed,
            domestic_zero_category=seller.domestic_zero_category,
            domestic_exemption_reason=seller.exemption_reason,
            domestic_exemption_code=seller.exemption_code)
        treatments.setdefault(treatment.category, treatment)
        result.append(replace(line, tax_category=treatment.category))
    return result, treatments


def snapshot_compose(*, kind: str, number: str, issue_date: date, currency: str, language: str,
                     seller: SellerFacts, buyer: Party, lines: list[Line], terms: PaymentTerms | None,
                     payable: Decimal | None = None, po_number: str = "", order_number: str = "",
                     order_id: str = "", delivery_date: date | None = None, delivery_country: str = "",
                     credited_number: str = "", credited_date: date | None = None, note: str = "",
                     extra: dict | None = None, payment_reference: str = "") -> InvoiceSnapshot:
    """The checked snapshot (raises InvalidSnapshot when the figures do not add up).

    `payable`: the amount the invoice must total (a capture) when the lines' rounding may miss it
    by a minor unit per line; the difference becomes the rounding amount (BT-114).
    `payment_reference`: the invoice's ISO 11649 RF reference (creditor_reference.py, from its
    position in its series); "" prints the invoice number instead."""
    lines, treatments = lines_categorised(lines, seller=seller, buyer=buyer)
    breakdown, totals = breakdown_and_totals(lines, currency=currency)
    breakdown = tuple(replace(group, exemption_reason=treatments[group.category].exemption_reason,
                              exemption_code=treatments[group.category].exemption_code)
                      if group.category in treatments and group.category not in ("S", "Z") else group
                      for group in breakdown)
    if payable is not None and payable != totals.amount_due:
        rounding = payable - totals.amount_due
        if abs(rounding) > currency_exponent(currency) * len(lines):
            raise InvalidSnapshot(f"invoice lines total {totals.amount_due}, not {payable}")
        totals = replace(totals, rounding=rounding, amount_due=payable)
    if "K" in treatments and not delivery_country:
        delivery_country = buyer.address.country  # BR-IC-12: deliver-to country
    if "K" in treatments and delivery_date is None:
        delivery_date = issue_date  # BR-IC-11: the supply date is the invoice date
    reference = payment_reference
    account = account_for(seller.accounts, currency) or BankAccount(currency=currency)
    holder = account.account_holder or seller.party.name
    if kind == "invoice":
        schedule = schedule_compute(terms=terms, total=Money(totals.amount_due, currency),
                                    issue_date=issue_date, fulfilment_date=delivery_date)
        parts = tuple(SchedulePart(due_date=p.due_date, amount=p.amount.amount, label=p.label)
                      for p in schedule.parts)
        discount = (Discount(percent=schedule.discount.percent, amount=schedule.discount.amount.amount,
                             deadline=schedule.discount.deadline) if schedule.discount else None)
        terms_text, due_date = schedule.label, schedule.final_due_date
        first = next((p for p in parts if p.amount > 0), None)
        epc = epc_qr_payload(name=holder, iban=account.iban, bic=account.bic,
                             amount=first.amount if first else Decimal(0), currency=currency,
                             reference=reference) if first else ""
    else:
        parts = (SchedulePart(due_date=issue_date, amount=totals.amount_due, label="Credited to your account"),)
        discount, terms_text, due_date, epc = None, "", None, ""
    snapshot = InvoiceSnapshot(
        kind=kind, number=number, issue_date=issue_date, currency=currency, language=language,
        seller=seller.party, buyer=buyer, lines=tuple(lines), tax_breakdown=breakdown, totals=totals,
        terms_label=terms_text, schedule=parts,
        remittance=Remittance(iban=account.iban, bic=account.bic, account_holder=holder,
                              bank_name=account.bank_name, account_number=account.account_number,
                              bank_code=account.bank_code, bank_code_label=account.bank_code_label,
                              payment_reference=reference, epc_qr_payload=epc),
        discount=discount, due_date=due_date, po_number=po_number, order_number=order_number,
        order_id=order_id, delivery_date=delivery_date, credited_invoice_number=credited_number,
        credited_invoice_date=credited_date, note=note, delivery_country=delivery_country,
        footer=seller.footer, extra={**(extra or {}), **({"logo": seller.logo_key} if seller.logo_key else {})})
    snapshot_check(snapshot)
    return snapshot


__all__ = ["BankAccount", "SellerFacts", "TaxBreakdown", "account_for", "lines_categorised",
           "snapshot_compose"]
