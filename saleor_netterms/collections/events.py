"""Collections' integration events for ERPs/CRMs (schemas in webhooks/<type>.v1.json), published
in the transaction of the change they announce (integration_events.services.event_publish)."""
from __future__ import annotations

from decimal import Decimal

from saleor_netterms.companies.events import company_ref
from saleor_netterms.core.money import quantize
from saleor_netterms.integration_events.services import event_publish


def money_json(amount: Decimal, currency: str) -> dict:
    return {"amount": format(quantize(amount, currency), "f"), "currency": currency}


def totals_json(totals: dict) -> list[dict]:
    return [money_json(v, k) for k, v in sorted(totals.items())]


def publish(*, company, type: str, data: dict, dedupe_key: str) -> None:
    event_publish(installation=company.installation, type=type, subject_type="company", subject_id=company.pk,
                  data={"company": company_ref(company), **data}, dedupe_key=f"collections:{dedupe_key}")
