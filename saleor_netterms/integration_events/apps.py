from django.apps import AppConfig


class IntegrationEventsConfig(AppConfig):
    name = "saleor_netterms.integration_events"
    label = "integration_events"
