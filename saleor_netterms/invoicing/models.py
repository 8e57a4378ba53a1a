"""Invoices and credit notes, their number series, and each company's invoicing policy.

An issued invoice is a legal document: its number, figures and snapshot never change. Python
refuses it (`Invoice.save` on an existing row may only touch `MUTABLE_FIELDS`) and so does
PostgreSQL (trigger `invoicing_invoice_immutable`, migration 0002). Voiding only sets `status`,
`voided_at` and `void_reason`; the number stays used (numbering is gapless, see numbering.py).
Money is never truth here: what is owed is in the ledger under the linked receivable.
"""
from __future__ import annotations

import re
import string

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from saleor_netterms.core.errors import NetTermsError


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class SeriesReset(models.TextChoices):
    YEARLY = "yearly", "Every year"
    NEVER = "never", "Never"


DEFAULT_FORMATS = {InvoiceKind.INVOICE: "INV-{year}-{seq:06}", InvoiceKind.CREDIT_NOTE: "CN-{year}-{seq:06}"}
FORMAT_FIELDS = {"year", "seq", "channel"}
# Literal text of a number format: ASCII letters and digits and a few separators. Invoice numbers
# travel through bank remittance fields (SEPA allows a Latin subset) and are searched for in them.
NUMBER_LITERAL = re.compile(r"[A-Za-z0-9\-/._]+")
CHANNEL_SLUG = re.compile(r"[A-Za-z0-9\-_]*")


def series_skeleton(fmt: str, *, channel_slug: str = "") -> tuple[str, ...]:
    """What a format's numbers look like once case and separators are ignored (the way the
    remittance-text rule compares them): literals upper-cased without separators, fields as tokens.
    Two series with one skeleton would print numbers a bank transfer cannot tell apart."""
    parts: list[str] = []
    for literal, name, spec, _ in string.Formatter().parse(fmt):
        text = re.sub(r"[^A-Z0-9]", "", (literal or "").upper())
        if name == "channel":
            text += re.sub(r"[^A-Z0-9]", "", channel_slug.upper())
            name = None
        if text:
            if parts and not parts[-1].startswith("{"):
                parts[-1] += text
            else:
                parts.append(text)
        if name:
            parts.append("{%s:%s}" % (name, spec or ""))
    return tuple(parts)


def series_format_validate(fmt: str, *, reset: str) -> None:
    """Allowed: literal text, {year}, {channel}, {seq} or {seq:0N} (N 1..12). A yearly reset needs
    {year} (else numbers would repeat). Raises ValidationError."""
    if not isinstance(fmt, str) or not fmt.strip() or len(fmt) > 64:
        raise ValidationError({"format": "A number format is required (at most 64 characters)."})
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise ValidationError({"format": f"Not a valid number format: {exc}."}) from exc
    names = []
    for literal, name, spec, conversion in parsed:
        if literal and not NUMBER_LITERAL.fullmatch(literal):
            raise ValidationError({"format": "Use only A–Z, a–z, 0–9 and - / . _ outside the fields "
                                             f"(banks and payment references accept no more): {literal!r}."})
        if name is None:
            continue
        if name not in FORMAT_FIELDS or conversion:
            raise ValidationError({"format": f"Unknown field {{{name}}}: use {{year}}, {{seq}} or {{channel}}."})
        if name == "seq":
            if spec and not (spec.startswith("0") and spec[1:].isdigit() and 1 <= int(spec[1:]) <= 12):
                raise ValidationError({"format": "{seq} takes only a zero-padded width, e.g. {seq:06}."})
        elif spec:
            raise ValidationError({"format": f"{{{name}}} takes no format spec."})
        names.append(name)
    if names.count("seq") != 1:
        raise ValidationError({"format": "The format must contain {seq} exactly once."})
    if reset == SeriesReset.YEARLY and "year" not in names:
        raise ValidationError({"format": "A series that restarts every year must contain {year}."})


