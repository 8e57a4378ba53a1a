from django.urls import path

from . import views

urlpatterns = [
    path("app/", views.app_page, name="app-home"),
    path("app/session", views.session_view, name="app-session"),
    path("app/companies", views.companies_page, name="app-companies"),
    path("app/companies/<int:company_id>", views.company_page, name="app-company"),
    path("app/reviews", views.reviews_page, name="app-reviews"),
    path("app/payments", views.payments_page, name="app-payments"),
    path("app/ledger", views.ledger_page, name="app-ledger"),
    path("app/sync", views.sync_page, name="app-sync"),
    path("app/approvals", views.approvals_page, name="app-approvals"),
    path("app/approvals/<int:request_id>", views.approval_page, name="app-approval"),
    path("app/policies", views.policies_page, name="app-policies"),
    path("app/approval-routes", views.approval_routes_page, name="app-approval-routes"),
    path("app/invoices", views.invoices_page, name="app-invoices"),
    path("app/invoices/<int:invoice_id>", views.invoice_page, name="app-invoice"),
    path("app/terms", views.terms_page, name="app-terms"),
]
