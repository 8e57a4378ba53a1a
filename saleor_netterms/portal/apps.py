from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "saleor_netterms.portal"
    label = "portal"
