"""Every Dashboard page, seeded with a realistic book, in real Chromium (Playwright, tests/browser.py).

The app runs in an iframe of a stand-in Dashboard served by Playwright itself on its own origin
(a configured Dashboard origin, settings.DASHBOARD_ORIGINS), which answers the app's notifyReady with a handshake carrying a token minted by
the Saleor double (tests/dashboard/harness.py). Each page is opened, left to load, and then:

- its visible text is scanned for what a credit manager must never read: base64 Saleor ids, internal
  references (``inv-<hex>``, ``tx:54``, ``rcv:15``), UPPER_SNAKE codes, ``company 1``, raw locales
  (``en_US``), dotted audit actions (``credit_limit.set``) and ``invoice(s)`` plurals;
- at 390 px nothing is wider than the viewport and the navigation is collapsed behind one button;
- with NETTERMS_SCREENSHOTS set, a full-page screenshot lands there (docs/screenshots/ in README).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import os
import re
from decimal import Decimal
from html import escape as html_escape
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.utils import timezone

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.approvals.services import approval_route_create, limit_request_open
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.checkout.requests import AuthorizationRequest, Buyer, OrderLine, OrderSnapshot
from saleor_netterms.checkout.services import order_bind
from saleor_netterms.collections.services import dunning_policy_save
from saleor_netterms.companies.models import Company
from saleor_netterms.companies.services import company_status_set
from saleor_netterms.core.money import Money
from saleor_netterms.dashboard.views import NAV_LINKS
from saleor_netterms.decisions.services import policy_save
from saleor_netterms.decisions.tiers import STANDARD
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.invoicing.services import credit_note_issue, invoice_issue_for_order
from saleor_netterms.payments.models import Payment
from saleor_netterms.terms.services import payment_terms_create
from saleor_netterms.workflows.checkout import checkout_authorize
from saleor_netterms.workflows.payments import payment_record
from tests.browser import horizontal_overflow, requires_chromium
from tests.dashboard.harness import html_server

pytestmark = [pytest.mark.browser, requires_chromium]

BUYER_USER_ID = "VXNlcjo2"

# --- what must not be shown ----------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9+/]{8,}={0,2}")
_GLOBAL_ID = re.compile(r"^[A-Z][A-Za-z]+:[\w-]+$")
RAW = {
    "internal reference": re.compile(r"\binv-[0-9a-f]{6,}|\b(?:tx|rcv|hold|pay|inv|company):\d+\b"),
    "code": re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b"),
    "company N": re.compile(r"\b[Cc]ompany \d+\b"),
    "raw locale": re.compile(r"\b[a-z]{2}_[A-Z]{2}\b"),
    "dotted action": re.compile(r"\b[a-z]+_[a-z_]+\.[a-z_]+\b|\b[a-z]+\.[a-z]+_[a-z_]+\b"),
    "(s) plural": re.compile(r"\w\(s\)"),
    # an amount the server wrote locale-neutrally ("1,250.00 USD") where the page writes "$1,250.00"
    "unformatted amount": re.compile(r"\b\d{1,3}(?:,\d{3})*\.\d{2} [A-Z]{3}\b|\b\d+\.\d{2} [A-Z]{3}\b"),
    "ISO date": re.compile(r"\b20\d\d-[01]\d-[0-3]\d\b(?!T)"),
}


def raw_findings(text: str) -> list[str]:
    """What in ``text`` is an id or a code rather than something a person reads."""
    found = [f"{kind}: {m.group(0)!r}" for kind, pattern in RAW.items() for m in pattern.finditer(text)]
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        try:
            decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=True).decode("ascii")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if _GLOBAL_ID.match(decoded):
            found.append(f"Saleor id: {token!r} ({decoded})")
    return found


def test_the_scanner_finds_each_kind_of_raw_id():
    text = ("Hold tx:54 · rcv:15 · inv-ad849c12 · OVER_SPENDING_LIMIT · Company 1 · en_US · "
            "credit_limit.set · buyer:VXNlcjo2 · 0 open invoice(s) · order 1,250.00 USD · due 2026-12-01")
    kinds = sorted({f.split(":")[0] for f in raw_findings(text)})
    assert kinds == ["(s) plural", "ISO date", "Saleor id", "code", "company N", "dotted action",
                     "internal reference", "raw locale", "unformatted amount"]
    assert raw_findings("INV-2026-000015 · Acme Industrial Supply · $1,200.00 · ap@acme.example · Net 30") == []


# --- the book --------------------------------------------------------------------------------------

def _authorize(installation, *, tx: str, amount: str, currency: str = "USD", po: str = "", user=BUYER_USER_ID):

    checkout_authorize(installation=installation, request=AuthorizationRequest(
        transaction_id=tx, money=Money.of(amount, currency), buyer=Buyer(user_id=user),
        channel_slug="default-channel", po_number=po))
    return NetTermsTransaction.objects.get(installation=installation, saleor_transaction_id=tx)


def _invoiced(installation, *, tx: str, number: str, net: str, tax: str, gross: str, lines: tuple,
              days_ago: int = 0):

    transaction = _authorize(installation, tx=tx, amount=gross, po=f"PO-{number}")
    order_bind(installation=installation, order=OrderSnapshot(
        order_id=base64.b64encode(f"Order:{number}".encode()).decode(), number=number, status="UNFULFILLED",
        currency="USD", total_net=net, total_tax=tax, total_gross=gross, channel_slug="default-channel",
        user_email="dana@acme.example", transaction_ids=(tx,), lines=lines,
        billing_address={"firstName": "Dana", "lastName": "Ledger", "companyName": "Acme Industrial Supply",
                         "streetAddress1": "350 Fifth Avenue", "city": "NEW YORK", "postalCode": "10118",
                         "countryArea": "NY", "country": "US"}))
    transaction.refresh_from_db()
    return invoice_issue_for_order(transaction=transaction,
                                   issue_date=timezone.localdate() - dt.timedelta(days=days_ago))


@pytest.fixture
def book(installation, company_factory, member_factory, settings, fake_saleor):
    """Three companies, invoices (one overdue, one partly paid, one credited), a payment, an order over
    the buyer's spending limit in review, a saved policy, an approval route and Net 30 terms."""

    settings.DASHBOARD_ORIGINS = ["http://127.0.0.1:*"]
    created = iter(range(1, 100))
    fake_saleor.answer("InvoiceCreate", lambda v: {"data": {"invoiceCreate": {"invoice": {
        "id": base64.b64encode(f"Invoice:{next(created)}".encode()).decode(), "number": v["number"], "url": v["url"],
        "status": "SUCCESS"}, "errors": []}}})
    payment_terms_create(installation=installation, name="Net 30", code="net-30",
                         definition={"kind": "net", "days": 30}, channel_slug="default-channel",
                         is_channel_default=True)
    acme = company_factory(installation=installation, legal_name="Acme Industrial Supply",
                           erp_customer_number="C-1001", tax_id="911144442", tax_id_country="US",
                           billing_contact_name="Dana Ledger", billing_contact_email="accounts.payable@acme.example",
                           default_terms_days=30, po_number_required=True, limit=Money.of("10000", "USD"))
    member_factory(company=acme, value=BUYER_USER_ID, spending_limit=Money.of("2000", "USD"))
    member_factory(company=acme, kind="email_domain", value="acme.example")
    drills = _invoiced(installation, tx="VHJhbnNhY3Rpb25JdGVtOjE=", number="1001", net="1200.00", tax="0.00",
                       gross="1200.00", days_ago=45,
                       lines=(OrderLine("Cordless drill 18V", "DRL-18", 12, "100.00", "100.00", "0.0"),))
    gloves = _invoiced(installation, tx="VHJhbnNhY3Rpb25JdGVtOjI=", number="1002", net="800.50", tax="0.00",
                       gross="800.50", lines=(OrderLine("Safety gloves (box)", "GLV-9", 10, "80.05", "80.05", "0.0"),))
    credit_note_issue(invoice=drills, reason="One drill arrived damaged", amount=Money.of("100.00", "USD"))
    payment_record(company=acme, money=Money.of("500.00", "USD"), received_on=timezone.localdate(),
                   reference="WIRE-2026-0042", allocations=[(gloves.receivable, Money.of("500.00", "USD"))],
                   recorded_by="staff@example.com", memo=f"Part payment of {gloves.number}")
    _authorize(installation, tx="VHJhbnNhY3Rpb25JdGVtOjM=", amount="2500.00", po="PO-4712")  # over the buyer's limit
    bolt = company_factory(installation=installation, legal_name="Bolt & Nut GmbH", erp_customer_number="C-1002",
                           tax_id="DE136695976", tax_id_country="DE", limit=Money.of("5000", "EUR"))
    company_status_set(company=bolt, status="on_hold", reason="Cheque bounced")
    company_factory(installation=installation, legal_name="Cobalt Tools Ltd", limit=None)
    policy_save(installation=installation, tier="standard", channel_slug="", policy=STANDARD.policy,
                actor="cfo@example.com", reason="Baseline for 2026")
    approval_route_create(installation=installation, actor="cfo@example.com", name="Large limit raises",
                          kind="limit_request", priority=10, currency="USD",
                          min_amount=Money.of("50000", "USD").amount,
                          steps=[{"name": "Credit manager", "approver_emails": ["credit@example.com"],
                                  "deadline_hours": 24, "on_deadline": "escalate"}])
    return {"acme": acme, "drills": drills, "gloves": gloves}


