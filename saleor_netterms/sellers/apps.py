from django.apps import AppConfig


class SellersConfig(AppConfig):
    name = "saleor_netterms.sellers"
    label = "sellers"
    default_auto_field = "django.db.models.BigAutoField"
