"""The app's urls plus the approvals include the root urlconf is to gain (see the approvals report)."""
from django.urls import include, path

from saleor_netterms.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("approvals/", include("saleor_netterms.approvals.urls")), *app_urlpatterns]
