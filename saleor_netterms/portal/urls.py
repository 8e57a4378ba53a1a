from django.urls import path

from . import views

urlpatterns = [
    path("credit", views.credit_view, name="portal-credit"),
    path("limit-requests", views.limit_request_view, name="portal-limit-requests"),
]
