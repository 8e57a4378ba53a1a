"""E-mails of approval workflows. Services queue them through the outbox (kinds
``email.approval_link`` and ``email.approval_outcome``, in the transaction of the change);
``approval_email_deliver`` sends them after commit with django.core.mail (settings.OUTBOX_DELIVERERS)."""
from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import send_mail

from saleor_netterms.outbox.services import DeliveryRetry, outbox_enqueue

LINK_KIND = "email.approval_link"
OUTCOME_KIND = "email.approval_outcome"


def approval_email_enqueue(*, installation, kind: str, to: str, subject: str, body: str, dedupe_key: str,
                           ordering_key: str = ""):
    return outbox_enqueue(installation=installation, kind=kind,
                          payload={"to": to, "subject": subject[:200], "body": body},
                          dedupe_key=dedupe_key, ordering_key=ordering_key)


def approval_email_deliver(message) -> dict:
    """Outbox deliverer: one e-mail. Transport failures are retried with the outbox's backoff."""
    payload = message.payload
    try:
        sent = send_mail(payload["subject"], payload["body"], settings.DEFAULT_FROM_EMAIL, [payload["to"]],
                         fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryRetry(f"mail transport: {type(exc).__name__}") from exc
    return {"sent": sent}
