"""Cost limits of the app's GraphQL API, checked before anything executes (issue 8: 10,000
aliases of `invoices` once ran 92 s and 10,000 queries in one worker).

- `API_MAX_TOKENS` (2,000): the parser stops at that many tokens (a Dashboard page's largest
  query has under 300).
- `API_MAX_DEPTH` (10): selection depth, fragments expanded (the deepest page query has 6).
- `API_MAX_FIELDS` (250): fields selected in the operation, fragments expanded and counted
  where they are spread; every alias is a field.
- `API_MAX_ALIASES` (30): aliased fields.
- Page size: every list argument `first` is 1..100 (api.inputs.page_parse).

A string literal in the query holding a NUL or a lone surrogate (written as a GraphQL escape) is
refused the same way with code INVALID_TEXT (variables are checked by the JSON reader).

An over-limit request gets HTTP 400 `{"errors": [{"message", "extensions": {"code":
"QUERY_TOO_COMPLEX"}}]}` and nothing runs."""
from __future__ import annotations

from graphql import (FieldNode, FragmentSpreadNode, GraphQLError, InlineFragmentNode, OperationDefinitionNode,
                     StringValueNode, ValidationRule)

from saleor_netterms.core.inbound import InvalidText, text_check

API_MAX_TOKENS = 2000
API_MAX_DEPTH = 10
API_MAX_FIELDS = 250
API_MAX_ALIASES = 30
TOO_COMPLEX = "QUERY_TOO_COMPLEX"


class _Exceeded(Exception):
    pass


class QueryCostRule(ValidationRule):
    """One pass over each operation: depth, field count and alias count, fragments expanded
    (a fragment cycle is stopped here and reported by graphql-core's NoFragmentCycles)."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
        fragments = {f.name.value: f for f in self.context.document.definitions
                     if getattr(f, "kind", "") == "fragment_definition"}
        counts = {"fields": 0, "aliases": 0}

        def walk(selection_set, depth: int, spreading: frozenset) -> None:
            if selection_set is None:
                return
            if depth > API_MAX_DEPTH:
                raise _Exceeded(f"the query is nested deeper than {API_MAX_DEPTH} levels")
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    counts["fields"] += 1
                    if selection.alias is not None:
                        counts["aliases"] += 1
                    if counts["fields"] > API_MAX_FIELDS:
                        raise _Exceeded(f"the query selects more than {API_MAX_FIELDS} fields")
                    if counts["aliases"] > API_MAX_ALIASES:
                        raise _Exceeded(f"the query uses more than {API_MAX_ALIASES} aliases")
                    walk(selection.selection_set, depth + 1, spreading)
                elif isinstance(selection, InlineFragmentNode):
                    walk(selection.selection_set, depth, spreading)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name in spreading or name not in fragments:
                        continue
                    walk(fragments[name].selection_set, depth, spreading | {name})

        try:
            walk(node.selection_set, 1, frozenset())
        except _Exceeded as exc:
            self.report_error(GraphQLError(f"Query refused: {exc}.", node, extensions={"code": TOO_COMPLEX}))

    def enter_string_value(self, node: StringValueNode, *_args):
        try:
            text_check(node.value, field="string literal")
        except InvalidText:
            self.report_error(GraphQLError("A string holds a NUL character or a lone surrogate.", node,
                                           extensions={"code": InvalidText.code}))
