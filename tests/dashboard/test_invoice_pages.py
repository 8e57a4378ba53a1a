"""The invoice pages (/app/invoices, /app/invoices/<id>), the payment terms page (/app/terms) and
the company page's Invoicing tab: shells with their scripts, whose GraphQL documents, form field
names and option values match the app's API as it is now. The generic checks (nav, no data, GET
only) run for these pages in test_pages.py; the document check reuses its extraction."""
import re

import pytest

from saleor_netterms.api.schema import schema

from .test_pages import QUERY, document_errors

DIALOG_IDS = ("nt-credit-dialog", "nt-credit-form", "cn-amount", "cn-reason", "nt-void-dialog", "nt-void-form",
              "v-reason")


def _html(client, path: str) -> str:
    response = client.get(path + QUERY)
    assert response.status_code == 200
    return response.content.decode()


def _names(html: str, form_id: str) -> set[str]:
    """The name attributes of the inputs inside one <form id=…> … </form>."""
    form = re.search(rf'<form id="{form_id}".*?</form>', html, re.S).group(0)
    return set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', form))


def _options(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)


def _arguments(mutation: str) -> set[str]:
    return set(schema.graphql_schema.mutation_type.fields[mutation].args)


def _enum_values(name: str) -> list[str]:
    return list(schema.graphql_schema.type_map[name].values)


@pytest.mark.parametrize("path, scripts", [
    ("/app/invoices", ("invoicing.js", "invoices.js")),
    ("/app/invoices/42", ("invoicing.js", "invoice.js")),
    ("/app/companies/42", ("invoicing.js", "company_invoicing.js", "company.js")),
])
def test_invoice_pages_load_the_shared_invoicing_script_before_their_own(client, path, scripts):
    # when
    html = _html(client, path)

    # then
    positions = [html.index(f'src="/static/dashboard/{name}"') for name in ("ui.js", *scripts)]
    assert positions == sorted(positions)
    if path.startswith("/app/invoices"):
        for element_id in DIALOG_IDS:
            assert f'id="{element_id}"' in html, element_id


@pytest.mark.parametrize("path", ["/app/invoices/abc", "/app/invoices/", "/app/invoices/1/x", "/app/terms/1"])
def test_invoice_page_needs_a_numeric_id(client, path):
    # when
    response = client.get(path)

    # then
    assert response.status_code == 404


def test_the_company_page_has_an_invoicing_tab_with_its_panel(client):
    # when
    html = _html(client, "/app/companies/42")

    # then
    assert ('<button type="button" role="tab" id="tab-invoicing" data-tab="invoicing" '
            'aria-controls="panel-invoicing">Invoicing</button>') in html
    assert '<div role="tabpanel" id="panel-invoicing" aria-labelledby="tab-invoicing" tabindex="0" hidden>' in html
    for element_id in ("inv-settings-form", "inv-rows", "inv-pager", "inv-settings-status"):
        assert f'id="{element_id}"' in html, element_id


@pytest.mark.parametrize("script, expected", [
    ("invoicing.js", 2), ("invoices.js", 2), ("invoice.js", 1), ("terms.js", 3), ("company_invoicing.js", 2),
])
def test_invoice_page_documents_validate_against_the_app_schema(script, expected):
    # when
    errors = document_errors(script, expected)

    # then: every query and mutation the scripts send exists in the API as it is now
    assert errors == []


def test_form_fields_are_named_after_the_mutation_arguments(client):
    # given: field errors come back as {field: <argument>} and are shown under the input of that name
    invoices = _html(client, "/app/invoices")
    company = _html(client, "/app/companies/42")
    terms = _html(client, "/app/terms")

    # then
    assert _names(invoices, "nt-credit-form") - {"mode"} <= _arguments("creditNoteIssue")
    assert _names(invoices, "nt-void-form") <= _arguments("invoiceVoid")
    assert _names(company, "inv-settings-form") == _arguments("invoicingSettingsSet") - {"companyId"}
    builder = {"kind", "days", "instalments", "discount", "discountPercent", "discountDays", "lateFee", "lateKind",
               "lateValue", "lateCurrency", "latePeriod", "lateGrace"}
    assert _names(terms, "nt-template-form") - builder == (
        _arguments("paymentTermsTemplateCreate") | _arguments("paymentTermsTemplateUpdate")) - {"id"}


def test_option_values_are_the_api_enum_values(client):
    # given
    invoices = _html(client, "/app/invoices")
    company = _html(client, "/app/companies/42")

    # then
    assert _options(invoices, "f-status") == ["", *_enum_values("InvoiceStatus")]
    assert _options(invoices, "f-kind") == ["", *_enum_values("InvoiceKind")]
    assert _options(company, "inv-policy") == _enum_values("InvoicingPolicy")
