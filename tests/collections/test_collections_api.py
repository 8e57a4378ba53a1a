"""The collections API: the book with next actions, the ladder preview, the timeline, and the
mutations (coded errors, nothing written on a refusal, another installation's rows NOT_FOUND)."""
import datetime as dt
import json
from types import SimpleNamespace

import pytest

from saleor_netterms.api.schema import schema
from saleor_netterms.collections.models import DunningPolicy, DunningStep, PaymentPromise
from saleor_netterms.collections.services import collections_run
from tests.fixtures_credit import installation_make

from .conftest import STANDARD_LEVELS, at, invoice_make


def run(document, variables=None, *, installation):
    context = SimpleNamespace(dashboard_principal=SimpleNamespace(
        installation=installation, email="staff@merchant.example", user_id="VXNlcjoy",
        user_permissions=["HANDLE_PAYMENTS"]))
    result = schema.execute(document, variables=variables, context_value=context)
    assert result.errors is None, result.errors
    return result.data


BOOK = """query($asOf: DateTime) { collectionsBook(asOf: $asOf) { company { legalName } policy level daysOverdue overdue { amount currency }
  nextAction nextReason nextDate onHold openDisputes } }"""


@pytest.mark.django_db
def test_the_book_shows_level_next_action_and_date(acme, standard_policy):
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    collections_run(installation=acme.installation, now=at("2026-02-05"))

    rows = run(BOOK, {"asOf": at("2026-02-06").isoformat()}, installation=acme.installation)["collectionsBook"]

    assert rows == [{"company": {"legalName": "Acme Industrial Supply"}, "policy": "Standard", "level": 2,
                     "daysOverdue": 2, "overdue": [{"amount": "1000.00", "currency": "USD"}], "nextAction": "none",
                     "nextReason": "AT_LEVEL", "nextDate": "2026-02-12", "onHold": False, "openDisputes": 0}]


@pytest.mark.django_db
def test_save_a_ladder_then_preview_it_over_the_book(acme, credit_installation):
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    saved = run("""mutation($levels: String!) { dunningPolicySave(name: "Gentle", levels: $levels, isDefault: true,
        minGapDays: 5, timeZone: "Europe/Berlin", interest: "{\\"annual_percent\\": \\"12.62\\", \\"day_count\\": \\"act/365\\"}")
        { policy { name minGapDays timeZone levels interest } errors { code field message } } }""",
                {"levels": json.dumps(STANDARD_LEVELS[:2])}, installation=credit_installation)["dunningPolicySave"]
    assert saved["errors"] == []
    assert (saved["policy"]["name"], saved["policy"]["minGapDays"], saved["policy"]["timeZone"]) == (
        "Gentle", 5, "Europe/Berlin")
    assert [lv["offset_days"] for lv in json.loads(saved["policy"]["levels"])] == [-3, 1]
    assert json.loads(saved["policy"]["interest"]) == {"annual_percent": "12.62", "day_count": "act/365"}

    preview = run("""query($levels: String!, $asOf: DateTime) { collectionsPreview(levels: $levels, asOf: $asOf) {
        level nextAction nextReason } }""",
                  {"asOf": at("2026-02-06").isoformat(), "levels": json.dumps([{"name": "Only call", "offset_days": 0, "send_email": False,
                                          "task_assignee": "ar@merchant.example"}])},
                  installation=credit_installation)["collectionsPreview"]
    assert preview == [{"level": 0, "nextAction": "level 1: Only call", "nextReason": "DUE"}]
    assert DunningStep.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("levels", "code"), [
    ("[]", "LADDER_EMPTY"),
    (json.dumps([{"offset_days": 5}, {"offset_days": 2}]), "LEVEL_OFFSETS_NOT_INCREASING"),
    (json.dumps([{"offset_days": 1, "template": "rude"}]), "UNKNOWN_TEMPLATE"),
    (json.dumps([{"offset_days": 1, "hold_mode": "forever"}]), "HOLD_MODE_INVALID"),
    (json.dumps([{"offset_days": 1, "late_fee": {"period": "week", "percent": "1"}}]), "LATE_FEE_INVALID_PERIOD"),
    (json.dumps([{"offset_days": 1, "body_template": "{% if %}"}]), "TEMPLATE_INVALID"),
    ("not json", "INVALID_JSON"),
])
def test_a_bad_ladder_is_refused_with_a_code_and_nothing_is_written(credit_installation, levels, code):
    result = run("""mutation($levels: String!) { dunningPolicySave(name: "Bad", levels: $levels) {
        policy { id } errors { code } } }""", {"levels": levels}, installation=credit_installation)

    assert result["dunningPolicySave"] == {"policy": None, "errors": [{"code": code}]}
    assert DunningPolicy.objects.count() == 0


