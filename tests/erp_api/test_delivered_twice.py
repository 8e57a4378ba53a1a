"""Every write an ERP sends may arrive twice: with the same Idempotency-Key (the first answer
comes back, nothing runs) and — the harder case — anew with a fresh key after the ERP lost the
answer. Either way the second delivery has no effect: no row, no audit entry, no event, no
posting, no outbox message, no approval request."""
import pytest

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.companies.models import Company, CreditLimit
from saleor_netterms.integration_events.models import IntegrationEvent
from saleor_netterms.masters.models import ErpOpenItem
from saleor_netterms.outbox.models import OutboxMessage
from tests.fixtures_credit import ledger_counts
from tests.invoicing.conftest import usd

ACME = {"legalName": "Acme Industrial Supply", "taxId": "DE136695976", "taxIdCountry": "DE",
        "billingContact": {"name": "Accounts Payable", "email": "AP@acme.example"}, "defaultTermsDays": 45,
        "creditTier": "premium", "allowedChannels": ["b2b"]}
OPEN_ITEMS = {"items": [{"documentNumber": "RE-1", "documentDate": "2026-11-01", "dueDate": "2026-12-01",
                         "amountOpen": "600.00"}, {"documentNumber": "GS-2", "amountOpen": "-15.50"}]}


def effects():
    return (Company.objects.count(), list(CreditLimit.objects.values_list("currency", "amount")),
            list(Company.objects.values_list("status", "status_reason", "legal_name", "billing_contact_email")),
            AuditEntry.objects.count(), IntegrationEvent.objects.count(), ledger_counts(),
            OutboxMessage.objects.count(), ApprovalRequest.objects.count(),
            sorted(ErpOpenItem.objects.values_list("document_number", "amount_open")))


WRITES = {
    "company upsert": ("PUT", "/companies/C-1000", ACME),
    "credit limit": ("PUT", "/companies/C-1000/credit-limits/USD", {"amount": "9000.00", "reason": "Review"}),
    "credit limit raise needing approval": ("PUT", "/companies/C-1000/credit-limits/USD", {"amount": "9000.00"}),
    "hold": ("POST", "/companies/C-1000/hold", {"reason": "Dunning level 3"}),
    "release": ("POST", "/companies/C-1000/release", {}),
    "open items": ("PUT", "/companies/C-1000/open-items/USD", OPEN_ITEMS),
}


@pytest.mark.django_db
@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("same_key", [True, False], ids=["same key", "fresh key"])
def test_a_write_delivered_twice_has_one_effect(erp, erp_masters, company_factory, write, same_key):
    # given
    erp_masters(credit_limits="erp", open_items="erp",
                erp_limits_need_approval=write == "credit limit raise needing approval")
    if write != "company upsert":
        company = company_factory(erp_customer_number="C-1000", limit=usd("5000"))
        if write == "release":
            Company.objects.filter(pk=company.pk).update(status="on_hold", status_reason="Cheque bounced")
    method, path, body = WRITES[write]
    first = erp(method, path, body, idem="first")
    after_first = effects()

    # when
    second = erp(method, path, body, idem="first" if same_key else "second")

    # then
    assert first.status_code in (200, 201), first.data
    if write == "credit limit raise needing approval" and not same_key:  # the first one waits for approval
        assert (second.status_code, second.data["code"]) == (409, "LIMIT_REQUEST_PENDING")
    else:
        assert second.status_code in (200, 201), second.data
    assert effects() == after_first
    if same_key:
        assert (second["Idempotent-Replayed"], second.status_code, second.data) == ("true", first.status_code,
                                                                                    first.data)
