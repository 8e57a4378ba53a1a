from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "saleor_netterms.ledger"
    label = "ledger"
