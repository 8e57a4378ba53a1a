"""The receivables figures through the merchant GraphQL API and their CSV/XLSX exports (the
hand-checked book of conftest.py; the figures themselves are proven in test_selectors.py)."""
import base64
import csv
import io

from openpyxl import load_workbook

from saleor_netterms.api.schema import schema
from saleor_netterms.companies.services import company_update
from tests.api.conftest import principal_context


AGEING = """query($asOf: Date, $groupBy: AgeingGrouping, $currency: String, $bounds: [Int!], $companyId: ID) {
  receivablesAgeing(asOf: $asOf, groupBy: $groupBy, currency: $currency, bounds: $bounds, companyId: $companyId) {
    asOf basis groupBy buckets
    rows { key label companyId currency buckets { amount currency } disputed { amount } overdue { amount }
           total { amount } unappliedCredit { amount } net { amount } invoices }
  }
}"""


def run(book, document, variables=None, installation=None):
    return schema.execute(document, variables=variables or {},
                          context_value=principal_context(installation or book.installation))


def data(book, document, variables=None):
    result = run(book, document, variables)
    assert result.errors is None, result.errors
    return result.data


def test_ageing_query(hand_book):
    body = data(hand_book, AGEING, {"asOf": "2026-06-30", "currency": "USD"})["receivablesAgeing"]
    assert body["buckets"] == ["current", "1–30", "31–60", "61–90", "90+"]
    assert (body["asOf"], body["basis"], body["groupBy"]) == ("2026-06-30", "DUE", "TOTAL")
    assert body["rows"] == [{
        "key": "", "label": "Total", "companyId": None, "currency": "USD",
        "buckets": [{"amount": a, "currency": "USD"} for a in ("300.00", "1600.00", "700.00", "0.00", "800.00")],
        "disputed": {"amount": "100.00"}, "overdue": {"amount": "3100.00"}, "total": {"amount": "3500.00"},
        "unappliedCredit": {"amount": "250.00"}, "net": {"amount": "3250.00"}, "invoices": 5}]


def test_ageing_per_company_one_page_largest_first_and_how_many_owe(hand_book):
    query = """query($first: Int, $offset: Int) {
      receivablesAgeing(asOf: "2026-06-30", groupBy: COMPANY, first: $first, offset: $offset) {
        owingRows rows { label currency total { amount } unappliedCredit { amount } } } }"""
    first = data(hand_book, query, {"first": 2})["receivablesAgeing"]
    assert first == {"owingRows": 3, "rows": [
        {"label": "Alpha Tools", "currency": "USD", "total": {"amount": "2300.00"}, "unappliedCredit": {"amount": "0.00"}},
        {"label": "Euro Maschinen", "currency": "EUR", "total": {"amount": "1300.00"}, "unappliedCredit": {"amount": "0.00"}}]}
    second = data(hand_book, query, {"first": 2, "offset": 2})["receivablesAgeing"]
    assert second == {"owingRows": 3, "rows": [
        {"label": "Beta Build", "currency": "USD", "total": {"amount": "1200.00"}, "unappliedCredit": {"amount": "250.00"}}]}
    assert data(hand_book, query, {"first": 2, "offset": 9})["receivablesAgeing"] == {"owingRows": 3, "rows": []}
    whole = data(hand_book, query)["receivablesAgeing"]
    assert whole["owingRows"] == 3 and [r["label"] for r in whole["rows"]] == ["Alpha Tools", "Euro Maschinen", "Beta Build"]


def test_open_items_drill_down_and_company_filter(hand_book):
    query = """query($companyId: ID, $bucket: Int) {
      receivablesOpenItems(asOf: "2026-06-30", companyId: $companyId, bucket: $bucket) {
        reference companyName daysPastDue bucket open { amount } disputed { amount } dueDate } }"""
    items = data(hand_book, query, {"companyId": str(hand_book.alpha.pk), "bucket": 4})["receivablesOpenItems"]
    assert items == [{"reference": hand_book.r["A1"].reference, "companyName": "Alpha Tools", "daysPastDue": 91,
                      "bucket": 4, "open": {"amount": "800.00"}, "disputed": {"amount": "0.00"},
                      "dueDate": "2026-03-31"}]


