"""Bank accounts, statement files, bank lines and the money-in records matching works on.

- ``BankAccount``: the merchant's account at a bank (per installation), with its CSV mapping.
- ``StatementFile``: every uploaded file, recorded (hash, account, who) before it is parsed;
  its outcome (imported / refused with a code and location) is written to it afterwards.
- ``Statement``: one statement/report/notification of a file, its period and balances, and how its
  opening balance compares with the previous closing balance of the account.
- ``BankLine``: one booked bank entry (or one transaction of a batch entry), stored once per
  account under ``entry_key`` — the bank's reference, else a fingerprint of the entry.
- ``IncomingPayment``: money seen from any source (a bank credit, an ERP-posted payment, a
  payout): the ONE record matching decides on and a person confirms, splits or ignores. When it
  is confirmed it points at the ``payments.Payment`` it became.
- ``PayerIdentity``: an IBAN or payer name learned from a confirmed match, naming a company.
- ``PaymentTolerance``: per installation and currency, the short payment closed as a write-off.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q


class BankAccount(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=140)
    iban = models.CharField(max_length=64, help_text="Compact IBAN (or the bank's account number) as statements name it.")
    currency = models.CharField(max_length=3)
    csv_mapping = models.JSONField(default=dict, blank=True,
                                   help_text="Column mapping for CSV exports (statements/csv_columns.py).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["installation", "iban"], name="bank_account_unique_iban")]

    def __str__(self) -> str:
        return f"{self.name} {self.iban} ({self.currency})"


class FileStatus(models.TextChoices):
    RECEIVED = "received", "Received (being read)"
    IMPORTED = "imported", "Imported"
    REFUSED = "refused", "Refused"


class StatementFile(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    bank_account = models.ForeignKey(BankAccount, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="files")
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField()
    content = models.BinaryField(help_text="The file as received (kept for audit and re-reading).")
    uploaded_by = models.CharField(max_length=255)
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=FileStatus.choices, default=FileStatus.RECEIVED)
    format = models.CharField(max_length=16, blank=True)
    version = models.CharField(max_length=32, blank=True)
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.CharField(max_length=1000, blank=True)
    error_location = models.CharField(max_length=255, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    lines_new = models.PositiveIntegerField(default=0)
    lines_known = models.PositiveIntegerField(default=0, help_text="Already imported from another file.")
    lines_skipped = models.PositiveIntegerField(default=0, help_text="Not booked (pending/info): not imported.")
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["installation", "sha256"], name="statement_file_once")]


class BalanceCheck(models.TextChoices):
    CONTINUOUS = "continuous", "Opening balance equals the previous closing balance"
    FIRST = "first", "First statement of the account"
    GAP = "gap", "Opening balance differs from the previous closing balance"
    NOT_GIVEN = "not_given", "No opening balance in the file"


class Statement(models.Model):
    file = models.ForeignKey(StatementFile, on_delete=models.PROTECT, related_name="statements")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="statements")
    format = models.CharField(max_length=16)
    statement_id = models.CharField(max_length=140, blank=True)
    sequence = models.CharField(max_length=64, blank=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    opening_balance = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    closing_balance = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    balance_check = models.CharField(max_length=16, choices=BalanceCheck.choices)
    previous_closing = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bank_account", "to_date", "id"]
        indexes = [models.Index(fields=["bank_account", "format", "to_date"])]


class LineStatus(models.TextChoices):
    CREDIT = "credit", "Money in (handed to matching)"
    OUTGOING = "outgoing", "Money out (not a customer payment)"
    REVERSAL_APPLIED = "reversal_applied", "Returned transfer: the payment it returned was reversed"
    REVERSAL_OPEN = "reversal_open", "Returned transfer: the payment it returned needs a person"


class BankLine(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="lines")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines",
                                  help_text="The first statement that brought it.")
    entry_key = models.CharField(max_length=120)
    status = models.CharField(max_length=20, choices=LineStatus.choices)
    credit = models.BooleanField()
    reversal = models.BooleanField(default=False)
    amount = models.DecimalField(max_digits=20, decimal_places=4)
    currency = models.CharField(max_length=3)
    booking_date = models.DateField()
    value_date = models.DateField(null=True, blank=True)
    bank_reference = models.CharField(max_length=140, blank=True)
    bank_transaction_code = models.CharField(max_length=64, blank=True)
    end_to_end_id = models.CharField(max_length=140, blank=True)
    counterparty_name = models.CharField(max_length=140, blank=True)
    counterparty_iban = models.CharField(max_length=34, blank=True)
    remittance_text = models.TextField(blank=True)
    creditor_reference = models.CharField(max_length=64, blank=True)
    location = models.CharField(max_length=255, blank=True)
    reverses = models.ForeignKey("IncomingPayment", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="returned_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booking_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bank_account", "entry_key"], name="bank_line_once_per_account"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bank_line_amount_positive"),
        ]


class IntakeSource(models.TextChoices):
    BANK = "bank", "Bank statement"
    ERP = "erp", "ERP"
    PAYOUT = "payout", "Payment-provider payout"


class IncomingStatus(models.TextChoices):
    UNMATCHED = "unmatched", "Unmatched"
    SUGGESTED = "suggested", "Suggested (needs a person)"
    MATCHED = "matched", "Matched"
    IGNORED = "ignored", "Ignored"
    DUPLICATE = "duplicate", "Same payment from another source"
    REVERSED = "reversed", "Returned by the bank"


class MatchOrigin(models.TextChoices):
    AUTO = "auto", "Automatic"
    MANUAL = "manual", "A person"
    SOURCE = "source", "The source said which invoices (ERP)"


class IncomingPayment(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=16, choices=IntakeSource.choices)
    source_reference = models.CharField(max_length=140, help_text="Unique per (installation, source).")
    bank_line = models.OneToOneField(BankLine, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="incoming")
    amount = models.DecimalField(max_digits=20, decimal_places=4)
    currency = models.CharField(max_length=3)
    received_on = models.DateField()
    end_to_end_id = models.CharField(max_length=140, blank=True)
    creditor_reference = models.CharField(max_length=64, blank=True)
    remittance_text = models.TextField(blank=True)
    payer_name = models.CharField(max_length=140, blank=True)
    payer_iban = models.CharField(max_length=34, blank=True)
    company = models.ForeignKey("companies.Company", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="Who paid, once known.")
    status = models.CharField(max_length=16, choices=IncomingStatus.choices, default=IncomingStatus.UNMATCHED)
    origin = models.CharField(max_length=16, choices=MatchOrigin.choices, blank=True,
                              help_text="Who made the current match or decision.")
    rule = models.CharField(max_length=32, blank=True)
    explanation = models.CharField(max_length=1000, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    proposal = models.JSONField(default=list, blank=True,
                                help_text="[{receivable_id, amount, settlement, settlement_amount}] suggested or applied")
    payment = models.ForeignKey("payments.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    match_count = models.PositiveIntegerField(default=0, help_text="Times confirmed (a new payment each time).")
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="duplicates")
    decided_by = models.CharField(max_length=255, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    ignored_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "source", "source_reference"],
                                    name="incoming_once_per_source_reference"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="incoming_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["installation", "status"]),
            models.Index(fields=["installation", "end_to_end_id"]),
            models.Index(fields=["installation", "currency", "amount", "received_on"]),
            models.Index(fields=["company", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_reference} {self.amount} {self.currency} ({self.status})"


class PayerKind(models.TextChoices):
    IBAN = "iban", "IBAN"
    NAME = "name", "Payer name"


class PayerIdentity(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=PayerKind.choices)
    value = models.CharField(max_length=140, help_text="Compact IBAN, or the payer name normalised.")
    confirmations = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["installation", "kind", "value", "company"],
                                               name="payer_identity_unique")]
        indexes = [models.Index(fields=["installation", "kind", "value"])]


class PaymentTolerance(models.Model):
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    absolute = models.DecimalField(max_digits=20, decimal_places=4, default=0,
                                   help_text="At most this much short (e.g. 5.00 of bank fees) …")
    percent = models.DecimalField(max_digits=7, decimal_places=4, default=0,
                                  help_text="… and at most this percentage of what is open.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["installation", "currency"], name="tolerance_per_currency")]
