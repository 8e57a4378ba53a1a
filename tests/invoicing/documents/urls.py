"""The documents mounted as saleor_netterms/urls.py will mount them (`documents/`)."""
from django.urls import include, path

urlpatterns = [path("documents/", include("saleor_netterms.invoicing.documents.urls"))]
