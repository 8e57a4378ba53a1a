"""The app's own GraphQL API (merchant operations), served at /graphql/.

Used by the Dashboard pages, scripts and integrators. Authentication happens in the view
(api/views.py); every query and mutation scopes to ``info.context.dashboard_principal.installation``
(api/context.py). Types: api/types.py; queries: api/queries.py; mutations: api/mutations.py.
The SDL is committed as api/schema.graphql (``manage.py export_api_schema``)."""
import graphene

from .mutations import Mutation
from .queries import Query

schema = graphene.Schema(query=Query, mutation=Mutation)
