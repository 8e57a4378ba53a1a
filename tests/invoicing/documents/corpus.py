"""A corpus of generated documents: every case is composed by the production code path
(figures.lines_from_sources → compose.snapshot_compose → terms.engine.schedule_compute, VAT
categories from the facts in vat.py) from hand-written facts: seller profiles, buyers, priced
lines as Saleor gives them, and payment terms. Identifiers have real formats and check digits
(VAT ids checked with python-stdnum, IBANs ISO 13616).

Used by test_official_rules.py (every case against CEN UBL, CEN CII and Peppol UBL) and by
scripts/corpus_render.py (the PNGs in docs/corpus/).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from saleor_netterms.invoicing.compose import BankAccount, SellerFacts, snapshot_compose
from saleor_netterms.invoicing.creditor_reference import creditor_reference_for
from saleor_netterms.invoicing.figures import SourceLine, lines_from_sources
from saleor_netterms.invoicing.snapshot import Address, InvoiceSnapshot, Party
from saleor_netterms.terms.engine import (Deposit, DiscountRule, Instalment, Instalments, NetDays, PaymentTerms)

D = Decimal
ISSUE = date(2026, 11, 30)

SELLER_DE = SellerFacts(
    party=Party(
        name="Muster Industriebedarf GmbH", trading_name="Muster Industrie",
        address=Address(street="Hafenstraße 12", city="Hamburg", postal_code="20457", country="DE"),
        tax_id="DE136695976", tax_number="27/123/45678", registration_id="HRB 123456",
        email="buchhaltung@muster-industrie.de", phone="+49 40 1234560", contact_name="Petra Schulz",
        peppol_id="9930:DE136695976"),
    accounts=(BankAccount(currency="EUR", account_holder="Muster Industriebedarf GmbH", bank_name="Commerzbank",
                          iban="DE89370400440532013000", bic="COBADEFFXXX"),),
    footer="Geschäftsführer: Hans Muster · Amtsgericht Hamburg HRB 123456")
SELLER_FR = SellerFacts(
    party=Party(
        name="Atelier Dupré SAS",
        address=Address(street="14 rue de la République", city="Lyon", postal_code="69002", country="FR"),
        tax_id="FR40303265045", registration_id="303265045", registration_scheme="0002",
        email="comptabilite@atelier-dupre.fr", phone="+33 4 78 00 00 00", contact_name="Élodie Dupré",
        peppol_id="0009:30326504500018"),
    accounts=(BankAccount(currency="EUR", account_holder="Atelier Dupré SAS", bank_name="BNP Paribas",
                          iban="FR7630006000011234567890189", bic="BNPAFRPPXXX"),),
    footer="SAS au capital de 50 000 € · RCS Lyon 303 265 045")
SELLER_US = SellerFacts(
    party=Party(
        name="Lakeside Supply Co.",
        address=Address(street="400 Commerce Drive", street2="Suite 210", city="Rochester", postal_code="14623",
                        country_area="NY", country="US"),
        tax_id="12-3456789", tax_id_scheme="EIN", registration_id="NY DOS 5012345",
        identifier="081466849", identifier_scheme="0060", email="ar@lakesidesupply.com",
        phone="+1 585 555 0142", contact_name="Dana Whitfield", peppol_id="9959:123456789"),
    accounts=(BankAccount(currency="USD", account_holder="Lakeside Supply Co.", bank_name="Harbor National Bank",
                          account_number="000123456789", bank_code="021000021",
                          bank_code_label="ABA routing number"),))
SELLER_JP = SellerFacts(
    party=Party(
        name="Sakura Precision K.K.",
        address=Address(street="2-3-1 Marunouchi", city="Chiyoda-ku", postal_code="100-0005",
                        country_area="Tokyo", country="JP"),
        tax_id="T1234567890123", tax_id_scheme="JCT", registration_id="1234567890123",
        registration_scheme="0188", email="keiri@sakura-precision.example", phone="+81 3 1234 5678",
        contact_name="Yamada Taro", peppol_id="0188:1234567890123"),
    accounts=(BankAccount(currency="JPY", account_holder="Sakura Precision K.K.", bank_name="Mizuho Bank",
                          account_number="1234567", bank_code="0001-001",
                          bank_code_label="Bank / branch code"),))
SELLER_GB = SellerFacts(
    party=Party(
        name="Thames Fasteners Ltd",
        address=Address(street="22 Wharf Road", city="London", postal_code="N1 7GR", country="GB"),
        tax_id="GB980780684", registration_id="09876543", email="accounts@thamesfasteners.example",
        phone="+44 20 7946 0000", contact_name="Oliver Grant", peppol_id="9932:GB980780684"),
    accounts=(BankAccount(currency="GBP", account_holder="Thames Fasteners Ltd", bank_name="NatWest",
                          iban="GB29NWBK60161331926819", bic="NWBKGB2L", account_number="31926819",
                          bank_code="60-16-13", bank_code_label="Sort code"),))

BUYER_DE = Party(
    name="Nordwerk Maschinenbau AG",
    address=Address(street="Industriestraße 5", city="Bremen", postal_code="28197", country="DE"),
    tax_id="DE293817128", email="rechnungen@nordwerk.example", contact_name="Jan Peters",
    erp_customer_number="K-20418")
BUYER_FR = Party(
    name="Boulonnerie Rhône SA",
    address=Address(street="3 quai Perrache", city="Lyon", postal_code="69002", country="FR"),
    tax_id="FR03552081317", email="fournisseurs@boulonnerie-rhone.example", contact_name="Luc Martin",
    erp_customer_number="C-10482")
BUYER_FR_OTHER = Party(
    name="Ateliers Garonne SARL",
    address=Address(street="8 allée Jean Jaurès", city="Toulouse", postal_code="31000", country="FR"),
    tax_id="FR44732829320", email="compta@ateliers-garonne.example", erp_customer_number="C-20931")
BUYER_US = Party(
    name="Brightline Fabrication LLC",
    address=Address(street="77 Water Street", city="New York", postal_code="10005", country_area="NY",
                    country="US"),
    tax_id="98-7654321", tax_id_scheme="EIN", contact_name="Accounts Payable", email="ap@brightlinefab.com",
    erp_customer_number="BF-2207")
BUYER_JP = Party(
    name="Kobe Marine Works Ltd.",
    address=Address(street="1-1 Hatoba-cho", city="Kobe", postal_code="650-0042", country_area="Hyogo",
                    country="JP"),
    tax_id="T9876543210987", tax_id_scheme="JCT")
BUYER_GB = Party(
    name="Severn Engineering plc",
    address=Address(street="1 Quay Street", city="Bristol", postal_code="BS1 4DJ", country="GB"),
    tax_id="GB434031494", email="payables@severn.example")

NET30 = PaymentTerms(plan=NetDays(30))
DISCOUNT = PaymentTerms(plan=NetDays(30), discount=DiscountRule(percent=D(2), days=10))
HALVES = Instalments(parts=(Instalment(D(50), NetDays(30)), Instalment(D(50), NetDays(60))))
INSTALMENTS = PaymentTerms(plan=Instalments(parts=(Instalment(Fraction(100, 3), NetDays(30)),
                                                   Instalment(Fraction(100, 3), NetDays(60)),
                                                   Instalment(Fraction(100, 3), NetDays(90)))))
DEPOSIT = PaymentTerms(plan=Deposit(percent=D(30), balance=NetDays(30)))
DISCOUNT_INSTALMENTS = PaymentTerms(plan=HALVES, discount=DiscountRule(percent=D(2), days=10))


def src(description, sku, quantity, unit_net, rate, supply="") -> SourceLine:
    """A priced line as Saleor gives it; `supply` from its isShippingRequired ("goods" / "services")."""
    rate = D(rate)
    unit_net = D(unit_net)
    return SourceLine(description=description, sku=sku, quantity=D(quantity), unit_net=unit_net,
                      unit_gross=unit_net * (1 + rate / 100), rate=rate, supply=supply)


def compose(*, seller: SellerFacts, buyer: Party, currency: str, sources: list[SourceLine], number: str,
            terms: PaymentTerms | None = NET30, language: str = "en_GB", kind: str = "invoice", **kw
            ) -> InvoiceSnapshot:
    lines = lines_from_sources(sources, currency=currency, zero_category="Z")
    reference = creditor_reference_for(series_id=1 if kind == "invoice" else 2, period="2026",
                                       sequence=int(number.rsplit("-", 1)[1]))
    return snapshot_compose(kind=kind, number=number, payment_reference=reference, issue_date=kw.pop("issue_date", ISSUE), currency=currency,
                            language=language, seller=seller, buyer=buyer, lines=lines,
                            terms=terms if kind == "invoice" else None, po_number=kw.pop("po_number", "PO-77812"),
                            order_number=kw.pop("order_number", "20931"), **kw)


DE_LINES = [src("Sechskantschraube M8×40, verzinkt, 100 Stk.", "HB-M8-40", 12, "18.50", 19),
            src("Nitril-Schutzhandschuhe, Gr. L, Paar", "GL-NIT-L", 50, "3.20", 19),
            src("Kabelbinder 300 mm, schwarz, 500 Stk.", "CT-300-BK", 10, "27.90", 19)]
TWO_RATE_LINES = DE_LINES[:2] + [src("Handbuch Verbindungselemente 2026", "BK-FS-2026", 2, "45.00", 7)]


def case_domestic_de():
    return compose(seller=SELLER_DE, buyer=BUYER_DE, currency="EUR", sources=DE_LINES, number="RE-2026-000101",
                   language="de_DE", delivery_date=date(2026, 11, 27))


def case_domestic_fr():
    return compose(seller=SELLER_FR, buyer=BUYER_FR_OTHER, currency="EUR", language="fr_FR",
                   number="FA-2026-000201",
                   sources=[src("Boulon tête hexagonale M10, boîte de 50", "BH-M10", 8, "21.40", 20),
                            src("Rondelles inox A2, sachet de 200", "RO-A2", 4, "9.90", 20)])


def case_intra_eu_reverse_charge():
    return compose(seller=SELLER_DE, buyer=BUYER_FR, currency="EUR", number="INV-2026-000301",
                   sources=[src("Commissioning of assembly line, per day", "SVC-COMM", 3, "980.00", 0, "services"),
                            src("Remote support package, December", "SVC-REMOTE", 1, "450.00", 0, "services")])


def case_intra_eu_goods_and_services():
    """One order, two supplies: a shipped press (intra-Community supply of goods, K) and its
    installation (a B2B service, reverse charge, AE) — decided per line from Saleor's facts."""
    return compose(seller=SELLER_DE, buyer=BUYER_FR, currency="EUR", number="INV-2026-000303",
                   sources=[src("Hydraulic press HP-40", "HP-40", 1, "8400.00", 0, "goods"),
                            src("Installation and commissioning of HP-40, per day", "SVC-COMM", 2, "980.00", 0,
                                "services")],
                   delivery_date=date(2026, 11, 27))


