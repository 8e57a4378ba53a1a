"""API keys (scopes, revocation, last use) and Stripe-style idempotency (rate limits: test_rate_limit.py)."""
import datetime as dt

import pytest
from django.utils import timezone

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.companies.models import Company
from saleor_netterms.erp.models import ErpApiKey, IdempotencyRecord
from saleor_netterms.erp.services import api_key_revoke
from saleor_netterms.erp.models import SCOPES

ACME = {"legalName": "Acme Industrial Supply", "billingContact": {"email": "ap@acme.example"}, "defaultTermsDays": 45}


@pytest.mark.django_db
def test_a_key_is_stored_hashed_with_a_visible_prefix_and_its_last_use(erp, erp_key):
    # given
    raw = erp_key(scopes=["companies:write"])

    # when
    response = erp("PUT", "/companies/C-1000", ACME, key=raw)

    # then
    assert response.status_code == 201
    key = ErpApiKey.objects.get()
    assert (key.prefix, key.scopes) == (raw[:12], ["companies:write"])
    assert raw not in (key.key_hash, key.prefix) and len(key.key_hash) == 64
    assert key.last_used_at is not None
    assert response["X-RateLimit-Limit"] == "120"


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "Bearer", "Bearer ntk_wrong", "Basic abc", "Bearer " + "x" * 40])
def test_without_a_valid_key_nothing_is_written(client, header):
    # when
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.put("/erp/v1/companies/C-1", ACME, content_type="application/json",
                          HTTP_IDEMPOTENCY_KEY="k1", **extra)

    # then
    assert response.status_code == 401
    assert response.json()["code"] == "API_KEY_INVALID"
    assert Company.objects.count() == 0


@pytest.mark.django_db
def test_a_revoked_key_is_refused(erp, erp_key):
    # given
    raw = erp_key()
    api_key_revoke(api_key=ErpApiKey.objects.get(), actor="staff@shop.example")

    # when
    response = erp("PUT", "/companies/C-1000", ACME, key=raw)

    # then
    assert (response.status_code, response.data["code"]) == (401, "API_KEY_REVOKED")
    assert Company.objects.count() == 0
    assert AuditEntry.objects.filter(action="erp_api_key.revoke", actor="staff@shop.example").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("method,path,body,scope", [
    ("PUT", "/companies/C-1", ACME, "companies:write"),
    ("PUT", "/companies/C-1/credit-limits/EUR", {"amount": "1000"}, "limits:write"),
    ("POST", "/companies/C-1/hold", {"reason": "x"}, "limits:write"),
    ("POST", "/payments", {"customerNumber": "C-1", "reference": "P1", "amount": "1", "currency": "EUR",
                           "receivedOn": "2026-12-01"}, "payments:write"),
    ("POST", "/invoices", {"number": "RE-1", "orderId": "T3JkZXI6MQ==", "issueDate": "2026-12-01",
                           "dueDate": "2026-12-31", "currency": "EUR", "totalNet": "1", "totalTax": "0",
                           "totalGross": "1", "pdfUrl": "https://erp.example.com/1.pdf"}, "invoices:write"),
    ("GET", "/events", None, "events:read"),
])
def test_a_key_without_the_scope_is_refused_and_nothing_written(erp, erp_key, method, path, body, scope):
    # given: a key with every scope but this one
    raw = erp_key(scopes=[s for s in SCOPES if s != scope])

    # when
    response = erp(method, path, body, key=raw)

    # then
    assert response.status_code == 403
    assert response.data == {"code": "API_KEY_SCOPE_MISSING",
                             "message": f"The API key {raw[:12]}… lacks the scope {scope}."}
    assert Company.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db
def test_the_same_key_and_request_answer_the_first_answer_and_write_once(erp):
    # when
    first = erp("PUT", "/companies/C-1000", ACME, idem="sync-4711")
    second = erp("PUT", "/companies/C-1000", ACME, idem="sync-4711")

    # then
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.data == first.data
    assert second["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Company.objects.count() == 1
    assert AuditEntry.objects.filter(action="company.create").count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_request_is_a_coded_conflict(erp):
    # given
    erp("PUT", "/companies/C-1000", ACME, idem="sync-4711")

    # when
    other = erp("PUT", "/companies/C-1000", {**ACME, "legalName": "Acme Inc."}, idem="sync-4711")

    # then
    assert other.status_code == 409
    assert other.data["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert Company.objects.get().legal_name == "Acme Industrial Supply"


@pytest.mark.django_db
def test_an_expired_key_runs_the_request_again(erp):
    # given
    erp("PUT", "/companies/C-1000", ACME, idem="sync-4711")
    IdempotencyRecord.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    # when
    again = erp("PUT", "/companies/C-1000", {**ACME, "legalName": "Acme Inc."}, idem="sync-4711")

    # then
    assert again.status_code == 200  # updated: a new request, not a replay
    assert again.data["legalName"] == "Acme Inc."
    assert IdempotencyRecord.objects.get().expires_at > timezone.now() + dt.timedelta(hours=23)


@pytest.mark.django_db
def test_a_coded_refusal_is_the_stored_answer_too(erp):
    # when: no such company yet
    first = erp("POST", "/companies/C-404/hold", {"reason": "Dunning"}, idem="h1")
    second = erp("POST", "/companies/C-404/hold", {"reason": "Dunning"}, idem="h1")

    # then
    assert (first.status_code, first.data["code"]) == (404, "COMPANY_NOT_FOUND")
    assert (second.status_code, second.data, second["Idempotent-Replayed"]) == (404, first.data, "true")


@pytest.mark.django_db
def test_a_write_without_an_idempotency_key_is_refused(erp):
    # when
    response = erp("PUT", "/companies/C-1000", ACME, idem=None)

    # then
    assert (response.status_code, response.data["code"]) == (400, "IDEMPOTENCY_KEY_REQUIRED")
    assert Company.objects.count() == 0


@pytest.mark.django_db
def test_bad_input_is_a_coded_400_and_writes_nothing(erp):
    # when
    response = erp("PUT", "/companies/C-1000", {"legalName": "", "defaultTermsDays": -1, "extra": 1})

    # then
    assert response.status_code == 400
    assert response.data["code"] == "INVALID_REQUEST"
    assert {e["field"] for e in response.data["errors"]} == {"legalName", "defaultTermsDays", "extra"}
    assert Company.objects.count() == 0
