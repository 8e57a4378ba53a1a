"""`/graphql/`: the app's own GraphQL API for its Dashboard pages.

Authenticated by the Dashboard token (installations.dashboard_auth, FACTS.md §8.3) on every
request; the principal is `info.context.dashboard_principal` in resolvers. Unauthenticated
requests get a coded JSON 401/403 and never reach the schema."""
from __future__ import annotations

from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView
from graphql import ExecutionResult, GraphQLError, parse, specified_rules

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.inbound import MalformedPayload, json_read, text_check
from saleor_netterms.installations.dashboard_auth import authenticate_dashboard_request
from saleor_netterms.installations.responses import error_response

from .limits import API_MAX_TOKENS, TOO_COMPLEX, QueryCostRule


@method_decorator(csrf_exempt, name="dispatch")
class DashboardGraphQLView(GraphQLView):
    """Bodies and `variables` are read by core.inbound.json_read (depth, NUL, NaN → coded 400
    `{"error": {"code", "message"}}`); queries are bounded by api.limits before execution."""

    graphiql = False
    validation_rules = (*specified_rules, QueryCostRule)

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        try:
            request.dashboard_principal = authenticate_dashboard_request(request)
            return super().dispatch(request, *args, **kwargs)
        except NetTermsError as exc:
            return error_response(exc)

    def parse_body(self, request):
        if self.get_content_type(request) != "application/json":
            raise MalformedPayload("the app's API takes application/json",
                                   merchant_message="Send the query as application/json.")
        data = json_read(request.body)
        if not isinstance(data, dict):
            raise MalformedPayload("body is not a JSON object",
                                   merchant_message='Send {"query": "...", "variables": {...}}.')
        return data

    @staticmethod
    def get_graphql_params(request, data):
        query, variables, operation_name = data.get("query"), data.get("variables"), data.get("operationName")
        if isinstance(variables, str):
            variables = json_read(variables, empty={})
        if variables is not None and not isinstance(variables, dict):
            raise MalformedPayload("variables is not a JSON object", merchant_message="variables must be an object.")
        if query is not None and not isinstance(query, str):
            raise MalformedPayload("query is not a string", merchant_message="query must be a string.")
        if query:
            text_check(query, field="query")
        if operation_name is not None and not isinstance(operation_name, str):
            operation_name = None
        return query, variables, operation_name, data.get("id")

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        if query:  # bounded parse first: a token limit, and no RecursionError from a deep query
            try:
                parse(query, max_tokens=API_MAX_TOKENS)
            except RecursionError:
                return ExecutionResult(errors=[GraphQLError("Query refused: it is nested too deeply.",
                                                            extensions={"code": TOO_COMPLEX})])
            except GraphQLError as exc:
                code = TOO_COMPLEX if "tokens" in exc.message else "GRAPHQL_PARSE_FAILED"
                return ExecutionResult(errors=[GraphQLError(exc.message, extensions={"code": code})])
        return super().execute_graphql_request(request, data, query, variables, operation_name, show_graphiql)
