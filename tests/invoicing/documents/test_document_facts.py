"""What the documents state, checked against independent arithmetic and the standards: VAT
categories from the facts, instalments (QR amount, BT-9 / BT-20), the rounding amount (BT-114),
the EPC QR payload (EPC069-12) and the PDF/A-3 metadata (read back with pikepdf)."""
from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pikepdf
import pytest
from lxml import etree

from saleor_netterms.invoicing.compose import snapshot_compose
from saleor_netterms.invoicing.documents.facturx import facturx_xml, render_facturx
from saleor_netterms.invoicing.documents.pdfa import PRODUCER
from saleor_netterms.invoicing.documents.ubl import render_ubl
from saleor_netterms.invoicing.figures import (charges_line, epc_qr_payload, net_for_gross, source_lines_from_order,
                                              summary_lines, supplies_of)
from saleor_netterms.invoicing.vat import vat_treatment
from saleor_netterms.core.inbound import JsonNode
from saleor_netterms.saleor_webhooks.handlers._payloads import order_snapshot_from

from . import corpus
from .conftest import pdf_pages_text

D = Decimal
UBL_NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
          "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
CII_NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
          "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}


# --- VAT categories from the facts ------------------------------------------------------------

@pytest.mark.parametrize(("facts", "expected"), [
    (dict(rate=D(19), seller_country="DE", buyer_country="DE", buyer_vat_id="DE293817128"), ("S", "")),
    (dict(rate=D(7), seller_country="DE", buyer_country="FR", buyer_vat_id="FR03552081317"), ("S", "")),
    (dict(rate=D(0), seller_country="DE", buyer_country="DE", buyer_vat_id="DE293817128"), ("Z", "")),
    (dict(rate=D(0), seller_country="DE", buyer_country="FR", buyer_vat_id="FR03552081317"), ("K", "VATEX-EU-IC")),
    (dict(rate=D(0), seller_country="DE", buyer_country="FR", buyer_vat_id="FR03552081317", service=True),
     ("AE", "VATEX-EU-AE")),
    (dict(rate=D(0), seller_country="DE", buyer_country="FR", buyer_vat_id=""), ("Z", "")),  # B2C: not exempt
    (dict(rate=D(0), seller_country="DE", buyer_country="US", buyer_vat_id=""), ("G", "VATEX-EU-G")),
    (dict(rate=D(0), seller_country="DE", buyer_country="CH", buyer_vat_id="CHE123456789"), ("G", "VATEX-EU-G")),
    (dict(rate=D(0), seller_country="GB", buyer_country="US", buyer_vat_id=""), ("Z", "")),  # not an EU export
    (dict(rate=D(0), seller_country="US", buyer_country="US", buyer_vat_id="", seller_vat_registered=False,
          all_lines_untaxed=True), ("O", "VATEX-EU-O")),
    (dict(rate=D(0), seller_country="US", buyer_country="US", buyer_vat_id="", seller_vat_registered=False),
     ("E", "")),
    (dict(rate=D(0), seller_country="DE", buyer_country="DE", buyer_vat_id="", domestic_zero_category="E",
          domestic_exemption_reason="Steuerfrei nach § 4 Nr. 14 UStG", domestic_exemption_code="VATEX-EU-132"),
     ("E", "VATEX-EU-132")),
])
def test_vat_category_is_decided_from_the_facts(facts, expected):
    # given the facts of one line
    facts = {"seller_vat_registered": True, **facts}

    # when
    treatment = vat_treatment(**facts)

    # then
    assert (treatment.category, treatment.exemption_code) == expected
    assert bool(treatment.exemption_reason) == (treatment.category not in ("S", "Z"))


def test_reverse_charge_and_export_print_their_legal_notice_and_reason():
    # given
    reverse, export = corpus.case_intra_eu_reverse_charge(), corpus.case_export()

    # when
    reverse_text = "\n".join(pdf_pages_text(render_facturx(reverse))[0])
    export_text = "\n".join(pdf_pages_text(render_facturx(export))[0])

    # then
    assert [(b.category, b.rate, b.exemption_reason, b.exemption_code) for b in reverse.tax_breakdown] == [
        ("AE", D(0), "Reverse charge", "VATEX-EU-AE")]
    assert "AE · Reverse charge 0% 3,390.00 0.00" in reverse_text
    assert "\nReverse charge: VAT to be accounted for by the recipient\n" in reverse_text
    assert "\n(Article 196, Directive 2006/112/EC).\n" in reverse_text
    assert "Export outside the EU, exempt from VAT (Article 146, Directive" in export_text
    assert [b.category for b in export.tax_breakdown] == ["G"]