@pytest.mark.django_db
def test_a_promise_by_staff_and_the_timeline(acme, standard_policy):
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    today = dt.date.today()
    made = run("""mutation($c: ID!, $d: Date!) { paymentPromiseMake(companyId: $c, amount: "500.00", currency: "USD",
        promisedDate: $d, note: "CFO signs Friday") { promise { amount { amount } status madeBy } errors { code } } }""",
               {"c": str(acme.pk), "d": (today + dt.timedelta(days=5)).isoformat()},
               installation=acme.installation)["paymentPromiseMake"]
    assert made == {"promise": {"amount": {"amount": "500.00"}, "status": "open", "madeBy": "staff@merchant.example"},
                    "errors": []}
    again = run("""mutation($c: ID!, $d: Date!) { paymentPromiseMake(companyId: $c, amount: "1.00", currency: "USD",
        promisedDate: $d) { promise { id } errors { code } } }""",
                {"c": str(acme.pk), "d": today.isoformat()}, installation=acme.installation)["paymentPromiseMake"]
    assert again == {"promise": None, "errors": [{"code": "PROMISE_ALREADY_OPEN"}]}
    assert PaymentPromise.objects.count() == 1

    events = run("""query($c: ID!) { collectionsTimeline(companyId: $c) { kind summary actor } }""",
                 {"c": str(acme.pk)}, installation=acme.installation)["collectionsTimeline"]
    assert events[0]["kind"] == "promise"
    assert events[0]["summary"] == f"Promise to pay 500.00 USD by {today + dt.timedelta(days=5)} (open)"


@pytest.mark.django_db
def test_another_installations_company_is_not_found(acme, standard_policy):
    other = installation_make()
    result = run("""mutation($c: ID!) { statementSend(companyId: $c) { ok errors { code field } } }""",
                 {"c": str(acme.pk)}, installation=other)
    assert result["statementSend"] == {"ok": False, "errors": [{"code": "NOT_FOUND", "field": "companyId"}]}
    assert DunningStep.objects.count() == 0


@pytest.mark.django_db
def test_send_statement_in_one_click(acme, standard_policy):
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")

    result = run("""mutation($c: ID!) { statementSend(companyId: $c) { ok errors { code } } }""",
                 {"c": str(acme.pk)}, installation=acme.installation)

    assert result["statementSend"] == {"ok": True, "errors": []}
    step = DunningStep.objects.get(kind="statement")
    assert (step.detail["to"], step.detail["subject"], step.detail["statement"]) == (
        "ap@acme.example", "Statement of account", True)


@pytest.mark.django_db
def test_the_dry_run_mutation_writes_nothing(acme, standard_policy):
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    result = run("""mutation { collectionsRun(dryRun: true) { outcomes { company action steps { kind } } } }""",
                 installation=acme.installation)
    assert DunningStep.objects.count() == 0
    assert result["collectionsRun"]["outcomes"][0]["company"] == "Acme Industrial Supply"


@pytest.mark.django_db
def test_the_book_sorts_and_exports_as_csv(acme, standard_policy, company_factory):
    # given: Acme 32 days overdue, Bolt 5 days overdue
    bolt = company_factory(installation=acme.installation, legal_name="Bolt & Nut GmbH")
    invoice_make(acme, amount="1000.00", issue_date="2026-01-05")
    invoice_make(bolt, amount="250.00", issue_date="2026-02-01")
    as_of = at("2026-03-08").isoformat()
    sorted_book = """query($asOf: DateTime, $sort: String) { collectionsBook(asOf: $asOf, sort: $sort) {
      company { legalName } daysOverdue } }"""

    # when
    by_name = run(sorted_book, {"asOf": as_of, "sort": "COMPANY"}, installation=acme.installation)["collectionsBook"]
    least_first = run(sorted_book, {"asOf": as_of, "sort": "DAYS_OVERDUE"}, installation=acme.installation)["collectionsBook"]
    csv_text = run("""query($asOf: DateTime) { collectionsBookCsv(asOf: $asOf, sort: "-DAYS_OVERDUE", search: "acme") }""",
                   {"asOf": as_of}, installation=acme.installation)["collectionsBookCsv"]
    refused = schema.execute("""{ collectionsBook(sort: "MOOD") { level } }""", context_value=SimpleNamespace(
        dashboard_principal=SimpleNamespace(installation=acme.installation, email="s@m.example", user_id="x",
                                            user_permissions=[])))

    # then
    assert [r["company"]["legalName"] for r in by_name] == ["Acme Industrial Supply", "Bolt & Nut GmbH"]
    assert [r["company"]["legalName"] for r in least_first] == ["Bolt & Nut GmbH", "Acme Industrial Supply"]
    assert least_first[0]["daysOverdue"] < least_first[1]["daysOverdue"]
    header, *rows = csv_text.splitlines()
    assert header == ("Company,Dunning policy,Level,Level name,Days overdue,Oldest due,Overdue,Disputed,Fees open,"
                      "Next action,Next date,Promise,Open disputes,On hold,With the agency")
    assert len(rows) == 1 and rows[0].startswith("Acme Industrial Supply,Standard,")
    assert ",1000.00 USD," in rows[0]
    assert refused.errors[0].extensions == {"code": "INVALID_SORT", "field": "sort"}
