from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "saleor_netterms.companies"
    label = "companies"
