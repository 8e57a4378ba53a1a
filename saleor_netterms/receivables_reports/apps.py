from django.apps import AppConfig


class ReceivablesReportsConfig(AppConfig):
    name = "saleor_netterms.receivables_reports"
    label = "receivables_reports"

    def ready(self) -> None:
        from .verification import verification_register
        verification_register()  # manage.py ledger_verify recomputes the open-receivables rollup
