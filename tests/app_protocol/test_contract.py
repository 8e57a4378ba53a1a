"""Contract: every GraphQL document we send or subscribe with validates against the pinned Saleor
schema (FACTS.md §10), subscriptions obey Saleor's extra rules, the manifest's required version
is honest, and the test double's payload builders have the shape of the subscriptions."""
import re
from decimal import Decimal
from pathlib import Path

import pytest
from graphql import (FieldNode, InlineFragmentNode, OperationDefinitionNode, OperationType,
                     TypeInfo, TypeInfoVisitor, Visitor, get_named_type, parse, validate, visit)

from saleor_netterms.saleor_webhooks.manifest import REQUIRED_SALEOR_VERSION
from saleor_netterms.saleor_api.documents import GRAPHQL_DIR, document_get, document_paths
from saleor_netterms.saleor_webhooks.registry import WEBHOOKS
from tests.saleor_double import FakeSaleor, PayloadBuilder, saleor_schema

ALL_DOCUMENTS = sorted(GRAPHQL_DIR.rglob("*.graphql"))
ADDED_IN = re.compile(r"Added in Saleor (\d+)\.(\d+)")


@pytest.fixture(scope="module")
def schema():
    return saleor_schema()


def _id(path: Path) -> str:
    return path.relative_to(GRAPHQL_DIR).as_posix()


def test_documents_exist_for_every_registry_entry_and_outbound_use():
    # then
    assert {_id(p) for p in ALL_DOCUMENTS} >= {
        "queries/app_id.graphql", "queries/channels.graphql",
        "mutations/transaction_event_report.graphql", "mutations/order_note_add.graphql",
        *(f"subscriptions/{d.event.lower()}.graphql" for d in WEBHOOKS)}


@pytest.mark.needs_schema
@pytest.mark.parametrize("path", ALL_DOCUMENTS, ids=_id)
def test_document_validates_against_pinned_saleor_schema(schema, path):
    # when
    errors = validate(schema, parse(path.read_text()))

    # then
    assert [e.message for e in errors] == []


def _subscription_event_fragments(document) -> tuple[list[FieldNode], list[str]]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert len(operations) == 1
    assert operations[0].operation == OperationType.SUBSCRIPTION
    top = operations[0].selection_set.selections
    fragments = [s.type_condition.name.value for s in top[0].selection_set.selections
                 if isinstance(s, InlineFragmentNode)] if top else []
    return list(top), fragments


@pytest.mark.parametrize("definition", WEBHOOKS, ids=lambda d: d.event)
def test_subscription_obeys_saleor_rules_and_matches_registry_event(definition):
    # given: saleor/graphql/webhook/subscription_query.py: one subscription, one top-level field,
    # an event type inferable from an inline fragment (FACTS.md §10)
    document = parse(definition.query)

    # when
    top, fragments = _subscription_event_fragments(document)

    # then
    assert [f.name.value for f in top] == ["event"]
    expected_type = "".join(part.capitalize() for part in definition.event.split("_"))
    assert fragments == [expected_type]


@pytest.mark.needs_schema
@pytest.mark.parametrize("definition", WEBHOOKS, ids=lambda d: d.event)
def test_subscription_fragment_type_is_an_event_of_the_schema(schema, definition):
    # given
    _, fragments = _subscription_event_fragments(parse(definition.query))

    # then
    event_interface = schema.get_type("Event")
    assert schema.is_sub_type(event_interface, schema.get_type(fragments[0]))


@pytest.mark.needs_schema
def test_served_manifest_webhook_queries_validate(client, schema):
    # when
    manifest = client.get("/api/manifest").json()

    # then
    for webhook in manifest["webhooks"]:
        assert [e.message for e in validate(schema, parse(webhook["query"]))] == [], webhook["name"]
    permissions = set(manifest["permissions"])
    for extension in manifest["extensions"]:
        assert set(extension["permissions"]) <= permissions  # manifest_validations.py#L177-197
    enum = schema.get_type("PermissionEnum")
    assert permissions <= set(enum.values)


