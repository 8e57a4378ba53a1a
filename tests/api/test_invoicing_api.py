"""The invoicing area of the merchant API (api/invoicing.py): invoices and credit notes read from
their snapshot with open amounts from the ledger, fresh signed document links, credit notes,
voiding, company invoicing settings, payment terms templates and issuing an invoice on demand.
Every change is audited; every refusal writes nothing; another installation's rows are invisible."""
import datetime as dt
import json

import pytest
from django.conf import settings
from django.utils import timezone

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.invoicing.documents.links import DocumentRef, document_token_read
from saleor_netterms.invoicing.creditor_reference import creditor_reference_for
from saleor_netterms.invoicing.models import CompanyInvoicingSettings, Invoice
from saleor_netterms.invoicing.services import invoice_issue_for_order, invoice_void, invoicing_settings_set
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.workflows.payments import payment_record
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.terms.models import PaymentTermsTemplate
from saleor_netterms.terms.services import payment_terms_create
from saleor_netterms.checkout.requests import OrderLine
from tests.api.conftest import STAFF_EMAIL, usd
from tests.fixtures_credit import ledger_counts
from tests.invoicing.conftest import held_order, order_snapshot  # noqa: F401 - held_order is a fixture

TODAY = timezone.localdate
YEAR = timezone.localdate().year
M = "{ amount currency }"

INVOICE_FIELDS = f"""
  id number kind status issueDate dueDate currency totalGross {M} amountDue {M} openAmount {M} daysPastDue
  company {{ id legalName }} orderNumber poNumber creditedInvoice {{ id number }}
  documents {{ pdf facturx ubl }} voidedAt voidReason
"""
INVOICES = f"""
query Invoices($companyId: ID, $status: InvoiceStatus, $kind: InvoiceKind, $search: String, $first: Int,
               $offset: Int) {{
  invoices(companyId: $companyId, status: $status, kind: $kind, search: $search, first: $first, offset: $offset) {{
    {INVOICE_FIELDS}
  }}
}}
"""
INVOICE = f"""
query Invoice($id: ID!) {{
  invoice(id: $id) {{
    number termsLabel language note
    buyer {{ name taxId email contactName address {{ street city postalCode country }} }}
    seller {{ name }}
    lines {{ position description sku quantity unitCode unitNet {M} net {M} taxCategory taxRate tax {M} gross {M} }}
    taxBreakdown {{ category rate taxable {M} tax {M} exemptionReason }}
    totals {{ net {M} tax {M} gross {M} prepaid {M} amountDue {M} }}
    schedule {{ dueDate amount {M} label }}
    discount {{ percent amount {M} deadline }}
    remittance {{ paymentReference epcQrPayload }}
    creditNotes {{ number totalGross {M} openAmount {M} }}
  }}
}}
"""
SETTINGS = """
query Settings($companyId: ID!) {
  invoicingSettings(companyId: $companyId) {
    company { id } policy termsTemplate { code label } sendSaleorNotification language isDefault
  }
}
"""
TEMPLATES = """
query Templates($all: Boolean) {
  paymentTermsTemplates(includeInactive: $all) {
    id name code definition label lateFeeLabel channelSlug isChannelDefault active
  }
}
"""
CREDIT_NOTE_ISSUE = f"""
mutation Credit($invoiceId: ID!, $amount: String, $reason: String!) {{
  creditNoteIssue(invoiceId: $invoiceId, amount: $amount, reason: $reason) {{
    creditNote {{ number kind status totalGross {M} creditedInvoice {{ number }} openAmount {M} }}
    invoice {{ number openAmount {M} }}
    errors {{ code field message }}
  }}
}}
"""
INVOICE_VOID = f"""
mutation Void($invoiceId: ID!, $reason: String!) {{
  invoiceVoid(invoiceId: $invoiceId, reason: $reason) {{
    invoice {{ number status voidReason voidedAt openAmount {M} }}
    creditNote {{ number totalGross {M} }}
    errors {{ code field message }}
  }}
}}
"""
SETTINGS_SET = """
mutation SettingsSet($companyId: ID!, $policy: InvoicingPolicy, $termsTemplateCode: String,
                     $sendSaleorNotification: Boolean, $language: String) {
  invoicingSettingsSet(companyId: $companyId, policy: $policy, termsTemplateCode: $termsTemplateCode,
                       sendSaleorNotification: $sendSaleorNotification, language: $language) {
    settings { policy termsTemplate { code } sendSaleorNotification language isDefault }
    errors { code field message }
  }
}
"""
TEMPLATE_CREATE = """
mutation TemplateCreate($name: String!, $code: String!, $definition: String!, $channelSlug: String,
                        $isChannelDefault: Boolean) {
  paymentTermsTemplateCreate(name: $name, code: $code, definition: $definition, channelSlug: $channelSlug,
                             isChannelDefault: $isChannelDefault) {
    template { name code definition label lateFeeLabel channelSlug isChannelDefault active }
    errors { code field message }
  }
}
"""
TEMPLATE_UPDATE = """
mutation TemplateUpdate($id: ID!, $name: String, $definition: String, $channelSlug: String,
                        $isChannelDefault: Boolean, $active: Boolean) {
  paymentTermsTemplateUpdate(id: $id, name: $name, definition: $definition, channelSlug: $channelSlug,
                             isChannelDefault: $isChannelDefault, active: $active) {
    template { name code definition label channelSlug isChannelDefault active }
    errors { code field message }
  }
}
"""
ISSUE = f"""
mutation Issue($id: ID!) {{
  invoiceIssueForTransaction(transactionId: $id) {{
    invoice {{ number kind status totalGross {M} openAmount {M} orderNumber poNumber }}
    created
    errors {{ code field message }}
  }}
}}
"""


