"""Money on the wire is always ``{amount: String!, currency: String!}`` with the exact decimal
string; the schema has no Float anywhere."""
import datetime as dt
import re

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, get_named_type

from saleor_netterms.api.schema import schema
from saleor_netterms.companies.models import Company
from saleor_netterms.workflows.payments import payment_record
from tests.api.conftest import authorize, dead_report, invoice, usd

EXACT_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]+)?")

EVERYTHING = """
query Everything($id: ID!) {
  company(id: $id) {
    limits { amount currency }
    creditSummary(currency: "USD") {
      limit { amount currency } holds { amount currency } receivables { amount currency }
      creditBalance { amount currency } exposure { amount currency } available { amount currency }
    }
    members { spendingLimit { amount currency } }
    ledger { amount { amount currency } legs { amount { amount currency } } }
    receivables { amount { amount currency } openAmount { amount currency } }
    payments {
      amount { amount currency } unallocatedAmount { amount currency }
      allocations { amount { amount currency } receivable { openAmount { amount currency } } }
    }
    transactions { amount { amount currency } held { amount currency } }
  }
  reviewQueue {
    limit { amount currency } exposure { amount currency } available { amount currency }
    openReceivables { amount currency } overdueReceivables { amount currency }
  }
  failedSaleorReports { amount { amount currency } }
  trialBalance(currency: "USD") {
    debits { amount currency } credits { amount currency } difference { amount currency }
    rows { debits { amount currency } credits { amount currency } balance { amount currency } }
  }
}
"""


def money_values(node) -> list:
    """Every ``{amount, currency}`` object in a response, depth first."""
    found = []
    if isinstance(node, dict):
        if set(node) == {"amount", "currency"}:
            found.append(node)
        for value in node.values():
            found += money_values(value)
    elif isinstance(node, list):
        for value in node:
            found += money_values(value)
    return found


def test_the_schema_has_no_float_field_or_argument():
    # given
    floats = []

    # when
    for name, graphql_type in schema.graphql_schema.type_map.items():
        if name.startswith("__") or not isinstance(graphql_type, (GraphQLObjectType, GraphQLInputObjectType)):
            continue
        for field_name, field in graphql_type.fields.items():
            if get_named_type(field.type).name == "Float":
                floats.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if get_named_type(arg.type).name == "Float":
                    floats.append(f"{name}.{field_name}({arg_name})")

    # then
    assert floats == []
    assert str(schema.graphql_schema.type_map["Money"].fields["amount"].type) == "String!"


@pytest.mark.django_db
def test_every_amount_in_a_response_is_an_exact_decimal_string(gql, credit_installation, buyer):
    # given
    receivable = invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001", days_ago=40)
    authorize(credit_installation, tx="tx-2", amount="750.00")
    payment_record(company=buyer, money=usd("450.10"), received_on=dt.date(2025, 3, 1), reference="BANK-1",
                   allocations=[(receivable, usd("400.00"))])
    dead_report(credit_installation, dedupe_key="test:dead-report")

    # when
    data = gql(EVERYTHING, {"id": str(Company.objects.get().pk)})

    # then
    amounts = money_values(data)
    assert len(amounts) == 60
    assert [value for value in amounts
            if not (isinstance(value["amount"], str) and EXACT_AMOUNT.fullmatch(value["amount"])
                    and value["currency"] == "USD")] == []
    assert sorted({value["amount"] for value in amounts}, key=float) == [
        "0.00", "50.10", "250.00", "400.00", "450.10", "500.00", "750.00", "1150.00", "2400.10", "9250.00",
        "10000.00"]
    assert data["company"]["payments"][0]["unallocatedAmount"] == {"amount": "50.10", "currency": "USD"}