def case_intra_eu_goods():
    return compose(seller=SELLER_DE, buyer=BUYER_FR, currency="EUR", number="INV-2026-000302",
                   sources=[src("Hex bolt M8×40, zinc plated, box of 100", "HB-M8-40", 40, "18.50", 0)],
                   delivery_date=date(2026, 11, 27))


def case_export():
    return compose(seller=SELLER_DE, buyer=BUYER_US, currency="EUR", number="INV-2026-000401",
                   sources=[src("Hydraulic press tooling set", "HP-TOOL-3", 2, "1240.00", 0),
                            src("Export packaging, seaworthy crate", "PK-CRATE", 1, "185.00", 0)],
                   delivery_date=date(2026, 11, 25))


def case_two_rates():
    return compose(seller=SELLER_DE, buyer=BUYER_DE, currency="EUR", number="RE-2026-000102",
                   sources=TWO_RATE_LINES, language="de_DE")


def case_three_rates():
    return compose(seller=SELLER_FR, buyer=BUYER_FR_OTHER, currency="EUR", number="FA-2026-000202",
                   language="fr_FR",
                   sources=[src("Boulon tête hexagonale M10, boîte de 50", "BH-M10", 8, "21.40", 20),
                            src("Travaux de rénovation, atelier", "SVC-RENO", 1, "1200.00", 10),
                            src("Manuel technique (livre)", "LIV-TECH", 3, "38.00", "5.5")])


