"""The open-receivables rollup: what is open on each receivable now, one narrow row per open one.

Kept by PostgreSQL itself (migration 0001): a statement trigger on ``ledger_entry`` adds every
batch of entries on receivable accounts to the row of its receivable (created from the
receivable's company, currency and dates on its first entry, deleted when nothing is left open),
and a row trigger on ``receivables_receivable`` follows a moved due or invoice date. Every writer
of the ledger is covered because the database keeps it, not a service. Nothing in Python writes
it. ``manage.py ledger_verify`` recomputes it from the entries (``verification``). Ageing, the
invoices behind it and the cash forecast as of today read it instead of summing the ledger; on
SQLite (``make run``) there is no trigger and they sum the ledger."""
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