@pytest.fixture
def acme(company_factory, member_factory, credit_installation):
    company = company_factory(installation=credit_installation, legal_name="Acme Industrial Supply",
                              limit=usd("100000"), billing_contact_email="ap@acme.example",
                              billing_contact_name="Accounts Payable", tax_id="136695976", tax_id_country="DE")
    member_factory(company=company, value="VXNlcjo2")
    return company


@pytest.fixture
def issued(acme, held_order):
    """INV-<year>-000001: order #36 (2 × Dash Force at 90.00, no tax) for 180.00 USD, Net 30."""
    tx = held_order(company=acme, amount="180.00", order=order_snapshot(
        order_id="T3JkZXI6MzY=", transaction_id="VHJhbnNhY3Rpb25JdGVtOjM2", number="36"),
        transaction_id="VHJhbnNhY3Rpb25JdGVtOjM2")
    return invoice_issue_for_order(transaction=tx)


@pytest.fixture
def foreign(other_installation, company_factory, held_order):
    """An invoice of another Saleor installation (invisible to the first)."""
    company = company_factory(installation=other_installation, legal_name="Other Shop Customer")
    tx = held_order(company=company, amount="99.00", order=order_snapshot(
        order_id="T3JkZXI6OTk5", transaction_id="VHJhbnNhY3Rpb25JdGVtOjk5OQ==", number="999", total_net="99.00",
        total_gross="99.00", lines=()), transaction_id="VHJhbnNhY3Rpb25JdGVtOjk5OQ==")
    return invoice_issue_for_order(transaction=tx)


def written() -> tuple:
    """Everything the invoicing mutations write."""
    return (ledger_counts(), Invoice.objects.count(), Receivable.objects.count(), OutboxMessage.objects.count(),
            CompanyInvoicingSettings.objects.count(), PaymentTermsTemplate.objects.count(),
            AuditEntry.objects.count())


def audit_rows():
    """The audit trail after the fixtures (which set credit limits as "system")."""
    return list(AuditEntry.objects.exclude(action="credit_limit.set").order_by("id").values_list(
        "actor", "action", "object_type", "object_id", "company_id", "before", "after", "reason"))


def money(amount: str, currency: str = "USD") -> dict:
    return {"amount": amount, "currency": currency}


# --- queries ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_invoices_lists_newest_first_with_the_open_amount_from_the_ledger(gql, acme, issued, held_order,
                                                                          credit_installation):
    # given: a second invoice, 500.00 paid on it, and the first one overdue by 5 days
    tx = held_order(company=acme, amount="1200.00", order=order_snapshot(
        order_id="T3JkZXI6Mzc=", transaction_id="VHJhbnNhY3Rpb25JdGVtOjM3", number="37", total_net="1200.00",
        total_gross="1200.00", lines=()), transaction_id="VHJhbnNhY3Rpb25JdGVtOjM3")
    second = invoice_issue_for_order(transaction=tx)
    payment_record(company=acme, money=usd("500.00"), received_on=TODAY(), reference="BANK-1",
                   allocations=[(second.receivable, usd("500.00"))])
    Receivable.objects.filter(pk=issued.receivable_id).update(due_date=TODAY() - dt.timedelta(days=5))

    # when
    data = gql(INVOICES)

    # then
    rows = data["invoices"]
    assert [(r["number"], r["kind"], r["status"], r["orderNumber"], r["poNumber"]) for r in rows] == [
        (f"INV-{YEAR}-000002", "INVOICE", "ISSUED", "37", "PO-4711"),
        (f"INV-{YEAR}-000001", "INVOICE", "ISSUED", "36", "PO-4711")]
    assert [(r["totalGross"], r["amountDue"], r["openAmount"], r["daysPastDue"]) for r in rows] == [
        (money("1200.00"), money("1200.00"), money("700.00"), 0),
        (money("180.00"), money("180.00"), money("180.00"), 5)]
    first = rows[1]
    assert first["id"] == str(issued.pk)
    assert (first["issueDate"], first["dueDate"], first["currency"]) == (
        TODAY().isoformat(), (TODAY() + dt.timedelta(days=30)).isoformat(), "USD")
    assert first["company"] == {"id": str(acme.pk), "legalName": "Acme Industrial Supply"}
    assert (first["creditedInvoice"], first["voidedAt"], first["voidReason"]) == (None, None, "")


