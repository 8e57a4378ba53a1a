from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "saleor_netterms.payments"
    label = "payments"

    def ready(self) -> None:
        from .verification import verification_register
        verification_register()  # manage.py ledger_verify also checks every payment's allocations
