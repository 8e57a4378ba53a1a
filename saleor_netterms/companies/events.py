"""The integration events of credit accounts (schemas: webhooks/company.*, credit_limit.*,
account.status_changed.*). Called inside the transaction of the change."""
from __future__ import annotations

from saleor_netterms.core.money import quantize
from saleor_netterms.integration_events.services import event_publish

from .models import Company


def company_ref(company: Company) -> dict:
    return {"id": company.pk, "legalName": company.legal_name, "erpCustomerNumber": company.erp_customer_number}


def company_view(company: Company) -> dict:
    return {
        "id": company.pk, "legalName": company.legal_name, "taxId": company.tax_id,
        "taxIdCountry": company.tax_id_country, "erpCustomerNumber": company.erp_customer_number,
        "billingContact": {"name": company.billing_contact_name, "email": company.billing_contact_email,
                           "phone": company.billing_contact_phone},
        "status": company.status, "statusReason": company.status_reason,
        "defaultTermsDays": company.default_terms_days, "poNumberRequired": company.po_number_required,
        "allowedChannels": list(company.allowed_channels or []), "creditTier": company.credit_tier,
        "creditLimits": [{"amount": quantize(limit.amount, limit.currency), "currency": limit.currency}
                         for limit in company.credit_limits.order_by("currency")],
    }


def company_created_publish(company: Company) -> None:
    event_publish(installation=company.installation, type="company.created", subject_type="company",
                  subject_id=company.pk, data={"company": company_view(company)},
                  dedupe_key=f"company.created:{company.pk}")


def company_updated_publish(company: Company, changed: list[str]) -> None:
    fields = sorted({_camel(f) for f in changed if f != "updated_at"})
    event_publish(installation=company.installation, type="company.updated", subject_type="company",
                  subject_id=company.pk, data={"company": company_view(company), "changedFields": fields})


def credit_limit_changed_publish(company: Company, *, currency: str, previous, amount, actor: str,
                                 reason: str) -> None:
    event_publish(installation=company.installation, type="credit_limit.changed", subject_type="company",
                  subject_id=company.pk,
                  data={"company": company_ref(company), "currency": currency,
                        "previousAmount": None if previous is None else quantize(previous, currency),
                        "amount": quantize(amount, currency), "actor": actor or "system", "reason": reason or ""})


def credit_limit_change_approved_publish(company: Company, *, currency: str, current, approved, request: dict) -> None:
    """A limit the merchant approved while the ERP owns limits: the ERP is asked to apply it.
    `request` is the approval request's id, kind, requestedBy, approvedBy, reason, approvedAt."""
    event_publish(installation=company.installation, type="credit_limit.change_approved", subject_type="company",
                  subject_id=company.pk, dedupe_key=f"credit_limit.change_approved:{request['id']}",
                  data={"company": company_ref(company), "currency": currency,
                        "currentAmount": None if current is None else quantize(current, currency),
                        "approvedAmount": quantize(approved, currency), "appliedBy": "erp",
                        "approvalRequest": request})


def account_status_changed_publish(company: Company, *, previous: str, reason: str) -> None:
    event_publish(installation=company.installation, type="account.status_changed", subject_type="company",
                  subject_id=company.pk,
                  data={"company": company_ref(company), "previousStatus": previous, "status": company.status,
                        "reason": reason or ""})


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)
