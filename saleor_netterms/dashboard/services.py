"""What the app page shows: the installation's status and the Saleor channels, with a warning
for each channel that does not authorize by default (net terms must authorize, then charge when
the invoice is paid; FACTS.md §5.2)."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from saleor_netterms.installations.models import Installation
from saleor_netterms.installations.saleor import saleor_execute
from saleor_netterms.invoicing.documents.official_rules import official_rules_missing
from saleor_netterms.invoicing.selectors import einvoice_problems_recent
from saleor_netterms.sellers.selectors import seller_profile_problems
from saleor_netterms.saleor_api.errors import SaleorApiError
from saleor_netterms.saleor_api.jwks import jwks_kids
from saleor_netterms.saleor_webhooks.selectors import webhook_delivery_stats

REQUIRED_FLOW_STRATEGY = "AUTHORIZATION"


def channel_warnings(channels: list[dict]) -> list[dict]:
    warnings = []
    for channel in channels:
        strategy = (channel.get("paymentSettings") or {}).get("defaultTransactionFlowStrategy")
        if strategy != REQUIRED_FLOW_STRATEGY:
            warnings.append({
                "code": "CHANNEL_CHARGES_IMMEDIATELY",
                "channel": channel.get("slug"),
                "message": (f"Channel “{channel.get('name') or channel.get('slug')}” uses the "
                            f"{strategy or 'unknown'} transaction flow. Net terms must authorize "
                            f"at checkout and charge when the invoice is paid: set Default "
                            f"transaction flow strategy to AUTHORIZATION in the channel's "
                            f"payment settings."),
            })
    return warnings


def dashboard_session_build(*, installation: Installation) -> dict:
    """The app page's status. Saleor is called here, outside any transaction."""
    stats = webhook_delivery_stats(installation=installation,
                                   since=timezone.now() - timedelta(hours=24))
    channels, channels_error = None, None
    try:
        channels = saleor_execute(installation=installation, document="queries/channels")["channels"] or []
    except SaleorApiError as exc:
        channels_error = exc.as_dict()
    return {
        "installation": {
            "saleorApiUrl": installation.saleor_api_url,
            "appId": installation.app_id,
            "status": installation.status,
            "installedAt": installation.installed_at.isoformat(),
            "jwksKids": jwks_kids(installation.jwks),
            "jwksFetchedAt": installation.jwks_fetched_at.isoformat() if installation.jwks_fetched_at else None,
        },
        "webhooks24h": {"total": stats.total, "processed": stats.processed,
                        "duplicates": stats.duplicates, "refused": stats.refused,
                        "failed": stats.failed, "notRecorded": stats.not_recorded},
        "channels": channels,
        "channelsError": channels_error,
        "warnings": channel_warnings(channels or []) + seller_warnings(installation=installation),
    }


def seller_warnings(*, installation: Installation) -> list[dict]:
    """The overview warns until the seller profile is complete, and when recent invoices could
    not be produced as e-invoices (the PDF still went out; the invoice page says why)."""
    warnings = [{"code": p["code"], "message": p["message"], "href": "/app/seller"}
                for p in seller_profile_problems(installation=installation)]
    missing = official_rules_missing()
    if missing:
        warnings.append({
            "code": "E_INVOICE_RULES_MISSING", "href": "",
            "message": ("E-invoices are checked at issue without the official " + ", ".join(missing) + " rules: "
                        "their files are not installed (EINVOICE_RULES_DIR). Invoices still go out; the e-invoices "
                        "may be refused by networks that validate them.")})
    recent = einvoice_problems_recent(installation=installation, since=timezone.now() - timedelta(days=30))
    if recent.count:
        warnings.append({
            "code": "E_INVOICE_UNAVAILABLE", "href": f"/app/invoices/{recent.latest_id}",
            "message": (f"{recent.count} {'invoice' if recent.count == 1 else 'invoices'} of the last 30 days went "
                        f"out as PDF only: no e-invoice could "
                        f"be produced. Latest, {recent.latest_number}: {recent.latest_problem}")})
    return warnings
