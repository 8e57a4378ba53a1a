"""The portal's e-mails (sign-in links and invitations), queued through the outbox in the
transaction that created the link (kind ``email.portal_sign_in``) and sent after commit by
``portal_email_deliver`` (settings.OUTBOX_DELIVERERS), like every other e-mail of the app."""
from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import send_mail

from saleor_netterms.outbox.services import DeliveryRetry, outbox_enqueue

SIGN_IN_KIND = "email.portal_sign_in"


def portal_email_enqueue(*, installation, to: str, subject: str, body: str, dedupe_key: str):
    return outbox_enqueue(installation=installation, kind=SIGN_IN_KIND,
                          payload={"to": to, "subject": subject[:200], "body": body}, dedupe_key=dedupe_key)


def portal_email_deliver(message) -> dict:
    """Outbox deliverer: one e-mail; transport failures are retried with the outbox's backoff."""
    payload = message.payload
    try:
        sent = send_mail(payload["subject"], payload["body"], settings.DEFAULT_FROM_EMAIL, [payload["to"]],
                         fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryRetry(f"mail transport: {type(exc).__name__}") from exc
    return {"sent": sent}
