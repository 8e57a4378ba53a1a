"""Mounted by the root urlconf: path("approvals/", include("saleor_netterms.approvals.urls"))."""
from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("link/<str:token>/", views.link_view, name="link"),
]
