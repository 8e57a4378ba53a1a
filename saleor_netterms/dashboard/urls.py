from django.urls import path

from . import views


def page(route: str, template: str, active: str, name: str):
    return path(route, views.page, {"template": template, "active": active}, name=name)


urlpatterns = [
    page("app/", "home", "home", "app-home"),
    path("app/session", views.session_view, name="app-session"),
    page("app/companies", "companies", "companies", "app-companies"),
    page("app/companies/<int:company_id>", "company", "companies", "app-company"),
    page("app/reviews", "reviews", "reviews", "app-reviews"),
    page("app/payments", "payments", "payments", "app-payments"),
    page("app/ledger", "ledger", "ledger", "app-ledger"),
    page("app/sync", "sync", "sync", "app-sync"),
    path("app/approvals", views.approvals_moved, name="app-approvals"),
    page("app/approvals/<int:request_id>", "approval", "reviews", "app-approval"),
    page("app/policies", "policies", "policies", "app-policies"),
    page("app/approval-routes", "approval_routes", "approval-routes", "app-approval-routes"),
    page("app/invoices", "invoices", "invoices", "app-invoices"),
    page("app/invoices/<int:invoice_id>", "invoice", "invoices", "app-invoice"),
    page("app/terms", "terms", "terms", "app-terms"),
    page("app/reconciliation", "reconciliation", "reconciliation", "app-reconciliation"),
    page("app/seller", "seller", "seller", "app-seller"),
    page("app/erp", "erp", "erp", "app-erp"),
    page("app/collections", "collections", "collections", "app-collections"),
    page("app/receivables", "receivables", "receivables", "app-receivables"),
    # widgets on Saleor's order and customer pages (manifest extensions; api/widgets.py)
    page("app/widgets/order", "widget_order", "", "app-widget-order"),
    page("app/widgets/customer", "widget_customer", "", "app-widget-customer"),
]