class InvoiceSeries(models.Model):
    """A number series per (installation, kind, channel); channel "" is the default series."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="invoice_series")
    kind = models.CharField(max_length=16, choices=InvoiceKind.choices)
    channel_slug = models.CharField(max_length=255, blank=True, default="",
                                    help_text="Blank: the default series for every channel.")
    format = models.CharField(max_length=64)
    reset = models.CharField(max_length=8, choices=SeriesReset.choices, default=SeriesReset.YEARLY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "kind", "channel_slug"],
                                    name="invoice_series_one_per_kind_channel"),
            models.UniqueConstraint(fields=["installation", "format"],
                                    name="invoice_series_format_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.format} ({self.channel_slug or 'default'})"

    def clean(self) -> None:
        super().clean()
        self._validate()

    def save(self, *args, **kwargs) -> None:
        self._validate()
        super().save(*args, **kwargs)

    def _validate(self) -> None:
        series_format_validate(self.format, reset=self.reset)
        if "{channel}" in self.format and not CHANNEL_SLUG.fullmatch(self.channel_slug or ""):
            raise ValidationError({"channel_slug": "A channel printed in invoice numbers must be A–Z, 0–9, - or _."})
        mine = series_skeleton(self.format, channel_slug=self.channel_slug)
        others = InvoiceSeries.objects.filter(installation_id=self.installation_id).exclude(pk=self.pk)
        for other in others.only("format", "channel_slug", "kind"):
            if series_skeleton(other.format, channel_slug=other.channel_slug) == mine:
                raise ValidationError({"format": f"Numbers of {self.format!r} would look like those of series "
                                                 f"{other.format!r} once dashes, spaces and case are ignored."})

    def period_for(self, issue_date) -> str:
        return str(issue_date.year) if self.reset == SeriesReset.YEARLY else ""

    def number_format(self, *, sequence: int, issue_date) -> str:
        return self.format.format(year=issue_date.year, seq=sequence, channel=self.channel_slug or "")


class InvoiceCounter(models.Model):
    """The last number taken in one period of a series. Locked (SELECT … FOR UPDATE) by the
    transaction that inserts the invoice, so a rolled-back issue gives its number back."""

    series = models.ForeignKey(InvoiceSeries, on_delete=models.PROTECT, related_name="counters")
    period = models.CharField(max_length=8, blank=True, default="")
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "period"], name="invoice_counter_one_per_period")]


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    VOID = "void", "Void"


class InvoiceImmutable(NetTermsError):
    code = "INVOICE_IMMUTABLE"
    http_status = 409
    merchant_message = "An issued invoice cannot be changed; issue a credit note instead."


class Invoice(models.Model):
    """One issued invoice or credit note (kind), numbered from its series."""

    MUTABLE_FIELDS = frozenset({"status", "voided_at", "void_reason", "saleor_invoice_id", "einvoice_problem"})

    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="invoices")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(max_length=16, choices=InvoiceKind.choices)
    series = models.ForeignKey(InvoiceSeries, on_delete=models.PROTECT, related_name="invoices")
    period = models.CharField(max_length=8, blank=True, default="")
    number = models.CharField(max_length=64)
    sequence = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED)
    issue_date = models.DateField()
    currency = models.CharField(max_length=3)
    total_gross = models.DecimalField(max_digits=20, decimal_places=4)
    amount_due = models.DecimalField(max_digits=20, decimal_places=4)
    due_date = models.DateField(null=True, blank=True)
    snapshot = models.JSONField(help_text="invoicing.snapshot.snapshot_to_dict, frozen at issue.")
    transaction = models.ForeignKey("checkout.NetTermsTransaction", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="invoices")
    receivable = models.OneToOneField("receivables.Receivable", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="invoice")
    credited_invoice = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="credit_notes")
    issue_key = models.CharField(max_length=255, help_text="What made it; unique per installation "
                                 "(e.g. capture:<receivable>, fulfilment:<id>).")
    saleor_order_id = models.CharField(max_length=255, blank=True)
    saleor_invoice_id = models.CharField(max_length=255, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=255, blank=True)
    einvoice_problem = models.TextField(blank=True, default="", help_text=(
        "Why no e-invoice (Peppol UBL / Factur-X) can be produced from the snapshot, as the rules "
        "report it; empty when both can. The PDF is sent either way."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "series", "number"], name="invoice_number_unique"),
            models.UniqueConstraint(fields=["series", "period", "sequence"], name="invoice_sequence_unique"),
            models.UniqueConstraint(fields=["installation", "issue_key"], name="invoice_issue_key_unique"),
            models.CheckConstraint(condition=Q(kind__in=InvoiceKind.values), name="invoice_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=InvoiceStatus.values), name="invoice_status_valid"),
            models.CheckConstraint(condition=Q(kind="invoice") | Q(credited_invoice__isnull=False),
                                   name="invoice_credit_note_references_invoice"),
        ]
        indexes = [models.Index(fields=["installation", "saleor_order_id"]),
                   models.Index(fields=["installation", "saleor_invoice_id"])]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.MUTABLE_FIELDS:
                raise InvoiceImmutable(f"invoice {self.pk} is issued; only {sorted(self.MUTABLE_FIELDS)} may change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise InvoiceImmutable(f"invoice {self.pk} is issued and cannot be deleted")

    @property
    def is_void(self) -> bool:
        return self.status == InvoiceStatus.VOID


class InvoicingPolicy(models.TextChoices):
    AT_CAPTURE = "at_capture", "When the order is captured in Saleor"
    AT_CONFIRMATION = "at_confirmation", "When the order is confirmed"
    PER_FULFILMENT = "per_fulfilment", "Per shipment (fulfilment)"
    CONSOLIDATED_WEEKLY = "consolidated_weekly", "One invoice per week"
    CONSOLIDATED_MONTHLY = "consolidated_monthly", "One invoice per month"


class CompanyInvoicingSettings(models.Model):
    """How and when a company is invoiced. Without a row: at capture, the channel's default terms
    (else Net company.default_terms_days), no Saleor notification, INVOICE_LANGUAGE."""

    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE,
                                   related_name="invoicing_settings")
    policy = models.CharField(max_length=24, choices=InvoicingPolicy.choices, default=InvoicingPolicy.AT_CAPTURE)
    terms_template = models.ForeignKey("terms.PaymentTermsTemplate", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    send_saleor_notification = models.BooleanField(default=False)
    language = models.CharField(max_length=16, blank=True, default="",
                                help_text="Babel locale, e.g. de_DE; blank: INVOICE_LANGUAGE.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(policy__in=InvoicingPolicy.values),
                                              name="invoicing_policy_valid")]


class Fulfilment(models.Model):
    """A Saleor fulfilment (shipment) of a net-terms order, recorded at FULFILLMENT_CREATED, and
    the invoice that billed it (per-fulfilment or consolidated)."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="fulfilments")
    transaction = models.ForeignKey("checkout.NetTermsTransaction", on_delete=models.PROTECT,
                                    related_name="fulfilments")
    saleor_fulfillment_id = models.CharField(max_length=255)
    saleor_order_id = models.CharField(max_length=255)
    order_number = models.CharField(max_length=64, blank=True)
    lines = models.JSONField(help_text="[{productName, sku, quantity, unitNet, unitGross, taxRate}]")
    fulfilled_on = models.DateField()
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="fulfilments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fulfilled_on", "id"]
        constraints = [models.UniqueConstraint(fields=["installation", "saleor_fulfillment_id"],
                                               name="fulfilment_unique_per_installation")]
        indexes = [models.Index(fields=["company", "invoice"])]


