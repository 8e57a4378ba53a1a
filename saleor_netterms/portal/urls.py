from django.urls import path

from . import views

urlpatterns = [
    path("credit", views.credit_view, name="portal-credit"),
    path("limit-requests", views.limit_request_view, name="portal-limit-requests"),
    path("statement", views.statement_view, name="portal-statement"),
    path("promises", views.promise_view, name="portal-promises"),
    path("disputes", views.dispute_view, name="portal-disputes"),
]
