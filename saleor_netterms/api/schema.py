"""The app's own GraphQL API (merchant operations), served at /graphql/.

Used by the Dashboard pages, scripts and integrators. Authentication happens in the view
(api/views.py); every query and mutation scopes to ``info.context.dashboard_principal.installation``
(api/context.py). Each area contributes a `Query` and a `Mutation` class: credit accounts, ledger,
payments and reviews (api/queries.py, api/mutations.py), approvals (api/approvals.py), policies
and audit (api/policies.py), invoices (api/invoicing.py), bank statements and the matching queue
(api/reconciliation.py), the seller profile (api/sellers.py), ERP webhooks, keys, masters and
accounting exports (api/erp.py), collections (api/collections.py), receivables analytics (api/receivables.py),
the payment register (api/registers.py, on the shared list shape of api/lists.py), the widgets on
Saleor's order and customer pages (api/widgets.py). The SDL is committed as
api/schema.graphql (``manage.py export_api_schema``)."""
import graphene

from . import (approvals, collections, erp, invoicing, mutations, policies, queries, receivables, reconciliation,
               registers, reviews, sellers, widgets)


class Query(queries.Query, approvals.Query, policies.Query, invoicing.Query, reconciliation.Query, sellers.Query,
            erp.Query, collections.Query, receivables.Query, receivables.DigestQuery, registers.Query, reviews.Query,
            widgets.Query,
            graphene.ObjectType):
    pass


class Mutation(mutations.Mutation, approvals.Mutation, policies.Mutation, invoicing.Mutation,
               reconciliation.Mutation, sellers.Mutation, erp.Mutation, collections.Mutation,
               reviews.Mutation, receivables.Mutation, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
