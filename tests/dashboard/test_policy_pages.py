"""The policy editor, the approval routes page, the company page's tier / edit / limit-request /
decision-records additions and the authenticator setup on an approval: the pages render their
shell (labelled controls, their script, the nav), and every GraphQL document their scripts send
validates against the app schema (the mechanism of test_pages.py)."""
import re

import pytest

from .test_pages import NAV, QUERY, _documents, document_errors
from saleor_netterms.decisions.engine import CreditPolicy


def _html(client, path: str) -> str:
    response = client.get(path + QUERY)
    assert response.status_code == 200
    return response.content.decode()


def _labelled_controls(html: str) -> list[str]:
    """Ids of form controls without a <label for> or aria-label (hidden inputs aside)."""
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    missing = []
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in tag or "aria-label=" in tag:
            continue
        found = re.search(r'id="([^"]+)"', tag)
        if not found or found.group(1) not in labels:
            missing.append(tag)
    return missing


@pytest.mark.parametrize("path, script, active", [
    ("/app/policies", "policies.js", "Policies"),
    ("/app/approval-routes", "approval_routes.js", "Approval routes"),
    ("/app/companies/42", "company.js", "Credit accounts"),
    ("/app/approvals/7", "approval.js", "Reviews and approvals"),
])
def test_pages_render_their_script_nav_and_labelled_controls(client, path, script, active):
    # when
    html = _html(client, path)

    # then
    assert f'src="/static/dashboard/{script}"' in html
    for label, href in NAV:
        assert f'href="{href}" data-keep-query>{label}</a>' in html, label
    assert re.search(rf'aria-current="page" href="[^"]+" data-keep-query>{active}</a>', html)
    assert _labelled_controls(html) == []


def test_policy_editor_has_a_field_with_help_for_every_policy_rule(client):
    # given: the fields of decisions.engine.CreditPolicy and the save arguments
    from dataclasses import fields

    inputs = {f.name: f.name for f in fields(CreditPolicy)} | {"review_late_share_above": "review_late_share_pct",
                                                               "underwriterThreshold": "underwriterThreshold"}

    # when
    html = _html(client, "/app/policies")

    # then: each rule has an input, a label and a hint; simulate, save (with a reason), reset, CSV
    for name, input_name in inputs.items():
        assert f'id="p-{input_name}" name="{input_name}"' in html, name
        assert f'<label for="p-{input_name}">' in html, name
        if name != "name":
            assert f'id="p-{input_name}-hint"' in html, name
    for control in ('value="simulate" id="p-simulate"', 'value="save" id="p-save" disabled', 'id="p-reason"',
                    'id="p-reset"', 'id="nt-audit-csv">Download CSV', 'id="p-days"', 'id="nt-recs"'):
        assert control in html, control


def test_routes_page_has_the_conditions_and_a_steps_editor(client):
    # when
    html = _html(client, "/app/approval-routes")

    # then
    for name in ("name", "kind", "priority", "currency", "minAmount", "maxAmount", "reasonCodes", "channelSlug",
                 "active"):
        assert f'id="r-{name}" name="{name}"' in html, name
    for kind in ("CREDIT_REVIEW", "BUYER_APPROVAL", "LIMIT_REQUEST", "LIMIT_RECOMMENDATION"):
        assert f'<option value="{kind}">' in html
    assert 'id="nt-route-steps"' in html and 'id="nt-step-add"' in html and 'id="nt-route-new"' in html


def test_company_page_has_the_tier_edit_limit_request_and_decisions_additions(client):
    # when
    html = _html(client, "/app/companies/42")

    # then
    for control in ('id="nt-tier-open"', 'id="nt-edit-open"', 'id="nt-limit-request-open"', 'id="tab-decisions"',
                    'id="panel-decisions"', 'id="dec-rows"', 'id="nt-tier-dialog"', 'id="nt-edit-dialog"',
                    'id="nt-limit-request-dialog"'):
        assert control in html, control
    for name in ("legalName", "taxId", "taxIdCountry", "erpCustomerNumber", "billingContactName", "billingContactEmail",
                 "billingContactPhone", "defaultTermsDays", "poNumberRequired", "allowedChannels"):
        assert f'id="ce-{name}" name="{name}"' in html, name


def test_approval_page_offers_the_authenticator_setup(client):
    # when
    html = _html(client, "/app/approvals/7")

    # then
    assert 'id="nt-totp-open"' in html and 'id="nt-totp-dialog"' in html and 'id="nt-totp-enroll"' in html
    assert 'id="t-code" name="code"' in html and 'id="nt-totp-secret"' in html and 'id="nt-totp-uri"' in html


@pytest.mark.parametrize("script, operations", [
    ("policies.js", ["query Policies", "query PolicyEdited", "query PolicySimulate", "mutation PolicySave",
                     "mutation PolicyReset", "query LimitRecommendations", "query AuditEntries",
                     "query AuditExportCsv"]),
    ("approval_routes.js", ["query ApprovalRoutes", "mutation ApprovalRouteCreate", "mutation ApprovalRouteUpdate"]),
    ("approval.js", ["query ApprovalRequest", "mutation ApprovalAct", "mutation TotpEnroll", "mutation TotpConfirm"]),
    ("company.js", ["mutation CompanyTierSet", "mutation CompanyUpdate", "mutation LimitRequestCreate",
                    "query DecisionRecords"]),
])
def test_scripts_send_their_operations_and_each_validates(script, operations):
    # given
    documents = _documents(script)
    names = {re.match(r"\s*((?:query|mutation) \w+)", d).group(1) for d in documents}

    # when
    errors = document_errors(script, len(documents))

    # then
    assert set(operations) <= names, set(operations) - names
    assert errors == []


def test_policy_scripts_render_text_only_and_keep_amounts_exact():
    # given
    from .test_pages import STATIC

    scripts = {name: (STATIC / name).read_text() for name in ("policies.js", "approval_routes.js", "approval.js")}

    # then: no markup from data; decimals stay strings (the percent <-> share shift is on strings)
    for name, text in scripts.items():
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text, name
        assert "parseFloat(" not in text and "Number(" not in text, name
    assert "function shiftDecimal(text, places, minFraction)" in scripts["policies.js"]
