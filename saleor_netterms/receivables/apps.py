from django.apps import AppConfig


class ReceivablesConfig(AppConfig):
    name = "saleor_netterms.receivables"
    label = "receivables"
