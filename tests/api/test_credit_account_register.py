"""The credit accounts register (api/registers.py): one row per company and currency with limit,
exposure, available, utilisation and what is overdue; sorted and filtered in SQL, counted, as CSV."""
import datetime as dt

import pytest
from django.utils import timezone

from saleor_netterms.companies.services import company_status_set, credit_limit_set
from saleor_netterms.core.money import Money
from tests.api.conftest import authorize, invoice, usd

REGISTER = """query R($sort: String, $status: CompanyStatus, $currency: String, $overdueOnly: Boolean,
    $search: String, $first: Int, $offset: Int) {
  creditAccountRegister(sort: $sort, status: $status, currency: $currency, overdueOnly: $overdueOnly,
      search: $search, first: $first, offset: $offset) {
    totalCount items { company { legalName } currency limit { amount } exposure { amount } available { amount }
      utilisationPermille overdue { amount } overdueCount oldestOverdueDueDate oldestOverdueDays } } }"""
CSV = """query C($sort: String, $overdueOnly: Boolean) { creditAccountRegisterCsv(sort: $sort, overdueOnly: $overdueOnly) }"""


@pytest.fixture
def book(credit_installation, buyer, company_factory):
    """Acme: 10,000 USD limit, 1,200.00 overdue by 15 days and 800.00 not yet due, 300.00 held;
    a EUR limit too. Bolt: 5,000 USD, on hold, nothing owed. Cobalt: no limit."""
    invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001", days_ago=45)
    invoice(credit_installation, tx="tx-2", amount="400.00", order_number="1002", days_ago=40)
    invoice(credit_installation, tx="tx-3", amount="400.00", order_number="1003", days_ago=31)
    invoice(credit_installation, tx="tx-4", amount="400.00", order_number="1004")
    invoice(credit_installation, tx="tx-5", amount="400.00", order_number="1005")
    authorize(credit_installation, tx="tx-6", amount="300.00")
    credit_limit_set(company=buyer, amount=Money.of("2000", "EUR"))
    bolt = company_factory(installation=credit_installation, legal_name="Bolt & Nut GmbH", limit=usd("5000"))
    company_status_set(company=bolt, status="on_hold", reason="Cheque bounced")
    company_factory(installation=credit_installation, legal_name="Cobalt Tools Ltd", limit=None)
    return buyer


def _rows(data):
    return [(i["company"]["legalName"], i["currency"]) for i in data["creditAccountRegister"]["items"]]


@pytest.mark.django_db
def test_every_account_newest_first_with_utilisation_and_overdue(gql, book):
    # when
    data = gql(REGISTER)

    # then: one row per company and currency, the newest company first
    page = data["creditAccountRegister"]
    assert page["totalCount"] == 4
    assert _rows(data) == [("Cobalt Tools Ltd", None), ("Bolt & Nut GmbH", "USD"),
                           ("Acme Industrial Supply", "USD"), ("Acme Industrial Supply", "EUR")]
    oldest = timezone.localdate() - dt.timedelta(days=45) + dt.timedelta(days=30)
    assert page["items"][2] == {
        "company": {"legalName": "Acme Industrial Supply"}, "currency": "USD", "limit": {"amount": "10000.00"},
        "exposure": {"amount": "2300.00"}, "available": {"amount": "7700.00"}, "utilisationPermille": 230,
        "overdue": {"amount": "1200.00"}, "overdueCount": 3,
        "oldestOverdueDueDate": oldest.isoformat(), "oldestOverdueDays": 15}
    assert page["items"][0] == {
        "company": {"legalName": "Cobalt Tools Ltd"}, "currency": None, "limit": None, "exposure": None,
        "available": None, "utilisationPermille": None, "overdue": None, "overdueCount": 0,
        "oldestOverdueDueDate": None, "oldestOverdueDays": None}
    assert page["items"][3]["exposure"] == {"amount": "0.00"} and page["items"][3]["utilisationPermille"] == 0


@pytest.mark.django_db
def test_sorted_filtered_counted_and_exported(gql, gql_raw, book, other_installation, company_factory):
    # given: a company of another Saleor is never listed
    company_factory(installation=other_installation, legal_name="Elsewhere Inc", limit=usd("1"))

    # when
    by_utilisation = gql(REGISTER, {"sort": "-UTILISATION", "currency": "usd"})
    overdue = gql(REGISTER, {"overdueOnly": True})
    on_hold = gql(REGISTER, {"status": "ON_HOLD"})
    searched = gql(REGISTER, {"search": "c-1001", "first": 1, "offset": 1})
    by_oldest = gql(REGISTER, {"sort": "OLDEST_OVERDUE", "overdueOnly": True})
    csv_text = gql(CSV, {"overdueOnly": True})["creditAccountRegisterCsv"]
    refused = gql_raw(REGISTER, {"sort": "SIZE"})

    # then
    assert _rows(by_utilisation) == [("Acme Industrial Supply", "USD"), ("Bolt & Nut GmbH", "USD")]
    assert [i["utilisationPermille"] for i in by_utilisation["creditAccountRegister"]["items"]] == [230, 0]
    assert _rows(overdue) == [("Acme Industrial Supply", "USD")] == _rows(by_oldest)
    assert _rows(on_hold) == [("Bolt & Nut GmbH", "USD")]
    assert searched["creditAccountRegister"]["totalCount"] == 2 and _rows(searched) == [("Acme Industrial Supply", "EUR")]
    oldest = timezone.localdate() - dt.timedelta(days=15)
    assert csv_text.splitlines() == [
        "Company,ERP customer number,Status,Terms (days),Currency,Limit,Exposure,Available,Utilisation %,Overdue,"
        "Overdue invoices,Oldest overdue due,Days past due",
        f"Acme Industrial Supply,C-1001,Active,30,USD,10000.00,2300.00,7700.00,23.0,1200.00,3,{oldest.isoformat()},15"]
    assert refused.data is None or refused.data.get("creditAccountRegister") is None
    assert refused.errors[0].extensions == {"code": "INVALID_SORT", "field": "sort"}
