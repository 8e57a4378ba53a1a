"""The app publishes the event schemas at stable URLs."""
import json
from pathlib import Path

import pytest

WEBHOOKS = Path(__file__).resolve().parents[2] / "webhooks"


@pytest.mark.django_db
def test_the_schema_index_lists_every_type_with_its_url(client):
    # when
    response = client.get("/webhooks/schemas/")

    # then
    assert response.status_code == 200
    types = {t["type"]: t for t in response.json()["types"]}
    assert len(types) == 21  # 13 (with credit_limit.change_approved) + collections (dunning.*, account.hold_*, dispute.*)
    assert types["invoice.issued"] == {
        "type": "invoice.issued", "version": 2, "versionedType": "invoice.issued.v2", "subject": "invoice",
        "summary": "An invoice was issued by the app (the frozen snapshot, due dates, RF reference, documents) or by "
                   "the ERP (issuedBy says which).",
        "schemaUrl": "http://127.0.0.1:8000/webhooks/schemas/invoice.issued.v2.json",
        "versions": ["invoice.issued.v1", "invoice.issued.v2"]}  # v1 stays published


@pytest.mark.django_db
def test_a_schema_is_served_as_committed(client):
    # when
    response = client.get("/webhooks/schemas/payment.applied.v1.json")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert json.loads(response.content) == json.loads((WEBHOOKS / "payment.applied.v1.json").read_text())


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["payment.applied.v9", "published.lock", "..%2Fsetup.cfg", "README"])
def test_an_unknown_schema_is_404(client, name):
    # when
    response = client.get(f"/webhooks/schemas/{name}.json")

    # then
    assert response.status_code == 404
