"""The pages in a real browser, inside a stand-in Dashboard.

A headless Chromium loads a page served from another origin (the "Dashboard") that embeds
/app/companies of the live app in an iframe and answers the app's notifyReady with the
handshake, carrying a token minted by the Saleor test double. The browser is driven through the
DevTools protocol over --remote-debugging-pipe (fd 3/4, NUL-separated JSON): no websocket
library and no driver needed. Screenshots (PNG) land in $NETTERMS_SCREENSHOTS or the test's
tmp dir.

Skipped when no Chromium is installed (Debian: ``apt-get install -y chromium``), except in CI
(``CI=true``), where such a skip fails the run; ``.ci/run`` installs Chromium."""
from __future__ import annotations

import base64
import datetime as dt
import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from html import escape as html_escape
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.utils import timezone

from saleor_netterms.core.money import Money
from saleor_netterms.approvals.services import approval_route_create
from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.checkout.requests import (AuthorizationRequest, Buyer, OrderLine,
                                               OrderSnapshot, TransactionActionRequest)
from saleor_netterms.checkout.services import order_bind
from saleor_netterms.companies.services import company_status_set
from saleor_netterms.decisions.services import policy_save
from saleor_netterms.decisions.tiers import STANDARD
from saleor_netterms.invoicing.creditor_reference import creditor_reference_for
from saleor_netterms.invoicing.services import (credit_note_issue, invoice_issue_for_order,
                                                invoice_void)
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.outbox.services import outbox_deliver_due, outbox_enqueue
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.terms.services import payment_terms_create
from saleor_netterms.workflows.checkout import checkout_authorize, transaction_capture
from saleor_netterms.workflows.payments import payment_record
from tests.dashboard.harness import html_server

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)

# Outside CI a missing Chromium skips these with the reason; in CI (CI=true) tests/conftest.py turns
# the skip of any `browser` test into a failure, so a CI run cannot pass without them.
pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium on PATH: install it (Debian: apt-get install -y chromium) to run the "
                             "browser test of the Dashboard pages")]

CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--force-color-profile=srgb",
                "--remote-debugging-pipe"]
WIDTH, HEIGHT = 1280, 1500
# Puts the two pipe ends on fds 3 and 4 (inheritable), then becomes Chromium.
LAUNCHER = ("import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
            "os.execv(sys.argv[3], sys.argv[3:])")
BUYER_USER_ID = "VXNlcjo2"


class DevTools:
    """A minimal DevTools-protocol client over Chromium's --remote-debugging-pipe."""

    def __init__(self, binary: str, user_data_dir: Path):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands from fd 3 and writes answers to fd 4; the child's ends are moved
        # above 9 first so that placing one on 3 or 4 cannot overwrite the other.
        child_r, child_w = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        user_data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = user_data_dir.parent / "chromium.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", LAUNCHER, str(child_r), str(child_w), binary, *CHROME_FLAGS,
                 f"--user-data-dir={user_data_dir}", f"--window-size={WIDTH},{HEIGHT}", "about:blank"],
                pass_fds=(child_r, child_w), stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        os.close(child_r)
        os.close(child_w)
        self._next_id = 0
        self._answers: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self.events: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = os.read(self._from_chrome, 65536)
            if not chunk:
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        box = self._answers.get(message["id"])
                    if box is not None:
                        box.put(message)
                else:
                    self.events.append(message)

    def send(self, method: str, params: dict | None = None, *, session: str | None = None,
             timeout: float = 30) -> dict:
        with self._lock:
            self._next_id += 1
            command_id = self._next_id
            box = self._answers[command_id] = queue.Queue()
        command = {"id": command_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        os.write(self._to_chrome, json.dumps(command).encode() + b"\0")
        answer = box.get(timeout=timeout)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:  # noqa: BLE001 - the browser may already be gone
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._to_chrome)


