"""Property-based run of the ERP API against its committed OpenAPI document (schemathesis): any
request the document allows — and the malformed ones schemathesis derives — gets an answer
below 500, with a status code the document lists and a body that matches its schema (the error
model with `errors[]` included). Runs in-process through Django's WSGI app on the test database."""
import json
import uuid
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from saleor_netterms.companies.services import company_create, credit_limit_set
from saleor_netterms.core.money import Money
from saleor_netterms.erp.models import SCOPES
from saleor_netterms.erp.services import api_key_create, masters_set

DOCUMENT = Path(__file__).resolve().parents[2] / "saleor_netterms" / "erp_api" / "openapi.json"
schema = schemathesis.openapi.from_dict(json.loads(DOCUMENT.read_text()))
schema.app = get_wsgi_application()


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: the WSGI app must not close the test transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def erp_world(credit_installation, keep_test_connection):
    """A key with every scope, a company C-1 with a limit, and the ERP master of everything."""
    masters_set(installation=credit_installation, actor="test", credit_limits="erp", invoices="erp", open_items="erp")
    company = company_create(installation=credit_installation, legal_name="Acme", erp_customer_number="C-1")
    credit_limit_set(company=company, amount=Money.of("1000", "EUR"))
    _, raw = api_key_create(installation=credit_installation, name="fuzz", scopes=list(SCOPES), actor="test",
                            rate_limit_per_minute=100_000)
    return raw


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_erp_api_fail_with_a_5xx(case, erp_world):
    # when
    response = case.call(headers={"Authorization": f"Bearer {erp_world}", "Idempotency-Key": uuid.uuid4().hex})

    # then
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance, response_schema_conformance])