def case_discount():
    return compose(seller=SELLER_DE, buyer=BUYER_FR, currency="EUR", number="INV-2026-000042",
                   sources=TWO_RATE_LINES, terms=DISCOUNT)


def case_instalments():
    return compose(seller=SELLER_DE, buyer=BUYER_DE, currency="EUR", number="RE-2026-000103", language="de_DE",
                   sources=DE_LINES, terms=INSTALMENTS)


def case_deposit():
    return compose(seller=SELLER_FR, buyer=BUYER_FR_OTHER, currency="EUR", number="FA-2026-000203",
                   language="fr_FR", sources=[src("Machine de taraudage TX-40", "TX-40", 1, "6400.00", 20)],
                   terms=DEPOSIT)


def case_discount_instalments():
    return compose(seller=SELLER_DE, buyer=BUYER_DE, currency="EUR", number="RE-2026-000104", language="de_DE",
                   sources=TWO_RATE_LINES, terms=DISCOUNT_INSTALMENTS)


def case_credit_note():
    return compose(seller=SELLER_DE, buyer=BUYER_FR, currency="EUR", kind="credit_note", number="CN-2026-000007",
                   sources=[src("Hex bolt M8×40, zinc plated, box of 100", "HB-M8-40", 2, "18.50", 19),
                            src("Handbook: fastener standards 2026", "BK-FS-2026", 1, "45.00", 7)],
                   issue_date=date(2026, 12, 4), credited_number="INV-2026-000042",
                   credited_date=ISSUE, note="Returned goods, RMA 5531.")


