from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "saleor_netterms.payments"
    label = "payments"
