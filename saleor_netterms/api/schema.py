"""The app's own GraphQL API (merchant operations), served at /graphql/."""
import graphene

from saleor_netterms import __version__


class Query(graphene.ObjectType):
    app_version = graphene.String(required=True, description="The running app's version.")

    @staticmethod
    def resolve_app_version(root, info):
        return __version__


schema = graphene.Schema(query=Query)
