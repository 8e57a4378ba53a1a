"""The ERP API's OpenAPI 3.1 document is committed and kept fresh (like the GraphQL SDL)."""
import json
from pathlib import Path

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
    assert len(writes) == 8
    for path, method, op in writes:
        headers = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
        assert headers == ["Idempotency-Key"], (path, method)
        assert {"401", "403", "409", "429"} <= set(op["responses"]), (path, method)