@pytest.mark.django_db
def test_invoice_documents_are_fresh_signed_links_to_that_invoice(gql, issued, credit_installation):
    # when
    documents = gql(INVOICES)["invoices"][0]["documents"]

    # then
    prefix = f"{settings.APP_PUBLIC_URL}/documents/"
    assert all(url.startswith(prefix) for url in documents.values())
    refs = {fmt: document_token_read(url[len(prefix):]) for fmt, url in documents.items()}
    assert refs == {fmt: DocumentRef(invoice_id=issued.pk, installation_id=credit_installation.pk, fmt=fmt)
                    for fmt in ("pdf", "facturx", "ubl")}


@pytest.mark.django_db
def test_invoices_filter_by_company_status_kind_and_number(gql, acme, issued, company_factory, held_order):
    # given: a voided invoice of another company (reversed by CN-…-000001)
    bolt = company_factory(legal_name="Bolt & Nut GmbH")
    tx = held_order(company=bolt, amount="50.00", order=order_snapshot(
        order_id="T3JkZXI6NTA=", transaction_id="VHJhbnNhY3Rpb25JdGVtOjUw", number="50", total_net="50.00",
        total_gross="50.00", lines=()), transaction_id="VHJhbnNhY3Rpb25JdGVtOjUw")
    invoice_void(invoice=invoice_issue_for_order(transaction=tx), reason="Duplicate")

    # when
    def numbers(**variables):
        return [row["number"] for row in gql(INVOICES, variables)["invoices"]]

    # then
    assert numbers() == [f"CN-{YEAR}-000001", f"INV-{YEAR}-000002", f"INV-{YEAR}-000001"]
    assert numbers(companyId=str(acme.pk)) == [f"INV-{YEAR}-000001"]
    assert numbers(status="VOID") == [f"INV-{YEAR}-000002"]
    assert numbers(kind="CREDIT_NOTE") == [f"CN-{YEAR}-000001"]
    assert numbers(search="000002") == [f"INV-{YEAR}-000002"]
    assert numbers(search="inv-") == [f"INV-{YEAR}-000002", f"INV-{YEAR}-000001"]
    assert numbers(first=1, offset=1) == [f"INV-{YEAR}-000002"]
    credit_note = gql(INVOICES, {"kind": "CREDIT_NOTE"})["invoices"][0]
    assert (credit_note["creditedInvoice"]["number"], credit_note["openAmount"], credit_note["totalGross"]) == (
        f"INV-{YEAR}-000002", None, money("50.00"))


@pytest.mark.django_db
def test_invoices_refuse_bad_pagination_and_an_unknown_company(gql_raw, issued):
    # when
    bad_page = gql_raw(INVOICES, {"first": 101})
    unknown = gql_raw(INVOICES, {"companyId": "999999"})

    # then
    assert [(e.message, e.extensions) for e in bad_page.errors] == [
        ("first must be 1 to 100 and offset zero or more.", {"code": "INVALID_PAGINATION", "field": "first"})]
    assert [(e.message, e.extensions) for e in unknown.errors] == [
        ("The company does not exist.", {"code": "NOT_FOUND", "field": "companyId"})]


