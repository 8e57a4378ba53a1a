from django.apps import AppConfig


class ErpApiConfig(AppConfig):
    name = "saleor_netterms.erp_api"
    label = "erp_api"
