from django.apps import AppConfig


class BuyerAccessConfig(AppConfig):
    name = "saleor_netterms.buyer_access"
    label = "buyer_access"