class Page:
    """One tab: evaluates JavaScript in the app's iframe (an out-of-process frame, auto-attached)."""

    def __init__(self, tools: DevTools):
        self.tools = tools
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": False, "flatten": True})
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.tools.send(method, params, session=self.session)

    def navigate(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})

    def _frame_sessions(self) -> list[str]:
        return [e["params"]["sessionId"] for e in list(self.tools.events)
                if e.get("method") == "Target.attachedToTarget" and e["params"]["targetInfo"]["type"] == "iframe"]

    def _frame_contexts(self) -> list[tuple[str | None, int | None]]:
        """(session, context) pairs for the app frame: an OOPIF session, else an isolated world in
        the page's own child frame (when the frame runs in the page's process)."""
        found: list[tuple[str | None, int | None]] = [(s, None) for s in reversed(self._frame_sessions())]
        tree = self.send("Page.getFrameTree")["frameTree"]
        for child in tree.get("childFrames", []):
            try:
                world = self.send("Page.createIsolatedWorld", {"frameId": child["frame"]["id"], "worldName": "test"})
                found.append((self.session, world["executionContextId"]))
            except RuntimeError:
                continue
        return found

    def frame_eval(self, expression: str):
        for session, context in self._frame_contexts():
            params = {"expression": expression, "returnByValue": True, "awaitPromise": True}
            if context is not None:
                params["contextId"] = context
            try:
                result = self.tools.send("Runtime.evaluate", params, session=session, timeout=10)
            except (RuntimeError, queue.Empty):
                continue
            if "exceptionDetails" not in result and result["result"].get("value") is not None:
                return result["result"]["value"]
        return None

    def wait_for_frame_text(self, *needles: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.frame_eval("location.pathname + '\\n' + (document.body ? document.body.innerText : '')") or ""
            if all(n in text for n in needles) and "Loading…" not in text:
                return text
            time.sleep(0.25)
        raise AssertionError(f"the app frame never showed {needles!r}; it shows:\n{text}")

    def screenshot(self, path: Path) -> Path:
        # let the frame paint what the DOM already has (two animation frames), then capture
        self.frame_eval("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
        time.sleep(0.3)
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))
        return path


def dashboard_harness(*, app_url: str, token: str) -> ThreadingHTTPServer:
    """A stand-in Saleor Dashboard on another origin (127.0.0.1 vs the app's localhost)."""
    app_origin = app_url.split("/app/")[0]

    def render(request_path: str) -> str:
        # "/?app=/app/reviews%3Ftheme%3Ddark" embeds another app page (same origin, any query).
        wanted = parse_qs(urlsplit(request_path).query).get("app", [None])[0]
        src = app_origin + wanted if wanted and wanted.startswith("/app/") else app_url
        html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dashboard</title>
