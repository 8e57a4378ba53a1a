from django.urls import include, path

from saleor_netterms.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/", include("saleor_netterms.installations.urls")),
    path("api/webhooks/", include("saleor_netterms.saleor_webhooks.urls")),
    path("graphql/", include("saleor_netterms.api.urls")),
    path("", include("saleor_netterms.dashboard.urls")),
]
