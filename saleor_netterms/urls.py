from django.conf import settings
from django.urls import include, path

from saleor_netterms.core import views as core_views
from saleor_netterms.erp_api import document_views as erp_document_views
from saleor_netterms.erp_api import schema_views
from saleor_netterms.saleor_webhooks import bench_views
from saleor_netterms.saleor_webhooks.views import manifest_view
from saleor_netterms.erp_api.api import api as erp_api

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/manifest", manifest_view, name="manifest"),
    path("api/", include("saleor_netterms.installations.urls")),
    path("api/webhooks/", include("saleor_netterms.saleor_webhooks.urls")),
    path("graphql/", include("saleor_netterms.api.urls")),
    path("documents/erp/<str:token>", erp_document_views.erp_invoice_pdf_get, name="erp-invoice-pdf"),
    path("documents/", include("saleor_netterms.invoicing.documents.urls")),
    path("approvals/", include("saleor_netterms.approvals.urls")),
    path("portal/", include("saleor_netterms.portal.urls")),
    path("erp/v1/", erp_api.urls),
    path("webhooks/schemas/", schema_views.schema_index, name="webhook-schemas"),
    path("webhooks/schemas/<str:name>.json", schema_views.schema_detail, name="webhook-schema"),
    path("", include("saleor_netterms.dashboard.urls")),
]

if settings.BENCH_ENDPOINTS:  # bench/checkout.py's baseline: verify a signature, answer a fixed body
    urlpatterns.append(path("bench/verify-only", bench_views.verify_only, name="bench-verify-only"))
    urlpatterns.append(path("bench/floor", bench_views.floor, name="bench-floor"))