<style>body{{margin:0;font-family:sans-serif;background:#fafafa}}
.bar{{height:40px;display:flex;align-items:center;padding:0 16px;border-bottom:1px solid #e6e6e6;font-size:13px;color:#555}}
iframe{{border:0;width:100%;height:{HEIGHT - 41}px;display:block;background:#fff}}</style></head>
<body><div class="bar">Saleor Dashboard (test double) · Customers › Credit accounts</div>
<iframe id="app" title="Net Terms" src="{html_escape(src)}"></iframe>
<script>
const appOrigin = {json.dumps(app_origin)}, token = {json.dumps(token)};
const frame = document.getElementById("app");
function handshake() {{
  frame.contentWindow.postMessage({{type: "handshake", payload: {{token, version: 1,
    saleorVersion: "3.24.0", dashboardVersion: "3.24.0"}}}}, appOrigin);
}}
window.addEventListener("message", (event) => {{
  if (event.origin === appOrigin && event.data && event.data.type === "notifyReady") {{ handshake(); }}
}});
frame.addEventListener("load", handshake);
</script></body></html>"""
        return html

    return html_server(render)


# --- seeded credit accounts ---------------------------------------------------------------------

def _authorize(installation, *, tx: str, amount: str, po: str = ""):
    checkout_authorize(installation=installation, request=AuthorizationRequest(
        transaction_id=tx, money=Money.of(amount, "USD"), buyer=Buyer(user_id=BUYER_USER_ID),
        channel_slug="default-channel", po_number=po))
    return NetTermsTransaction.objects.get(installation=installation, saleor_transaction_id=tx)


def _invoice(installation, *, tx: str, amount: str, order_number: str, days_ago: int = 0):
    _authorize(installation, tx=tx, amount=amount, po=f"PO-{order_number}")
    order_bind(installation=installation, order=OrderSnapshot(
        order_id=f"T3JkZXI6{order_number}", number=order_number, status="UNFULFILLED", currency="USD",
        total_net=amount, total_tax="0.00", total_gross=amount, channel_slug="default-channel",
        user_email="buyer@acme.example", transaction_ids=(tx,)))
    result = transaction_capture(installation=installation, request=TransactionActionRequest(
        transaction_id=tx, money=Money.of(amount, "USD"), request_key=f"capture:{tx}"))
    assert result.succeeded, result
    receivable = Receivable.objects.get(installation=installation, reference=result.psp_reference)
    if days_ago:
        issue = timezone.localdate() - dt.timedelta(days=days_ago)
        Receivable.objects.filter(pk=receivable.pk).update(issue_date=issue, due_date=issue + dt.timedelta(days=30))
        receivable.refresh_from_db()
    return receivable


@pytest.fixture(autouse=True)
def _dashboard_may_frame_the_app(settings):
    """The stand-in Dashboard (127.0.0.1:<port>) is a configured Dashboard origin (CSP frame-ancestors)."""
    settings.DASHBOARD_ORIGINS = ["http://127.0.0.1:*"]


@pytest.fixture
def seeded(installation, company_factory, member_factory):
    acme = company_factory(installation=installation, legal_name="Acme Industrial Supply",
                           erp_customer_number="C-1001", tax_id="136695976", tax_id_country="DE",
                           billing_contact_name="Dana Ledger", billing_contact_email="ap@acme.example",
                           default_terms_days=30, po_number_required=True, limit=Money.of("10000", "USD"))
    member_factory(company=acme, value=BUYER_USER_ID, spending_limit=Money.of("2000", "USD"))
    member_factory(company=acme, kind="email_domain", value="acme.example")
    overdue = _invoice(installation, tx="VHJhbnNhY3Rpb246MQ==", amount="1200.00", order_number="1001", days_ago=45)
    _invoice(installation, tx="VHJhbnNhY3Rpb246Mg==", amount="800.50", order_number="1002")
    _authorize(installation, tx="VHJhbnNhY3Rpb246Mw==", amount="300.00", po="PO-4711")
    _authorize(installation, tx="VHJhbnNhY3Rpb246NA==", amount="2500.00", po="PO-4712")  # over spending limit
    payment_record(company=acme, money=Money.of("500.00", "USD"), received_on=timezone.localdate(),
                   reference="BANK-2025-0042", allocations=[(overdue, Money.of("500.00", "USD"))],
                   recorded_by="staff@example.com", memo="Wire")
    bolt = company_factory(installation=installation, legal_name="Bolt & Nut GmbH",
                           erp_customer_number="C-1002", limit=Money.of("5000", "EUR"))
    company_status_set(company=bolt, status="on_hold", reason="Cheque bounced")
    company_factory(installation=installation, legal_name="Cobalt Tools Ltd", limit=None)
    return acme


@pytest.fixture
def chrome(tmp_path):
    tools = DevTools(CHROMIUM, tmp_path / "chrome-profile")
    yield tools
    tools.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("NETTERMS_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_companies_and_company_detail_in_a_dashboard_iframe(live_server, fake_saleor, seeded, chrome, shots,
                                                              settings):
    # given: the app page the Dashboard would open, with its iframe query
    query = (f"?domain=shop.saleor.test&saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F"
             f"&id={fake_saleor.app_id}&theme=light&locale=en-US")
    app_url = live_server.url + "/app/companies" + query
    token = fake_saleor.dashboard_token(expires_in=600)
    harness = dashboard_harness(app_url=app_url, token=token)
    page = Page(chrome)

    try:
        # when: the Dashboard opens the app page
        page.navigate(f"http://127.0.0.1:{harness.server_port}/")
        companies_text = page.wait_for_frame_text("Acme Industrial Supply", "Bolt & Nut GmbH", "$10,000.00")
        page.screenshot(shots / "companies.png")

        # then: the list shows limits, exposure and available credit, formatted per currency
        assert "/app/companies\n" in companies_text
        for expected in ("Credit accounts", "New company", "Cobalt Tools Ltd", "No limit", "€5,000.00",
                         "On hold", "Cheque bounced", "Net 30", "PO required", "ERP C-1001"):
            assert expected in companies_text, expected
        # exposure = holds 300 + 2,500 + receivables (1,200 - 500) + 800.50 = 4,300.50
        assert "$4,300.50" in companies_text and "$5,699.50" in companies_text

        # when: the merchant follows the link to the company (an in-app navigation: a new handshake)
        page.frame_eval("document.querySelector('a[href^=\"/app/companies/%d\"]').click(), true" % seeded.pk)
        detail = page.wait_for_frame_text("Members", "Available", "acme.example", "$5,699.50")
        assert f"/app/companies/{seeded.pk}\n" in detail
        for expected in ("Acme Industrial Supply", "Active", "DE136695976", "Net 30 · PO number required",
                         "Limit", "Holds", "$2,800.00", "Receivables", "$1,500.50", "Credit balance",
                         "of the limit used", "Not verified", "Verify domain", "Saleor user id", "$2,000.00",
                         "Ledger", "Holds & transactions", "Receivables", "Payments"):
            assert expected in detail, expected
        page.wait_for_frame_text("Hold", "Receivable", "Payment")  # the ledger tab loads its postings
        page.screenshot(shots / "company-ledger.png")

        # when: the Receivables tab is opened with the keyboard (arrow keys move between tabs)
        page.frame_eval("document.getElementById('tab-ledger').focus(), true")
        page.frame_eval("document.getElementById('tab-ledger').dispatchEvent(new KeyboardEvent('keydown', "
                        "{key: 'ArrowRight', bubbles: true})), true")
        page.frame_eval("document.getElementById('tab-transactions').dispatchEvent(new KeyboardEvent('keydown', "
                        "{key: 'ArrowRight', bubbles: true})), true")
        receivables = page.wait_for_frame_text("Days past due", "Overdue", "$700.00", "#1001")
        selected = page.frame_eval("document.activeElement.id + ' ' + document.activeElement.getAttribute('aria-selected')")
        page.screenshot(shots / "company-receivables.png")

        # then: the overdue invoice is highlighted with its days past due
        assert selected == "tab-receivables true"
        assert page.frame_eval("document.querySelectorAll('#rec-rows tr.is-overdue').length") == 1
        assert page.frame_eval("document.querySelector('#rec-rows tr.is-overdue .nt-overdue').textContent") == (
            "15 days overdue")
        assert "$800.50" in receivables

        # when: the transactions tab and the "Record payment" dialog
        page.frame_eval("document.getElementById('tab-transactions').click(), true")
        transactions = page.wait_for_frame_text("In review", "PO-4712 · Net 30")
        page.screenshot(shots / "company-transactions.png")
        page.frame_eval("document.getElementById('tab-payments').click(), true")
        page.wait_for_frame_text("BANK-2025-0042", "Record payment")
        page.frame_eval("document.getElementById('nt-payment-open').click(), true")
        page.frame_eval("document.getElementById('p-mode-manual').click(), true")
        page.wait_for_frame_text("To the invoices below", "Applied:")
        dialog_open = page.frame_eval("document.getElementById('nt-payment-dialog').open")
        page.screenshot(shots / "company-record-payment.png")

        # then
        assert "Authorized" in transactions and "$2,500.00" in transactions
        assert dialog_open is True
        assert "Your staff account" not in transactions and "(INVALID_TOKEN)" not in transactions

        # when: the credit review queue, in the Dashboard's dark theme and German locale
        reviews_path = "/app/reviews" + query.replace("theme=light", "theme=dark").replace("locale=en-US", "locale=de")
        page.navigate(f"http://127.0.0.1:{harness.server_port}/?app={quote(reviews_path, safe='')}")
        reviews = page.wait_for_frame_text("Reviews and approvals", "Acme Industrial Supply", "Approve", "Decline")
        theme = page.frame_eval("document.documentElement.dataset.theme + ' ' + document.documentElement.lang")
        page.screenshot(shots / "reviews-dark-de.png")

        # then: one order over the buyer's spending limit waits, amounts formatted for de
        assert theme == "dark de"
        assert "2.500,00\xa0$" in reviews and "10.000,00\xa0$" in reviews and "4.300,50\xa0$" in reviews
        assert "per-order spending limit of 2.000,00\xa0$" in reviews and "PO-4712" in reviews
        assert "OVER_SPENDING_LIMIT" not in reviews
        assert "could not be loaded" not in reviews
    finally:
        harness.shutdown()
    print(f"\nscreenshots: {shots}")


# --- policies, approval routes (issue 4) ----------------------------------------------------------

def test_policy_editor_simulation_and_approval_routes_in_a_dashboard_iframe(live_server, fake_saleor, seeded, chrome,
                                                                           shots):
    # given: a saved Standard policy, a two-step route, and the seeded company's stored decisions
    installation = seeded.installation
    policy_save(installation=installation, tier="standard", channel_slug="", policy=STANDARD.policy,
                actor="cfo@example.com", reason="Baseline for 2025")
    approval_route_create(installation=installation, actor="cfo@example.com", name="Large limit raises",
                          kind="limit_request", priority=10, currency="USD", min_amount=Money.of("50000", "USD").amount,
                          steps=[{"name": "Credit manager", "approver_emails": ["credit@example.com"],
                                  "deadline_hours": 24, "on_deadline": "escalate"},
                                 {"name": "CFO", "mode": "all", "approver_emails": ["cfo@example.com", "ceo@example.com"],
                                  "required_permission": "HANDLE_PAYMENTS"}])
    query = (f"?domain=shop.saleor.test&saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F"
             f"&id={fake_saleor.app_id}&theme=light&locale=en-US")
    token = fake_saleor.dashboard_token(expires_in=600)
    harness = dashboard_harness(app_url=live_server.url + "/app/policies" + query, token=token)
    page = Page(chrome)

    try:
        # when: the merchant opens Policies, stops reviewing new accounts (the seeded company is one
        # day old: its orders went to review) and simulates
        page.navigate(f"http://127.0.0.1:{harness.server_port}/")
        page.wait_for_frame_text("Credit policy in force", "Standard")
        page.frame_eval("document.getElementById('tab-versions').click(), true")
        page.wait_for_frame_text("Saved versions", "Baseline for 2025")
        page.frame_eval("document.getElementById('tab-editor').click(), true")
        page.wait_for_frame_text("Edit a policy", "In force: v1 (all channels)")
        saved = page.frame_eval("document.getElementById('p-save').disabled")
        page.frame_eval("(() => { const f = document.getElementById('nt-policy-form');"
                        " f.min_account_age_days.value = '';"
                        " f.min_account_age_days.dispatchEvent(new Event('input', {bubbles: true}));"
                        " f.reason.value = 'Faster onboarding'; return true; })()")
        page.frame_eval("document.getElementById('p-simulate').click(), true")
        text = page.wait_for_frame_text("decisions of the last 90 days replayed", "Changed decisions")
        page.frame_eval("document.getElementById('nt-editor').scrollIntoView(), true")
        page.screenshot(shots / "policy-editor-simulation.png")

        # then: the transition table counts the replayed decisions; saving is possible now
        assert saved is True
        assert "4 decisions of the last 90 days replayed: 0 stricter, 1 looser, 3 unchanged." in text, text
        assert "→ Approve" in text and "Acme Industrial Supply" in text and "Company %d" % seeded.pk not in text
        assert page.frame_eval("document.getElementById('p-save').disabled") is False
        assert page.frame_eval("document.querySelectorAll('.nt-transitions tbody tr').length") == 3

        # when: saved as v2
        page.frame_eval("document.getElementById('p-save').click(), true")
        text = page.wait_for_frame_text("saved as v2", "next save: v3")
        page.frame_eval("document.getElementById('tab-audit').click(), true")
        audit = page.wait_for_frame_text("Audit trail", "Faster onboarding")

        # then
        assert "next save: v3" in text and "Faster onboarding" in audit

        # when: the approval routes page, editing the route
        page.navigate(f"http://127.0.0.1:{harness.server_port}/?app={quote('/app/approval-routes' + query, safe='')}")
        text = page.wait_for_frame_text("Large limit raises", "Credit manager", "over $50,000.00")
        page.frame_eval("document.querySelector('button[aria-label=\"Edit route Large limit raises\"]').click(), true")
        page.wait_for_frame_text("Edit route", "Steps, in order")
        page.frame_eval("document.querySelector('button[aria-label=\"Move step 2 up\"]').click(), true")
        focused = page.frame_eval("document.activeElement.getAttribute('aria-label')")
        first = page.frame_eval("document.getElementById('steps.0.name').value")
        page.screenshot(shots / "approval-routes-editor.png")

        # then: the CFO step moved first and focus stayed on its move buttons
        assert "all of ceo@example.com, cfo@example.com" in text
        assert first == "CFO" and focused == "Move step 1 down"
    finally:
        harness.shutdown()
    print(f"\nscreenshots: {shots}")


# --- invoices, invoice detail, payment terms, the company's Invoicing tab ---------------------------

def _invoiced_order(installation, *, tx: str, order_number: str, lines: tuple, net: str, tax: str, gross: str,
                    days_ago: int = 0):
    """Authorize and bind a confirmed order with lines, then invoice it (as at confirmation),
    issued ``days_ago`` days ago: its due date follows from the channel's terms."""
    transaction = _authorize(installation, tx=tx, amount=gross, po=f"PO-{order_number}")
    order_bind(installation=installation, order=OrderSnapshot(
        order_id=f"T3JkZXI6{order_number}", number=order_number, status="UNFULFILLED", currency="USD",
        total_net=net, total_tax=tax, total_gross=gross, channel_slug="default-channel",
        user_email="buyer@acme.example", transaction_ids=(tx,), lines=lines,
        billing_address={"streetAddress1": "Industriestraße 7", "city": "Köln", "postalCode": "50667", "country": "DE"}))
    transaction.refresh_from_db()
    return invoice_issue_for_order(transaction=transaction,
                                   issue_date=timezone.localdate() - dt.timedelta(days=days_ago))


def test_invoices_invoice_detail_and_payment_terms_in_a_dashboard_iframe(live_server, fake_saleor, installation,
                                                                         company_factory, member_factory, chrome,
                                                                         shots):
    # given: "2/10 Net 30" as the channel's terms; three invoices — one overdue with a credit note,
    # one partly paid, one voided
    payment_terms_create(installation=installation, name="2/10 Net 30", code="2-10-net-30",
                         definition={"kind": "net", "days": 30, "discount": {"percent": "2", "days": 10}},
                         channel_slug="default-channel", is_channel_default=True)
    acme = company_factory(installation=installation, legal_name="Acme Industrial Supply", tax_id="136695976",
                           tax_id_country="DE", billing_contact_name="Dana Ledger", billing_contact_email="ap@acme.example",
                           erp_customer_number="C-1001", limit=Money.of("50000", "USD"))
    member_factory(company=acme, value=BUYER_USER_ID)
    drills = _invoiced_order(installation, tx="VHJhbnNhY3Rpb246MQ==", order_number="1001", net="200.00", tax="38.00",
                             gross="238.00", lines=(OrderLine("Cordless drill 18V", "DRL-18", 2, "100.00", "119.00", "0.19"),),
                             days_ago=42)
    gloves = _invoiced_order(installation, tx="VHJhbnNhY3Rpb246Mg==", order_number="1002", net="125.00", tax="0.00",
                             gross="125.00", lines=(OrderLine("Safety gloves (pair)", "GLV-9", 10, "12.50", "12.50", "0.0"),))
    wrong = _invoiced_order(installation, tx="VHJhbnNhY3Rpb246Mw==", order_number="1003", net="40.00", tax="0.00",
                            gross="40.00", lines=(OrderLine("Cable ties", "CT-100", 4, "10.00", "10.00", "0.0"),))
    credit_note_issue(invoice=drills, reason="One drill arrived damaged", amount=Money.of("20.00", "USD"))
    payment_record(company=acme, money=Money.of("50.00", "USD"), received_on=timezone.localdate(), reference="BANK-77",
                   allocations=[(gloves.receivable, Money.of("50.00", "USD"))], recorded_by="staff@example.com")
    invoice_void(invoice=wrong, reason="Ordered twice")
    query = (f"?domain=shop.saleor.test&saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F"
             f"&id={fake_saleor.app_id}&theme=light&locale=en-US")
    token = fake_saleor.dashboard_token(expires_in=600)
    harness = dashboard_harness(app_url=live_server.url + "/app/invoices" + query, token=token)
    page = Page(chrome)

    try:
        # when: the merchant opens Invoices
        page.navigate(f"http://127.0.0.1:{harness.server_port}/")
        listed = page.wait_for_frame_text(drills.number, gloves.number, wrong.number, "Overdue", "$238.00")
        page.screenshot(shots / "invoices.png")

        # then: status pills, the overdue row, open amounts from the ledger, documents and actions
        for expected in ("Partly paid", "Void", "Ordered twice", "Credit note", "Credits " + drills.number,
                         "12 days overdue", "$218.00", "$75.00", "$20.00", "Order #1001", "PO-1001", "Factur-X", "UBL"):
            assert expected in listed, expected
        assert page.frame_eval("document.querySelectorAll('#nt-invoices tr.is-overdue').length") == 1
        assert page.frame_eval("document.querySelectorAll('#nt-invoices a[href*=\"/documents/\"]').length") == 15
        assert page.frame_eval("document.querySelectorAll('#nt-invoices button').length") == 4  # 2 issued invoices

        # when: filtered to credit notes
        page.frame_eval("(() => { const s = document.getElementById('f-kind'); s.value = 'CREDIT_NOTE';"
                        " s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()")
        page.frame_eval("new Promise(r => setTimeout(() => r(true), 600))")
        rows = page.frame_eval("Array.from(document.querySelectorAll('#nt-invoices tr td:first-child a'))"
                               ".map(a => a.textContent).join(' ')")

        # then
        assert rows.count("CN-") == 2 and "INV-" not in rows

        # when: the overdue invoice's page
        page.navigate(f"http://127.0.0.1:{harness.server_port}/?app="
                      f"{quote(f'/app/invoices/{drills.pk}' + query, safe='')}")
        detail = page.wait_for_frame_text("Invoice " + drills.number, "Cordless drill 18V", "Tax breakdown",
                                          "Payment schedule", "Remittance", "Credit notes")
        page.screenshot(shots / "invoice-detail.png")
        page.frame_eval("document.getElementById('nt-credits-card').scrollIntoView(), true")
        page.screenshot(shots / "invoice-detail-credit-notes.png")

        # then: lines, taxes, totals, schedule with the discount, the RF reference, the credit note
        for expected in ("DRL-18", "$100.00", "$200.00", "$38.00", "19 %", "Standard rate", "2/10 Net 30",
                         "Early-payment discount: 2 % ($4.76)", "Payment in full", "Open (ledger)", "$218.00",
                         "One drill arrived damaged", "Acme Industrial Supply", "Tax ID DE136695976", "Köln",
                         "PO-1001", "#1001"):
            assert expected in detail, expected
        assert page.frame_eval("document.getElementById('nt-rf').textContent") == creditor_reference_for(series_id=drills.series_id, period=drills.period,
                                                                                                  sequence=drills.sequence)

        # when: a credit note for 18.00 from the header, with the keyboard-reachable dialog
        page.frame_eval("Array.from(document.querySelectorAll('#nt-invoice-actions button'))"
                        ".find(b => b.textContent === 'Credit note').click(), true")
        opened = page.frame_eval("document.getElementById('nt-credit-dialog').open && document.activeElement.id")
        page.frame_eval("(() => { const f = document.getElementById('nt-credit-form'); f.amount.value = '18.00';"
                        " f.reason.value = 'Late delivery'; f.requestSubmit(); return true; })()")
        credited = page.wait_for_frame_text("Credit note CN-", "issued against " + drills.number, "Late delivery")

        # then
        assert opened == "cn-mode-amount"
        assert "$200.00" in credited  # open: 238.00 − 20.00 − 18.00

        # when: the payment terms page, creating Net 45 with a monthly late fee through the form
        page.navigate(f"http://127.0.0.1:{harness.server_port}/?app={quote('/app/terms' + query, safe='')}")
        page.wait_for_frame_text("Payment terms", "2/10 Net 30", "Channel default")
        page.frame_eval("document.getElementById('nt-template-new').click(), true")
        page.frame_eval("(() => { const f = document.getElementById('nt-template-form');"
                        " f.name.value = 'Net 45, late fee'; f.name.dispatchEvent(new Event('input', {bubbles: true}));"
                        " f.days.value = '45'; f.days.dispatchEvent(new Event('input', {bubbles: true}));"
                        " f.lateFee.click(); return true; })()")
        preview = page.frame_eval("JSON.parse(document.getElementById('t-definition').value)")
        page.screenshot(shots / "terms-form.png")
        page.frame_eval("document.getElementById('nt-template-form').requestSubmit(), true")
        terms = page.wait_for_frame_text("Created net-45-late-fee", "1.5% per month")
        page.screenshot(shots / "terms.png")

        # then: the form wrote the engine's definition, and the API accepted it
        assert preview == {"version": 1, "kind": "net", "days": 45,
                           "late_fee": {"period": "month", "grace_days": 0, "percent": "1.5"}}
        assert "Net 45" in terms

        # when: the company's Invoicing tab, choosing the new template and "at confirmation"
        page.navigate(f"http://127.0.0.1:{harness.server_port}/?app="
                      f"{quote(f'/app/companies/{acme.pk}' + query + '#invoicing', safe='')}")
        page.wait_for_frame_text("How this company is invoiced", drills.number, "Save invoicing settings")
        page.frame_eval("(() => { const f = document.getElementById('inv-settings-form');"
                        " f.policy.value = 'AT_CONFIRMATION'; f.termsTemplateCode.value = 'net-45-late-fee';"
                        " f.language.value = 'de_DE'; f.requestSubmit(); return true; })()")
        saved = page.wait_for_frame_text("Saved: When the order is confirmed, Net 45")
        page.screenshot(shots / "company-invoicing.png")

        # then
        assert "$75.00" in saved and "Overdue" in saved
    finally:
        harness.shutdown()
    print(f"\nscreenshots: {shots}")


def test_saleor_sync_shows_a_blocked_chain_and_its_cause_and_skips_it_in_a_dashboard_iframe(
        live_server, fake_saleor, installation, chrome, shots):
    from tests.saleor_double import transaction_event_report_answer

    # given: Saleor refuses a CHARGE_SUCCESS; the CHARGE_REQUEST for the rest waits behind it
    answers = [transaction_event_report_answer(errors=[
        {"field": "amount", "code": "INCORRECT_DETAILS", "message": "Amount exceeds the authorized amount."}])]
    fake_saleor.answer("TransactionEventReport",
                       lambda variables: answers.pop(0) if answers else transaction_event_report_answer())
    for key, event, psp in (("charge", "CHARGE_SUCCESS", "inv-7-p1"), ("rest", "CHARGE_REQUEST", "inv-7-2")):
        outbox_enqueue(installation=installation, kind="saleor.transaction_event_report", payload={
            "transaction_id": "VHJhbnNhY3Rpb25JdGVtOjc=", "type": event, "psp_reference": psp, "amount": "250.00",
            "currency": "USD", "message": "Payment received.", "available_actions": ["REFUND"]},
            dedupe_key=key, ordering_key="transaction:VHJhbnNhY3Rpb25JdGVtOjc=")
    outbox_deliver_due()
    query = (f"?domain=shop.saleor.test&saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F"
             f"&id={fake_saleor.app_id}&theme=light&locale=en-US")
    harness = dashboard_harness(app_url=live_server.url + "/app/sync" + query,
                                token=fake_saleor.dashboard_token(expires_in=600))
    page = Page(chrome)

    try:
        # when: the merchant opens Saleor sync
        page.navigate(f"http://127.0.0.1:{harness.server_port}/")
        shown = page.wait_for_frame_text("Failed reports (1, holding back 1)", "inv-7-p1", "inv-7-2")
        page.screenshot(shots / "sync.png")

        # then: the refused report with Saleor's cause, the held-back one pointing at it
        assert "Amount exceeds the authorized amount." in shown and "INCORRECT_DETAILS" not in shown
        assert "Waits for the failed report above (charge succeeded, report" in shown
        assert page.frame_eval("document.querySelectorAll('#nt-failed tr.is-blocked').length") == 1
        assert page.frame_eval("document.querySelectorAll('#nt-failed button').length") == 2

        # when: Skip, with a reason in the dialog
        page.frame_eval("Array.from(document.querySelectorAll('#nt-failed button'))"
                        ".find(b => b.textContent === 'Skip').click(), true")
        opened = page.frame_eval("document.getElementById('nt-skip-dialog').open && document.activeElement.id")
        page.frame_eval("(() => { const f = document.getElementById('nt-skip-form');"
                        " f.reason.value = 'Charged by hand in Saleor'; f.requestSubmit(); return true; })()")
        done = page.wait_for_frame_text("is skipped")
        page.screenshot(shots / "sync-skipped.png")
    finally:
        harness.shutdown()

    # then: skipped and audited; the held-back report goes out at the next tick
    assert opened == "f-skipReason"
    assert "Skipped" in done
    outbox_deliver_due()
    assert list(OutboxMessage.objects.order_by("id").values_list("status", flat=True)) == ["skipped", "delivered"]
    entry = AuditEntry.objects.get(action="outbox.skipped")
    assert (entry.actor, entry.reason) == ("admin@example.com", "Charged by hand in Saleor")
    assert [c.variables["type"] for c in fake_saleor.calls_for("TransactionEventReport")] == [
        "CHARGE_SUCCESS", "CHARGE_REQUEST"]
