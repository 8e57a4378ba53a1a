"""The app pages render a shell only: nav, their script, no data. Everything a merchant sees comes
from /graphql/ in the browser, with the Dashboard token the page received by postMessage."""
import json
import re
from pathlib import Path

import pytest

import saleor_netterms.dashboard as dashboard
from saleor_netterms.api.schema import schema
from saleor_netterms.core.money import Money

STATIC = Path(dashboard.__file__).parent / "static" / "dashboard"
QUERY = "?saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F&id=QXBwOjI4&theme=light&locale=de"

NAV = [("Overview", "/app/"), ("Credit accounts", "/app/companies"), ("Reviews and approvals", "/app/reviews"),
       ("Payments", "/app/payments"), ("Bank reconciliation", "/app/reconciliation"), ("Ledger", "/app/ledger"), ("Saleor sync", "/app/sync"),
       ("Approval routes", "/app/approval-routes"), ("Policies", "/app/policies"),
       ("Invoices", "/app/invoices"), ("Collections", "/app/collections"), ("Payment terms", "/app/terms"),
       ("Seller profile", "/app/seller"), ("ERP", "/app/erp")]

PAGES = [
    ("/app/", "home.js", "Overview"),
    ("/app/companies", "companies.js", "Credit accounts"),
    ("/app/companies/42", "company.js", "Credit accounts"),
    ("/app/reviews", "reviews.js", "Reviews and approvals"),
    ("/app/payments", "payments.js", "Payments"),
    ("/app/ledger", "ledger.js", "Ledger"),
    ("/app/sync", "sync.js", "Saleor sync"),
    ("/app/approvals/7", "approval.js", "Reviews and approvals"),
    ("/app/policies", "policies.js", "Policies"),
    ("/app/approval-routes", "approval_routes.js", "Approval routes"),
    ("/app/invoices", "invoices.js", "Invoices"),
    ("/app/invoices/42", "invoice.js", "Invoices"),
    ("/app/terms", "terms.js", "Payment terms"),
    ("/app/reconciliation", "reconciliation.js", "Bank reconciliation"),
    ("/app/seller", "seller.js", "Seller profile"),
    ("/app/erp", "erp.js", "ERP"),
    ("/app/collections", "collections.js", "Collections"),
]


@pytest.mark.parametrize("path, script, active", PAGES)
def test_page_renders_its_script_and_the_nav(client, path, script, active):
    # when
    response = client.get(path + QUERY)

    # then
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("app-bridge.js", "api.js", "ui.js", script):
        assert f'src="/static/dashboard/{name}"' in html
    assert (html.index("dashboard/app-bridge.js") < html.index("dashboard/api.js") < html.index("dashboard/ui.js")
            < html.index(f"dashboard/{script}"))
    for label, href in NAV:
        assert re.search(rf'href="{re.escape(href)}" data-keep-query>{label}</a>', html), label
    assert re.search(rf'is-active" aria-current="page" href="[^"]+" data-keep-query>{active}</a>', html)
    assert '<a class="nt-skip" href="#nt-main">' in html


def test_the_approvals_list_is_the_one_review_queue_now(client):
    # when: an old link (bookmarks, e-mails) to the approvals list
    response = client.get("/app/approvals" + QUERY)
    html = client.get("/app/reviews" + QUERY).content.decode()

    # then: it lands on the review queue with its query; the nav has one entry for both
    assert response.status_code == 302
    assert response["Location"] == "/app/reviews" + QUERY
    assert 'data-keep-query>Approvals</a>' not in html and 'data-keep-query>Credit review</a>' not in html


@pytest.mark.parametrize("path", ["/app/companies/abc", "/app/companies/", "/app/companies/1/x", "/app/approvals/x"])
def test_company_page_needs_a_numeric_id(client, path):
    # when
    response = client.get(path)

    # then
    assert response.status_code == 404


def test_pages_refuse_post(client):
    # when
    statuses = {path: client.post(path).status_code for path, _, _ in PAGES}

    # then
    assert set(statuses.values()) == {405}


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p, _, _ in PAGES])
def test_pages_carry_no_data_and_no_secret(client, fake_saleor, installation, company_factory, path):
    # given: a company with a limit exists, and the request even carries a valid token
    company_factory(installation=installation, legal_name="Zyx Secret Holdings", erp_customer_number="ERP-7781",
                    limit=Money.of("12345.67", "USD"))
    token = fake_saleor.dashboard_token()

    # when
    response = client.get(path.replace("42", "1").replace("/7", "/1") + QUERY, headers={
        "authorization-bearer": token, "saleor-api-url": fake_saleor.api_url})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    for secret in ("Zyx Secret Holdings", "ERP-7781", "12345", token, token.split(".")[1],
                   fake_saleor.app_token, fake_saleor.kid, fake_saleor.api_url, "shop.saleor.test",
                   installation.app_id, "admin@example.com"):
        assert secret not in html, secret
    assert fake_saleor.calls == []  # rendering a page never calls Saleor
    assert "Set-Cookie" not in response