@pytest.mark.django_db
def test_invoice_detail_reads_lines_taxes_schedule_and_remittance_from_the_snapshot(gql, acme, held_order):
    # given: 2 × 100.00 net at 19 % on "2/10 Net 45" terms
    payment_terms_create(installation=acme.installation, name="2/10 Net 45", code="2-10-net-45",
                         definition={"kind": "net", "days": 45, "discount": {"percent": "2", "days": 10}})
    invoicing_settings_set(company=acme, terms_template=PaymentTermsTemplate.objects.get(), language="de_DE")

    tx = held_order(company=acme, amount="238.00", order=order_snapshot(
        order_id="T3JkZXI6OTk=", transaction_id="tx-detail", number="99",
        lines=(OrderLine("Drill", "D-1", 2, "100.00", "119.00", "0.19"),),
        total_net="200.00", total_tax="38.00", total_gross="238.00"), transaction_id="tx-detail")
    invoice = invoice_issue_for_order(transaction=tx)

    # when
    data = gql(INVOICE, {"id": str(invoice.pk)})["invoice"]

    # then
    number = f"INV-{YEAR}-000001"
    assert (data["number"], data["termsLabel"], data["language"], data["note"]) == (
        number, "2/10 Net 45", "de_DE", "")
    assert data["buyer"] == {"name": "Acme Industrial Supply", "taxId": "DE136695976", "email": "ap@acme.example",
                             "contactName": "Accounts Payable", "address": {
                                 "street": "1600 Amphitheatre Pkwy", "city": "MOUNTAIN VIEW", "postalCode": "94043",
                                 "country": "US"}}
    assert data["lines"] == [{
        "position": 1, "description": "Drill", "sku": "D-1", "quantity": "2", "unitCode": "C62",
        "unitNet": money("100.00"), "net": money("200.00"), "taxCategory": "S", "taxRate": "19",
        "tax": money("38.00"), "gross": money("238.00")}]
    assert data["taxBreakdown"] == [{"category": "S", "rate": "19", "taxable": money("200.00"),
                                     "tax": money("38.00"), "exemptionReason": ""}]
    assert data["totals"] == {"net": money("200.00"), "tax": money("38.00"), "gross": money("238.00"),
                              "prepaid": money("0.00"), "amountDue": money("238.00")}
    assert data["schedule"] == [{"dueDate": (TODAY() + dt.timedelta(days=45)).isoformat(),
                                 "amount": money("238.00"), "label": "Payment in full"}]
    assert data["discount"] == {"percent": "2", "amount": money("4.76"),
                                "deadline": (TODAY() + dt.timedelta(days=10)).isoformat()}
    assert data["remittance"] == {"paymentReference": creditor_reference_for(series_id=Invoice.objects.get(number=number).series_id, period=str(YEAR), sequence=1),
                                  "epcQrPayload": ""}
    assert data["creditNotes"] == []


@pytest.mark.django_db
def test_another_installations_invoice_is_invisible(gql, gql_raw, issued, foreign, other_installation):
    # when
    mine = gql(INVOICES)["invoices"]
    theirs = gql(INVOICE, {"id": str(foreign.pk)})["invoice"]
    their_company = gql_raw(INVOICES, {"companyId": str(foreign.company_id)})
    their_settings = gql(SETTINGS, {"companyId": str(foreign.company_id)})["invoicingSettings"]

    # then
    assert [row["number"] for row in mine] == [issued.number]
    assert theirs is None and their_settings is None
    assert their_company.errors[0].extensions == {"code": "NOT_FOUND", "field": "companyId"}
    assert [row["number"] for row in gql(INVOICES, installation=other_installation)["invoices"]] == [foreign.number]


@pytest.mark.django_db
def test_invoicing_settings_are_the_defaults_until_saved(gql, acme):
    # when
    data = gql(SETTINGS, {"companyId": str(acme.pk)})["invoicingSettings"]

    # then
    assert data == {"company": {"id": str(acme.pk)}, "policy": "AT_CAPTURE", "termsTemplate": None,
                    "sendSaleorNotification": False, "language": "", "isDefault": True}
    assert gql(SETTINGS, {"companyId": "abc"})["invoicingSettings"] is None


@pytest.mark.django_db
def test_payment_terms_templates_with_labels_oldest_first(gql, credit_installation, other_installation):
    # given
    payment_terms_create(installation=credit_installation, name="Net 30", code="net-30",
                         definition={"kind": "net", "days": 30}, channel_slug="default-channel",
                         is_channel_default=True)
    late = payment_terms_create(installation=credit_installation, name="EOM + 15, late fee", code="eom-15",
                                definition={"kind": "eom", "days": 15,
                                            "late_fee": {"period": "month", "percent": "1.5", "grace_days": 5}})
    late.active = False
    late.save(update_fields=["active"])
    payment_terms_create(installation=other_installation, name="Theirs", code="theirs",
                         definition={"kind": "receipt"})

    # when
    active = gql(TEMPLATES)["paymentTermsTemplates"]
    everything = gql(TEMPLATES, {"all": True})["paymentTermsTemplates"]

    # then
    assert [(t["code"], t["label"], t["channelSlug"], t["isChannelDefault"], t["active"]) for t in active] == [
        ("net-30", "Net 30", "default-channel", True, True)]
    assert active[0]["definition"] == '{"version": 1, "kind": "net", "days": 30}'
    assert [(t["code"], t["label"], t["lateFeeLabel"], t["active"]) for t in everything] == [
        ("net-30", "Net 30", None, True),
        ("eom-15", "EOM + 15", "1.5% per month after 5 days' grace", False)]


# --- creditNoteIssue --------------------------------------------------------------------------