class SaleorInvoiceLink(models.Model):
    """A Saleor `Invoice` (created by invoiceRequest or by our invoiceCreate) and the invoice it
    shows. Several Saleor records may show one invoice (staff may request it again)."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    saleor_invoice_id = models.CharField(max_length=255)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="saleor_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["installation", "saleor_invoice_id"],
                                               name="saleor_invoice_link_unique")]


class CombinedRemittance(models.Model):
    """One payment reference for several open invoices of one company (the buyer's "pay these
    together"): its RF reference (creditor_reference.remittance_reference_for) names this row, and
    reconciliation settles every invoice listed here from one bank line that carries it."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="combined_remittances")
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=20, decimal_places=4, help_text="Sum of the open amounts when made.")
    reference = models.CharField(max_length=25, blank=True, help_text="ISO 11649 RF reference (set on create).")
    created_by = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="combined_remittance_total_positive")]


class CombinedRemittanceItem(models.Model):
    """One invoice of a combined remittance: its receivable (what reconciliation settles), its
    number as the buyer chose it, and the app's invoice when the app issued it (empty for an
    invoice the merchant's ERP issued)."""
    remittance = models.ForeignKey(CombinedRemittance, on_delete=models.CASCADE, related_name="items")
    receivable = models.ForeignKey("receivables.Receivable", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=64)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    amount = models.DecimalField(max_digits=20, decimal_places=4, help_text="Open amount when the remittance was made.")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["remittance", "receivable"], name="combined_remittance_item_once")]
