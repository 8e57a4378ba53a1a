from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "saleor_netterms.audit"
    label = "audit"
