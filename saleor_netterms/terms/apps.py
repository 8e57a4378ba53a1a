from django.apps import AppConfig


class TermsConfig(AppConfig):
    name = "saleor_netterms.terms"
    label = "terms"