def test_open_item_page_counts_sorts_and_pages(hand_book):
    query = """query($sort: String, $first: Int, $offset: Int) {
      receivablesOpenItemPage(asOf: "2026-06-30", sort: $sort, first: $first, offset: $offset) {
        totalCount items { companyName open { amount } dueDate } } }"""
    everything = data(hand_book, query, {})["receivablesOpenItemPage"]
    largest = data(hand_book, query, {"sort": "-OPEN", "first": 2})["receivablesOpenItemPage"]
    second = data(hand_book, query, {"sort": "-OPEN", "first": 2, "offset": 1})["receivablesOpenItemPage"]
    overdue = data(hand_book, """{ receivablesOpenItemPage(asOf: "2026-06-30", overdueOnly: true, first: 1) {
      totalCount items { dueDate } } }""")["receivablesOpenItemPage"]

    def row(name, amount, due):
        return {"companyName": name, "open": {"amount": amount}, "dueDate": due}

    assert everything == {"totalCount": 7, "items": [  # oldest due first by default
        row("Alpha Tools", "800.00", "2026-03-31"), row("Euro Maschinen", "400.00", "2026-04-14"),
        row("Alpha Tools", "700.00", "2026-05-01"), row("Alpha Tools", "500.00", "2026-05-31"),
        row("Beta Build", "1200.00", "2026-06-09"), row("Euro Maschinen", "900.00", "2026-07-01"),
        row("Alpha Tools", "300.00", "2026-07-15")]}
    assert largest == {"totalCount": 7, "items": [row("Beta Build", "1200.00", "2026-06-09"),
                                                   row("Euro Maschinen", "900.00", "2026-07-01")]}
    assert second == {"totalCount": 7, "items": [row("Euro Maschinen", "900.00", "2026-07-01"),
                                                  row("Alpha Tools", "800.00", "2026-03-31")]}
    # past due on 30 June (this filter failed before: the invoice's own due_date made the column ambiguous)
    assert overdue == {"totalCount": 5, "items": [{"dueDate": "2026-03-31"}]}


def test_monthly_utilisation_risk_forecast_days_late(hand_book):
    body = data(hand_book, """{
      receivablesMonthly(asOf: "2026-06-30", months: 4, currency: "USD") {
        currency months { month sales { amount } receivablesEnd { amount } dsoCountBack dsoSimple dsoBestPossible cei } }
      receivablesUtilisation(nearLimitPercent: "20") { rows { companyName percent exposure { amount } }
        histogram { label count } nearLimit { companyName } nearLimitPercent }
      receivablesAtRisk(asOf: "2026-06-30") { shareOver90 { currency percent } over90 { companyName amount { amount } } }
      receivablesCashForecast(asOf: "2026-06-30", currency: "USD") {
        currency overdue { amount } later { amount } weeks { start end expected { amount } } }
      receivablesDaysLate(asOf: "2026-06-30") { companyName currency days }
    }""")
    june = body["receivablesMonthly"][0]["months"][-1]
    assert june == {"month": "2026-06", "sales": {"amount": "300.00"}, "receivablesEnd": {"amount": "3500.00"},
                    "dsoCountBack": "77.67", "dsoSimple": "350.00", "dsoBestPossible": "30.00", "cei": "38.46"}
    assert body["receivablesMonthly"][0]["months"][0]["cei"] is None
    utilisation = body["receivablesUtilisation"]
    assert [u["companyName"] for u in utilisation["nearLimit"]] == ["Beta Build"]  # 1200 of 5000 = 24 %
    assert utilisation["rows"][0] == {"companyName": "Beta Build", "percent": "24.00", "exposure": {"amount": "1200.00"}}
    assert {b["label"]: b["count"] for b in utilisation["histogram"]}["10–20%"] == 2
    assert body["receivablesAtRisk"]["shareOver90"] == [{"currency": "EUR", "percent": "0.00"},
                                                         {"currency": "USD", "percent": "22.86"}]
    forecast = body["receivablesCashForecast"][0]
    assert (forecast["overdue"], forecast["later"]) == ({"amount": "1900.00"}, {"amount": "0.00"})
    assert forecast["weeks"][1] == {"start": "2026-07-07", "end": "2026-07-13", "expected": {"amount": "1200.00"}}
    assert len(forecast["weeks"]) == 12
    assert body["receivablesDaysLate"] == [{"companyName": "Alpha Tools", "currency": "USD", "days": "15.00"},
                                           {"companyName": "Beta Build", "currency": "USD", "days": "30.00"}]


