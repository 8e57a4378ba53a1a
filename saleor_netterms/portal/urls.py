"""The buyer portal: the JSON endpoints for headless storefronts (credit, limit-requests,
statement, promises, disputes: views.py) and the server-rendered pages (pages.py)."""
from django.urls import path, re_path

from . import pages, views

urlpatterns = [
    # JSON (Authorization: Bearer <Saleor customer token>, Saleor-Api-Url)
    path("credit", views.credit_view, name="portal-credit"),
    path("limit-requests", views.limit_request_view, name="portal-limit-requests"),
    path("statement", views.statement_view, name="portal-statement"),
    path("promises", views.promise_view, name="portal-promises"),
    path("disputes", views.dispute_view, name="portal-disputes"),
    # Pages (portal session cookie)
    path("session", pages.handover, name="portal-handover"),
    path("sign-in", pages.sign_in, name="portal-sign-in"),
    path("sign-in/<str:token>", pages.sign_in_link, name="portal-sign-in-link"),
    path("sign-out", pages.sign_out, name="portal-sign-out"),
    path("", pages.overview, name="portal-overview"),
    path("invoices", pages.invoices, name="portal-invoices"),
    path("invoices.csv", pages.invoices_csv, name="portal-invoices-csv"),
    # Invoice numbers may contain "/" (RE/2026/0042): the actions are matched first by their last
    # segment, anything else after invoices/ is a number.
    path("invoices/<path:number>/dispute", pages.dispute, name="portal-dispute"),
    re_path(r"^invoices/(?P<number>.+)/(?P<fmt>pdf|facturx|ubl)$", pages.invoice_document,
            name="portal-invoice-document"),
    path("invoices/<path:number>", pages.invoice_detail, name="portal-invoice"),
    path("remittances", pages.remittance_create, name="portal-remittance-create"),
    path("remittances/<int:remittance_id>", pages.remittance_detail, name="portal-remittance"),
    path("statements", pages.statements, name="portal-statements"),
    path("promise", pages.promise, name="portal-promise"),
    path("credit-limit", pages.credit, name="portal-credit-page"),
    path("approvals", pages.approvals, name="portal-approvals"),
    path("approvals/<int:request_id>", pages.approval_act, name="portal-approval-act"),
    path("orders", pages.orders, name="portal-orders"),
    path("company", pages.company, name="portal-company"),
    path("company/invite", pages.company_invite, name="portal-company-invite"),
    path("company/settings", pages.company_settings, name="portal-company-settings"),
    path("company/members/<int:member_id>", pages.company_member, name="portal-company-member"),
    path("theme/<int:installation_id>.css", pages.theme_css, name="portal-theme"),
    path("logo/<int:installation_id>/<str:sha>", pages.logo, name="portal-logo"),
]
