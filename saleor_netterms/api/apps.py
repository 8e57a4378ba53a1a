from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "saleor_netterms.api"
    label = "api"
