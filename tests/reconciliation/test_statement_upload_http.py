"""Statement files over HTTP, as the Dashboard page and a bank connector send them: the file itself
as the body (or a multipart `file` part), not base64 inside GraphQL — a month's camt.053 is larger
than the GraphQL API's 256 KiB body cap. `POST /graphql/statements` (Dashboard token) and
`POST /erp/v1/bank-statements` (ERP key with statements:write) run the one statement import."""
from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from saleor_netterms.payments.models import Payment
from saleor_netterms.reconciliation.models import BankLine, IncomingPayment, StatementFile
from tests.fixtures_credit import ledger_counts
from tests.fixtures_saleor import dashboard_headers
from tests.reconciliation.camt_files import Ntry, Tx, camt
from tests.reconciliation.conftest import (MERCHANT_IBAN, TODAY, bank_account, invoice_for,  # noqa: F401
                                           open_amount, rf, usd)
from tests.invoicing.conftest import acme, held_order  # noqa: F401
from tests.erp_api.conftest import erp, erp_key  # noqa: F401

pytestmark = pytest.mark.django_db
ENTRIES = 700  # about 600 KiB: more than twice the GraphQL API's cap


@pytest.fixture
def saleor(credit_saleor):
    return credit_saleor


def month_statement(invoice, *, entries: int = ENTRIES, statement_id: str = "S-NOV") -> bytes:
    """One transfer paying the invoice by its RF reference, and `entries - 1` others from strangers
    with the long remittance texts banks carry."""
    lines = [Ntry(amount="120.00", ref="B-0", booked=TODAY().isoformat(),
                  txs=[Tx(debtor="Acme Supplies Ltd", debtor_iban="GB33BUKB20201555555555", scor=rf(invoice))])]
    lines += [Ntry(amount=f"{10 + n % 90}.{n % 100:02d}", ref=f"B-{n}", booked=TODAY().isoformat(),
                   txs=[Tx(debtor=f"Stranger {n} GmbH", debtor_iban="DE02120300000000202051",
                           ustrd=[f"Payment {n} for services rendered in November, thank you " * 8][:1])])
              for n in range(1, entries)]
    return camt(iban=MERCHANT_IBAN, entries=lines, statement_id=statement_id, day=TODAY().isoformat())


def dashboard_upload(client, saleor, content: bytes, *, query: str = "?filename=november.xml", multipart=False):
    headers = dashboard_headers(saleor)
    if multipart:
        return client.post("/graphql/statements" + query, {"file": SimpleUploadedFile("nov.xml", content)},
                           headers=headers)
    return client.post("/graphql/statements" + query, data=content, content_type="application/xml", headers=headers)


def test_the_dashboard_uploads_a_month_of_camt_053_and_the_same_file_again_changes_nothing(
        client, saleor, acme, bank_account, invoice_for):
    # given: a statement of 700 entries, one of them paying the invoice
    invoice = invoice_for(acme, "120.00")
    content = month_statement(invoice)
    assert len(content) > 2 * 256 * 1024

    # when
    first = dashboard_upload(client, saleor, content)
    lines_after_first = BankLine.objects.count()
    again = dashboard_upload(client, saleor, content)
    as_form = dashboard_upload(client, saleor, content, multipart=True)

    # then
    assert first.status_code == 201
    body = first.json()
    record = StatementFile.objects.get()
    assert body == {"file": {"id": record.pk, "filename": "november.xml", "status": "imported",
                             "sha256": record.sha256},
                    "replayed": False, "linesNew": ENTRIES, "linesKnown": 0, "matched": 1, "suggested": 0,
                    "unmatched": ENTRIES - 1, "duplicates": 0}
    assert record.uploaded_by == "admin@example.com"
    assert (again.status_code, again.json()["replayed"]) == (200, True)
    assert (as_form.status_code, as_form.json()["replayed"]) == (200, True)
    assert BankLine.objects.count() == lines_after_first == ENTRIES
    assert Payment.objects.count() == 1
    assert open_amount(invoice) == usd("0")


