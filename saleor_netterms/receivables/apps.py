from django.apps import AppConfig


class ReceivablesConfig(AppConfig):
    name = "saleor_netterms.receivables"
    label = "receivables"

    def ready(self) -> None:
        from .verification import verification_register
        verification_register()  # manage.py ledger_verify also recomputes every receivable's state