def test_intra_community_supply_states_delivery_country_and_date():
    # given goods to a French VAT-registered buyer, zero-rated
    snapshot = corpus.case_intra_eu_goods()

    # when
    root = etree.fromstring(render_ubl(snapshot))

    # then
    assert root.findtext("cac:Delivery/cbc:ActualDeliveryDate", namespaces=UBL_NS) == "2026-11-27"
    assert root.findtext("cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode",
                         namespaces=UBL_NS) == "FR"
    assert root.findtext("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode",
                         namespaces=UBL_NS) == "VATEX-EU-IC"


def test_goods_and_services_of_one_order_are_decided_per_line():
    # given one order to a French business at 0 %: a shipped press and its installation
    snapshot = corpus.case_intra_eu_goods_and_services()

    # when
    text = "\n".join(pdf_pages_text(render_facturx(snapshot))[0])
    root = etree.fromstring(render_ubl(snapshot))

    # then: the press is an intra-Community supply (K), the installation reverse-charged (AE)
    assert [(l.description, l.supply, l.tax_category) for l in snapshot.lines] == [
        ("Hydraulic press HP-40", "goods", "K"),
        ("Installation and commissioning of HP-40, per day", "services", "AE")]
    assert [(b.category, b.taxable, b.exemption_reason, b.exemption_code) for b in snapshot.tax_breakdown] == [
        ("K", D("8400.00"), "Intra-Community supply", "VATEX-EU-IC"),
        ("AE", D("1960.00"), "Reverse charge", "VATEX-EU-AE")]
    assert [c.findtext("cbc:ID", namespaces=UBL_NS) for c in
            root.findall("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory", namespaces=UBL_NS)] == ["K", "AE"]
    assert [c.findtext("cbc:TaxExemptionReasonCode", namespaces=UBL_NS) for c in
            root.findall("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", namespaces=UBL_NS)] == [
        "VATEX-EU-IC", "VATEX-EU-AE"]
    assert "K · Intra-Community supply 0% 8,400.00 0.00" in text
    assert "AE · Reverse charge 0% 1,960.00 0.00" in text
    assert "\nExempt intra-Community supply of goods (Article 138,\n" in text
    assert "\nReverse charge: VAT to be accounted for by the recipient\n" in text


@pytest.mark.parametrize(("supply", "profile_services", "category"), [
    ("goods", True, "K"), ("services", False, "AE"),  # the line's fact wins over the profile
    ("", False, "K"), ("", True, "AE"),                 # a line that does not say: the profile's default
])
def test_the_seller_profile_decides_only_lines_that_do_not_say(supply, profile_services, category):
    # given
    seller = replace(corpus.SELLER_DE, supplies_services=profile_services)

    # when
    snapshot = corpus.compose(seller=seller, buyer=corpus.BUYER_FR, currency="EUR", number="INV-2026-000399",
                              sources=[corpus.src("Spare part kit", "SP-1", 1, "120.00", 0, supply)])

    # then
    assert [l.tax_category for l in snapshot.lines] == [category]


def test_the_order_webhooks_keep_saleors_shipping_flag_per_line():
    # given an order's lines as the subscriptions (graphql/subscriptions/order_*.graphql) select them
    order = {"id": "T3JkZXI6MQ==", "number": "1", "status": "UNFULFILLED", "channel": {"slug": "eu"},
             "total": {"net": {"amount": "1000.00", "currency": "EUR"}, "tax": {"amount": "0.00"},
                       "gross": {"amount": "1000.00", "currency": "EUR"}},
             "lines": [{"productName": "Press", "productSku": "HP-40", "isShippingRequired": True, "quantity": 1,
                        "unitPrice": {"net": {"amount": "800.00"}, "gross": {"amount": "800.00"}}, "taxRate": "0.0"},
                       {"productName": "Setup", "productSku": "SVC", "isShippingRequired": False, "quantity": 1,
                        "unitPrice": {"net": {"amount": "200.00"}, "gross": {"amount": "200.00"}}, "taxRate": "0.0"}]}

    # when
    stored = order_snapshot_from(JsonNode(order, "order")).as_json()["lines"]

    # then: stored with the order, and read back as goods and services
    assert [line["isShippingRequired"] for line in stored] == [True, False]
    assert [s.supply for s in source_lines_from_order(stored)] == ["goods", "services"]


