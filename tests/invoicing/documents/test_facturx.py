import io

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

from saleor_netterms.invoicing.documents.facturx import facturx_xml, render_facturx

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}
SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"


@pytest.fixture(scope="module")
def invoice_facturx(eur_invoice):
    return render_facturx(eur_invoice)


def _values(xml: bytes, paths: list[str]) -> list[list[str]]:
    root = etree.fromstring(xml)
    return [[node.text for node in root.findall(path, NS)] for path in paths]


def test_invoice_xml_validates_against_the_en16931_xsd(eur_invoice):
    # when
    xml = facturx_xml(eur_invoice)

    # then
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert facturx.get_level(etree.fromstring(xml), "factur-x") == "en16931"


def test_invoice_xml_carries_the_snapshot_figures(eur_invoice):
    # when
    xml = facturx_xml(eur_invoice)

    # then
    assert _values(xml, [
        "rsm:ExchangedDocument/ram:ID",
        "rsm:ExchangedDocument/ram:TypeCode",
        "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString",
        ".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID",
        ".//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID",
        ".//ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement"
        "/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
        f"{SETTLEMENT}/ram:PaymentReference",
        f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode",
        f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"
        "/ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
        f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent",
        f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:BasisAmount",
        f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CalculatedAmount",
        f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
        f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation/*",
    ]) == [
        ["INV-2026-000042"], ["380"], ["20261130"], ["DE136695976"], ["FR40303265045"],
        ["222.00", "160.00", "90.00", "279.00"], ["RF54INV2026000042"], ["58"],
        ["DE89370400440532013000"], ["19", "7"], ["661.00", "90.00"], ["125.59", "6.30"],
        ["20261230"], ["751.00", "751.00", "131.89", "882.89", "0.00", "882.89"],
    ]
    terms = _values(xml, [f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:Description"])[0][0]
    assert terms == ("2/10 Net 30\n2% early-payment discount: pay 865.23 EUR in full by 2026-12-10\n"
                     "#SKONTO#TAGE=10#PROZENT=2.00#\n")  # DE-R-018: the Skonto line ends with a line break


def test_credit_note_xml_is_type_381_and_references_the_invoice(eur_credit_note):
    # when
    xml = facturx_xml(eur_credit_note)

    # then
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert _values(xml, [
        "rsm:ExchangedDocument/ram:TypeCode",
        f"{SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID",
        f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount",
        f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans",
    ]) == [["381"], ["INV-2026-000042"], ["92.18"], []]


def test_facturx_pdf_embeds_the_xml_as_pdfa3(eur_invoice, invoice_facturx):
    # when
    filename, embedded = facturx.get_xml_from_pdf(invoice_facturx, check_xsd=True)
    reader = PdfReader(io.BytesIO(invoice_facturx))
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data()
    filespec = catalog["/AF"][0].get_object()

    # then
    assert filename == "factur-x.xml"
    assert embedded == facturx_xml(eur_invoice)
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp
    assert b"<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert b"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    assert filespec["/AFRelationship"] == "/Data"
    intent = catalog["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/DestOutputProfile"].get_object().get_data()[36:40] == b"acsp"
    assert "Invoice" in reader.pages[0].extract_text()
