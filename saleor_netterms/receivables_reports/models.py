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
