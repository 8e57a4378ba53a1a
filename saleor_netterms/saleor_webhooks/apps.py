from django.apps import AppConfig


class SaleorWebhooksConfig(AppConfig):
    name = "saleor_netterms.saleor_webhooks"
    label = "saleor_webhooks"
