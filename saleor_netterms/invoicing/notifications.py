"""The buyer's e-mail with the invoice attached, sent through the outbox (kind "email.invoice").

`invoice_email_enqueue` runs in the issuing transaction; `invoice_email_deliver` runs after commit
(outbox.services), re-reads the invoice, renders the documents from its frozen snapshot and sends
one e-mail through Django's e-mail backend, in the invoice's language. Attachments:
documents.services.documents_for_email — the Factur-X PDF/A-3 and the Peppol UBL, or, when an
e-invoice cannot be produced (the reason is on the invoice, see documents.services), the plain
PDF alone: an e-invoice problem never stops the buyer's e-mail."""
from __future__ import annotations

from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from saleor_netterms.outbox.services import DeliveryRejected, DeliveryRetry, outbox_enqueue

from . import config
from .documents.codes import payment_next
from .documents.selectors import snapshot_logo
from .documents.services import documents_for_email
from .documents.formatting import date_text, grouped, money_text
from .documents.labels import terms_text
from .documents.pdf import django_language
from .links import invoice_document_url
from .models import Invoice, InvoiceKind
from .snapshot import snapshot_from_dict

EMAIL_KIND = "email.invoice"


def invoice_email_enqueue(*, invoice: Invoice) -> None:
    outbox_enqueue(installation=invoice.installation, kind=EMAIL_KIND, payload={"invoice_id": invoice.pk},
                   dedupe_key=f"invoice-email:{invoice.pk}")


def invoice_email_build(invoice: Invoice) -> EmailMessage:
    """The buyer's e-mail in the invoice's language (Django translations, invoicing/locale),
    with the PDF (Factur-X when the e-invoice can be produced, else the plain PDF: the buyer always
    gets the document) and the Peppol UBL when it can be produced."""
    snapshot = snapshot_from_dict(invoice.snapshot)
    recipient = invoice.company.billing_contact_email
    if not recipient:
        raise DeliveryRejected(f"company {invoice.company_id} has no billing e-mail")
    with translation.override(django_language(snapshot.language)):
        subject, body = _email_text(invoice, snapshot)
    message = EmailMessage(subject=subject, body=body, from_email=config.email_from() or None, to=[recipient])
    for attachment in documents_for_email(snapshot, snapshot_logo(snapshot), invoice.einvoice_problem):
        message.attach(attachment.filename, attachment.content, attachment.content_type)
    return message


def _email_text(invoice: Invoice, snapshot) -> tuple[str, str]:
    lang, cur = snapshot.language, snapshot.currency
    credit = invoice.kind != InvoiceKind.INVOICE
    what = _("credit note") if credit else _("invoice")
    lines = [_("Dear %(name)s,") % {"name": invoice.company.billing_contact_name or invoice.company.legal_name}, "",
             _("please find attached %(what)s %(number)s of %(date)s over %(amount)s.") % {
                 "what": what, "number": invoice.number, "date": date_text(snapshot.issue_date, lang),
                 "amount": money_text(snapshot.totals.gross, cur, lang)}]
    if not credit:
        nxt = payment_next(snapshot)
        if snapshot.terms_label:
            lines.append(_("Payment terms: %(terms)s.") % {"terms": terms_text(snapshot.terms_label, lang)})
        if nxt is not None:
            lines.append(_("Please pay %(amount)s by %(date)s.") % {
                "amount": money_text(nxt.amount, cur, lang),
                "date": date_text(nxt.due_date, lang) if nxt.due_date else _("on fulfilment")})
        r = snapshot.remittance
        account = r.iban or r.account_number
        if account:
            lines.append(_("Please transfer to %(account)s with the reference %(reference)s.") % {
                "account": grouped(r.iban) if r.iban else account,
                "reference": r.payment_reference or invoice.number})
    if snapshot.order_number:
        order = _("Order: #%(number)s") % {"number": snapshot.order_number}
        if snapshot.po_number:
            order += ", " + _("PO %(po)s") % {"po": snapshot.po_number}
        lines.append(order)
    lines += ["", _("Online copy: %(url)s") % {"url": invoice_document_url(invoice)}, "", snapshot.seller.name]
    subject = (_("Credit note %(number)s from %(seller)s") if credit else _("Invoice %(number)s from %(seller)s")) % {
        "number": invoice.number, "seller": snapshot.seller.name}
    return subject, "\n".join(lines)


def invoice_email_deliver(message) -> dict:
    """Outbox deliverer for "email.invoice"."""
    invoice = Invoice.objects.select_related("company").get(pk=message.payload["invoice_id"])
    email = invoice_email_build(invoice)
    try:
        sent = email.send(fail_silently=False)
    except OSError as exc:  # SMTP down, refused connection: try again later
        raise DeliveryRetry(f"{type(exc).__name__}: {exc}") from exc
    return {"sent": sent, "to": email.to, "attachments": [name for name, _, _ in email.attachments]}
