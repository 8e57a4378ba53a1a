from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "saleor_netterms.invoicing"
    label = "invoicing"
