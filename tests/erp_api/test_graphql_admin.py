"""ERP API keys and masters managed in the app's GraphQL API (the Dashboard's ERP page)."""
import pytest

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.companies.models import CreditLimit
from saleor_netterms.erp.models import ErpApiKey
from tests.api.conftest import gql, gql_raw  # noqa: F401 - fixtures

CREATE = """mutation($scopes: [String!]!) { erpApiKeyCreate(name: "SAP", scopes: $scopes, rateLimitPerMinute: 60) {
  key apiKey { id prefix scopes rateLimitPerMinute isActive lastUsedAt } errors { code field } } }"""


@pytest.mark.django_db
def test_a_key_is_shown_once_listed_by_prefix_and_revocable(gql, client):
    # when
    created = gql(CREATE, {"scopes": ["events:read", "payments:write"]})["erpApiKeyCreate"]
    listed = gql("{ erpApiKeys { prefix scopes isActive } }")["erpApiKeys"]
    revoked = gql("""mutation($id: ID!) { erpApiKeyRevoke(id: $id) { apiKey { isActive revokedAt } errors { code } } }""",
                  {"id": created["apiKey"]["id"]})["erpApiKeyRevoke"]
    after = client.get("/erp/v1/events", HTTP_AUTHORIZATION=f"Bearer {created['key']}")

    # then
    assert created["errors"] == []
    assert created["key"].startswith("ntk_") and created["apiKey"]["prefix"] == created["key"][:12]
    assert created["apiKey"]["scopes"] == ["events:read", "payments:write"]
    assert listed == [{"prefix": created["key"][:12], "scopes": ["events:read", "payments:write"], "isActive": True}]
    assert revoked["apiKey"]["isActive"] is False and revoked["errors"] == []
    assert (after.status_code, after.json()["code"]) == (401, "API_KEY_REVOKED")
    assert list(AuditEntry.objects.values_list("action", "actor")) == [
        ("erp_api_key.create", "staff@example.com"), ("erp_api_key.revoke", "staff@example.com")]


@pytest.mark.django_db
def test_unknown_scopes_are_refused_and_no_key_made(gql):
    # when
    answer = gql(CREATE, {"scopes": ["everything"]})["erpApiKeyCreate"]

    # then
    assert (answer["key"], answer["errors"]) == (None, [{"code": "API_KEY_SCOPES_INVALID", "field": "scopes"}])
    assert ErpApiKey.objects.count() == 0


@pytest.mark.django_db
def test_masters_are_set_with_their_consequences_and_staff_cannot_change_erp_limits(gql, company):
    # when
    saved = gql("""mutation { erpMastersSet(creditLimits: "erp", openItems: "erp") { masters { creditLimits invoices
        openItems consequences { subject master consequence } } errors { code } } }""")["erpMastersSet"]
    refused = gql("""mutation($id: ID!) { creditLimitSet(companyId: $id, amount: "1.00", currency: "USD") {
        errors { code field } } }""", {"id": str(company.pk)})["creditLimitSet"]
    bad = gql("""mutation { erpMastersSet(invoices: "sap") { errors { code } } }""")["erpMastersSet"]

    # then
    masters = saved["masters"]
    assert (masters["creditLimits"], masters["invoices"], masters["openItems"]) == ("erp", "app", "erp")
    assert [(c["subject"], c["master"]) for c in masters["consequences"]] == [
        ("credit_limits", "erp"), ("invoices", "app"), ("open_items", "erp")]
    assert masters["consequences"][2]["consequence"].startswith("Exposure is the open items the ERP pushes")
    assert refused["errors"] == [{"code": "CREDIT_LIMITS_MASTER_IS_ERP", "field": "amount"}]
    assert CreditLimit.objects.get().amount == 10000
    assert bad["errors"] == [{"code": "MASTER_INVALID"}]
    assert AuditEntry.objects.filter(action="masters.set").count() == 1


@pytest.mark.django_db
def test_the_accountant_maps_accounts_and_downloads_the_exports_through_the_api(gql, gql_raw):
    # when
    mapped = gql("""mutation { accountingAccountMappingSet(mapping: [{accountKind: "sales", glAccount: "8400"}]) {
        mapping { accountKind glAccount } errors { code } } }""")["accountingAccountMappingSet"]
    journal = gql("""{ accountingJournalCsv(since: "2026-01-01", until: "2026-12-31") }""")["accountingJournalCsv"]
    items = gql("{ accountingOpenItemsCsv }")["accountingOpenItemsCsv"]
    too_long = gql_raw("""{ accountingJournalCsv(since: "2024-01-01", until: "2026-12-31") }""")

    # then
    assert mapped["errors"] == []
    assert {"accountKind": "sales", "glAccount": "8400"} in mapped["mapping"]
    assert {"accountKind": "cash", "glAccount": "cash"} in mapped["mapping"]  # unmapped kinds keep their name
    assert journal.startswith("posting_id,date,posting_kind,document,")
    assert items.splitlines() == ["customer_number,customer,document,reference,issue_date,due_date,days_overdue,"
                                  "currency,amount,open"]
    assert too_long.errors[0].extensions["code"] == "PERIOD_TOO_LONG"
