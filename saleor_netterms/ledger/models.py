"""The one double-entry ledger. The module docstring of ``ledger.services`` has the table of
account kinds, normal balances and the legs of every posting kind.

Only ``ledger.services`` writes Posting/Entry/Account rows. Postings and entries are append-only
(on PostgreSQL and SQLite a trigger refuses UPDATE and DELETE, migration 0003): a mistake is
corrected by another posting.
"""
from __future__ import annotations


from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone


class AccountKind(models.TextChoices):
    # company-side, one per (company, currency)
    HOLDS = "holds", "Holds (authorized exposure)"
    RECEIVABLE = "receivable", "Receivable (owed by the buyer)"
    CREDIT_BALANCE = "credit_balance", "Credit balance (owed to the buyer)"
    # merchant-side counter accounts, one per (installation, currency)
    HOLD_CONTROL = "hold_control", "Hold control"
    SALES = "sales", "Sales (revenue clearing)"
    CASH = "cash", "Cash (bank/clearing)"
    FEES = "fees", "Fee income"
    WRITE_OFF = "write_off", "Bad-debt expense"
    ADJUSTMENTS = "adjustments", "Adjustments"
    PAYMENT_DIFFERENCES = "payment_differences", "Payment differences (within tolerance)"
    DISCOUNTS_GRANTED = "discounts_granted", "Early-payment discounts granted"


COMPANY_ACCOUNT_KINDS: frozenset[str] = frozenset(
    {AccountKind.HOLDS, AccountKind.RECEIVABLE, AccountKind.CREDIT_BALANCE}
)
MERCHANT_ACCOUNT_KINDS: frozenset[str] = frozenset(set(AccountKind.values) - COMPANY_ACCOUNT_KINDS)
# +1: the balance is debits − credits; −1: credits − debits.
DEBIT_NORMAL_KINDS: frozenset[str] = frozenset(
    {AccountKind.HOLDS, AccountKind.RECEIVABLE, AccountKind.CASH, AccountKind.WRITE_OFF,
     AccountKind.ADJUSTMENTS, AccountKind.PAYMENT_DIFFERENCES, AccountKind.DISCOUNTS_GRANTED}
)


class Side(models.TextChoices):
    DEBIT = "debit", "Debit"
    CREDIT = "credit", "Credit"


class PostingKind(models.TextChoices):
    HOLD = "hold", "Hold"
    HOLD_RELEASE = "hold_release", "Hold release"
    RECEIVABLE = "receivable", "Receivable"
    PAYMENT = "payment", "Payment"
    CREDIT_NOTE = "credit_note", "Credit note"
    ADJUSTMENT = "adjustment", "Adjustment"
    WRITE_OFF = "write_off", "Write-off"
    FEE = "fee", "Fee"
    CREDIT_APPLY = "credit_apply", "Credit balance applied to a receivable"
    REFUND = "refund", "Credit balance refunded"
    PAYMENT_DIFFERENCE = "payment_difference", "Payment difference written off (within tolerance)"
    DISCOUNT = "discount", "Early-payment discount taken"
    REVERSAL = "reversal", "Reversal of an earlier posting"


class Account(models.Model):
    """One ledger account. Company-side accounts have a company; merchant-side ones don't.

    ``debits``/``credits`` of a company-side account are its maintained balance: the sums of its
    entries, added by ``ledger.services`` in the same transaction (and the same statement that
    finds the account) as the entries themselves, so a credit decision reads three rows instead of
    summing the company's whole history. ``manage.py ledger_verify`` recomputes them from the
    entries. Merchant-side accounts are shared by every company of an installation; maintaining
    their sums would make every checkout of the installation wait on one row, so they stay zero
    and their balances are summed from entries (``selectors.trial_balance``).
    """

    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="ledger_accounts")
    currency = models.CharField(max_length=3)
    kind = models.CharField(max_length=32, choices=AccountKind.choices)
    debits = models.DecimalField(max_digits=24, decimal_places=4, default=0,
                                 help_text="Sum of the debit legs (company-side accounts; maintained).")
    credits = models.DecimalField(max_digits=24, decimal_places=4, default=0,
                                  help_text="Sum of the credit legs (company-side accounts; maintained).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "currency", "kind"],
                                    condition=Q(company__isnull=False),
                                    name="ledger_account_company_unique"),
            models.UniqueConstraint(fields=["installation", "currency", "kind"],
                                    condition=Q(company__isnull=True),
                                    name="ledger_account_merchant_unique"),
            models.CheckConstraint(
                condition=(Q(company__isnull=False) & Q(kind__in=sorted(COMPANY_ACCOUNT_KINDS)))
                | (Q(company__isnull=True) & Q(kind__in=sorted(MERCHANT_ACCOUNT_KINDS))),
                name="ledger_account_kind_side",
            ),
        ]

    def __repr__(self) -> str:
        owner = f"company_id={self.company_id}" if self.company_id else f"installation_id={self.installation_id}"
        return f"<Account id={self.pk} {self.kind} {self.currency} {owner}>"

    @property
    def is_debit_normal(self) -> bool:
        return self.kind in DEBIT_NORMAL_KINDS