@pytest.mark.django_db
def test_credit_note_for_an_amount_reduces_what_is_open_and_is_audited(gql, acme, issued):
    # when
    result = gql(CREDIT_NOTE_ISSUE, {"invoiceId": str(issued.pk), "amount": "50.00",
                                     "reason": "Damaged in transit"})["creditNoteIssue"]

    # then
    assert result == {
        "creditNote": {"number": f"CN-{YEAR}-000001", "kind": "CREDIT_NOTE", "status": "ISSUED",
                       "totalGross": money("50.00"), "creditedInvoice": {"number": issued.number},
                       "openAmount": None},
        "invoice": {"number": issued.number, "openAmount": money("130.00")},
        "errors": []}
    credit_note = Invoice.objects.get(kind="credit_note")
    assert audit_rows() == [(STAFF_EMAIL, "credit_note.issued", "invoice", str(credit_note.pk), acme.pk, None,
                             {"number": f"CN-{YEAR}-000001", "credited_invoice": issued.number, "amount": "50.00",
                              "currency": "USD"}, "Damaged in transit")]
    detail = gql(INVOICE, {"id": str(issued.pk)})["invoice"]
    assert detail["creditNotes"] == [{"number": f"CN-{YEAR}-000001", "totalGross": money("50.00"),
                                      "openAmount": None}]


@pytest.mark.django_db
def test_credit_note_without_an_amount_credits_the_whole_invoice(gql, issued):
    # when
    result = gql(CREDIT_NOTE_ISSUE, {"invoiceId": str(issued.pk), "reason": "Order returned"})["creditNoteIssue"]

    # then
    assert result["errors"] == []
    assert result["creditNote"]["totalGross"] == money("180.00")
    assert result["invoice"]["openAmount"] == money("0.00")


@pytest.mark.django_db
@pytest.mark.parametrize("variables, error", [
    ({"amount": "180.01", "reason": "Too much"},
     {"code": "CREDIT_NOTE_REFUSED", "field": "amount", "message": "At most 180.00 USD can be credited."}),
    ({"amount": "10.005", "reason": "Precise"},
     {"code": "INVALID_AMOUNT", "field": "amount", "message": "10.005 has more decimal places than USD allows."}),
    ({"amount": "0.00", "reason": "Nothing"},
     {"code": "INVALID_AMOUNT", "field": "amount", "message": "The amount must be more than zero."}),
    ({"amount": "1e2", "reason": "Float"},
     {"code": "INVALID_AMOUNT", "field": "amount", "message": "'1e2' is not a decimal amount like \"1250.00\"."}),
    ({"amount": "10.00", "reason": "   "},
     {"code": "REASON_REQUIRED", "field": "reason",
      "message": "Give a reason (kept on the document and in the audit trail)."}),
    ({"amount": "10.00", "reason": "x" * 256},
     {"code": "TOO_LONG", "field": "reason", "message": "At most 255 characters."}),
])
def test_credit_note_refusals_write_nothing(gql, issued, variables, error):
    # given
    before = written()

    # when
    result = gql(CREDIT_NOTE_ISSUE, {"invoiceId": str(issued.pk), **variables})["creditNoteIssue"]

    # then
    assert result == {"creditNote": None, "invoice": None, "errors": [error]}
    assert written() == before


@pytest.mark.django_db
def test_credit_notes_of_a_void_invoice_a_credit_note_or_another_installation_are_refused(gql, issued, foreign):
    # given
    _, credit_note = invoice_void(invoice=issued, reason="Wrong address")
    before = written()

    # when
    def refused(invoice_id):
        return gql(CREDIT_NOTE_ISSUE, {"invoiceId": invoice_id, "amount": "1.00",
                                       "reason": "Goodwill"})["creditNoteIssue"]["errors"]

    # then
    assert refused(str(issued.pk)) == [{"code": "CREDIT_NOTE_REFUSED", "field": "invoiceId",
                                        "message": "The invoice is void; it was already reversed."}]
    assert refused(str(credit_note.pk)) == [{"code": "CREDIT_NOTE_REFUSED", "field": "invoiceId",
                                             "message": "A credit note cannot be credited."}]
    assert refused(str(foreign.pk)) == refused("nope") == [
        {"code": "NOT_FOUND", "field": "invoiceId", "message": "The invoice does not exist."}]
    assert written() == before


# --- invoiceVoid ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_void_reverses_the_open_invoice_with_a_credit_note_and_is_audited(gql, acme, issued):
    # when
    result = gql(INVOICE_VOID, {"invoiceId": str(issued.pk), "reason": "Wrong billing address"})["invoiceVoid"]

    # then
    assert result["errors"] == []
    invoice = result["invoice"]
    assert (invoice["number"], invoice["status"], invoice["voidReason"], invoice["openAmount"]) == (
        issued.number, "VOID", "Wrong billing address", money("0.00"))
    assert invoice["voidedAt"] is not None
    assert result["creditNote"] == {"number": f"CN-{YEAR}-000001", "totalGross": money("180.00")}
    state = {"number": issued.number, "kind": "invoice", "total_gross": "180.00", "currency": "USD"}
    assert audit_rows() == [(STAFF_EMAIL, "invoice.voided", "invoice", str(issued.pk), acme.pk,
                             {**state, "status": "issued"},
                             {**state, "status": "void", "credit_note": f"CN-{YEAR}-000001"},
                             "Wrong billing address")]