def test_theme_and_locale_come_from_the_dashboard_query(client):
    # when
    dark = client.get("/app/companies?theme=dark").content.decode()
    odd = client.get("/app/companies?theme=%22%3E%3Cscript%3E").content.decode()

    # then
    assert '<html lang="en" data-theme="dark">' in dark
    assert 'data-theme="light"' in odd and "<script>" not in odd.split("<body>")[0]


_STRING = r'"(?:[^"\\]|\\.)*"'
_CONSTANT = re.compile(r"var ([A-Z][A-Z0-9_]*) = ((?:" + _STRING + r"|[A-Z][A-Z0-9_]*|\s|\+)+);")


def _constants(script: str) -> dict[str, str]:
    """The string constants a page script defines, in order: `var NAME = "…" + OTHER + "…";` where
    OTHER is a constant defined before it (e.g. M = "amount currency" or a shared field list)."""
    text = (STATIC / script).read_text()
    constants: dict[str, str] = {}
    for match in _CONSTANT.finditer(text):
        parts = re.findall(_STRING + r"|[A-Z][A-Z0-9_]*", match.group(2))
        if any(not p.startswith('"') and p not in constants for p in parts):
            continue  # refers to something that is not a string constant
        constants[match.group(1)] = "".join(json.loads(p) if p.startswith('"') else constants[p] for p in parts)
    return constants


def _documents(script: str) -> list[str]:
    """The GraphQL documents a page script sends: its string constants that start an operation."""
    return [d for d in _constants(script).values() if d.lstrip().startswith(("query", "mutation"))]


def document_errors(script: str, expected: int) -> list[str]:
    """Validation errors of the script's documents against the app schema (and its count)."""
    from graphql import parse, validate

    documents = _documents(script)
    assert len(documents) == expected, [d.split("(")[0].split("{")[0] for d in documents]
    return [f"{d.splitlines()[0]}: {e.message}" for d in documents
            for e in validate(schema.graphql_schema, parse(d))]


@pytest.mark.parametrize("script, expected", [
    ("home.js", 2), ("companies.js", 3), ("company.js", 15), ("reviews.js", 2), ("sync.js", 3), ("ledger.js", 1),
    ("payments.js", 3), ("reconciliation.js", 11), ("approval.js", 4), ("policies.js", 8),
    ("approval_routes.js", 3), ("seller.js", 6),
    ("erp.js", 15),
    ("collections.js", 10),
    ("receivables.js", 4), ("company_receivables.js", 1), ("ui.js", 1),
    ("widget_order.js", 1), ("widget_customer.js", 1), ("receivables_digest.js", 2),
])
def test_page_documents_validate_against_the_app_schema(script, expected):
    # when
    errors = document_errors(script, expected)

    # then: every query and mutation the page sends exists in the API as it is now
    assert errors == []


def test_scripts_never_parse_amounts_into_floats():
    # given
    scripts = {p.name: p.read_text() for p in STATIC.glob("*.js")}

    # then: amounts stay strings (Intl formats the exact decimal; sums use BigInt)
    for name, text in scripts.items():
        for banned in ("parseFloat(", "Number(value.amount", ".toFixed(", "Number(a.amount"):
            assert banned not in text, (name, banned)
        assert "innerHTML" not in text, name  # textContent only: no markup from data
    assert "format(value.amount)" in scripts["ui.js"]


def test_api_client_sends_the_app_sdk_headers_and_refreshes_the_token():
    # given
    bridge = (STATIC / "app-bridge.js").read_text()
    api = (STATIC / "api.js").read_text()

    # then
    assert 'headers.set("authorization-bearer"' in bridge and 'headers.set("saleor-api-url"' in bridge
    assert 'var ENDPOINT = "/graphql/"' in api
    assert "TOKEN_EXPIRED: true, INVALID_TOKEN: true" in api
    assert "NT.requestToken(" in api
    assert "window.location.ancestorOrigins" in bridge  # the Dashboard's origin survives in-app links
