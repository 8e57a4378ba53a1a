"""The buyer's e-mail with the invoice attached, sent through the outbox (kind "email.invoice").

`invoice_email_enqueue` runs in the issuing transaction; `invoice_email_deliver` runs after commit
(outbox.services), re-reads the invoice, renders the documents from its frozen snapshot and sends
one e-mail through Django's e-mail backend. Rendering lives in `invoicing.documents` (built in
parallel): `render_facturx(snapshot) -> bytes` (a PDF/A-3 with the CII XML inside) is attached as
the PDF when it exists, else `render_pdf(snapshot) -> bytes`; `render_ubl(snapshot) -> bytes` is
attached as XML when it exists. Without any renderer the message is retried (DeliveryRetry)."""
from __future__ import annotations

from importlib import import_module

from django.core.mail import EmailMessage

from saleor_netterms.outbox.services import DeliveryRejected, DeliveryRetry, outbox_enqueue

from . import config
from .links import invoice_document_url
from .models import Invoice, InvoiceKind
from .snapshot import snapshot_from_dict

EMAIL_KIND = "email.invoice"


def invoice_email_enqueue(*, invoice: Invoice) -> None:
    outbox_enqueue(installation=invoice.installation, kind=EMAIL_KIND, payload={"invoice_id": invoice.pk},
                   dedupe_key=f"invoice-email:{invoice.pk}")


_RENDERER_MODULES = {"render_pdf": "pdf", "render_facturx": "facturx", "render_ubl": "ubl"}


def _renderer(name: str):
    """`invoicing.documents.<name>`, else the same name in its module (documents.pdf/facturx/ubl)."""
    for module in ("saleor_netterms.invoicing.documents",
                   f"saleor_netterms.invoicing.documents.{_RENDERER_MODULES[name]}"):
        try:
            return getattr(import_module(module), name)
        except (ImportError, AttributeError):
            continue
    return None


def invoice_email_build(invoice: Invoice) -> EmailMessage:
    snapshot = snapshot_from_dict(invoice.snapshot)
    recipient = invoice.company.billing_contact_email
    if not recipient:
        raise DeliveryRejected(f"company {invoice.company_id} has no billing e-mail")
    what = "Invoice" if invoice.kind == InvoiceKind.INVOICE else "Credit note"
    lines = [f"Dear {invoice.company.billing_contact_name or invoice.company.legal_name},", "",
             f"please find attached {what.lower()} {invoice.number} of {invoice.issue_date.isoformat()} "
             f"over {snapshot.totals.gross} {invoice.currency}."]
    if invoice.kind == InvoiceKind.INVOICE:
        due = f", due {invoice.due_date.isoformat()}" if invoice.due_date else ""
        lines.append(f"Payment terms: {snapshot.terms_label}{due}.")
        if snapshot.remittance.iban:
            lines.append(f"Please transfer to {snapshot.remittance.iban} with the reference "
                         f"{snapshot.remittance.payment_reference}.")
    if snapshot.order_number:
        lines.append(f"Order: #{snapshot.order_number}" + (f", PO {snapshot.po_number}" if snapshot.po_number else ""))
    lines += ["", f"Online copy: {invoice_document_url(invoice)}", "", snapshot.seller.name]
    message = EmailMessage(subject=f"{what} {invoice.number} from {snapshot.seller.name}", body="\n".join(lines),
                           from_email=config.email_from() or None, to=[recipient])
    pdf = _renderer("render_facturx") or _renderer("render_pdf")
    if pdf is None:
        raise DeliveryRetry("no PDF renderer in saleor_netterms.invoicing.documents yet")
    message.attach(f"{invoice.number}.pdf", pdf(snapshot), "application/pdf")
    ubl = _renderer("render_ubl")
    if ubl is not None:
        message.attach(f"{invoice.number}.xml", ubl(snapshot), "application/xml")
    return message


def invoice_email_deliver(message) -> dict:
    """Outbox deliverer for "email.invoice"."""
    invoice = Invoice.objects.select_related("company").get(pk=message.payload["invoice_id"])
    email = invoice_email_build(invoice)
    try:
        sent = email.send(fail_silently=False)
    except OSError as exc:  # SMTP down, refused connection: try again later
        raise DeliveryRetry(f"{type(exc).__name__}: {exc}") from exc
    return {"sent": sent, "to": email.to, "attachments": [name for name, _, _ in email.attachments]}