@pytest.mark.django_db
def test_void_refusals_write_nothing(gql, issued, foreign):
    # given
    credit_note = gql(CREDIT_NOTE_ISSUE, {"invoiceId": str(issued.pk), "amount": "10.00",
                                          "reason": "Goodwill"})["creditNoteIssue"]
    credit_note_id = str(Invoice.objects.get(kind="credit_note").pk)
    assert credit_note["errors"] == []
    before = written()

    # when
    def refused(invoice_id, reason="Mistake"):
        return gql(INVOICE_VOID, {"invoiceId": invoice_id, "reason": reason})["invoiceVoid"]["errors"]

    # then
    assert refused(str(issued.pk), reason="") == [{
        "code": "REASON_REQUIRED", "field": "reason",
        "message": "Give a reason (kept on the document and in the audit trail)."}]
    assert refused(credit_note_id) == [{"code": "INVOICE_NOT_VOIDABLE", "field": "invoiceId",
                                        "message": "A credit note cannot be voided; issue an invoice instead."}]
    assert refused(str(foreign.pk)) == [{"code": "NOT_FOUND", "field": "invoiceId",
                                         "message": "The invoice does not exist."}]
    assert written() == before
    gql(INVOICE_VOID, {"invoiceId": str(issued.pk), "reason": "Mistake"})
    after_void = written()
    assert refused(str(issued.pk)) == [{"code": "INVOICE_ALREADY_VOID", "field": "invoiceId",
                                        "message": "The invoice is already void."}]
    assert written() == after_void


# --- invoicingSettingsSet ---------------------------------------------------------------------

@pytest.mark.django_db
def test_settings_set_saves_and_audits_before_and_after(gql, acme, credit_installation):
    # given
    payment_terms_create(installation=credit_installation, name="Net 60", code="net-60",
                         definition={"kind": "net", "days": 60})

    # when
    first = gql(SETTINGS_SET, {"companyId": str(acme.pk), "policy": "AT_CONFIRMATION", "termsTemplateCode": "net-60",
                               "sendSaleorNotification": True, "language": "de-DE"})["invoicingSettingsSet"]
    second = gql(SETTINGS_SET, {"companyId": str(acme.pk), "termsTemplateCode": ""})["invoicingSettingsSet"]
    again = gql(SETTINGS_SET, {"companyId": str(acme.pk), "termsTemplateCode": ""})["invoicingSettingsSet"]

    # then
    assert first == {"settings": {"policy": "AT_CONFIRMATION", "termsTemplate": {"code": "net-60"},
                                  "sendSaleorNotification": True, "language": "de_DE", "isDefault": False},
                     "errors": []}
    assert second["settings"]["termsTemplate"] is None and second["settings"]["policy"] == "AT_CONFIRMATION"
    assert again == second
    saved = {"policy": "at_confirmation", "terms_template": "net-60", "send_saleor_notification": True,
             "language": "de_DE"}
    assert audit_rows() == [
        (STAFF_EMAIL, "invoicing_settings.set", "company", str(acme.pk), acme.pk, None, saved, ""),
        (STAFF_EMAIL, "invoicing_settings.set", "company", str(acme.pk), acme.pk, saved,
         {**saved, "terms_template": None}, ""),
    ]


@pytest.mark.django_db
def test_settings_set_refusals_write_nothing(gql, acme, credit_installation, other_installation, foreign):
    # given
    payment_terms_create(installation=other_installation, name="Theirs", code="theirs", definition={"kind": "receipt"})
    retired = payment_terms_create(installation=credit_installation, name="Old", code="old",
                                   definition={"kind": "net", "days": 14})
    retired.active = False
    retired.save(update_fields=["active"])
    before = written()

    # when
    def refused(**variables):
        return gql(SETTINGS_SET, {"companyId": str(acme.pk), **variables})["invoicingSettingsSet"]["errors"]

    # then
    assert refused(termsTemplateCode="theirs") == refused(termsTemplateCode="nope") == [{
        "code": "NOT_FOUND", "field": "termsTemplateCode", "message": "The payment terms template does not exist."}]
    assert refused(termsTemplateCode="old") == [{"code": "TERMS_TEMPLATE_INACTIVE", "field": "termsTemplateCode",
                                                 "message": "This payment terms template is not active."}]
    assert refused(language="xx_QQ", policy="PER_FULFILMENT") == [{
        "code": "INVALID_LANGUAGE", "field": "language",
        "message": "'xx_QQ' is not a known locale (e.g. en_US, de_DE, fr_FR)."}]
    assert gql(SETTINGS_SET, {"companyId": str(foreign.company_id), "policy": "AT_CAPTURE"})[
        "invoicingSettingsSet"]["errors"] == [{"code": "NOT_FOUND", "field": "companyId",
                                               "message": "The company does not exist."}]
    assert written() == before