def test_saleors_shipping_flag_is_the_lines_supply_and_shipping_follows_the_goods():
    # given order lines as Saleor's subscription gives them (isShippingRequired), plus shipping
    order_lines = [
        {"productName": "Hydraulic press HP-40", "sku": "HP-40", "quantity": 1, "unitNet": "8400.00",
         "unitGross": "8400.00", "taxRate": "0.0", "isShippingRequired": True},
        {"productName": "Commissioning, per day", "sku": "SVC", "quantity": 2, "unitNet": "980.00",
         "unitGross": "980.00", "taxRate": "0.0", "isShippingRequired": False},
        {"productName": "Old order line", "sku": "OLD", "quantity": 1, "unitNet": "10.00", "unitGross": "10.00",
         "taxRate": "0.0"}]

    # when
    sources = source_lines_from_order(order_lines)
    shipping = charges_line(sources=sources, total_net=D("10480.00"), total_gross=D("10480.00"), currency="EUR",
                            zero_category="Z", position=4)

    # then
    assert [s.supply for s in sources] == ["goods", "services", ""]
    assert (shipping.description, shipping.net, shipping.supply) == ("Shipping and other charges", D("110.00"), "goods")
    assert supplies_of([(D(0), "goods"), (D(0), "services"), (D(19), "goods")]) == {D(19): "goods"}


# --- instalments and discounts on the documents ----------------------------------------------

def test_instalments_qr_asks_for_the_first_amount_and_bt9_is_its_due_date():
    # given one third at 30, 60 and 90 days of 786.59 EUR
    snapshot = corpus.case_instalments()

    # when
    ubl = etree.fromstring(render_ubl(snapshot))
    cii = etree.fromstring(facturx_xml(snapshot))
    text = pdf_pages_text(render_facturx(snapshot))[0]

    # then
    assert [(p.due_date, p.amount) for p in snapshot.schedule] == [
        (date(2026, 12, 30), D("262.20")), (date(2027, 1, 29), D("262.20")), (date(2027, 2, 28), D("262.19"))]
    assert snapshot.remittance.epc_qr_payload.split("\n")[7] == "EUR262.20"
    assert ubl.findtext("cbc:DueDate", namespaces=UBL_NS) == "2026-12-30"  # BT-9: the first payment
    assert cii.findtext(".//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
                        namespaces=CII_NS) == "20261230"
    assert ubl.findtext("cac:PaymentTerms/cbc:Note", namespaces=UBL_NS) == (  # BT-20: the schedule
        "1/3 at 30 days, 1/3 at 60 days, 1/3 at 90 days\n"
        "Instalment 1 of 3 (1/3): 262.20 EUR due 2026-12-30\n"
        "Instalment 2 of 3 (1/3): 262.20 EUR due 2027-01-29\n"
        "Instalment 3 of 3 (1/3): 262.19 EUR due 2027-02-28")
    assert "Nächste Zahlung: 262,20 EUR bis 30.12.2026 (Rate 1 von 3 (1/3))" in text
    assert "Betrag 262,20 EUR" in text
    assert "Fällig 30.12.2026" in text


def test_discount_with_instalments_offers_the_discounted_total_and_asks_for_the_next_instalment():
    # given 2/10 on 50 % at 30 and 50 % at 60 days, 550.88 EUR
    snapshot = corpus.case_discount_instalments()

    # when
    text = pdf_pages_text(render_facturx(snapshot))[0]
    note = etree.fromstring(render_ubl(snapshot)).findtext("cac:PaymentTerms/cbc:Note", namespaces=UBL_NS)

    # then
    assert (snapshot.discount.amount, snapshot.discount.deadline) == (D("11.02"), date(2026, 12, 10))
    assert "Nächste Zahlung: 275,44 EUR bis 30.12.2026 (Rate 1 von 2 (50 %))" in text
    assert "Oder zahlen Sie 539,86 EUR vollständig bis 10.12.2026 (2 % Skonto von 11,02 EUR)" in text
    assert not any("882" in line or "550,88 EUR bis" in line for line in text)
    assert snapshot.remittance.epc_qr_payload.split("\n")[7] == "EUR275.44"
    assert note.endswith("2% early-payment discount: pay 539.86 EUR in full by 2026-12-10\n"
                         "#SKONTO#TAGE=10#PROZENT=2.00#\n")


# --- amounts that lines cannot give exactly -----------------------------------------------------

