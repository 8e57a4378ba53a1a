"""The ERP API's OpenAPI 3.1 document is committed and kept fresh (like the GraphQL SDL)."""
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from saleor_netterms.erp_api.api import openapi_document

COMMITTED = Path(__file__).resolve().parents[2] / "saleor_netterms" / "erp_api" / "openapi.json"


def test_the_committed_openapi_document_is_current():
    # then: run `python manage.py export_erp_openapi` after changing the API
    assert json.loads(COMMITTED.read_text()) == json.loads(json.dumps(openapi_document()))


def test_the_document_is_openapi_3_1_with_bearer_keys_and_idempotency_on_every_write():
    # given
    doc = json.loads(COMMITTED.read_text())

    # then
    assert doc["openapi"] == "3.1.0"
    assert doc["components"]["securitySchemes"] == {"ApiKeyAuth": {"type": "http", "scheme": "bearer",
                                                                   "bearerFormat": "ntk_…"}}
    writes = [(path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()
              if method in ("post", "put")]
    assert len(writes) == 9
    for path, method, op in writes:
        headers = [(p["name"], p["required"]) for p in op.get("parameters", []) if p["in"] == "header"]
        # a statement file is its own idempotency key (the same bytes again: the first import)
        assert headers == [("Idempotency-Key", path != "/erp/v1/bank-statements")], (path, method)
        assert {"401", "403", "409", "429"} <= set(op["responses"]), (path, method)


@pytest.mark.django_db
def test_a_refused_request_answers_the_documented_error_model_with_its_field_errors(erp):
    # given
    doc = json.loads(COMMITTED.read_text())
    error_schema = {**doc["components"]["schemas"]["Error"], "$defs": doc["components"]["schemas"]}
    error_schema = json.loads(json.dumps(error_schema).replace("#/components/schemas/", "#/$defs/"))

    # when
    response = erp("POST", "/payments", {"customerNumber": "C-1", "reference": "P-1", "amount": "1,00",
                                         "currency": "usd", "receivedOn": "2026-12-01",
                                         "allocations": [{"invoiceNumber": "INV-1", "amount": "x"}]})

    # then
    assert response.status_code == 400
    assert list(Draft202012Validator(error_schema).iter_errors(response.data)) == []
    assert response.data["code"] == "INVALID_REQUEST"
    assert [e["field"] for e in response.data["errors"]] == ["amount", "currency", "allocations.0.amount"]
    assert doc["paths"]["/erp/v1/payments"]["post"]["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}