# --- payment terms templates ------------------------------------------------------------------

@pytest.mark.django_db
def test_template_create_stores_the_canonical_definition_and_is_audited(gql, credit_installation):
    # when
    result = gql(TEMPLATE_CREATE, {
        "name": "2.5/10 Net 30", "code": "2-5-10-net-30", "channelSlug": "default-channel", "isChannelDefault": True,
        "definition": '{"kind": "net", "days": 30, "discount": {"percent": 2.5, "days": 10},'
                      ' "late_fee": {"period": "once", "amount": {"amount": "25", "currency": "EUR"}}}',
    })["paymentTermsTemplateCreate"]

    # then
    canonical = {"version": 1, "kind": "net", "days": 30, "discount": {"percent": "2.5", "days": 10},
                 "late_fee": {"period": "once", "grace_days": 0, "amount": {"amount": "25.00", "currency": "EUR"}}}
    assert result["errors"] == []
    template = result["template"]
    assert (template["name"], template["code"], template["label"], template["lateFeeLabel"]) == (
        "2.5/10 Net 30", "2-5-10-net-30", "2.5/10 Net 30", "25.00 EUR once")
    assert (template["channelSlug"], template["isChannelDefault"], template["active"]) == (
        "default-channel", True, True)
    assert json.loads(template["definition"]) == canonical
    row = PaymentTermsTemplate.objects.get()
    assert audit_rows() == [(STAFF_EMAIL, "payment_terms.created", "payment_terms_template", str(row.pk), None, None,
                             {"name": "2.5/10 Net 30", "code": "2-5-10-net-30", "definition": canonical,
                              "channel_slug": "default-channel", "is_channel_default": True, "active": True}, "")]


@pytest.mark.django_db
@pytest.mark.parametrize("variables, error", [
    ({"definition": "{not json"}, ("INVALID_TERMS", "definition")),
    ({"definition": '{"kind": "net", "days": NaN}'}, ("INVALID_TERMS", "definition")),
    ({"definition": '{"kind": "instalments", "parts": [{"percent": "30", "due": {"kind": "net", "days": 30}},'
                    ' {"percent": "60", "due": {"kind": "net", "days": 60}}]}'},
     ("INVALID_TERMS", "definition", "Instalment shares must add up to 100% (they add up to 90%).")),
    ({"definition": '{"kind": "net", "days": 30, "colour": "red"}'},
     ("INVALID_TERMS", "definition", "terms has unknown field(s): colour.")),
    ({"code": "Net 30!"}, ("INVALID_TERMS_TEMPLATE", "code")),
    ({"code": "net-30"}, ("TERMS_TEMPLATE_CODE_TAKEN", "code",
                          "A payment terms template with this code already exists.")),
    ({"name": "  "}, ("INVALID_TERMS_TEMPLATE", "name", "A payment terms template needs a name.")),
    ({"isChannelDefault": True}, ("INVALID_TERMS_TEMPLATE", "channelSlug", "A channel default needs a channel.")),
])
def test_template_create_refusals_write_nothing(gql, credit_installation, variables, error):
    # given
    payment_terms_create(installation=credit_installation, name="Net 30", code="net-30",
                         definition={"kind": "net", "days": 30})
    before = written()

    # when
    result = gql(TEMPLATE_CREATE, {"name": "Net 45", "code": "net-45", "definition": '{"kind": "net", "days": 45}',
                                   **variables})["paymentTermsTemplateCreate"]

    # then
    assert result["template"] is None
    [got] = result["errors"]
    assert (got["code"], got["field"]) == error[:2]
    if len(error) == 3:
        assert got["message"] == error[2]
    assert written() == before