def test_csv_and_xlsx_export_of_every_table(hand_book):
    query = """query($table: ReceivablesTable!, $format: ExportFormat) {
      receivablesExport(table: $table, format: $format, asOf: "2026-06-30") { filename contentType encoding content rows } }"""
    ageing = data(hand_book, query, {"table": "AGEING"})["receivablesExport"]
    assert ageing["filename"] == "receivables-ageing-2026-06-30.csv"
    rows = list(csv.reader(io.StringIO(ageing["content"])))
    assert rows[0] == ["group", "currency", "current", "1–30", "31–60", "61–90", "90+", "disputed", "total",
                       "unapplied credit", "invoices"]
    assert ["Alpha Tools", "USD", "300.00", "400.00", "700.00", "0.00", "800.00", "100.00", "2300.00",
            "0.00", "4"] in rows
    for table in ("OPEN_ITEMS", "MONTHLY", "UTILISATION", "AT_RISK", "CASH_FORECAST", "DAYS_LATE"):
        export = data(hand_book, query, {"table": table})["receivablesExport"]
        assert export["rows"] > 0 and export["content"].count("\r\n") == export["rows"] + 1, table

    xlsx = data(hand_book, query, {"table": "OPEN_ITEMS", "format": "XLSX"})["receivablesExport"]
    assert xlsx["encoding"] == "base64" and xlsx["filename"].endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(base64.b64decode(xlsx["content"]))).active
    values = list(sheet.values)
    assert values[0][:4] == ("invoice", "reference", "order", "company")
    assert len(values) == xlsx["rows"] + 1 == 8  # A1 A2 A3 A4 B2 E1 E2
    assert values[1][3] == "Alpha Tools" and str(values[1][11]) == "800"  # a number cell (800.00)


def test_export_neutralises_formula_cells(hand_book):
    company_update(company=hand_book.alpha, legal_name="=HYPERLINK(\"x\")")
    export = data(hand_book, """{ receivablesExport(table: AGEING, asOf: "2026-06-30") { content } }""")
    assert "'=HYPERLINK" in export["receivablesExport"]["content"]


def test_refusals_are_coded(hand_book, other_installation):
    cases = [
        ("""{ receivablesAgeing(bounds: [30, 10]) { asOf } }""", "INVALID_BUCKETS"),
        ("""{ receivablesAgeing(currency: "XXQ") { asOf } }""", "INVALID_CURRENCY"),
        ("""{ receivablesMonthly(months: 0) { currency } }""", "INVALID_MONTHS"),
        ("""{ receivablesOpenItems(bucket: 9) { reference } }""", "INVALID_BUCKET"),
        ("""{ receivablesOpenItems(first: 500) { reference } }""", "INVALID_PAGINATION"),
        ("""{ receivablesAgeing(groupBy: COMPANY, first: 0) { owingRows } }""", "INVALID_PAGINATION"),
        ("""{ receivablesAgeing(groupBy: COMPANY, first: 10, offset: -1) { owingRows } }""", "INVALID_PAGINATION"),
        ("""{ receivablesOpenItemPage(sort: "AGE") { totalCount } }""", "INVALID_SORT"),
        ("""{ receivablesOpenItemPage(offset: -1) { totalCount } }""", "INVALID_PAGINATION"),
        ("""{ receivablesUtilisation(nearLimitPercent: "NaN") { nearLimitPercent } }""", "INVALID_PERCENT"),
        (f"""{{ receivablesAgeing(companyId: "{hand_book.alpha.pk}") {{ asOf }} }}""", "NOT_FOUND"),
    ]
    for document, code in cases:
        installation = other_installation if code == "NOT_FOUND" else hand_book.installation
        result = run(hand_book, document, installation=installation)
        assert result.errors and result.errors[0].extensions["code"] == code, (document, result.errors)


def test_another_installation_sees_nothing(hand_book, other_installation):
    result = run(hand_book, AGEING, {"asOf": "2026-06-30"}, installation=other_installation)
    assert result.errors is None and result.data["receivablesAgeing"]["rows"] == []


def test_per_company_dso_count_back(hand_book):
    # Alpha as of 06-30: 2,300 open (A1 800, A2 500, A3 300, A4 700); back through June's 300 (30 days),
    # May's 500 (31), April's 700 (30) leaves 800 of March's 1,000 → 30 + 31 + 30 + 31 × 0.8 = 115.80
    body = data(hand_book, """query($companyId: ID) {
      receivablesMonthly(asOf: "2026-06-30", months: 1, companyId: $companyId) {
        currency months { month receivablesEnd { amount } dsoCountBack } } }""",
                {"companyId": str(hand_book.alpha.pk)})["receivablesMonthly"]
    assert body == [{"currency": "USD", "months": [
        {"month": "2026-06", "receivablesEnd": {"amount": "2300.00"}, "dsoCountBack": "115.80"}]}]
