from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "saleor_netterms.checkout"
    label = "checkout"
