"""The outbox deliverer of collections e-mails (kind "email.dunning"): reminders, thanks,
statements and staff notices. The text was rendered when the run decided and is stored on the
step; delivery re-reads the step, attaches the overdue invoices' PDFs and the statement of
account (PDF and CSV per currency owed) and sends one e-mail."""
from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMessage

from saleor_netterms.invoicing import config as invoicing_config
from saleor_netterms.invoicing.documents.pdf import render_pdf
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.invoicing.snapshot import snapshot_from_dict
from saleor_netterms.ledger.models import Account, AccountKind
from saleor_netterms.outbox.services import DeliveryRejected, DeliveryRetry

from .models import DunningStep
from .statements import statement_build, statement_csv, statement_filename, statement_pdf

STATEMENT_DAYS = 90


def statement_currencies(company) -> list[str]:
    return sorted(set(Account.objects.filter(company=company, kind=AccountKind.RECEIVABLE)
                      .values_list("currency", flat=True)))


def dunning_email_build(step: DunningStep) -> EmailMessage:
    detail = step.detail
    recipient = detail.get("to")
    if not recipient:
        raise DeliveryRejected(f"collections step {step.pk} has no recipient")
    message = EmailMessage(subject=detail["subject"], body=detail["body"],
                           from_email=invoicing_config.email_from() or None, to=[recipient])
    for invoice in Invoice.objects.filter(pk__in=detail.get("invoice_ids", [])).order_by("number"):
        message.attach(f"{invoice.number}.pdf", render_pdf(snapshot_from_dict(invoice.snapshot)), "application/pdf")
    if detail.get("statement"):
        end = step.run_date
        for currency in statement_currencies(step.company):
            statement = statement_build(company=step.company, currency=currency,
                                        start=end - dt.timedelta(days=STATEMENT_DAYS), end=end)
            message.attach(statement_filename(statement, "pdf"), statement_pdf(statement), "application/pdf")
            message.attach(statement_filename(statement, "csv"), statement_csv(statement), "text/csv")
    return message


def dunning_email_deliver(message) -> dict:
    """Outbox deliverer for "email.dunning"."""
    step = DunningStep.objects.select_related("company").get(pk=message.payload["step_id"])
    email = dunning_email_build(step)
    try:
        sent = email.send(fail_silently=False)
    except OSError as exc:
        raise DeliveryRetry(f"{type(exc).__name__}: {exc}") from exc
    return {"sent": sent, "to": email.to, "attachments": [name for name, _, _ in email.attachments]}
