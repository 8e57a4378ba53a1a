"""Realistic invoice snapshots for the document tests and bench/invoices.py.

Built by hand (not from orders) so the documents are tested against the snapshot contract alone.
Every snapshot passes `snapshot_check`. Identifiers have real formats and valid check digits:
VAT ids (stdnum de.vat / fr.tva), IBAN DE89 3704 0044 0532 0130 00, RF creditor references.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from stdnum.iso7064 import mod_97_10

from saleor_netterms.core.money import quantize
from saleor_netterms.invoicing.snapshot import (Address, Discount, InvoiceSnapshot, Line, Party,
                                                Remittance, SchedulePart, TaxBreakdown, Totals,
                                                snapshot_check)

D = Decimal

SELLER_DE = Party(
    name="Muster Industriebedarf GmbH",
    address=Address(street="Hafenstraße 12", city="Hamburg", postal_code="20457", country="DE"),
    tax_id="DE136695976",
    registration_id="Amtsgericht Hamburg HRB 123456",
    email="buchhaltung@muster-industrie.de",
    phone="+49 40 1234560",
    peppol_id="9930:DE136695976",
)
BUYER_FR = Party(
    name="Atelier Dupré SARL",
    address=Address(street="14 rue de la République", city="Lyon", postal_code="69002",
                    country="FR"),
    tax_id="FR40303265045",
    registration_id="303265045",
    email="comptabilite@atelier-dupre.fr",
    contact_name="Élodie Dupré",
    erp_customer_number="C-10482",
    peppol_id="0009:30326504500018",
)
REMITTANCE_DE_IBAN = "DE89370400440532013000"
REMITTANCE_DE_BIC = "COBADEFFXXX"


def rf_reference(base: str) -> str:
    """ISO 11649 creditor reference for `base` (alphanumeric), e.g. RF71INV2026000042."""
    check = mod_97_10.calc_check_digits(base + "RF")
    return f"RF{check}{base}"


def epc_payload(*, bic: str, name: str, iban: str, amount: Decimal, reference: str) -> str:
    """EPC069-12 version 002 SEPA credit transfer payload (structured RF reference)."""
    return "\n".join(["BCD", "002", "1", "SCT", bic, name, iban, f"EUR{amount}", "",
                      reference, ""])


def make_lines(currency: str, specs: list[tuple]) -> tuple[Line, ...]:
    """specs: (description, sku, quantity, unit_net, tax_rate[, category[, unit_code]])."""
    lines = []
    for position, spec in enumerate(specs, start=1):
        description, sku, quantity, unit_net, rate = spec[:5]
        category = spec[5] if len(spec) > 5 else "S"
        unit_code = spec[6] if len(spec) > 6 else "H87"
        quantity, unit_net, rate = D(quantity), D(unit_net), D(rate)
        net = quantize(quantity * unit_net, currency)
        tax = quantize(net * rate / 100, currency)
        lines.append(Line(position=position, description=description, sku=sku,
                          quantity=quantity, unit_code=unit_code, unit_net=unit_net, net=net,
                          tax_category=category, tax_rate=rate, tax=tax, gross=net + tax))
    return tuple(lines)


def make_breakdown(lines: tuple[Line, ...], exemption: dict | None = None
                   ) -> tuple[TaxBreakdown, ...]:
    groups: dict[tuple[str, Decimal], list[Line]] = {}
    for line in lines:
        groups.setdefault((line.tax_category, line.tax_rate), []).append(line)
    return tuple(
        TaxBreakdown(category=category, rate=rate,
                     taxable=sum((l.net for l in group), D(0)),
                     tax=sum((l.tax for l in group), D(0)),
                     exemption_reason=(exemption or {}).get(category, ""))
        for (category, rate), group in sorted(groups.items(), key=lambda kv: (-kv[0][1], kv[0][0]))
    )


def make_totals(lines: tuple[Line, ...], prepaid: Decimal = D(0)) -> Totals:
    net = sum((l.net for l in lines), D(0))
    tax = sum((l.tax for l in lines), D(0))
    return Totals(net=net, tax=tax, gross=net + tax, prepaid=prepaid,
                  amount_due=net + tax - prepaid)


EUR_LINES = [
    ("Hex bolt M8×40, zinc plated, box of 100", "HB-M8-40", "12", "18.50", "19"),
    ("Nitrile safety gloves, size L, pair", "GL-NIT-L", "50", "3.20", "19"),
    ("Handbook: fastener standards 2026", "BK-FS-2026", "2", "45.00", "7"),
    ("Cable ties 300 mm, black, bag of 500", "CT-300-BK", "10", "27.90", "19"),
]


def eur_invoice(language: str = "en_GB") -> InvoiceSnapshot:
    """DE seller → FR buyer, 19% and 7% lines, 2/10 Net 30 with an early-payment discount."""
    lines = make_lines("EUR", EUR_LINES)
    totals = make_totals(lines)
    reference = rf_reference("INV2026000042")
    discount_amount = quantize(totals.amount_due * D("0.02"), "EUR")
    snapshot = InvoiceSnapshot(
        kind="invoice", number="INV-2026-000042", issue_date=date(2026, 11, 30), currency="EUR",
        language=language, seller=SELLER_DE, buyer=BUYER_FR, lines=lines,
        tax_breakdown=make_breakdown(lines), totals=totals, terms_label="2/10 Net 30",
        schedule=(SchedulePart(due_date=date(2026, 12, 30), amount=totals.amount_due,
                               label="Net 30"),),
        remittance=Remittance(
            iban=REMITTANCE_DE_IBAN, bic=REMITTANCE_DE_BIC, account_holder=SELLER_DE.name,
            bank_name="Commerzbank", payment_reference=reference,
            epc_qr_payload=epc_payload(bic=REMITTANCE_DE_BIC, name=SELLER_DE.name,
                                       iban=REMITTANCE_DE_IBAN,
                                       amount=totals.amount_due, reference=reference)),
        discount=Discount(percent=D("2"), amount=discount_amount, deadline=date(2026, 12, 10)),
        due_date=date(2026, 12, 30), po_number="PO-77812", order_number="20931",
        order_id="T3JkZXI6MjA5MzE=", delivery_date=date(2026, 11, 27),
    )
    snapshot_check(snapshot)
    return snapshot


def eur_credit_note() -> InvoiceSnapshot:
    """Credits 2 returned boxes of bolts and the handbook of INV-2026-000042."""
    lines = make_lines("EUR", [EUR_LINES[0][:2] + ("2", "18.50", "19"),
                               EUR_LINES[2][:2] + ("1", "45.00", "7")])
    totals = make_totals(lines)
    snapshot = InvoiceSnapshot(
        kind="credit_note", number="CN-2026-000007", issue_date=date(2026, 12, 4),
        currency="EUR", language="en_GB", seller=SELLER_DE, buyer=BUYER_FR, lines=lines,
        tax_breakdown=make_breakdown(lines), totals=totals, terms_label="",
        schedule=(SchedulePart(due_date=None, amount=totals.amount_due, label="Credit"),),
        remittance=Remittance(iban=REMITTANCE_DE_IBAN, bic=REMITTANCE_DE_BIC,
                              account_holder=SELLER_DE.name),
        po_number="PO-77812", order_number="20931", credited_invoice_number="INV-2026-000042",
        credited_invoice_date=date(2026, 11, 30), note="Returned goods, RMA 5531.",
    )
    snapshot_check(snapshot)
    return snapshot


SELLER_US = Party(
    name="Lakeside Supply Co.",
    address=Address(street="400 Commerce Drive", street2="Suite 210", city="Rochester",
                    postal_code="14623", country_area="NY", country="US"),
    tax_id="12-3456789", tax_id_scheme="EIN", registration_id="NY DOS 5012345",
    email="ar@lakesidesupply.com", phone="+1 585 555 0142",
)
BUYER_US = Party(
    name="Brightline Fabrication LLC",
    address=Address(street="77 Water Street", city="New York", postal_code="10005",
                    country_area="NY", country="US"),
    tax_id="98-7654321", tax_id_scheme="EIN", contact_name="Accounts Payable",
    email="ap@brightlinefab.com",
    erp_customer_number="BF-2207",
)


def usd_invoice() -> InvoiceSnapshot:
    """US sales tax (8.875 % NYC), a prepayment and two instalments."""
    lines = make_lines("USD", [
        ("Stainless sheet 16 ga, 4×8 ft", "SS-16-48", "6", "212.40", "8.875"),
        ("Laser cutting service, per hour", "SVC-LASER", "3.5", "145.00", "8.875", "S", "HUR"),
        ("Deburring tool set", "TL-DEB-05", "2", "64.99", "8.875"),
    ])
    totals = make_totals(lines, prepaid=D("500.00"))
    first = quantize(totals.amount_due * D("0.3"), "USD")
    snapshot = InvoiceSnapshot(
        kind="invoice", number="INV-2026-000108", issue_date=date(2026, 3, 2), currency="USD",
        language="en_US", seller=SELLER_US, buyer=BUYER_US, lines=lines,
        tax_breakdown=make_breakdown(lines), totals=totals,
        terms_label="30% at 30 days, 70% at 60 days",
        schedule=(SchedulePart(due_date=date(2026, 4, 1), amount=first, label="30% at 30 days"),
                  SchedulePart(due_date=date(2026, 5, 1), amount=totals.amount_due - first,
                               label="70% at 60 days")),
        remittance=Remittance(account_holder=SELLER_US.name, bank_name="Harbor National Bank",
                              payment_reference=rf_reference("INV2026000108")),
        due_date=date(2026, 5, 1), po_number="BF-PO-9913", order_number="31877",
    )
    snapshot_check(snapshot)
    return snapshot


SELLER_JP = Party(
    name="Sakura Precision K.K.",
    address=Address(street="2-3-1 Marunouchi", city="Chiyoda-ku", postal_code="100-0005",
                    country_area="Tokyo", country="JP"),
    tax_id="T1234567890123", tax_id_scheme="JCT", peppol_id="0188:1234567890123",
    registration_id="1234567890123", registration_scheme="0188",
)
BUYER_JP = Party(
    name="Kobe Marine Works Ltd.",
    address=Address(street="1-1 Hatoba-cho", city="Kobe", postal_code="650-0042",
                    country_area="Hyogo", country="JP"),
    tax_id="T9876543210987", tax_id_scheme="JCT", peppol_id="0188:9876543210987",
)


def jpy_invoice() -> InvoiceSnapshot:
    """Zero-decimal currency; 10% and the 8% reduced consumption tax."""
    lines = make_lines("JPY", [
        ("Bearing unit UCP205", "UCP205", "40", "1850", "10"),
        ("Bottled water for staff, case of 24", "WTR-24", "5", "2160", "8"),
    ])
    totals = make_totals(lines)
    snapshot = InvoiceSnapshot(
        kind="invoice", number="INV-2026-000311", issue_date=date(2026, 12, 1), currency="JPY",
        language="ja_JP", seller=SELLER_JP, buyer=BUYER_JP, lines=lines,
        tax_breakdown=make_breakdown(lines), totals=totals, terms_label="Net 30",
        schedule=(SchedulePart(due_date=date(2026, 12, 31), amount=totals.amount_due,
                               label="Net 30"),),
        remittance=Remittance(account_holder=SELLER_JP.name, bank_name="Mizuho Bank"),
        due_date=date(2026, 12, 31), order_number="40112",
    )
    snapshot_check(snapshot)
    return snapshot


def long_invoice(line_count: int = 40) -> InvoiceSnapshot:
    """Enough lines to spill onto a second page."""
    specs = [(f"Assorted fastener kit no. {i}, stainless A2", f"KIT-A2-{i:03d}", str(i % 7 + 1),
              f"{9 + i}.{i % 100:02d}", "19" if i % 5 else "7") for i in range(1, line_count + 1)]
    lines = make_lines("EUR", specs)
    totals = make_totals(lines)
    base = eur_invoice()
    reference = rf_reference("INV2026000043")
    snapshot = replace(
        base, number="INV-2026-000043", lines=lines, tax_breakdown=make_breakdown(lines),
        totals=totals, discount=None, terms_label="Net 30",
        schedule=(SchedulePart(due_date=date(2026, 12, 30), amount=totals.amount_due,
                               label="Net 30"),),
        remittance=replace(base.remittance, payment_reference=reference,
                           epc_qr_payload=epc_payload(bic=REMITTANCE_DE_BIC, name=SELLER_DE.name,
                                                      iban=REMITTANCE_DE_IBAN,
                                                      amount=totals.amount_due,
                                                      reference=reference)),
    )
    snapshot_check(snapshot)
    return snapshot


def minimal_invoice() -> InvoiceSnapshot:
    """One line, no discount, no QR: the smallest valid invoice."""
    lines = make_lines("EUR", [EUR_LINES[0]])
    totals = make_totals(lines)
    snapshot = replace(eur_invoice(), number="INV-2026-000044", lines=lines,
                       tax_breakdown=make_breakdown(lines), totals=totals, discount=None,
                       terms_label="Net 30",
                       schedule=(SchedulePart(due_date=date(2026, 12, 30),
                                              amount=totals.amount_due, label="Net 30"),),
                       remittance=Remittance(iban=REMITTANCE_DE_IBAN, bic=REMITTANCE_DE_BIC))
    snapshot_check(snapshot)
    return snapshot
