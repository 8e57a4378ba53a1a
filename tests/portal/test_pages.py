"""The portal's pages through Django's test client: signing in (storefront hand-over, e-mailed
links), the session cookie, CSRF, roles, and what each page and action does — exact values, and
nothing written on a refusal. The same flows in a real browser: test_portal_browser.py."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from babel.dates import format_date
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.buyer_access.models import PortalSession, SignInLink
from saleor_netterms.collections.models import Dispute, PaymentPromise
from saleor_netterms.collections.services import dunning_policy_save, promise_make
from saleor_netterms.companies.models import Member
from saleor_netterms.companies.services import account_hold_place
from saleor_netterms.core.money import Money
from saleor_netterms.invoicing.models import CombinedRemittance, InvoiceSeries
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.portal.web import SESSION_COOKIE
from saleor_netterms.sellers.selectors import seller_profile_get
from saleor_netterms.sellers.services import SellerProfileInvalid, seller_brand_color_set, seller_logo_set
from tests.collections.conftest import STANDARD_LEVELS
from tests.portal.test_portal import customer_token
from tests.saleor_double import CUSTOMER_ID

from .conftest import AP_EMAIL, invoice_make, signed_in

pytestmark = pytest.mark.django_db



def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (122, 31, 162)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()   # a logo (the seller profile accepts PNG and SVG)


def link_path(message: OutboxMessage) -> str:
    return re.search(r"https?://[^/\s]+(/portal/sign-in/\S+)", message.payload["body"]).group(1)


# --- signing in -------------------------------------------------------------------------------

def test_the_storefront_hand_over_opens_a_session_with_a_safe_cookie(client, fake_saleor, world):
    # when: the storefront's account page posts the customer's token (never in a URL)
    response = client.post("/portal/session", {"token": customer_token(fake_saleor), "saleorApiUrl": fake_saleor.api_url,
                                               "next": "/portal/invoices"})

    # then
    assert response.status_code == 303 and response["Location"] == "/portal/invoices"
    cookie = response.cookies[SESSION_COOKIE]
    assert (cookie["httponly"], cookie["samesite"], cookie["path"], cookie["max-age"]) == (True, "Lax", "/portal/", "")
    session = PortalSession.objects.get()
    assert (session.company_id, session.member_id, session.method, session.saleor_user_id) == (
        world.acme.pk, world.admin.pk, "storefront", CUSTOMER_ID)
    assert cookie.value not in session.key_hash and len(session.key_hash) == 64
    page = client.get("/portal/")
    assert page.status_code == 200 and "Acme Industrial Supply" in page.content.decode()


def test_a_hand_over_by_get_or_with_a_bad_token_opens_nothing(client, fake_saleor, world):
    by_get = client.get(f"/portal/session?token={customer_token(fake_saleor)}&saleorApiUrl={fake_saleor.api_url}")
    bad = client.post("/portal/session", {"token": customer_token(fake_saleor, expires_in=-60),
                                          "saleorApiUrl": fake_saleor.api_url})
    stranger = client.post("/portal/session", {"token": customer_token(fake_saleor, user_id="VXNlcjo5OTk="),
                                               "saleorApiUrl": fake_saleor.api_url})
    assert by_get.status_code == 405
    assert (bad.status_code, stranger.status_code) == (401, 403)
    assert "TOKEN_EXPIRED" in bad.content.decode() and "NO_CREDIT_ACCOUNT" in stranger.content.decode()
    assert PortalSession.objects.count() == 0 and SESSION_COOKIE not in bad.cookies


def test_an_offsite_next_is_ignored(client, fake_saleor, world):
    response = client.post("/portal/session", {"token": customer_token(fake_saleor), "saleorApiUrl": fake_saleor.api_url,
                                               "next": "https://evil.example/portal/"})
    assert response["Location"] == "/portal/"


def test_a_billing_contact_signs_in_with_a_single_use_link(client, world):
    # when: the AP clerk asks for a link
    sent = client.post("/portal/sign-in", {"email": "AP@acme.example", "shop": world.installation.saleor_api_url})

    # then: one e-mail through the outbox, bound to Acme
    assert sent.status_code == 200
    message = OutboxMessage.objects.get(kind="email.portal_sign_in")
    assert (message.payload["to"], message.payload["subject"]) == (AP_EMAIL, "Your sign-in link for Acme Industrial Supply")
    link = SignInLink.objects.get(company__isnull=False)
    assert (link.company_id, link.member_id, link.email) == (world.acme.pk, None, AP_EMAIL)
    path = link_path(message)

    # when: the link is opened (a scanner's GET must not use it), then confirmed
    confirm = client.get(path)
    used = client.post(path)

    # then
    assert confirm.status_code == 200 and confirm["Referrer-Policy"] == "same-origin"
    assert used.status_code == 303 and used["Location"] == "/portal/"
    session = PortalSession.objects.get()
    assert (session.company_id, session.member_id, session.method, session.email) == (
        world.acme.pk, None, "email_link", AP_EMAIL)
    overview = client.get("/portal/")
    assert "Billing contact" in overview.content.decode()

    # and: it works once
    again = Client().post(path)
    assert again.status_code == 410 and "SIGN_IN_LINK_INVALID" in again.content.decode()
    assert PortalSession.objects.count() == 1


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, world):
    known = client.post("/portal/sign-in", {"email": AP_EMAIL, "shop": world.installation.saleor_api_url})
    unknown = client.post("/portal/sign-in", {"email": "nobody@nowhere.example", "shop": world.installation.saleor_api_url})
    assert known.status_code == unknown.status_code == 200
    strip = lambda page: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())  # noqa: E731
    assert strip(known) == strip(unknown)
    assert OutboxMessage.objects.filter(kind="email.portal_sign_in").count() == 1


def test_sign_in_links_are_rate_limited_per_address(client, world):
    shop = world.installation.saleor_api_url
    codes = [client.post("/portal/sign-in", {"email": AP_EMAIL, "shop": shop}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert OutboxMessage.objects.filter(kind="email.portal_sign_in").count() == 3


def test_an_expired_or_foreign_link_is_refused(client, world):
    client.post("/portal/sign-in", {"email": AP_EMAIL, "shop": world.installation.saleor_api_url})
    path = link_path(OutboxMessage.objects.get(kind="email.portal_sign_in"))
    SignInLink.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    assert client.post(path).status_code == 410
    assert client.post("/portal/sign-in/not-a-token").status_code == 410
    assert PortalSession.objects.count() == 0


def test_every_form_needs_the_csrf_token(world):
    csrf_client = Client(enforce_csrf_checks=True)
    signed_in(csrf_client, world.acme, world.admin)
    response = csrf_client.post("/portal/promise", {"currency": "EUR", "amount": "100.00", "date": "2030-01-01"})
    assert response.status_code == 403 and "CSRF_FAILED" in response.content.decode()
    assert PaymentPromise.objects.count() == 0


def test_a_deactivated_member_is_out_at_once_and_sign_out_ends_the_session(client, world):
    signed_in(client, world.acme, world.buyer)
    assert client.get("/portal/").status_code == 200
    Member.objects.filter(pk=world.buyer.pk).update(is_active=False)
    assert client.get("/portal/")["Location"] == "/portal/sign-in?next=/portal/&expired=1"

    signed_in(client, world.acme, world.admin)
    client.post("/portal/sign-out")
    assert client.get("/portal/invoices").status_code == 302
    assert PortalSession.objects.filter(closed_at__isnull=True).count() == 1  # the buyer's, refused on use


def test_an_idle_session_ends(client, world, settings):
    signed_in(client, world.acme, world.admin)
    PortalSession.objects.update(last_seen_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    assert client.get("/portal/").status_code == 302


# --- roles ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "method", "path", "allowed"), [
    ("buyer", "get", "/portal/approvals", False),
    ("buyer", "get", "/portal/company", False),
    ("buyer", "post", "/portal/company/invite", False),
    ("buyer", "post", "/portal/promise", False),
    ("buyer", "post", "/portal/credit-limit", False),
    ("approver", "get", "/portal/approvals", True),
    ("approver", "get", "/portal/company", False),
    ("approver", "post", "/portal/credit-limit", False),
    ("billing", "post", "/portal/promise", True),
    ("billing", "get", "/portal/approvals", False),
    ("billing", "get", "/portal/company", False),
    ("admin", "get", "/portal/company", True),
])
def test_what_each_role_may_do_is_checked_on_the_server(client, world, role, method, path, allowed):
    member = {"buyer": world.buyer, "approver": world.approver, "billing": None, "admin": world.admin}[role]
    signed_in(client, world.acme, member, email=AP_EMAIL if role == "billing" else "")
    data = {"currency": "EUR", "amount": "100.00", "date": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
            "email": "new@acme.example", "role": "buyer"}
    before = (PaymentPromise.objects.count(), ApprovalRequest.objects.count(), Member.objects.count())
    response = getattr(client, method)(path, data) if method == "post" else client.get(path)
    if allowed:
        assert response.status_code in (200, 303)
    else:
        assert response.status_code == 403 and "PORTAL_ROLE_FORBIDDEN" in response.content.decode()
        assert (PaymentPromise.objects.count(), ApprovalRequest.objects.count(), Member.objects.count()) == before


# --- overview, invoices, documents ------------------------------------------------------------

def test_the_overview_shows_limit_balance_available_overdue_next_due_and_the_hold(client, world):
    account_hold_place(company=world.acme, mode="decline", buyer_message="Invoice INV-2026-000001 is 15 days overdue.",
                       placed_key="test-hold")
    signed_in(client, world.acme, world.admin)
    page = client.get("/portal/").content.decode()
    due = world.acme_invoices[1].receivable.due_date
    assert f"<dt>Next due</dt><dd>350.00\xa0EUR · {format_date(due, 'medium', locale='en_US')}</dd>" in page
    assert "Your account is on hold" in page and "Invoice INV-2026-000001 is 15 days overdue." in page
    assert "New orders on terms are declined until the hold is lifted." in page
    # 50,000 limit − 1,630.00 invoiced − 750.00 reserved for the order waiting for its approver
    assert "<dt>Balance</dt><dd>1,630.00\xa0EUR</dd>" in page
    assert "<dt>Reserved for open orders</dt><dd>750.00\xa0EUR</dd>" in page
    assert 'data-testid="available-EUR">47,620.00\xa0EUR<' in page
    assert 'data-testid="overdue-EUR">1,200.00\xa0EUR<' in page      # issued 45 days ago, Net 30


def test_the_overview_in_german(client, world):
    signed_in(client, world.acme, world.admin)
    page = client.get("/portal/?lang=de")
    text = page.content.decode()
    assert '<html lang="de">' in text and "Verfügbar" in text and "47.620,00\xa0EUR" in text
    assert page.cookies["nt_portal_lang"].value == "de"


def test_invoices_are_searched_by_invoice_order_and_po_number_and_filtered(client, world):
    signed_in(client, world.acme, world.admin)
    first, second, third = world.acme_invoices
    numbers = lambda response: re.findall(r'href="/portal/invoices/(INV-[0-9-]+)"', response.content.decode())  # noqa: E731
    assert numbers(client.get("/portal/invoices")) == [third.number, second.number, first.number]
    assert numbers(client.get("/portal/invoices?q=PO-7781")) == [first.number]
    assert numbers(client.get(f"/portal/invoices?q={second.receivable.order_number}")) == [second.number]
    assert numbers(client.get(f"/portal/invoices?q={third.number}")) == [third.number]
    assert numbers(client.get("/portal/invoices?status=overdue")) == [first.number]
    assert numbers(client.get("/portal/invoices?status=paid")) == []
    since = (dt.date.today() - dt.timedelta(days=11)).isoformat()
    assert numbers(client.get(f"/portal/invoices?from={since}")) == [third.number, second.number]
    assert client.get("/portal/invoices?from=31.12.2026").status_code == 400


def test_the_invoice_list_comes_in_pages_with_the_total_and_keeps_its_filters(client, world, settings):
    # given: two invoices a page, three invoices
    settings.PORTAL_PAGE_SIZE = 2
    signed_in(client, world.acme, world.admin)
    first, second, third = world.acme_invoices
    numbers = lambda response: re.findall(r'href="/portal/invoices/(INV-[0-9-]+)"', response.content.decode())  # noqa: E731
    # when / then: page 1 has the newest two and links page 2; page 2 the oldest and links back
    one = client.get("/portal/invoices")
    assert numbers(one) == [third.number, second.number]
    assert "Page 1 of 2 · 3 in all" in one.content.decode()
    assert 'rel="next" href="?page=2"' in one.content.decode() and 'rel="prev"' not in one.content.decode()
    two = client.get("/portal/invoices?page=2")
    assert numbers(two) == [first.number]
    assert 'rel="prev" href="?page=1"' in two.content.decode() and 'rel="next"' not in two.content.decode()
    # the filters travel with the pager; past the last page shows the last page
    filtered = client.get("/portal/invoices?from=2000-01-01&page=1").content.decode()
    assert 'rel="next" href="?from=2000-01-01&amp;page=2"' in filtered
    assert numbers(client.get("/portal/invoices?page=99")) == [first.number]
    # one filter that fits a page: no pager
    assert "in all" not in client.get("/portal/invoices?status=overdue").content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5", "9999999"])
def test_a_bad_page_number_is_a_coded_400(client, world, page):
    signed_in(client, world.acme, world.admin)
    for path in ("/portal/invoices", "/portal/orders"):
        response = client.get(path, {"page": page})
        assert response.status_code == 400 and "INVALID_PAGE" in response.content.decode()


def test_open_and_disputed_are_filtered_in_the_database_before_the_page_is_cut(client, world, settings):
    # given: one invoice a page; the newest of the two open invoices disputed
    settings.PORTAL_PAGE_SIZE = 1
    signed_in(client, world.acme, world.admin)
    first, second, third = world.acme_invoices
    client.post(f"/portal/invoices/{third.number}/dispute", {"reason": "PRICING", "note": "wrong price"})
    numbers = lambda response: re.findall(r'href="/portal/invoices/(INV-[0-9-]+)"', response.content.decode())  # noqa: E731
    # then: "open" leaves out the disputed and the overdue invoice, whatever page size
    open_page = client.get("/portal/invoices?status=open")
    assert numbers(open_page) == [second.number] and "in all" not in open_page.content.decode()
    assert numbers(client.get("/portal/invoices?status=disputed")) == [third.number]
    assert numbers(client.get("/portal/invoices?status=overdue")) == [first.number]


def test_a_page_of_invoices_costs_the_same_queries_whatever_the_page(client, world, settings):
    settings.PORTAL_PAGE_SIZE = 1
    signed_in(client, world.acme, world.admin)
    client.get("/portal/invoices")
    counts = []
    for page in ("1", "3"):
        with CaptureQueriesContext(connection) as queries:
            client.get("/portal/invoices", {"page": page})
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] == 9     # page keys (a UNION), then its app and its ERP invoices


def test_the_invoice_list_exports_as_csv(client, world):
    signed_in(client, world.acme, world.admin)
    first = world.acme_invoices[0]
    response = client.get("/portal/invoices.csv?status=overdue")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows == [["invoice", "issue_date", "due_date", "order", "po_number", "currency", "total", "open", "disputed",
                     "status"],
                    [first.number, first.issue_date.isoformat(), first.receivable.due_date.isoformat(),
                     first.receivable.order_number, "PO-7781", "EUR", "1200.00", "1200.00", "0.00", "overdue"]]


def test_the_invoice_page_has_downloads_and_payment_instructions(client, world):
    signed_in(client, world.acme, world.admin)
    invoice = world.acme_invoices[1]
    page = client.get(f"/portal/invoices/{invoice.number}").content.decode()
    reference = invoice.snapshot["remittance"]["payment_reference"]
    assert "DE89 3704 0044 0532 0130 00" in page and "COBADEFFXXX" in page
    assert " ".join(reference[i:i + 4] for i in range(0, len(reference), 4)) in page
    assert 'src="data:image/svg+xml' in page                       # the EPC QR code
    pdf = client.get(f"/portal/invoices/{invoice.number}/pdf")
    ubl = client.get(f"/portal/invoices/{invoice.number}/ubl")
    facturx = client.get(f"/portal/invoices/{invoice.number}/facturx")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    assert ubl.status_code in (200, 409) and facturx.content.startswith(b"%PDF")
    if ubl.status_code == 200:
        assert b"<cbc:ID>" + invoice.number.encode() + b"</cbc:ID>" in ubl.content
    assert client.get(f"/portal/invoices/{invoice.number}/docx").status_code == 404


def test_an_invoice_number_with_slashes_opens_downloads_and_is_disputed(client, world):
    # given: the merchant numbers invoices "RE/2026/0001"
    InvoiceSeries.objects.create(installation=world.installation, kind="invoice", channel_slug="default-channel",
                                 format="RE/{year}/{seq:04}")
    invoice = invoice_make(world.acme, amount="240.00", issue_date=dt.date.today() - dt.timedelta(days=1))
    assert invoice.number == f"RE/{dt.date.today().year}/0001"
    signed_in(client, world.acme, world.admin)
    # when / then: the list links it, and its page, documents and dispute form answer
    assert f'href="/portal/invoices/{invoice.number}"' in client.get("/portal/invoices").content.decode()
    page = client.get(f"/portal/invoices/{invoice.number}")
    assert page.status_code == 200 and f'action="/portal/invoices/{invoice.number}/dispute"' in page.content.decode()
    pdf = client.get(f"/portal/invoices/{invoice.number}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "/" not in pdf["Content-Disposition"].split("filename=")[1]
    disputed = client.post(f"/portal/invoices/{invoice.number}/dispute", {"reason": "PRICING"})
    assert disputed.status_code == 302 and Dispute.objects.get().receivable_id == invoice.receivable_id
    # another format or a number that does not exist: coded 404
    assert client.get(f"/portal/invoices/{invoice.number}/docx").status_code == 404
    missing = client.get("/portal/invoices/RE/1999/0001")
    assert missing.status_code == 404 and "UNKNOWN_INVOICE" in missing.content.decode()


def test_a_combined_remittance_gives_one_reference_for_the_selected_invoices(client, world):
    signed_in(client, world.acme, world.admin)
    first, second, _third = world.acme_invoices
    response = client.post("/portal/remittances", {"invoice": [first.number, second.number]})
    remittance = CombinedRemittance.objects.get()
    assert response.status_code == 303 and response["Location"] == f"/portal/remittances/{remittance.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'data-testid="pay-reference">{remittance.reference}<' in page
    assert 'data-testid="pay-amount">1,550.00\xa0EUR<' in page and 'src="data:image/svg+xml' in page
    one = client.post("/portal/remittances", {"invoice": [first.number]})
    assert one.status_code == 400 and "REMITTANCE_INVALID" in one.content.decode()
    assert CombinedRemittance.objects.count() == 1


# --- statement, promise, dispute, credit, approvals, company ----------------------------------

def test_the_statement_downloads_for_any_period(client, world):
    signed_in(client, world.acme, world.admin)
    start = (dt.date.today() - dt.timedelta(days=60)).isoformat()
    response = client.get(f"/portal/statements?currency=EUR&from={start}&to={dt.date.today()}&format=csv")
    lines = response.content.decode().splitlines()
    assert response.status_code == 200 and lines[0] == "company,Acme Industrial Supply"
    assert f"{dt.date.today()},closing_balance,,,,,1630.00" in lines
    assert lines[-1] == "open,430.00,1200.00,0.00,0.00,0.00"          # current, 1-30 days overdue, …
    pdf = client.get(f"/portal/statements?currency=EUR&from={start}&format=pdf")
    assert pdf.content.startswith(b"%PDF")
    assert client.get("/portal/statements?currency=XXX&format=pdf").status_code == 400
    assert client.get(f"/portal/statements?currency=EUR&from={dt.date.today()}&to={start}&format=pdf").status_code == 400


def test_a_promise_to_pay_is_made_once(client, world):
    signed_in(client, world.acme, None, email=AP_EMAIL)
    date = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    made = client.post("/portal/promise", {"currency": "EUR", "amount": "1200,00", "date": date, "note": "Friday"})
    again = client.post("/portal/promise", {"currency": "EUR", "amount": "100.00", "date": date})
    promise = PaymentPromise.objects.get()
    assert made.status_code == 303
    assert (promise.amount, promise.promised_date.isoformat(), promise.made_by, promise.note) == (
        Decimal("1200.0000"), date, f"buyer:{AP_EMAIL}", "Friday")
    assert again.status_code == 409 and "PROMISE_ALREADY_OPEN" in again.content.decode()


def test_a_line_of_an_invoice_is_disputed(client, world):
    signed_in(client, world.acme, world.buyer)
    invoice = world.acme_invoices[0]
    response = client.post(f"/portal/invoices/{invoice.number}/dispute",
                           {"reason": "DAMAGED", "line": "1", "amount": "", "note": "Broken on arrival"})
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert (dispute.receivable_id, dispute.line_position, dispute.amount, dispute.reason_code, dispute.opened_by) == (
        invoice.receivable_id, 1, Decimal("1200.0000"), "DAMAGED", "buyer:buyer@acme.example")
    bad = client.post(f"/portal/invoices/{invoice.number}/dispute", {"reason": "BORED"})
    assert bad.status_code == 400 and Dispute.objects.count() == 1
    page = client.get("/portal/invoices?status=disputed").content.decode()
    assert invoice.number in page


def test_the_merchant_is_emailed_a_promise_made_in_the_portal_once(client, world):
    # given: no dunning policy, so the seller profile's address hears of it
    signed_in(client, world.acme, None, email=AP_EMAIL)
    date = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    # when: the promise is sent twice (a double click)
    client.post("/portal/promise", {"currency": "EUR", "amount": "1200,00", "date": date, "note": "Friday"})
    client.post("/portal/promise", {"currency": "EUR", "amount": "1200,00", "date": date, "note": "Friday"})
    # then: one e-mail to the merchant, saying who promised what by when
    notice = OutboxMessage.objects.get(kind="email.merchant_notice")
    assert notice.payload == {
        "to": "billing@muster.example",
        "subject": f"Promise to pay: Acme Industrial Supply, 1200.00 EUR by {date}",
        "body": (f"Acme Industrial Supply promised in the portal to pay 1200.00 EUR by {date}.\n"
                 f"Made by: buyer:{AP_EMAIL}\nNote: Friday\n\nReminders to this company pause until that date. "
                 "The promise is in the Dashboard: Apps → Net terms → Collections.\n")}


def test_the_merchant_is_emailed_a_dispute_at_the_dunning_policys_staff_address(client, world):
    # given: the installation's default ladder names the staff who hear of promises and disputes
    dunning_policy_save(installation=world.installation, name="Standard", levels=STANDARD_LEVELS[:2], actor="staff",
                        is_default=True, staff_email="collections@muster.example")
    signed_in(client, world.acme, world.buyer)
    invoice = world.acme_invoices[0]
    # when
    client.post(f"/portal/invoices/{invoice.number}/dispute",
                {"reason": "DAMAGED", "line": "1", "amount": "", "note": "Broken on arrival"})
    refused = client.post(f"/portal/invoices/{invoice.number}/dispute", {"reason": "BORED"})
    # then: one e-mail for the dispute, none for the refused one
    assert refused.status_code == 400
    notice = OutboxMessage.objects.get(kind="email.merchant_notice")
    assert notice.payload == {
        "to": "collections@muster.example",
        "subject": f"Dispute: Acme Industrial Supply, invoice {invoice.number}",
        "body": (f"Acme Industrial Supply disputes 1200.00 EUR of invoice {invoice.number}, line 1 in the portal.\n"
                 "Reason: Goods damaged or defective (DAMAGED)\nOpened by: buyer:buyer@acme.example\n"
                 "Note: Broken on arrival\n\nThe disputed amount is out of reminders, holds and late fees until "
                 "the dispute is resolved. It is in the Dashboard: Apps → Net terms → Collections.\n")}


def test_a_promise_made_by_staff_sends_the_merchant_no_email(world):
    promise_make(company=world.acme, amount=Money.of("100.00", "EUR"), made_by="staff:petra@muster.example",
                 promised_date=dt.date.today() + dt.timedelta(days=3))
    assert not OutboxMessage.objects.filter(kind="email.merchant_notice").exists()


def test_a_limit_increase_is_requested_and_listed(client, world):
    signed_in(client, world.acme, world.admin)
    response = client.post("/portal/credit-limit", {"currency": "EUR", "amount": "75000.00", "reason": "New plant"})
    req = ApprovalRequest.objects.get(kind="limit_request")
    assert response.status_code == 303
    assert (req.proposed_limit, req.currency, req.created_by) == (Decimal("75000.0000"), "EUR", "buyer:ashley.cook@example.com")
    assert "75,000.00\xa0EUR" in client.get("/portal/credit-limit").content.decode()
    twice = client.post("/portal/credit-limit", {"currency": "EUR", "amount": "80000.00"})
    assert twice.status_code == 409 and ApprovalRequest.objects.filter(kind="limit_request").count() == 1


def test_the_approver_approves_the_order_over_the_buyers_limit(client, world):
    signed_in(client, world.acme, world.approver)
    req = ApprovalRequest.objects.get(kind="buyer_approval")
    page = client.get("/portal/approvals").content.decode()
    assert "750.00\xa0EUR" in page
    response = client.post(f"/portal/approvals/{req.pk}", {"decision": "approve", "comment": "OK for the plant"})
    req.refresh_from_db()
    world.pending_order.refresh_from_db()
    assert response.status_code == 303
    assert (req.status, req.decided_by) == ("approved", "buyer:approver@acme.example")
    assert world.pending_order.status == "authorized"
    assert client.post(f"/portal/approvals/{req.pk}", {"decision": "decline"}).status_code == 404


def test_the_company_admin_invites_a_buyer_changes_and_deactivates_them(client, world):
    signed_in(client, world.acme, world.admin)
    invited = client.post("/portal/company/invite", {"email": "New.Buyer@acme.example", "role": "buyer",
                                                     "spending_limit": "2500.00", "currency": "EUR"})
    member = Member.objects.get(value="new.buyer@acme.example")
    assert invited.status_code == 303
    assert (member.company_id, member.kind, member.role, member.spending_limit_amount) == (
        world.acme.pk, "email", "buyer", Decimal("2500.0000"))
    mail = OutboxMessage.objects.get(kind="email.portal_sign_in")
    assert mail.payload["to"] == "new.buyer@acme.example" and "/portal/sign-in/" in mail.payload["body"]

    client.post(f"/portal/company/members/{member.pk}", {"role": "approver", "spending_limit": "", "action": "save"})
    member.refresh_from_db()
    assert (member.role, member.spending_limit_amount) == ("approver", None)
    client.post(f"/portal/company/members/{member.pk}", {"action": "deactivate"})
    member.refresh_from_db()
    assert member.is_active is False
    assert [a.action for a in AuditEntry.objects.filter(object_type="member", object_id=str(member.pk)).order_by("id")] == [
        "portal.member_invited", "portal.member_changed", "portal.member_deactivated"]
    # the invitee's link signs them in with their role as it is now: not at all
    assert Client().post(link_path(mail)).status_code == 410


def test_an_admin_cannot_remove_their_own_admin_role(client, world):
    signed_in(client, world.acme, world.admin)
    response = client.post(f"/portal/company/members/{world.admin.pk}", {"action": "deactivate"})
    assert response.status_code == 403 and "CANNOT_CHANGE_SELF" in response.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_orders_on_terms_show_their_status_and_invoice(client, world):
    signed_in(client, world.acme, world.admin)
    page = client.get("/portal/orders").content.decode()
    assert page.count('class="badge invoiced"') == 3 and 'class="badge in_review"' in page
    assert world.acme_invoices[0].number in page


def test_orders_on_terms_come_in_pages(client, world, settings):
    settings.PORTAL_PAGE_SIZE = 3
    signed_in(client, world.acme, world.admin)
    one = client.get("/portal/orders").content.decode()
    two = client.get("/portal/orders?page=2").content.decode()
    # newest first: the order waiting for approval, then the invoices newest to oldest
    assert 'class="badge in_review"' in one and one.count('class="badge invoiced"') == 2
    assert "Page 1 of 2 · 4 in all" in one and 'rel="next" href="?page=2"' in one
    assert two.count('class="badge invoiced"') == 1 and world.acme_invoices[0].number in two
    assert "Page 2 of 2 · 4 in all" in two


def test_in_production_the_session_cookie_is_secure(client, fake_saleor, world, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = client.post("/portal/session", {"token": customer_token(fake_saleor), "saleorApiUrl": fake_saleor.api_url})
    assert response.cookies[SESSION_COOKIE]["secure"] is True


def test_the_portal_wears_the_merchants_name_logo_and_colour(client, world):
    # given: the seller profile's colour (AA on white) and logo
    seller_brand_color_set(installation=world.installation, color="#7A1FA2")
    seller_logo_set(installation=world.installation, content=PNG, content_type="image/png")
    profile = seller_profile_get(installation=world.installation)
    signed_in(client, world.acme, world.admin)

    # when
    page = client.get("/portal/").content.decode()
    css = client.get(f"/portal/theme/{world.installation.pk}.css")
    logo = client.get(f"/portal/logo/{world.installation.pk}/{profile.logo_sha256}")

    # then
    assert "<title>Overview · Muster Tools</title>" in page
    assert f'href="/portal/theme/{world.installation.pk}.css"' in page
    assert f'src="/portal/logo/{world.installation.pk}/{profile.logo_sha256}" alt="Muster Tools"' in page
    assert css.content.decode() == ":root { --brand: #7a1fa2; }\n"
    assert (logo.status_code, logo["Content-Type"], logo.content) == (200, "image/png", PNG)


def test_a_brand_colour_too_light_for_white_text_is_refused(world):
    with pytest.raises(SellerProfileInvalid) as refused:
        seller_brand_color_set(installation=world.installation, color="#ffd400")
    assert refused.value.field == "brandColor" and "contrast of 4.5:1" in refused.value.merchant_message
    assert seller_profile_get(installation=world.installation).brand_color == "#0b6e4f"   # as it was
