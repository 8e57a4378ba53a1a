"""GraphQL operations of the policies area, composed into the schema by api/schema.py."""
import graphene


class Query(graphene.ObjectType):
    pass


class Mutation(graphene.ObjectType):
    pass
