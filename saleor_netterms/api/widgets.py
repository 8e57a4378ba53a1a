"""What the app adds to Saleor's own pages: the Dashboard widgets on an order's and a customer's
detail page (manifest extensions ORDER_DETAILS_WIDGETS and CUSTOMER_DETAILS_WIDGETS; the pages
are dashboard/templates/dashboard/widget_*.html). The Dashboard passes the order's or the
customer's global id; these queries answer what a credit manager wants to see there — the credit
decision and its reasons, the hold, the invoice and what is still open, the account's position."""
from __future__ import annotations

import graphene

from saleor_netterms.companies import selectors as company_selectors

from . import selectors
from .context import installation_of
from .invoicing import InvoiceType, invoices_with_positions
from .types import CompanyType, CreditSummaryType, MoneyType, TransactionType


class ReceivablesPositionType(graphene.ObjectType):
    class Meta:
        name = "ReceivablesPosition"
        description = "A company's open and overdue receivables in one currency (from the ledger)."

    open_amount = graphene.Field(MoneyType, required=True)
    open_count = graphene.Int(required=True)
    overdue_amount = graphene.Field(MoneyType, required=True)
    overdue_count = graphene.Int(required=True)
    max_days_past_due = graphene.Int(required=True, description="Of the oldest overdue invoice; 0 when none.")


class CreditAccountPositionType(graphene.ObjectType):
    class Meta:
        name = "CreditAccountPosition"
        description = "A company's credit and receivables in one currency."

    currency = graphene.String(required=True)
    credit = graphene.Field(CreditSummaryType, required=True)
    receivables = graphene.Field(ReceivablesPositionType, required=True)


def _positions(company, currencies) -> list[dict]:
    return [{"currency": c, "credit": company_selectors.credit_summary(company=company, currency=c),
             "receivables": selectors.receivables_position(company=company, currency=c)}
            for c in currencies]


class CustomerCreditAccountType(graphene.ObjectType):
    class Meta:
        name = "CustomerCreditAccount"
        description = "A credit account a Saleor customer buys on, with its position per currency."

    company = graphene.Field(CompanyType, required=True)
    positions = graphene.List(graphene.NonNull(CreditAccountPositionType), required=True,
                              description="One per currency the account has a limit in, by currency code.")

    @staticmethod
    def resolve_company(root, info):
        return root

    @staticmethod
    def resolve_positions(root, info):
        return _positions(root, [limit.currency for limit in selectors.company_limits(company=root)])


class OrderNetTermsType(graphene.ObjectType):
    class Meta:
        name = "OrderNetTerms"
        description = "A Saleor order paid on net terms: the credit decision, the hold, the invoices."

    order_id = graphene.String(required=True)
    order_number = graphene.String(required=True)
    company = graphene.Field(CompanyType, description="Null when no company was resolved (declined).")
    transactions = graphene.List(graphene.NonNull(TransactionType), required=True,
                                 description="Its net-terms transactions with their decisions, oldest first.")
    invoices = graphene.List(graphene.NonNull(InvoiceType), required=True,
                             description="Invoices and credit notes issued for it, oldest first.")
    position = graphene.Field(CreditAccountPositionType, description=(
        "The company's credit and receivables now, in the order's currency; null without a company."))

    @staticmethod
    def resolve_invoices(root, info):
        return invoices_with_positions(root.invoices)

    @staticmethod
    def resolve_position(root, info):
        return _positions(root.company, [root.currency])[0] if root.company is not None else None


class Query(graphene.ObjectType):
    order_net_terms = graphene.Field(
        OrderNetTermsType, order_id=graphene.ID(required=True, description="Saleor's Order global id."),
        description="What the app knows of a Saleor order; null when it was not paid on net terms.")
    customer_credit_accounts = graphene.List(
        graphene.NonNull(CustomerCreditAccountType), required=True,
        customer_id=graphene.ID(required=True, description="Saleor's User global id."),
        description=("The credit accounts a Saleor customer buys on (a member by user id, or paying orders "
                     "on net terms), by legal name."))

    @staticmethod
    def resolve_order_net_terms(root, info, order_id):
        return selectors.order_net_terms(installation=installation_of(info), order_id=str(order_id).strip()[:255])

    @staticmethod
    def resolve_customer_credit_accounts(root, info, customer_id):
        return list(selectors.customer_companies(installation=installation_of(info),
                                                 user_id=str(customer_id).strip()[:255])[:20])
