"""The open-receivables rollup: what is open on each receivable now, one narrow row per open one.

One writer for the open amount: the ledger's ``ReceivableBalance`` (one row per receivable
reference, written by the posting statement) is the open amount; this table only follows it. A row
trigger on ``ledger_receivablebalance`` (migration 0002) copies each changed balance here, with the
receivable's company, currency and dates (created on its first entry, deleted when nothing is left
open), and a row trigger on ``receivables_receivable`` (0001) follows a moved due or invoice date.
Nothing in Python writes it. ``manage.py ledger_verify`` recomputes it from the entries
(``verification``). Ageing, the invoices behind it and the cash forecast as of today read it instead
of summing the ledger; on SQLite (``make run``) there is no trigger and they sum the ledger.

The month and lateness rollups next to it (``CompanyMonth``, ``CompanyLateness``) are described in
their own docstrings."""
from django.db import models


class OpenReceivable(models.Model):
    receivable = models.OneToOneField("receivables.Receivable", primary_key=True, on_delete=models.DO_NOTHING,
                                      db_constraint=False, related_name="+")
    installation_id = models.BigIntegerField()
    company_id = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    issue_date = models.DateField()
    due_date = models.DateField()
    open_amount = models.DecimalField(max_digits=24, decimal_places=4)

    class Meta:
        indexes = [models.Index(fields=["installation_id", "currency", "due_date"], name="reports_open_due_idx")]


SHARDS = 32  # the installation-wide rollups below keep one row per (…, company_id % SHARDS)


class OpenByDate(models.Model):
    """What is open on the installation's receivables per currency, invoice date and due date (a
    few thousand rows for a million open receivables), kept by PostgreSQL (migration 0005) from
    ``OpenReceivable`` by a row trigger: each row adds to its (currency, issue_date, due_date, shard)
    row its amount (to ``open_amount`` and ``receivables`` only when above zero). Buckets move with the as-of date,
    dates do not: the ageing in total and per currency as of today is a sum over these rows by
    the bucket of each date (``selectors.ageing``), minus the disputed parts (read from the few open
    disputes); what is current today (DSO's and CEI's as-of month) is the sum of ``net_amount`` due
    from today on. ``shard`` = company_id % SHARDS, so that receivables of different companies booked
    on the same day do not queue on one row lock. ``ledger_verify`` (``open_by_date``) recomputes it
    from ``OpenReceivable``."""
    installation_id = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    issue_date = models.DateField()
    due_date = models.DateField()
    shard = models.SmallIntegerField()
    open_amount = models.DecimalField(max_digits=24, decimal_places=4, default=0,
                                      help_text="Σ of the open amounts above zero (what ageing counts).")
    receivables = models.IntegerField(default=0, help_text="How many of them.")
    net_amount = models.DecimalField(max_digits=24, decimal_places=4, default=0,
                                     help_text="Σ of every open amount, below zero too (an overpaid receivable).")
    members = models.IntegerField(default=0, help_text="How many OpenReceivable rows (the row goes at 0).")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["installation_id", "currency", "issue_date", "due_date", "shard"],
                                               name="reports_open_by_date_unique")]


class InstallationMonth(models.Model):
    """``CompanyMonth`` summed over the installation's companies (per currency, month and shard =
    company_id % SHARDS), kept by PostgreSQL (migration 0005) by a row trigger on
    ``receivables_reports_companymonth``: DSO and CEI without a tier or company filter read ~25 ×
    SHARDS rows instead of one per company and month. ``ledger_verify`` (``installation_months``)
    recomputes it from ``CompanyMonth``."""
    installation_id = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    month = models.DateField(help_text="The month's first day.")
    shard = models.SmallIntegerField()
    sales = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    moved = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    current_end = models.DecimalField(max_digits=24, decimal_places=4, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["installation_id", "currency", "month", "shard"],
                                               name="reports_installation_month_unique")]


class CompanyMonth(models.Model):
    """One company's receivables in one currency and one calendar month (of business dates), kept by
    PostgreSQL (migration 0003) from the ledger's events: a row trigger on ``receivables_receivable``
    (a receivable booked; its amount or dates changed) and a statement trigger on ``ledger_entry``
    (every movement on a receivable's reference in the receivable account after its booking:
    payments, credit notes, write-offs, adjustments, credit applied, reversals).

    - ``sales``: credit sales, the amounts of the receivables invoiced (issue date) in the month;
    - ``moved``: the movements effective in the month (debits − credits; payments are negative);
    - ``current_end``: open at the month's last day on the receivables invoiced by then and not yet
      due on it (due on or after it).

    The receivables at a month's end are the running sum of ``sales + moved`` up to it. DSO
    (count-back and simple), best possible DSO and CEI of the months before the as-of date's read
    these rows (``selectors.monthly``); ``ledger_verify`` (``company_months``) recomputes them."""
    installation_id = models.BigIntegerField()
    company_id = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    month = models.DateField(help_text="The month's first day.")
    sales = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    moved = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    current_end = models.DecimalField(max_digits=24, decimal_places=4, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company_id", "currency", "month"],
                                               name="reports_company_month_unique")]
        indexes = [models.Index(fields=["installation_id", "currency", "month"], name="reports_month_idx")]


class CompanyLateness(models.Model):
    """How late one company paid in one currency, per calendar month of the payments' received
    dates, kept by PostgreSQL (migration 0003): a statement trigger on
    ``payments_paymentallocation`` adds each applied amount, a row trigger on ``payments_payment``
    takes a reversed payment out (and follows a changed received date), one on
    ``receivables_receivable`` follows a moved due date.

    - ``paid``: the amounts applied (allocations of payments not reversed);
    - ``late_amount_days``: Σ amount × max(0, received on − due on);
    - ``payments``: how many allocations.

    Average days late over a window of months is Σ late_amount_days ÷ Σ paid
    (``formulas.days_late_average``'s amount-weighted mean); ``selectors.days_late`` and the cash
    forecast read it; ``ledger_verify`` (``company_lateness``) recomputes it."""
    installation_id = models.BigIntegerField()
    company_id = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    month = models.DateField(help_text="The month's first day.")
    paid = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    late_amount_days = models.DecimalField(max_digits=30, decimal_places=4, default=0)
    payments = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company_id", "currency", "month"],
                                               name="reports_company_lateness_unique")]
        indexes = [models.Index(fields=["installation_id", "currency", "month"], name="reports_lateness_idx")]


class DigestRecipient(models.Model):
    """A staff member who gets the weekly receivables summary by e-mail (optional; none by default).
    Written only by ``receivables_reports.digest.digest_recipients_set``."""

    installation = models.ForeignKey("installations.Installation", on_delete=models.CASCADE,
                                     related_name="digest_recipients")
    email = models.EmailField(max_length=254)
    added_by = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(fields=["installation", "email"], name="reports_digest_recipient_unique")]
