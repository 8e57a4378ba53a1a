"""Buyers, with their Saleor customer token: the statement of account on demand (PDF and CSV), a
promise to pay and a dispute — each delivered twice has one effect; bad input is a coded 4xx with
nothing written."""
import datetime as dt
import json

import pytest

from saleor_netterms.collections.models import Dispute, PaymentPromise
from saleor_netterms.core.money import Money
from tests.portal.test_portal import customer_token, headers
from tests.saleor_double import CUSTOMER_ID

from .conftest import invoice_make


@pytest.fixture
def buyer_co(installation, company_factory, member_factory):
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply",
                              limit=Money.of("10000", "USD"), billing_contact_email="ap@acme.example")
    member_factory(company=company, kind="saleor_user_id", value=CUSTOMER_ID)
    return company


@pytest.mark.django_db
def test_the_buyer_downloads_the_statement_as_csv_and_pdf(client, fake_saleor, buyer_co):
    invoice = invoice_make(buyer_co, amount="250.00", issue_date="2026-01-05")
    auth = headers(fake_saleor, customer_token(fake_saleor))
    today = dt.date.today()

    csv_response = client.get("/portal/statement?currency=USD&format=csv", headers=auth)
    pdf_response = client.get("/portal/statement?currency=USD&format=pdf", headers=auth)

    assert csv_response.status_code == 200 and csv_response["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv_response.content.decode().splitlines()
    assert lines[0] == "company,Acme Industrial Supply"
    assert lines[5] == f"{today - dt.timedelta(days=90)},opening_balance,,,,,0.00"
    assert lines[6].startswith(f"{today},invoice,{invoice.number},") and lines[6].endswith(",250.00,,250.00")
    assert lines[7] == f"{today},closing_balance,,,,,250.00"
    assert lines[-1] == "open,0.00,0.00,0.00,0.00,250.00"  # due 2026-02-04: more than 90 days ago
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")
    assert pdf_response["Content-Disposition"] == (
        f'attachment; filename="statement-{buyer_co.pk}-USD-{today.isoformat()}.pdf"')


@pytest.mark.django_db
def test_a_bad_statement_query_is_a_coded_400(client, fake_saleor, buyer_co):
    response = client.get("/portal/statement?currency=EURO", headers=headers(fake_saleor, customer_token(fake_saleor)))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_STATEMENT_REQUEST"


@pytest.mark.django_db
def test_the_buyer_promises_to_pay_once(client, fake_saleor, buyer_co):
    invoice_make(buyer_co, amount="250.00", issue_date="2026-01-05")
    auth = headers(fake_saleor, customer_token(fake_saleor))
    date = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    body = json.dumps({"amount": "250.00", "currency": "USD", "date": date, "note": "Paying Friday"})

    first = client.post("/portal/promises", data=body, content_type="application/json", headers=auth)
    second = client.post("/portal/promises", data=body, content_type="application/json", headers=auth)

    assert first.status_code == 201
    assert first.json() == {"promise": PaymentPromise.objects.get().pk, "status": "open", "amount": "250.00",
                            "currency": "USD", "date": date,
                            "message": f"Thank you. We will not send reminders until {date}."}
    assert second.status_code == 409 and second.json()["error"]["code"] == "PROMISE_ALREADY_OPEN"
    assert PaymentPromise.objects.count() == 1
    assert PaymentPromise.objects.get().made_by.startswith("buyer:")


@pytest.mark.django_db
def test_the_buyer_disputes_a_line_and_bad_disputes_write_nothing(client, fake_saleor, buyer_co):
    invoice = invoice_make(buyer_co, amount="250.00", issue_date="2026-01-05")
    auth = headers(fake_saleor, customer_token(fake_saleor))

    unknown = client.post("/portal/disputes", data=json.dumps({"invoice": "INV-0", "reason": "PRICING"}),
                          content_type="application/json", headers=auth)
    bad_reason = client.post("/portal/disputes", data=json.dumps({"invoice": invoice.number, "reason": "ANGRY"}),
                             content_type="application/json", headers=auth)
    too_much = client.post("/portal/disputes", data=json.dumps(
        {"invoice": invoice.number, "reason": "PRICING", "amount": "900.00"}), content_type="application/json",
        headers=auth)
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "UNKNOWN_INVOICE")
    assert (bad_reason.status_code, bad_reason.json()["error"]["code"]) == (400, "DISPUTE_REASON_INVALID")
    assert (too_much.status_code, too_much.json()["error"]["code"]) == (400, "DISPUTE_EXCEEDS_OPEN")
    assert Dispute.objects.count() == 0

    ok = client.post("/portal/disputes", data=json.dumps(
        {"invoice": invoice.number, "reason": "DAMAGED", "line": 1, "amount": "100.00", "note": "Dented"}),
        content_type="application/json", headers=auth)
    assert ok.status_code == 201
    dispute = Dispute.objects.get()
    assert ok.json() == {"dispute": dispute.pk, "status": "open", "invoice": invoice.number, "amount": "100.00",
                         "currency": "USD",
                         "message": "Thank you. We will look into it; the disputed amount is on hold meanwhile."}
    assert (dispute.line_position, dispute.reason_code, dispute.note) == (1, "DAMAGED", "Dented")
