from django.apps import AppConfig


class ErpConfig(AppConfig):
    name = "saleor_netterms.erp"
    label = "erp"