class ReceivableBalance(models.Model):
    """The maintained balance of one receivable reference on a company's receivable account: the
    sums of that account's entries carrying the reference, added by ``ledger.services`` in the
    posting's own transaction (under the company lock), so the open amount of any number of
    invoices is one indexed row each instead of a SUM over their entries. Written only by the
    posting statement; ``manage.py ledger_verify`` (check ``receivable_balances``) recomputes every
    row from the entries. ``company``/``installation``/``currency`` are the account's, copied so
    book-wide reads (matching a bank file, ageing, a collections run) need no join."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="receivable_balances")
    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    receivable_ref = models.CharField(max_length=255)
    debits = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    credits = models.DecimalField(max_digits=24, decimal_places=4, default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "receivable_ref"], name="ledger_receivable_balance_unique"),
        ]
        indexes = [models.Index(fields=["installation", "receivable_ref"], name="ledger_recv_balance_ref_idx")]

    @property
    def open_amount(self) -> Decimal:
        return self.debits - self.credits


class Posting(models.Model):
    """One balanced transaction: per currency, the sum of its debit legs equals its credit legs."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.PROTECT,
                                     related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="postings")
    kind = models.CharField(max_length=32, choices=PostingKind.choices)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=20, decimal_places=4,
                                 help_text="The headline amount the service was called with.")
    idempotency_key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the request; a replay must match it exactly.")
    memo = models.TextField(blank=True)
    hold_ref = models.CharField(max_length=255, blank=True)
    receivable_ref = models.CharField(max_length=255, blank=True)
    payment_ref = models.CharField(max_length=255, blank=True)
    effective_date = models.DateField(
        help_text="The business date: given by the caller, else today in the installation's time zone "
                  "(ledger.services; no default here, so nothing falls back to the server's zone).")
    created_at = models.DateTimeField(default=timezone.now)

    # Not a column: True on the instance a service returns when the key had already been posted.
    replayed: bool = False

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["company", "currency", "created_at"], name="ledger_posting_company_idx")]
        constraints = [
            models.UniqueConstraint(fields=["installation", "idempotency_key"],
                                    name="ledger_posting_idempotency_key_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_posting_amount_positive"),
            models.CheckConstraint(condition=Q(kind__in=PostingKind.values), name="ledger_posting_kind_valid"),
        ]

    def __repr__(self) -> str:
        return (f"<Posting id={self.pk} {self.kind} {self.amount} {self.currency} "
                f"company_id={self.company_id} key={self.idempotency_key!r}>")


class Entry(models.Model):
    """One leg: a positive amount on the debit or the credit side of one account.

    ``hold_ref``/``receivable_ref`` are denormalised onto the company-side legs they concern, so
    a per-hold or per-receivable balance is one indexed SUM.
    """

    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    side = models.CharField(max_length=6, choices=Side.choices)
    amount = models.DecimalField(max_digits=20, decimal_places=4)
    currency = models.CharField(max_length=3)
    hold_ref = models.CharField(max_length=255, blank=True)
    receivable_ref = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["account", "hold_ref"], name="ledger_entry_hold_ref_idx"),
            models.Index(fields=["account", "receivable_ref"], name="ledger_entry_recv_ref_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_entry_amount_positive"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="ledger_entry_side_valid"),
        ]

    def __repr__(self) -> str:
        return f"<Entry id={self.pk} {self.side} {self.amount} {self.currency} account_id={self.account_id}>"