def test_summary_line_keeps_the_real_rate_and_the_cent_becomes_the_rounding_amount():
    # given 100.05 gross at 19 %: no net n has n + round(n × 19 %) = 100.05
    lines = summary_lines(description="Partial invoice for order #36", amount=D("100.05"),
                          weights=OrderedDict({D(19): D("119.00")}), currency="EUR", zero_category="Z")

    # when
    snapshot = snapshot_compose(kind="invoice", number="INV-2026-000900", issue_date=corpus.ISSUE,
                                currency="EUR", language="en_GB", seller=corpus.SELLER_DE, buyer=corpus.BUYER_DE,
                                lines=lines, terms=corpus.NET30, payable=D("100.05"),
                                payment_reference="RF71INV2026000900")
    ubl = etree.fromstring(render_ubl(snapshot))

    # then
    assert [(l.net, l.tax_rate, l.tax, l.gross) for l in snapshot.lines] == [(D("84.08"), D(19), D("15.98"),
                                                                               D("100.06"))]
    assert (snapshot.totals.gross, snapshot.totals.rounding, snapshot.totals.amount_due) == (
        D("100.06"), D("-0.01"), D("100.05"))
    assert ubl.findtext("cac:LegalMonetaryTotal/cbc:PayableRoundingAmount", namespaces=UBL_NS) == "-0.01"
    assert ubl.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=UBL_NS) == "100.05"
    assert net_for_gross(D("0.03"), D(19), "EUR") == (D("0.03"), D(19))  # never rate 0E-12 → category Z


# --- EPC QR (EPC069-12) -------------------------------------------------------------------------

def test_epc_payload_strips_line_breaks_so_no_field_shifts():
    # when
    payload = epc_qr_payload(name="Muster Werkzeuge\nGmbH", iban="DE89 3704 0044 0532 0130 00", bic="COBADEFFXXX",
                             amount=D("12.30"), currency="EUR", reference="RF18539007547034")

    # then
    assert payload.split("\n") == ["BCD", "002", "1", "SCT", "COBADEFFXXX", "Muster Werkzeuge GmbH",
                                   "DE89370400440532013000", "EUR12.30", "", "RF18539007547034"]


@pytest.mark.parametrize(("iban", "reason"), [
    ("DE89370400440532013001", "check digits wrong"),
    ("US12345678901234567890", "not an IBAN country"),
    ("BR1800360305000010009795493C1", "valid IBAN, outside SEPA"),
])
def test_epc_payload_refuses_an_invalid_or_non_sepa_iban(iban, reason):
    assert epc_qr_payload(name="Muster", iban=iban, bic="", amount=D("1.00"), currency="EUR",
                          reference="RF18539007547034") == "", reason


def test_epc_payload_without_reference_ends_with_the_amount():
    # when
    payload = epc_qr_payload(name="Muster", iban="DE89370400440532013000", bic="", amount=D("5"),
                             currency="EUR", reference="")

    # then
    assert payload == "BCD\n002\n1\nSCT\n\nMuster\nDE89370400440532013000\nEUR5.00"


# --- PDF/A-3 ------------------------------------------------------------------------------------

def test_facturx_pdf_info_and_xmp_agree_with_output_intent_embedded_fonts_and_af_relationship():
    # given
    pdf = render_facturx(corpus.case_domestic_de())

    # when
    with pikepdf.open(io.BytesIO(pdf)) as document:
        info = {key: str(value) for key, value in document.docinfo.items()}
        meta = document.open_metadata()
        xmp = {key: meta.get(key) for key in ("dc:title", "dc:creator", "dc:description", "pdf:Keywords",
                                              "pdf:Producer", "xmp:CreatorTool", "xmp:CreateDate",
                                              "xmp:ModifyDate", "pdfaid:part", "pdfaid:conformance")}
        intents = [(str(i.S), str(i.OutputConditionIdentifier)) for i in document.Root.OutputIntents]
        fonts = {}
        for page in document.pages:
            for name, font in page.Resources.Font.items():
                descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                fonts[str(font.BaseFont)] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        (spec,) = list(document.Root.AF)
        attachment = (str(spec.F), str(spec.AFRelationship))

    # then
    title = "Invoice RE-2026-000101"
    assert info == {"/Title": title, "/Author": "Muster Industriebedarf GmbH",
                    "/Subject": "Invoice RE-2026-000101 to Nordwerk Maschinenbau AG",
                    "/Keywords": "Factur-X, Invoice", "/Producer": PRODUCER, "/Creator": "saleor-netterms",
                    "/CreationDate": "D:20261130000000+00'00'", "/ModDate": "D:20261130000000+00'00'"}
    assert xmp == {"dc:title": title, "dc:creator": ["Muster Industriebedarf GmbH"],
                   "dc:description": "Invoice RE-2026-000101 to Nordwerk Maschinenbau AG",
                   "pdf:Keywords": "Factur-X, Invoice", "pdf:Producer": PRODUCER,
                   "xmp:CreatorTool": "saleor-netterms", "xmp:CreateDate": "2026-11-30T00:00:00+00:00",
                   "xmp:ModifyDate": "2026-11-30T00:00:00+00:00", "pdfaid:part": "3", "pdfaid:conformance": "B"}
    assert intents == [("/GTS_PDFA1", "sRGB IEC61966-2.1")]
    assert fonts and all(fonts.values()), fonts
    assert attachment == ("factur-x.xml", "/Data")