def _pages(book) -> list[tuple[str, str]]:
    """(name, path) of every page: each nav entry, and the detail pages reached from the lists."""

    pages = [(key, href) for key, _label, href in NAV_LINKS]
    pages += [(f"policies-{tab}", f"/app/policies#{tab}") for tab in ("editor", "versions", "recommendations", "audit")]
    pages.append(("company", f"/app/companies/{book['acme'].pk}"))
    pages.append(("invoice", f"/app/invoices/{book['drills'].pk}"))
    request = ApprovalRequest.objects.order_by("id").first()
    if request is not None:
        pages.append(("approval", f"/app/approvals/{request.pk}"))
    return pages


def _dashboard_html(app_src: str, token: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Saleor Dashboard</title>
<style>body{{margin:0}} iframe{{border:0;width:100%;height:1400px;display:block}}</style></head>
<body><iframe id="app" title="Net Terms" src="{app_src}"></iframe>
<script>
const frame = document.getElementById("app"), appOrigin = new URL(frame.src).origin, token = {token!r};
window.redirects = [];
function handshake() {{
  frame.contentWindow.postMessage({{type: "handshake", payload: {{token, version: 1, saleorVersion: "3.23.0",
    dashboardVersion: "3.23.0"}}}}, appOrigin);
}}
window.addEventListener("message", (event) => {{
  if (event.origin !== appOrigin || !event.data) return;
  if (event.data.type === "notifyReady") handshake();
  if (event.data.type === "redirect") window.redirects.push(event.data.payload);
}});
frame.addEventListener("load", handshake);
</script></body></html>"""


@pytest.fixture
def dashboard(live_server, fake_saleor):
    """A stand-in Dashboard on 127.0.0.1: GET /?app=<app path> frames that app page."""
    token = fake_saleor.dashboard_token(expires_in=1800)
    query = (f"domain=shop.saleor.test&saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F"
             f"&id={fake_saleor.app_id}&theme=light&locale=en-US")

    def render(request_path: str) -> str:
        path = parse_qs(urlsplit(request_path).query).get("app", ["/app/"])[0]
        path, _, fragment = path.partition("#")
        joined = path + ("&" if "?" in path else "?") + query + (f"#{fragment}" if fragment else "")
        return _dashboard_html(html_escape(live_server.url + joined), token)

    server = html_server(render)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def open_in_dashboard(page, dashboard: str, path: str):
    """Open an app page in the stand-in Dashboard; the app's frame once its data has loaded."""
    page.goto(f"{dashboard}/?app={quote(path, safe='')}")
    frame = page.frame_locator("#app")
    frame.locator("#nt-main").wait_for()
    app = page.locator("#app").element_handle().content_frame()
    app.wait_for_load_state("networkidle")
    app.wait_for_function("() => !document.body.innerText.includes('Loading…') && "
                          "!document.body.innerText.includes('Connecting to the Saleor Dashboard')")
    return app


def _shot(page, name: str) -> None:
    folder = os.environ.get("NETTERMS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_every_page_shows_names_not_ids(page, dashboard, book):
    # given: the book, and every page of the app
    findings = {}
    texts = {}

    # when: each page is opened in the Dashboard
    for name, path in _pages(book):
        app = open_in_dashboard(page, dashboard, path)
        texts[name] = app.locator("body").inner_text()
        _shot(page, f"desktop-{name}")
        if os.environ.get("NETTERMS_PAGE_TEXTS"):
            Path(os.environ["NETTERMS_PAGE_TEXTS"], f"{name}.txt").write_text(texts[name])
        if raw_findings(texts[name]):
            findings[path] = raw_findings(texts[name])

    # then: nothing on any page is an id or a code, and the names are there
    assert findings == {}, "\n".join(f"{path}: {found}" for path, found in findings.items())
    assert "Acme Industrial Supply" in texts["companies"] and "Acme Industrial Supply" in texts["ledger"]
    assert book["drills"].number in texts["invoices"] and book["gloves"].number in texts["company"]
    # the ledger tab names the invoice a posting concerns, the payment its reference; tax ids as written
    assert f"Invoice {book['drills'].number} · Order #1001" in texts["company"]
    assert "Payment WIRE-2026-0042" in texts["company"] and "91-1144442" in texts["company"]
    assert "Acme Industrial Supply" in texts["policies-audit"] and "Credit limit set" in texts["policies-audit"]
    # the Policies page: one job per tab (the audit trail is not on the tab of the policies in force)
    assert "Credit policy in force" in texts["policies"] and "Credit limit set" not in texts["policies"]
    assert "Edit a policy" in texts["policies-editor"] and "Saved versions" in texts["policies-versions"]
    # configuration gaps where they bite: no seller profile → a warning with a link on the invoice pages
    for name in ("invoice", "invoices"):
        assert "No seller profile yet" in texts[name] and "Open the seller profile" in texts[name], name
    assert "Not configured — add a bank account" in texts["invoice"]
    # the buyer's US address in the US order (city, state ZIP), the country by name
    assert "350 Fifth Avenue\nNEW YORK, NY 10118\nUnited States" in texts["invoice"]
    assert "Risk score" in texts["reviews"] and "per-order spending limit of $2,000.00" in texts["reviews"]


def test_every_page_fits_a_phone(phone_page, dashboard, book):
    # given
    wide = {}

    # when: each page is opened at 390 px
    for name, path in _pages(book):
        app = open_in_dashboard(phone_page, dashboard, path)
        nav_height = app.locator(".nt-header").bounding_box()["height"]
        _shot(phone_page, f"phone-{name}")
        overflow = horizontal_overflow(app)
        if overflow or nav_height > 120:
            wide[path] = {"overflow": overflow, "header height": nav_height}

    # then: no page scrolls sideways and the navigation is one collapsed row
    assert wide == {}, "\n".join(f"{path}: {found}" for path, found in wide.items())


def test_payment_register_filters_sorts_exports_and_links_into_saleor(page, dashboard, book):

    # given: a second payment, from the bank, in EUR, applied to nothing
    bolt = Company.objects.get(legal_name="Bolt & Nut GmbH")
    payment_record(company=bolt, money=Money.of("250.00", "EUR"), received_on=timezone.localdate() - dt.timedelta(days=3),
                   reference="CAMT-77", source="bank", memo="Advance")

    # when: the register opens
    app = open_in_dashboard(page, dashboard, "/app/payments")
    text = app.locator("body").inner_text()
    rows = app.locator("#nt-register tr").all_inner_texts()

    # then: newest first, company names, what each settled, unapplied cash, sources, the count
    assert "(2 payments)" in text
    assert rows[0].startswith(timezone.localdate().strftime("%b ").lstrip("0")) and "WIRE-2026-0042" in rows[0]
    assert f"{book['gloves'].number}\n#1002" in rows[0] or f"{book['gloves'].number} #1002" in rows[0]
    assert "Acme Industrial Supply" in rows[0] and "Staff" in rows[0]
    assert "Bolt & Nut GmbH" in rows[1] and "Bank statement" in rows[1] and "Nothing applied" in rows[1]
    assert "€250.00" in rows[1]

    # when: sorted by amount, ascending
    app.click("#nt-register-head th[data-sort=AMOUNT] button")
    app.click("#nt-register-head th[data-sort=AMOUNT] button")
    app.wait_for_function("() => document.querySelector('#nt-register tr').innerText.includes('CAMT-77')")
    sort_state = app.get_attribute("#nt-register-head th[data-sort=AMOUNT]", "aria-sort")

    # when: searched by the invoice number the payment settled, and by source
    app.fill("#r-search", book["gloves"].number)
    app.wait_for_function("() => document.getElementById('nt-register-count').textContent === '(1 payment)'")
    searched = app.locator("#nt-register tr").all_inner_texts()
    app.fill("#r-search", "")
    app.select_option("#r-source", "BANK")
    app.wait_for_function("() => document.querySelector('#nt-register tr').innerText.includes('CAMT-77') && "
                          "document.getElementById('nt-register-count').textContent === '(1 payment)'")

    # when: exported
    with page.expect_download() as download:
        app.click("#nt-register-csv")
    csv_text = Path(download.value.path()).read_text()

    # then
    assert sort_state == "ascending"
    assert len(searched) == 1 and "WIRE-2026-0042" in searched[0]
    assert csv_text.splitlines() == [
        "Received,Company,Reference,Source,Recorded by,Amount,Currency,Applied to,Unapplied,Memo",
        f"{(timezone.localdate() - dt.timedelta(days=3)).isoformat()},Bolt & Nut GmbH,CAMT-77,Bank statement,,250.00,EUR,,"
        f"250.00,Advance"]

    # when: the order number of a settled invoice is clicked (no filter: the staff payment is back)
    app.select_option("#r-source", "")
    app.wait_for_function("() => document.getElementById('nt-register-count').textContent === '(2 payments)'")
    app.click("#nt-register a[data-saleor-to]")

    # then: the Dashboard is asked to open the order (app-bridge redirect), the app stays put
    redirects = page.evaluate("window.redirects")
    assert [(r["to"], r["newContext"]) for r in redirects] == [("/orders/" + quote(_order_id("1002"), safe=""), False)]
    assert app.url.split("?")[0].endswith("/app/payments")


def _order_id(number: str) -> str:
    return base64.b64encode(f"Order:{number}".encode()).decode()


def test_payment_dialog_allocates_exactly_what_staff_chose(page, dashboard, book):

    # given: the Payments page's "Record payment" → the company → its payment form
    app = open_in_dashboard(page, dashboard, "/app/payments")
    app.click("#nt-record-open")
    app.click("#nt-find-results a:has-text('Acme Industrial Supply')")
    app.wait_for_function("() => document.getElementById('nt-payment-dialog') && document.getElementById('nt-payment-dialog').open"
                          " && document.querySelectorAll('#p-allocation-rows input[data-receivable]').length === 2")
    currencies = app.eval_on_selector("#p-currency", "s => Array.from(s.options).map(o => o.value)")
    prefilled = app.input_value("#p-amount")
    rows = {app.eval_on_selector(f"label[for='{i.get_attribute('id')}']", "l => l.textContent"): i.input_value()
            for i in app.locator("#p-allocation-rows input[data-receivable]").all()}

    # when: the buyer's wire pays only INV…02 (its memo names it): the other invoice's amount is cleared
    drills_input = app.locator(f"#p-alloc-{book['drills'].receivable_id}")
    drills_input.fill("")
    app.fill("#p-amount", "300.50")
    app.fill("#p-reference", "WIRE-2026-0043")
    app.fill("#p-memo", f"Rest of {book['gloves'].number}")
    app.click("#nt-payment-form button[type=submit]")
    app.wait_for_function("() => !document.getElementById('nt-payment-dialog').open")

    # then: the form showed the company's currencies and open invoices, pre-filled; the money went
    # to exactly the invoice staff chose
    assert currencies == ["USD"]
    assert prefilled == "1400.50"  # 1,100.00 open on INV…01 + 300.50 on INV…02
    assert rows == {book["drills"].number: "1100.00", book["gloves"].number: "300.50"}
    payment = Payment.objects.get(reference="WIRE-2026-0043")
    assert [(a.receivable_id, a.amount) for a in payment.allocations.all()] == [
        (book["gloves"].receivable_id, Decimal("300.50"))]
    assert payment.unallocated_amount == 0


def test_review_queue_shows_how_long_an_order_waits_and_confirms_the_decision(page, dashboard, book, fake_saleor):

    # given: the order over the buyer's spending limit waits in review
    app = open_in_dashboard(page, dashboard, "/app/reviews")
    waiting = app.locator("#nt-queue .nt-waiting").inner_text()

    # when: Approve, then Cancel in the confirmation
    app.click("#nt-queue button:has-text('Approve')")
    asked = app.locator("#nt-confirm-text").inner_text()
    app.click("#nt-confirm-dialog button[value=cancel]")
    still = NetTermsTransaction.objects.get(saleor_transaction_id="VHJhbnNhY3Rpb25JdGVtOjM=").status

    # when: Approve, and confirm
    app.click("#nt-queue button:has-text('Approve')")
    app.click("#nt-confirm-ok")
    app.wait_for_function("() => document.getElementById('nt-status').textContent.startsWith('Approved') && "
                          "document.getElementById('nt-queue').innerText.includes('Nothing waiting')")

    # then: the age is shown; nothing happened until confirmed; then one decision, the queue is empty
    assert waiting.startswith("Waiting since ") and ("(just now)" in waiting or "minute" in waiting), waiting
    assert "Approve order PO-4712 of Acme Industrial Supply ($2,500.00)?" in asked
    assert still == "in_review"
    assert NetTermsTransaction.objects.get(saleor_transaction_id="VHJhbnNhY3Rpb25JdGVtOjM=").status == "authorized"
    assert "Nothing waiting" in app.locator("#nt-queue").inner_text()


def test_one_queue_for_orders_and_limit_requests_whichever_workflow(page, dashboard, book):

    # given: besides the order in review (its credit review workflow), a limit request of Acme
    limit = limit_request_open(company=book["acme"], proposed=Money.of("20000", "USD"),
                               requested_by="buyer:ceo@acme.example", reason="Seasonal stock")
    order_requests = ApprovalRequest.objects.filter(transaction__isnull=False).count()

    # when: an old link to the approvals list is opened
    app = open_in_dashboard(page, dashboard, "/app/approvals")
    rows = app.locator("#nt-queue tr").all_inner_texts()
    nav = app.locator(".nt-nav").inner_text()
    count = app.locator("#nt-queue-count").inner_text()

    # then: one queue, each decision once, the longest waiting first, with its workflow's step
    assert app.url.split("?")[0].endswith("/app/reviews")
    assert count == "(2 decisions)" and len(rows) == 2 and order_requests == 1
    assert rows[0].startswith("Order PO-4712") and "Credit review · Default · Step 1 of 1: Credit review" in rows[0]
    assert rows[1].startswith("Requested limit $20,000.00") and "Credit limit request" in rows[1]
    assert "Seasonal stock" in rows[1] and "Waiting since" in rows[1]
    assert "Reviews and approvals" in nav and "Approvals\n" not in nav + "\n" and "Credit review" not in nav

    # when: the limit request is declined without, then with a reason
    app.click("#decision-r%d button:has-text('Decline')" % limit.pk)
    app.click("#nt-decline-form button[type=submit]")
    refused = app.locator("#nt-decline-form").inner_text()
    app.fill("#d-reason", "Not before the audited accounts")
    app.click("#nt-decline-form button[type=submit]")
    app.wait_for_function("() => document.getElementById('nt-status').textContent.startsWith('Declined') && "
                          "document.getElementById('nt-queue-count').textContent === '(1 decision)'")

    # then: refused first, then declined once through the approval workflow; the order still waits
    assert "Say why it is declined." in refused
    limit.refresh_from_db()
    assert (limit.status, limit.decision_comment) == ("declined", "Not before the audited accounts")
    assert "PO-4712" in app.locator("#nt-queue").inner_text()

    # when: the declined requests
    app.select_option("#q-show", "DECLINED")
    app.wait_for_function("() => document.getElementById('nt-queue').innerText.includes('Declined')")

    # then
    assert "Requested limit $20,000.00" in app.locator("#nt-queue").inner_text()


def test_credit_accounts_sort_filter_count_and_export(page, dashboard, book):

    # given: the book (Acme: $1,100.00 overdue for 15 days, $3,900.50 exposure; Bolt on hold; Cobalt no limit)
    app = open_in_dashboard(page, dashboard, "/app/companies")
    rows = app.locator("#nt-companies tr").all_inner_texts()
    count = app.locator("#nt-companies-count").inner_text()

    # then: newest first, utilisation, overdue and the oldest overdue invoice, the count
    assert count == "(3 accounts)"
    assert [r.split("\n")[0] for r in rows] == ["Cobalt Tools Ltd", "Bolt & Nut GmbH", "Acme Industrial Supply"]
    acme = rows[2]
    assert "$3,900.50" in acme and "$6,099.50" in acme and "39%" in acme
    assert "$1,100.00" in acme and "1 invoice" in acme and "15 days" in acme
    assert "No limit" in rows[0] and "€5,000.00" in rows[1] and "On hold" in rows[1]

    # when: sorted by utilisation, highest first (the company without a limit last)
    app.click("#nt-companies-head th[data-sort=UTILISATION] button")
    app.wait_for_function("() => document.querySelector('#nt-companies tr').innerText.startsWith('Acme')")
    by_utilisation = [r.split("\n")[0] for r in app.locator("#nt-companies tr").all_inner_texts()]
    sort_state = app.get_attribute("#nt-companies-head th[data-sort=UTILISATION]", "aria-sort")

    # when: only overdue accounts, then one currency
    app.check("#c-overdue")
    app.wait_for_function("() => document.getElementById('nt-companies-count').textContent === '(1 account)'")
    overdue_rows = app.locator("#nt-companies tr").all_inner_texts()
    with page.expect_download() as download:
        app.click("#nt-companies-csv")
    csv_text = Path(download.value.path()).read_text()
    app.uncheck("#c-overdue")
    app.fill("#c-currency", "eur")
    app.wait_for_function("() => document.getElementById('nt-companies-count').textContent === '(1 account)' && "
                          "document.querySelector('#nt-companies tr').innerText.startsWith('Bolt')")

    # then
    assert by_utilisation == ["Acme Industrial Supply", "Bolt & Nut GmbH", "Cobalt Tools Ltd"]
    assert sort_state == "descending"
    assert len(overdue_rows) == 1 and overdue_rows[0].startswith("Acme Industrial Supply")
    due = (timezone.localdate() - dt.timedelta(days=15)).isoformat()
    assert csv_text.splitlines() == [
        "Company,ERP customer number,Status,Terms (days),Currency,Limit,Exposure,Available,Utilisation %,Overdue,"
        "Overdue invoices,Oldest overdue due,Days past due",
        f"Acme Industrial Supply,C-1001,Active,30,USD,10000.00,3900.50,6099.50,39.0,1100.00,1,{due},15"]


def test_invoices_totals_actions_that_apply_sort_filter_and_export(page, dashboard, book):

    # given: INV…1 (drills, $1,200.00, $100.00 credited, overdue), INV…2 (gloves, $800.50, $500.00 paid), the credit note
    drills, gloves = book["drills"], book["gloves"]
    credit_note = Invoice.objects.get(kind="credit_note")
    app = open_in_dashboard(page, dashboard, "/app/invoices")
    count = app.locator("#nt-invoices-count").inner_text()
    totals = app.locator("#nt-invoice-totals").inner_text()
    buttons = {number: app.locator(f"#nt-invoices tr:has(a:text-is('{number}')) button").all_inner_texts()
               for number in (drills.number, gloves.number, credit_note.number)}

    # then: the count, the totals of the selection, only the actions that apply
    assert count == "(3 documents)"
    assert "Invoiced (2 invoices)\n$2,000.50" in totals and "Credited (1 credit note)\n$100.00" in totals
    assert "Open\n$1,400.50" in totals
    assert buttons == {drills.number: ["Credit note", "Void"], gloves.number: ["Credit note", "Void"],
                       credit_note.number: []}

    # when: sorted by what is open, most first (the credit note, with nothing open, last)
    app.click("#nt-invoices-head th[data-sort=OPEN] button")
    app.wait_for_function("(n) => document.querySelector('#nt-invoices tr').innerText.startsWith(n)", arg=drills.number)
    by_open = [r.split("\n")[0] for r in app.locator("#nt-invoices tr").all_inner_texts()]

    # when: only what is overdue, exported
    app.check("#f-overdue")
    app.wait_for_function("() => document.getElementById('nt-invoices-count').textContent === '(1 document)'")
    overdue_totals = app.locator("#nt-invoice-totals").inner_text()
    with page.expect_download() as download:
        app.click("#nt-invoices-csv")
    csv_text = Path(download.value.path()).read_text()

    # then
    assert by_open == [drills.number, gloves.number, credit_note.number]
    assert "Open\n$1,100.00" in overdue_totals
    assert csv_text.splitlines() == [
        "Number,Kind,Status,Company,Issued,Due,Currency,Total,Open,Order,Credits invoice",
        f"{drills.number},Invoice,Issued,Acme Industrial Supply,{drills.issue_date.isoformat()},"
        f"{drills.due_date.isoformat()},USD,1200.00,1100.00,1001,"]


def test_collections_book_sorts_counts_and_exports(page, dashboard, book, installation):

    # given: a dunning ladder; Acme owes $1,100.00 for 15 days
    dunning_policy_save(installation=installation, name="Standard", actor="staff@example.com", is_default=True,
                        levels=[{"name": "Overdue", "offset_days": 1, "template": "overdue"}])
    app = open_in_dashboard(page, dashboard, "/app/collections")
    count = app.locator("#c-book-count").inner_text()

    # when: sorted by company name, then exported
    app.click("#c-book-head th[data-sort=COMPANY] button")
    app.wait_for_function("() => document.querySelector('#c-book-head th[data-sort=COMPANY]')"
                          ".getAttribute('aria-sort') === 'descending' && !document.getElementById('c-book').ariaBusy")
    with page.expect_download() as download:
        app.click("#c-book-csv")
    header, *rows = Path(download.value.path()).read_text().splitlines()

    # then
    assert count == "(1 company)"
    assert header.startswith("Company,Dunning policy,Level,Level name,Days overdue,Oldest due,Overdue,")
    assert len(rows) == 1 and rows[0].startswith("Acme Industrial Supply,") and ",1100.00 USD," in rows[0]
