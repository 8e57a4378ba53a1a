"""`/graphql/`: the app's own GraphQL API for its Dashboard pages.

Authenticated by the Dashboard token (installations.dashboard_auth, FACTS.md §8.3) on every
request; the principal is `info.context.dashboard_principal` in resolvers. Unauthenticated
requests get a coded JSON 401/403 and never reach the schema."""
from __future__ import annotations

from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.installations.dashboard_auth import authenticate_dashboard_request
from saleor_netterms.installations.responses import error_response


@method_decorator(csrf_exempt, name="dispatch")
class DashboardGraphQLView(GraphQLView):
    graphiql = False

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        try:
            request.dashboard_principal = authenticate_dashboard_request(request)
        except NetTermsError as exc:
            return error_response(exc)
        return super().dispatch(request, *args, **kwargs)