def test_the_graphql_api_would_refuse_that_file_for_its_size(client, saleor, acme, bank_account, invoice_for):
    # given
    content = month_statement(invoice_for(acme, "120.00"))

    # when: the same file as base64 in the statementUpload mutation
    response = client.post("/graphql/", data=json.dumps({"query": "mutation($c: String!) { statementUpload("
                                                                  "contentBase64: $c, filename: \"x.xml\") { replayed } }",
                                                         "variables": {"c": "A" * (len(content) * 4 // 3)}}),
                           content_type="application/json", headers=dashboard_headers(saleor))

    # then
    assert response.status_code == 413
    assert StatementFile.objects.count() == 0


def test_a_broken_file_is_refused_with_where_and_only_its_record_is_kept(client, saleor, acme, bank_account,
                                                                           invoice_for):
    # given
    content = month_statement(invoice_for(acme, "120.00"), entries=3)[:-40]
    before = ledger_counts()

    # when
    response = dashboard_upload(client, saleor, content, query="?filename=cut.xml")

    # then
    assert response.status_code == 400
    error = response.json()["error"]
    record = StatementFile.objects.get()
    assert (error["code"], error["file"], record.status, record.error_code) == (
        "STATEMENT_XML_INVALID", record.pk, "refused", "STATEMENT_XML_INVALID")
    assert error["line"] is not None
    assert (BankLine.objects.count(), IncomingPayment.objects.count(), ledger_counts()) == (0, 0, before)


@pytest.mark.parametrize(("query", "body", "headers", "status", "code"), [
    ("", b"<x/>", {}, 401, None),
    ("?filename=a.xml", b"", "dashboard", 400, "FILE_REQUIRED"),
    ("?bankAccountId=999999", b"a;b\n", "dashboard", 400, "NOT_FOUND"),
    ("?filename=a%00.xml", b"<x/>", "dashboard", 400, "INVALID_TEXT"),
    ("?filename=a%0A.xml", b"<x/>", "dashboard", 400, "INVALID_TEXT"),
])
def test_refused_dashboard_uploads_are_coded_and_write_nothing(client, saleor, bank_account, query, body, headers,
                                                               status, code):
    # when
    response = client.post("/graphql/statements" + query, data=body, content_type="application/xml",
                           headers=dashboard_headers(saleor) if headers == "dashboard" else headers)

    # then
    assert response.status_code == status
    if code:
        assert response.json()["error"]["code"] == code
    assert StatementFile.objects.count() == 0


def test_a_get_is_not_an_upload(client, saleor):
    assert client.get("/graphql/statements", headers=dashboard_headers(saleor)).status_code == 405


@override_settings(REQUEST_MAX_BYTES={"/graphql/statements": 1024})
def test_a_file_over_the_cap_is_refused_before_it_is_read(client, saleor, bank_account):
    # when
    response = client.post("/graphql/statements", data=b"x" * 2048, content_type="application/xml",
                           headers=dashboard_headers(saleor))

    # then
    assert response.status_code == 413
    assert StatementFile.objects.count() == 0


# --- the ERP API -----------------------------------------------------------------------------------

def erp_upload(client, key: str, content: bytes, query: str = "?filename=nov.xml", *, idem: str | None = None):
    headers = {"Authorization": f"Bearer {key}"}
    if idem:
        headers["Idempotency-Key"] = idem
    response = client.post("/erp/v1/bank-statements" + query, data=content, content_type="application/xml",
                           headers=headers)
    response.data = response.json()
    return response


def test_a_bank_connector_posts_the_statement_and_posting_it_twice_imports_it_once(
        client, erp_key, acme, bank_account, invoice_for):
    # given
    invoice = invoice_for(acme, "120.00")
    content = month_statement(invoice, entries=50)
    key = erp_key(scopes=["statements:write"])

    # when
    first = erp_upload(client, key, content)
    again = erp_upload(client, key, content, idem="retry-1")

    # then
    record = StatementFile.objects.get()
    assert first.status_code == 201
    assert first.data == {"file": {"id": record.pk, "filename": "nov.xml", "status": "imported",
                                   "sha256": record.sha256},
                          "replayed": False, "linesNew": 50, "linesKnown": 0, "matched": 1, "suggested": 0,
                          "unmatched": 49, "duplicates": 0}
    assert record.uploaded_by.startswith("erp:ntk_")
    assert (again.status_code, again.data["replayed"], again["Idempotent-Replayed"]) == (200, True, "true")
    assert (BankLine.objects.count(), Payment.objects.count()) == (50, 1)
    assert open_amount(invoice) == usd("0")


def test_an_erp_statement_in_another_currency_is_refused_naming_why_and_writes_nothing(
        client, erp_key, acme, bank_account):
    # given: a EUR statement of the USD account
    content = camt(iban=MERCHANT_IBAN, ccy="EUR", entries=[Ntry(amount="10.00", ref="B-1", txs=[Tx(debtor="X")])],
                   day=TODAY().isoformat())
    before = ledger_counts()

    # when
    response = erp_upload(client, erp_key(scopes=["statements:write"]), content)

    # then
    record = StatementFile.objects.get()
    assert response.status_code == 400
    assert (response.data["code"], response.data["fileId"], record.status) == (
        "STATEMENT_CURRENCY_MISMATCH", record.pk, "refused")
    assert (BankLine.objects.count(), IncomingPayment.objects.count(), ledger_counts()) == (0, 0, before)


def test_an_erp_key_without_the_scope_or_an_unknown_account_is_refused(client, erp_key, bank_account):
    # when
    no_scope = erp_upload(client, erp_key(scopes=["payments:write"]), b"<x/>")
    unknown = erp_upload(client, erp_key(scopes=["statements:write"]), b"a;b\n",
                         "?filename=a.csv&bankAccountIban=GB33BUKB20201555555555")
    empty = erp_upload(client, erp_key(scopes=["statements:write"]), b"")

    # then
    assert (no_scope.status_code, no_scope.data["code"]) == (403, "API_KEY_SCOPE_MISSING")
    assert (unknown.status_code, unknown.data["code"]) == (404, "BANK_ACCOUNT_NOT_FOUND")
    assert (empty.status_code, empty.data["code"]) == (400, "FILE_REQUIRED")
    assert StatementFile.objects.count() == 0
