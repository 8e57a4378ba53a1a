from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "saleor_netterms.approvals"
    label = "approvals"