def _newest_field_version(schema, text: str) -> tuple[tuple[int, int], set[str]]:
    info, found = TypeInfo(schema), []

    def note(description, label):
        match = ADDED_IN.search(description or "")
        if match:
            found.append(((int(match[1]), int(match[2])), label))

    class Collect(Visitor):
        def enter_field(self, node, *_):
            field_def, parent = info.get_field_def(), info.get_parent_type()
            if field_def:
                note(field_def.description, f"{parent.name}.{node.name.value}")
                named = get_named_type(field_def.type)
                note(named.description, f"type {named.name}")

        def enter_argument(self, node, *_):
            argument = info.get_argument()
            if argument:
                note(argument.description, f"argument {node.name.value}")

    visit(parse(text), TypeInfoVisitor(info, Collect()))
    if not found:
        return (3, 20), set()
    newest = max(v for v, _ in found)
    return newest, {label for v, label in found if v == newest}


@pytest.mark.needs_schema
def test_required_saleor_version_is_the_newest_field_we_use(schema):
    # given
    lower = tuple(int(x) for x in re.match(r">=(\d+)\.(\d+) <4$", REQUIRED_SALEOR_VERSION).groups())

    # when
    per_document = {_id(p): _newest_field_version(schema, p.read_text()) for p in ALL_DOCUMENTS}
    newest = max(v for v, _ in per_document.values())

    # then
    assert newest == lower == (3, 23)
    forcing = set().union(*(labels for v, labels in per_document.values() if v == newest))
    assert forcing == {"User.customerType", "type CustomerType"}


def test_documents_are_loaded_by_path_or_operation_name():
    # then
    assert document_get("TransactionEventReport").name == "mutations/transaction_event_report"
    assert document_get("mutations/transaction_event_report").operation_type == "mutation"
    assert document_get("AppId").text == (GRAPHQL_DIR / "queries/app_id.graphql").read_text()
    assert [p.parent.name for p in document_paths()] == sorted(p.parent.name for p in document_paths())


def _selection_shape(selection_set, typename: str | None = None) -> dict:
    shape: dict = {}
    for node in selection_set.selections:
        if isinstance(node, InlineFragmentNode):
            if typename is None or node.type_condition.name.value == typename:
                shape.update(_selection_shape(node.selection_set))
            continue
        key = node.alias.value if node.alias else node.name.value
        shape[key] = node.selection_set
    return shape


def _mismatches(selection_set, value, path="") -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [m for i, item in enumerate(value) for m in _mismatches(selection_set, item, f"{path}[{i}]")]
    if not isinstance(value, dict):
        return [f"{path}: expected an object, got {value!r}"]
    shape = _selection_shape(selection_set, value.get("__typename"))
    problems = []
    if list(value) != list(shape):
        problems.append(f"{path or '<root>'}: keys {list(value)} != selection {list(shape)}")
    for key, child in shape.items():
        if child is not None and key in value and key != "data":
            problems += _mismatches(child, value[key], f"{path}.{key}")
    return problems


@pytest.mark.parametrize("definition", WEBHOOKS, ids=lambda d: d.event)
def test_payload_builder_has_the_shape_of_the_subscription(definition):
    # given
    event_selection = [s for s in parse(definition.query).definitions[0].selection_set.selections][0]

    # when
    payload = PayloadBuilder(recipient_id="QXBwOjI4").for_event(definition.event)

    # then
    assert _mismatches(event_selection.selection_set, payload) == []
    assert payload["recipient"] == {"id": "QXBwOjI4"}


def test_payload_builders_use_decimal_amounts_and_saleor_float_bodies(saleor_http):
    # given
    fake = FakeSaleor(mock=saleor_http)

    # when
    payload = fake.payloads.transaction_initialize_session(amount=Decimal("100.00"))
    from tests.saleor_double import saleor_body
    body = saleor_body(payload).decode()

    # then
    assert payload["action"]["amount"] == Decimal("100.00")
    assert '"action": {"amount": 100.0, "currency": "USD", "actionType": "AUTHORIZATION"}' in body
