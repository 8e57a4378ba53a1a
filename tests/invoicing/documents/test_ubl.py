import facturx
import pytest
from lxml import etree

from saleor_netterms.invoicing.documents.facturx import InvalidEInvoice
from saleor_netterms.invoicing.documents.ubl import (CUSTOMIZATION_ID, PROFILE_ID, RuleViolation,
                                                     render_ubl, ubl_rules_check, ubl_xml,
                                                     ubl_xsd_check)

from . import snapshots

NS = {"inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
      "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
      "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}


def _texts(xml: bytes, path: str) -> list[str]:
    return [n.text for n in etree.fromstring(xml).findall(path, NS)]


def _edit(xml: bytes, path: str, value: str | None) -> bytes:
    root = etree.fromstring(xml)
    node = root.find(path, NS)
    if value is None:
        node.getparent().remove(node)
    else:
        node.text = value
    return etree.tostring(root)


@pytest.mark.parametrize("build", [snapshots.eur_invoice, snapshots.usd_invoice,
                                   snapshots.jpy_invoice, snapshots.long_invoice])
def test_invoices_validate_against_the_oasis_xsd_and_the_rules(build):
    # given
    xml = render_ubl(build())

    # then
    assert facturx.xml_check_xsd(xml, flavor="ubl-2.1-invoice") is True
    assert ubl_rules_check(xml) == []


def test_invoice_ubl_carries_the_snapshot_figures(eur_invoice):
    # when
    xml = render_ubl(eur_invoice)

    # then
    assert etree.fromstring(xml).tag == "{%s}Invoice" % NS["inv"]
    assert _texts(xml, "cbc:CustomizationID") == [CUSTOMIZATION_ID]
    assert _texts(xml, "cbc:ProfileID") == [PROFILE_ID]
    assert _texts(xml, "cbc:InvoiceTypeCode") == ["380"]
    assert _texts(xml, "cbc:DueDate") == ["2026-12-30"]
    assert _texts(xml, "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID") == ["DE136695976"]
    assert _texts(xml, "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"
                  ) == ["FR40303265045"]
    assert _texts(xml, "cac:PaymentMeans/cbc:PaymentID") == ["RF54INV2026000042"]
    assert _texts(xml, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == [
        "DE89370400440532013000"]
    assert _texts(xml, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount") == ["661.00", "90.00"]
    assert _texts(xml, "cac:LegalMonetaryTotal/*") == ["751.00", "751.00", "882.89", "882.89"]
    assert _texts(xml, "cac:InvoiceLine/cbc:LineExtensionAmount") == [
        "222.00", "160.00", "90.00", "279.00"]


def test_credit_note_ubl_has_creditnote_root_and_billing_reference(eur_credit_note):
    # when
    xml = render_ubl(eur_credit_note)

    # then
    assert etree.fromstring(xml).tag == "{%s}CreditNote" % NS["cn"]
    assert facturx.xml_check_xsd(xml, flavor="ubl-2.1-creditnote") is True
    assert _texts(xml, "cbc:CreditNoteTypeCode") == ["381"]
    assert _texts(xml, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == [
        "INV-2026-000042"]
    assert _texts(xml, "cac:CreditNoteLine/cbc:CreditedQuantity") == ["2", "1"]
    assert ubl_rules_check(xml) == []


def test_rules_catch_totals_that_do_not_add_up(eur_invoice):
    # given
    xml = ubl_xml(eur_invoice)
    broken = _edit(xml, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount", "750.00")
    broken = _edit(broken, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", "882.90")

    # when
    violations = ubl_rules_check(broken)

    # then
    assert [v.rule for v in violations] == ["BR-CO-10", "BR-CO-13", "BR-CO-15", "BR-CO-16"]


def test_rules_catch_a_wrong_per_rate_taxable_amount(eur_invoice):
    # given
    broken = _edit(ubl_xml(eur_invoice), "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount",
                   "600.00")

    # when
    violations = ubl_rules_check(broken)

    # then
    assert violations == [
        RuleViolation("BR-S-08", "VAT category S 19%: taxable amount 600.00 != sum of line net "
                                 "amounts 661.00."),
        RuleViolation("BR-S-09", "VAT 19%: tax 125.59 != 600.00 × 19% = 114.00."),
    ]


def test_rules_require_profile_and_endpoints(eur_invoice):
    # given
    broken = _edit(ubl_xml(eur_invoice), "cbc:ProfileID", None)
    broken = _edit(broken, "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", None)

    # when
    rules = [v.rule for v in ubl_rules_check(broken)]

    # then
    assert rules == ["PEPPOL-EN16931-R001", "PEPPOL-EN16931-R010"]


def test_rules_accept_per_line_rounding_within_one_unit():
    # given: 40 lines taxed per line: 713.43 where 3,754.95 × 19% = 713.44
    xml = ubl_xml(snapshots.long_invoice())

    # then
    assert _texts(xml, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount")[0] == "713.43"
    assert ubl_rules_check(xml) == []


def test_render_ubl_refuses_a_buyer_without_electronic_address(eur_invoice):
    # given
    from dataclasses import replace
    # (an e-mail is no Peppol address: "EM" is not in the EAS list, PEPPOL-EN16931-CL008)
    snapshot = replace(eur_invoice, buyer=replace(eur_invoice.buyer, peppol_id="", tax_id=""))

    # when
    with pytest.raises(InvalidEInvoice) as error:
        render_ubl(snapshot)

    # then
    assert error.value.code == "INVALID_E_INVOICE"
    assert "PEPPOL-EN16931-R010" in error.value.log_message


def test_xsd_check_refuses_an_element_out_of_order(eur_invoice):
    # given
    root = etree.fromstring(ubl_xml(eur_invoice))
    root.append(root.find("cbc:ID", NS))

    # when / then
    with pytest.raises(InvalidEInvoice):
        ubl_xsd_check(etree.tostring(root))
