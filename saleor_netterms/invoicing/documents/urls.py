"""Mounted at "documents/" by saleor_netterms/urls.py."""
from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("<str:token>", views.document_get, name="document"),
]
