from django.apps import AppConfig


class InstallationsConfig(AppConfig):
    name = "saleor_netterms.installations"
    label = "installations"
