from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "saleor_netterms.dashboard"
    label = "dashboard"
