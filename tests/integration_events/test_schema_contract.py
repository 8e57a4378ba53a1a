"""The published event schemas are a contract: every type has a schema at its current version,
every schema is valid draft 2020-12, and no committed schema breaks what was published
(webhooks/published.lock.json). A breaking change must be a new version."""
import copy
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from jsonschema import Draft202012Validator

from saleor_netterms.integration_events import catalogue
from saleor_netterms.integration_events.compat import schema_breaking_changes

ROOT = Path(__file__).resolve().parents[2]
WEBHOOKS = ROOT / "webhooks"
LOCK = json.loads((WEBHOOKS / "published.lock.json").read_text())


def _schema(name: str) -> dict:
    return json.loads((WEBHOOKS / f"{name}.json").read_text())


def test_every_event_type_has_a_schema_at_its_current_version():
    # when
    missing = [catalogue.versioned(t) for t in catalogue.EVENT_TYPES
               if not (WEBHOOKS / f"{catalogue.versioned(t)}.json").exists()]

    # then
    assert missing == []
    assert len(catalogue.EVENT_TYPES) == 21  # 13 (with credit_limit.change_approved) + collections (dunning.*, account.hold_*, dispute.*)


@pytest.mark.parametrize("name", catalogue.schema_names() if WEBHOOKS.exists() else [])
def test_every_schema_is_valid_draft_2020_12_and_names_its_type(name):
    # given
    schema = _schema(name)

    # when / then
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:saleor-netterms:webhooks:{name}"
    assert schema["properties"]["type"] == {"const": name}


def test_no_committed_schema_breaks_its_published_version():
    # when
    problems = {name: schema_breaking_changes(published, _schema(name))
                for name, published in LOCK.items() if (WEBHOOKS / f"{name}.json").exists()}

    # then
    assert {name: p for name, p in problems.items() if p} == {}
    assert sorted(set(LOCK) - set(catalogue.schema_names())) == []  # no published version deleted


def test_every_committed_schema_is_published_as_it_is():
    # then: run `manage.py webhook_schemas_publish` after a compatible change or a new version
    assert {name: _schema(name) == LOCK.get(name) for name in catalogue.schema_names()} == \
        {name: True for name in catalogue.schema_names()}


def _invoice_issued() -> dict:
    return copy.deepcopy(LOCK["invoice.issued.v1"])


def test_removing_a_property_is_breaking():
    # given
    new = _invoice_issued()
    del new["$defs"]["invoiceDocument"]["properties"]["paymentReference"]
    new["$defs"]["invoiceDocument"]["required"].remove("paymentReference")

    # when
    problems = schema_breaking_changes(_invoice_issued(), new)

    # then
    assert problems == ["/data/invoice: no longer required ['paymentReference']",
                        "/data/invoice/paymentReference: removed"]


def test_changing_a_type_adding_an_enum_value_or_changing_a_pattern_is_breaking():
    # given
    new = _invoice_issued()
    new["$defs"]["invoiceDocument"]["properties"]["issueDate"] = {"type": "integer"}
    new["$defs"]["invoiceDocument"]["properties"]["kind"]["enum"].append("proforma")
    new["properties"]["id"]["pattern"] = "^.*$"

    # when
    problems = schema_breaking_changes(_invoice_issued(), new)

    # then
    assert problems == [
        "/id: pattern '^evt_[0-9a-f]{32}$' became '^.*$'",
        "/data/invoice/kind: enum gained ['proforma']",
        "/data/invoice/issueDate: type ['string'] became ['integer']",
        "/data/invoice/issueDate: format 'date' became None",
    ]


def test_nullable_where_it_was_not_or_loosened_oneof_is_breaking():
    # given
    new = _invoice_issued()
    new["$defs"]["invoiceDocument"]["properties"]["number"] = {"type": ["string", "null"]}
    new["$defs"]["invoiceDocument"]["properties"]["discount"] = {"oneOf": [{"type": "null"}, {"type": "string"}]}

    # when
    problems = schema_breaking_changes(_invoice_issued(), new)

    # then
    assert problems == ["/data/invoice/number: type ['string'] became ['null', 'string']",
                        "/data/invoice/discount: oneOf[1] matches no published branch"]


def test_adding_an_optional_property_or_a_description_is_compatible():
    # given
    new = _invoice_issued()
    new["$defs"]["invoiceDocument"]["properties"]["deliveryDate"] = {"type": ["string", "null"], "format": "date"}
    new["properties"]["data"]["description"] = "What was issued."

    # when / then
    assert schema_breaking_changes(_invoice_issued(), new) == []


def test_the_publish_command_refuses_a_breaking_change(tmp_path, settings):
    # given: a copy of the schemas where invoice.issued.v1 lost a required property
    for p in WEBHOOKS.glob("*.json"):
        (tmp_path / p.name).write_text(p.read_text())
    broken = _invoice_issued()
    del broken["properties"]["data"]["properties"]["documents"]
    broken["properties"]["data"]["required"].remove("documents")
    (tmp_path / "invoice.issued.v1.json").write_text(json.dumps(broken))
    settings.INTEGRATION_EVENTS_SCHEMA_DIR = str(tmp_path)
    catalogue.schema_load.cache_clear()
    lock_before = (tmp_path / "published.lock.json").read_text()

    # when
    with pytest.raises(CommandError) as exc:
        call_command("webhook_schemas_publish")

    # then
    assert "invoice.issued.v1 /data: no longer required ['documents']" in str(exc.value)
    assert "invoice.issued.v1 /data/documents: removed" in str(exc.value)
    assert (tmp_path / "published.lock.json").read_text() == lock_before
    catalogue.schema_load.cache_clear()
    catalogue.validator_for.cache_clear()


def test_the_publish_command_records_a_new_version(tmp_path, settings):
    # given
    for p in WEBHOOKS.glob("*.json"):
        (tmp_path / p.name).write_text(p.read_text())
    v3 = _invoice_issued()
    v3["properties"]["type"] = {"const": "invoice.issued.v3"}
    del v3["properties"]["data"]["properties"]["documents"]
    (tmp_path / "invoice.issued.v3.json").write_text(json.dumps(v3))
    settings.INTEGRATION_EVENTS_SCHEMA_DIR = str(tmp_path)
    catalogue.schema_load.cache_clear()

    # when
    call_command("webhook_schemas_publish")

    # then
    lock = json.loads((tmp_path / "published.lock.json").read_text())
    assert sorted(lock) == sorted([*LOCK, "invoice.issued.v3"])
    assert lock["invoice.issued.v3"] == v3
    catalogue.schema_load.cache_clear()
    catalogue.validator_for.cache_clear()


def test_invoice_issued_v2_had_to_be_a_new_version():
    # when: v2 (ERP-issued invoices have no Factur-X or UBL of the app) compared with v1
    problems = schema_breaking_changes(LOCK["invoice.issued.v1"], LOCK["invoice.issued.v2"])

    # then: dropping them from `required` breaks v1 receivers, so v1 stays published next to v2
    assert problems == ["/type: const 'invoice.issued.v1' became 'invoice.issued.v2'",
                        "/data/documents: no longer required ['facturx', 'ubl']"]
    assert LOCK["invoice.issued.v2"]["properties"]["data"]["properties"]["issuedBy"]["enum"] == ["app", "erp"]
    assert "issuedBy" in LOCK["invoice.issued.v2"]["properties"]["data"]["required"]