@pytest.mark.django_db
def test_template_update_changes_given_fields_moves_the_channel_default_and_is_audited(gql, credit_installation):
    # given
    old_default = payment_terms_create(installation=credit_installation, name="Net 30", code="net-30",
                                       definition={"kind": "net", "days": 30}, channel_slug="b2b",
                                       is_channel_default=True)
    template = payment_terms_create(installation=credit_installation, name="Net 45", code="net-45",
                                    definition={"kind": "net", "days": 45})

    # when
    result = gql(TEMPLATE_UPDATE, {"id": str(template.pk), "name": "EOM + 15", "channelSlug": "b2b",
                                   "definition": '{"kind": "eom", "days": 15}', "isChannelDefault": True}
                 )["paymentTermsTemplateUpdate"]
    unchanged = gql(TEMPLATE_UPDATE, {"id": str(template.pk), "name": "EOM + 15"})["paymentTermsTemplateUpdate"]

    # then
    assert result == {"template": {"name": "EOM + 15", "code": "net-45", "label": "EOM + 15",
                                   "definition": '{"version": 1, "kind": "eom", "days": 15}', "channelSlug": "b2b",
                                   "isChannelDefault": True, "active": True}, "errors": []}
    assert unchanged == result
    old_default.refresh_from_db()
    assert old_default.is_channel_default is False
    assert audit_rows() == [(
        STAFF_EMAIL, "payment_terms.updated", "payment_terms_template", str(template.pk), None,
        {"name": "Net 45", "code": "net-45", "definition": {"version": 1, "kind": "net", "days": 45},
         "channel_slug": "", "is_channel_default": False, "active": True},
        {"name": "EOM + 15", "code": "net-45", "definition": {"version": 1, "kind": "eom", "days": 15},
         "channel_slug": "b2b", "is_channel_default": True, "active": True}, "")]


@pytest.mark.django_db
def test_template_update_refusals_write_nothing(gql, credit_installation, other_installation):
    # given
    template = payment_terms_create(installation=credit_installation, name="Net 30", code="net-30",
                                    definition={"kind": "net", "days": 30}, channel_slug="b2b",
                                    is_channel_default=True)
    theirs = payment_terms_create(installation=other_installation, name="Theirs", code="theirs",
                                  definition={"kind": "receipt"})
    before = written()

    # when
    def refused(**variables):
        return gql(TEMPLATE_UPDATE, variables)["paymentTermsTemplateUpdate"]["errors"]

    # then
    assert refused(id=str(theirs.pk), name="Mine now") == refused(id="0", name="x") == [
        {"code": "NOT_FOUND", "field": "id", "message": "The payment terms template does not exist."}]
    assert refused(id=str(template.pk), active=False) == [{
        "code": "INVALID_TERMS_TEMPLATE", "field": "active",
        "message": "An inactive template cannot be a channel default."}]
    assert refused(id=str(template.pk), definition='{"kind": "net", "days": -1}')[0]["code"] == "INVALID_TERMS"
    assert written() == before


# --- invoiceIssueForTransaction ---------------------------------------------------------------

@pytest.mark.django_db
def test_issue_for_transaction_invoices_the_order_once_and_is_audited(gql, acme, held_order):
    # given
    tx = held_order(company=acme, amount="180.00")

    # when
    first = gql(ISSUE, {"id": str(tx.pk)})["invoiceIssueForTransaction"]
    again = gql(ISSUE, {"id": str(tx.pk)})["invoiceIssueForTransaction"]

    # then
    invoice = {"number": f"INV-{YEAR}-000001", "kind": "INVOICE", "status": "ISSUED", "totalGross": money("180.00"),
               "openAmount": money("180.00"), "orderNumber": tx.order_number, "poNumber": "PO-4711"}
    assert first == {"invoice": invoice, "created": True, "errors": []}
    assert again == {"invoice": invoice, "created": False, "errors": []}
    issued = Invoice.objects.get()
    assert audit_rows() == [(STAFF_EMAIL, "invoice.issued", "invoice", str(issued.pk), acme.pk, None,
                             {"number": f"INV-{YEAR}-000001", "kind": "invoice", "status": "issued",
                              "total_gross": "180.00", "currency": "USD", "transaction": tx.psp_reference,
                              "order_number": tx.order_number}, "")]


@pytest.mark.django_db
def test_issue_for_transaction_refusals_write_nothing(gql, acme, held_order, foreign):
    # given: an order still unconfirmed, and a transaction of another installation
    unconfirmed = held_order(company=acme, amount="80.00", order=order_snapshot(
        order_id="T3JkZXI6ODA=", transaction_id="VHJhbnNhY3Rpb25JdGVtOjgw", number="80", status="UNCONFIRMED",
        total_net="80.00", total_gross="80.00", lines=()), transaction_id="VHJhbnNhY3Rpb25JdGVtOjgw")
    before = written()

    # when
    def refused(transaction_id):
        return gql(ISSUE, {"id": transaction_id})["invoiceIssueForTransaction"]

    # then
    assert refused(str(unconfirmed.pk)) == {"invoice": None, "created": None, "errors": [{
        "code": "ORDER_NOT_INVOICEABLE", "field": "transactionId",
        "message": "Draft, unconfirmed, expired or cancelled orders are not invoiced."}]}
    assert refused(str(foreign.transaction_id))["errors"] == [
        {"code": "NOT_FOUND", "field": "transactionId", "message": "The transaction does not exist."}]
    assert written() == before

