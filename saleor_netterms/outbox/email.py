"""The app's one builder and sender of plain-text e-mails to people (approval links and outcomes,
portal sign-in links and invitations, the merchant's portal notices). A domain queues one with
``email_enqueue`` inside its own transaction (the outbox row commits with the change, or not at
all); ``email_deliver`` (settings.OUTBOX_DELIVERERS, one deliverer for every such kind) sends it
after commit with django.core.mail, transport failures retried with the outbox's backoff.

Invoice and dunning e-mails carry attachments built from their own records at delivery time and
keep their own builders (invoicing.notifications, collections.notifications)."""
from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import send_mail

from .services import DeliveryRetry, outbox_enqueue

SUBJECT_MAX = 200


def email_payload(*, to: str, subject: str, body: str) -> dict:
    """What the outbox row holds: the recipient, a one-line subject (at most 200 characters), the body."""
    return {"to": to, "subject": " ".join(subject.split())[:SUBJECT_MAX], "body": body}


def email_enqueue(*, installation, kind: str, to: str, subject: str, body: str, dedupe_key: str,
                  ordering_key: str = ""):
    """Queue one e-mail (kind ``email.<what>``); a second call with the same dedupe key queues nothing."""
    return outbox_enqueue(installation=installation, kind=kind, payload=email_payload(to=to, subject=subject, body=body),
                          dedupe_key=dedupe_key, ordering_key=ordering_key)


def email_deliver(message) -> dict:
    """Outbox deliverer: one e-mail. Transport failures are retried with the outbox's backoff."""
    payload = message.payload
    try:
        sent = send_mail(payload["subject"], payload["body"], settings.DEFAULT_FROM_EMAIL, [payload["to"]],
                         fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryRetry(f"mail transport: {type(exc).__name__}") from exc
    return {"sent": sent}
