"""The merchant's alert when an ERP endpoint was disabled for failing (outbox deliverer)."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from saleor_netterms.integration_events.models import WebhookEndpoint
from saleor_netterms.outbox.services import DeliveryRejected


def endpoint_disabled_email_deliver(message) -> dict:
    endpoint = WebhookEndpoint.objects.filter(pk=message.payload["endpoint_id"]).first()
    if endpoint is None or not endpoint.alert_email:
        raise DeliveryRejected("the endpoint or its alert address is gone")
    send_mail(
        subject=f"[{settings.APP_NAME}] ERP webhook endpoint disabled: {endpoint.url}",
        message=(f"The endpoint {endpoint.url} ({endpoint.description or 'no description'}) kept failing and was "
                 f"disabled; events are no longer sent to it.\n\n{message.payload['reason']}\n\n"
                 "Fix the receiver, re-enable the endpoint in the app (Apps → Net Terms → ERP webhooks) and "
                 "replay the time range it missed."),
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[endpoint.alert_email])
    return {"sent_to": endpoint.alert_email}
