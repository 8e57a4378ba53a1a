"""The invoice snapshot: everything an issued invoice or credit note says, frozen at issue.

This is the contract between issuing (invoicing.services builds it from the order, the company,
the terms and the settings) and the documents (invoicing.documents renders it as PDF, Factur-X
and UBL). Pure: no Django, no I/O. Amounts are Decimal quantized to the currency; JSON carries
them as strings (`snapshot_to_dict` / `snapshot_from_dict` round-trip exactly).

Invariants (checked by `snapshot_check`, also by the tests):
- every line: net = quantity × unit_net (quantized); tax = net × rate / 100 (quantized);
  gross = net + tax;
- totals.net = Σ line.net; totals.tax = Σ tax_breakdown.tax; totals.gross = net + tax;
- tax_breakdown groups lines by (category, rate); its taxable amounts sum to totals.net;
- totals.amount_due = gross − prepaid; the schedule's amounts sum to amount_due;
- a credit note references the invoice it credits (`credited_invoice_number`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import quantize

SNAPSHOT_VERSION = 1


class InvalidSnapshot(NetTermsError):
    code = "INVALID_INVOICE_SNAPSHOT"
    http_status = 500
    merchant_message = "The invoice data is inconsistent; it was not issued."


@dataclass(frozen=True, slots=True)
class Address:
    street: str = ""
    street2: str = ""
    city: str = ""
    postal_code: str = ""
    country_area: str = ""
    country: str = ""  # ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    address: Address
    tax_id: str = ""            # VAT number with country prefix where it has one (e.g. DE123456789)
    tax_id_scheme: str = "VAT"  # VAT | EIN | ...
    registration_id: str = ""   # company register / SIRET / etc.
    email: str = ""
    phone: str = ""
    contact_name: str = ""
    erp_customer_number: str = ""   # buyer only
    peppol_id: str = ""             # "0088:5790000435975" style endpoint id, if known
    trading_name: str = ""          # BT-28 / BT-45, when it differs from the legal name
    registration_scheme: str = ""   # ISO 6523 ICD of registration_id (BT-30 scheme), e.g. "0002"
    identifier: str = ""            # BT-29 seller identifier (GLN, DUNS…)
    identifier_scheme: str = ""     # its ISO 6523 ICD ("0088" GLN, "0060" DUNS)
    tax_number: str = ""            # BT-32 tax registration id next to a VAT id (DE Steuernummer)


@dataclass(frozen=True, slots=True)
class Line:
    position: int
    description: str
    sku: str
    quantity: Decimal
    unit_code: str          # UN/ECE rec 20, e.g. "C62" (one) / "H87" (piece)
    unit_net: Decimal
    net: Decimal
    tax_category: str       # UNCL5305: S standard, Z zero, E exempt, AE reverse charge, K intra-EU, O out of scope
    tax_rate: Decimal       # percent, e.g. Decimal("19")
    tax: Decimal
    gross: Decimal
    supply: str = ""        # "goods" | "services" | "" (not known: the seller profile's default decides)


@dataclass(frozen=True, slots=True)
class TaxBreakdown:
    category: str
    rate: Decimal
    taxable: Decimal
    tax: Decimal
    exemption_reason: str = ""      # BT-120
    exemption_code: str = ""        # BT-121, CEF VATEX code ("VATEX-EU-IC")


@dataclass(frozen=True, slots=True)
class Totals:
    net: Decimal
    tax: Decimal
    gross: Decimal
    prepaid: Decimal
    amount_due: Decimal
    rounding: Decimal = Decimal(0)  # BT-114: amount_due = gross - prepaid + rounding


@dataclass(frozen=True, slots=True)
class SchedulePart:
    due_date: date | None   # None: due on fulfilment, not yet known
    amount: Decimal
    label: str


@dataclass(frozen=True, slots=True)
class Discount:
    percent: Decimal
    amount: Decimal
    deadline: date


@dataclass(frozen=True, slots=True)
class Remittance:
    iban: str = ""
    bic: str = ""
    account_holder: str = ""
    bank_name: str = ""
    account_number: str = ""      # BT-84 when the account has no IBAN (US, GB, JP domestic accounts)
    bank_code: str = ""           # BT-86 when there is no BIC: ABA routing, sort code, bank/branch code
    bank_code_label: str = ""     # what the bank code is ("ABA routing number", "Sort code")
    payment_reference: str = ""   # ISO 11649 RF creditor reference, e.g. "RF18539007547034"
    epc_qr_payload: str = ""      # EPC069-12 "BCD" payload (SEPA credit transfer), empty for non-EUR


@dataclass(frozen=True, slots=True)
class InvoiceSnapshot:
    kind: str                  # "invoice" | "credit_note"
    number: str                # gapless, from its series, e.g. "INV-2026-000042"
    issue_date: date
    currency: str
    language: str              # babel locale for dates/amounts, e.g. "en_US", "de_DE"
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    tax_breakdown: tuple[TaxBreakdown, ...]
    totals: Totals
    terms_label: str           # "Net 30", "2/10 Net 30", "30% at 30 days, 70% at 60 days"
    schedule: tuple[SchedulePart, ...]
    remittance: Remittance
    discount: Discount | None = None
    due_date: date | None = None          # the final due date (None while due on fulfilment)
    po_number: str = ""
    order_number: str = ""
    order_id: str = ""                    # Saleor order global id
    delivery_date: date | None = None
    credited_invoice_number: str = ""     # credit notes: the invoice they credit
    credited_invoice_date: date | None = None
    note: str = ""
    delivery_country: str = ""            # BT-80, when goods are delivered (K needs it)
    footer: str = ""                      # the seller's footer text, printed on every page
    version: int = SNAPSHOT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)


def _q(value: Decimal, currency: str) -> Decimal:
    return quantize(value, currency)


def snapshot_check(snapshot: InvoiceSnapshot) -> None:
    """Raise InvalidSnapshot when the figures do not add up (see the module docstring)."""
    cur = snapshot.currency
    problems: list[str] = []
    if snapshot.kind not in ("invoice", "credit_note"):
        problems.append(f"kind {snapshot.kind!r}")
    if not snapshot.lines:
        problems.append("no lines")
    for line in snapshot.lines:
        if _q(line.quantity * line.unit_net, cur) != line.net:
            problems.append(f"line {line.position}: net {line.net} != {line.quantity} x {line.unit_net}")
        if _q(line.net * line.tax_rate / 100, cur) != line.tax:
            problems.append(f"line {line.position}: tax {line.tax} != {line.net} x {line.tax_rate}%")
        if line.net + line.tax != line.gross:
            problems.append(f"line {line.position}: gross {line.gross} != net + tax")
    totals = snapshot.totals
    if sum((l.net for l in snapshot.lines), Decimal(0)) != totals.net:
        problems.append("totals.net != sum of line nets")
    if sum((t.taxable for t in snapshot.tax_breakdown), Decimal(0)) != totals.net:
        problems.append("tax breakdown taxable != totals.net")
    if sum((t.tax for t in snapshot.tax_breakdown), Decimal(0)) != totals.tax:
        problems.append("totals.tax != sum of tax breakdown")
    if totals.net + totals.tax != totals.gross:
        problems.append("totals.gross != net + tax")
    if totals.gross - totals.prepaid + totals.rounding != totals.amount_due:
        problems.append("amount_due != gross - prepaid + rounding")
    if sum((p.amount for p in snapshot.schedule), Decimal(0)) != totals.amount_due:
        problems.append("schedule does not sum to amount_due")
    if snapshot.kind == "credit_note" and not snapshot.credited_invoice_number:
        problems.append("credit note without credited invoice")
    if problems:
        raise InvalidSnapshot("; ".join(problems))


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def snapshot_to_dict(snapshot: InvoiceSnapshot) -> dict:
    """JSON-safe: Decimals as strings, dates as ISO strings."""
    return _encode(asdict(snapshot))


def _d(value) -> Decimal:
    return Decimal(str(value))


def _date(value) -> date | None:
    return date.fromisoformat(value) if value else None


def snapshot_from_dict(data: dict) -> InvoiceSnapshot:
    def party(p: dict) -> Party:
        return Party(**{**p, "address": Address(**p["address"])})

    return InvoiceSnapshot(
        kind=data["kind"], number=data["number"], issue_date=_date(data["issue_date"]),
        currency=data["currency"], language=data["language"],
        seller=party(data["seller"]), buyer=party(data["buyer"]),
        lines=tuple(Line(**{**l, **{k: _d(l[k]) for k in ("quantity", "unit_net", "net", "tax_rate", "tax", "gross")}})
                    for l in data["lines"]),
        tax_breakdown=tuple(TaxBreakdown(**{**t, **{k: _d(t[k]) for k in ("rate", "taxable", "tax")}})
                            for t in data["tax_breakdown"]),
        totals=Totals(**{k: _d(v) for k, v in data["totals"].items()}),
        terms_label=data["terms_label"],
        schedule=tuple(SchedulePart(due_date=_date(p["due_date"]), amount=_d(p["amount"]), label=p["label"])
                       for p in data["schedule"]),
        remittance=Remittance(**data["remittance"]),
        discount=(Discount(percent=_d(data["discount"]["percent"]), amount=_d(data["discount"]["amount"]),
                           deadline=_date(data["discount"]["deadline"])) if data.get("discount") else None),
        due_date=_date(data.get("due_date")), po_number=data.get("po_number", ""),
        order_number=data.get("order_number", ""), order_id=data.get("order_id", ""),
        delivery_date=_date(data.get("delivery_date")),
        credited_invoice_number=data.get("credited_invoice_number", ""),
        credited_invoice_date=_date(data.get("credited_invoice_date")),
        note=data.get("note", ""), delivery_country=data.get("delivery_country", ""),
        footer=data.get("footer", ""), version=data.get("version", SNAPSHOT_VERSION), extra=data.get("extra") or {},
    )