def case_forty_lines():
    sources = [src(f"Assorted fastener kit no. {i}, stainless A2", f"KIT-A2-{i:03d}", i % 7 + 1,
                   f"{9 + i}.{i % 100:02d}", 19 if i % 5 else 7) for i in range(1, 41)]
    return compose(seller=SELLER_DE, buyer=BUYER_FR, currency="EUR", number="INV-2026-000043", sources=sources)


def case_usd():
    return compose(seller=SELLER_US, buyer=BUYER_US, currency="USD", language="en_US", number="INV-2026-000108",
                   sources=[src("Stainless sheet 16 ga, 4×8 ft", "SS-16-48", 6, "212.40", "8.875"),
                            src("Laser cutting service, per hour", "SVC-LASER", "3.5", "145.00", "8.875"),
                            src("Deburring tool set", "TL-DEB-05", 2, "64.99", "8.875")])


def case_jpy():
    return compose(seller=SELLER_JP, buyer=BUYER_JP, currency="JPY", language="ja_JP", number="INV-2026-000311",
                   issue_date=date(2026, 12, 1),
                   sources=[src("Bearing unit UCP205", "UCP205", 40, "1850", 10),
                            src("Bottled water for staff, case of 24", "WTR-24", 5, "2160", 8)])


def case_gbp():
    return compose(seller=SELLER_GB, buyer=BUYER_GB, currency="GBP", number="INV-2026-000512",
                   sources=[src("Coach screw M10×100, box of 50", "CS-M10-100", 6, "34.20", 20),
                            src("Site safety induction, per person", "SVC-IND", 4, "55.00", 20)])


CASES = {
    "domestic_de": case_domestic_de,
    "domestic_fr": case_domestic_fr,
    "intra_eu_reverse_charge": case_intra_eu_reverse_charge,
    "intra_eu_goods": case_intra_eu_goods,
    "intra_eu_goods_and_services": case_intra_eu_goods_and_services,
    "export": case_export,
    "two_rates": case_two_rates,
    "three_rates": case_three_rates,
    "discount": case_discount,
    "instalments": case_instalments,
    "deposit": case_deposit,
    "discount_instalments": case_discount_instalments,
    "credit_note": case_credit_note,
    "forty_lines": case_forty_lines,
    "usd": case_usd,
    "jpy": case_jpy,
    "gbp": case_gbp,
}

