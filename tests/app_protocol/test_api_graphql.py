import json

import pytest
from django.core.management import call_command

from saleor_netterms.api.management.commands.export_api_schema import SCHEMA_FILE, schema_sdl
from saleor_netterms import __version__
from saleor_netterms.api.management.commands import export_api_schema
from saleor_netterms.api.views import DashboardGraphQLView
from tests.fixtures_saleor import dashboard_headers


@pytest.mark.django_db
def test_graphql_answers_an_authenticated_dashboard_request(client, fake_saleor, installation):
    # when
    response = client.post("/graphql/", data=json.dumps({"query": "{ appVersion }"}),
                           content_type="application/json", headers=dashboard_headers(fake_saleor))

    # then
    assert response.status_code == 200

    assert response.json() == {"data": {"appVersion": __version__}}


@pytest.mark.django_db
def test_graphql_puts_the_principal_on_the_context(fake_saleor, installation):
    # given: a resolver that reads info.context.dashboard_principal
    import graphene
    from django.test import RequestFactory

    class Query(graphene.ObjectType):
        who = graphene.String()

        @staticmethod
        def resolve_who(root, info):
            principal = info.context.dashboard_principal
            return f"{principal.email}@{principal.installation.app_id}"

    view = DashboardGraphQLView.as_view(schema=graphene.Schema(query=Query))
    request = RequestFactory().post("/graphql/", data=json.dumps({"query": "{ who }"}),
                                    content_type="application/json",
                                    headers=dashboard_headers(fake_saleor))

    # when
    response = view(request)

    # then
    assert json.loads(response.content) == {"data": {"who": "admin@example.com@QXBwOjI4"}}


@pytest.mark.django_db
def test_graphql_refuses_unauthenticated_requests_with_coded_401(client, installation):
    # when
    response = client.post("/graphql/", data=json.dumps({"query": "{ appVersion }"}),
                           content_type="application/json")

    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "MISSING_TOKEN"
    assert "data" not in response.json()


@pytest.mark.django_db
def test_graphql_refuses_an_expired_token(client, fake_saleor, installation):
    # when
    response = client.post("/graphql/", data=json.dumps({"query": "{ appVersion }"}),
                           content_type="application/json",
                           headers=dashboard_headers(fake_saleor, fake_saleor.dashboard_token(expires_in=-60)))

    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "TOKEN_EXPIRED"


def test_committed_api_schema_is_up_to_date():
    # given
    committed = SCHEMA_FILE.read_text() if SCHEMA_FILE.exists() else ""

    # when
    current = schema_sdl()

    # then
    assert committed == current, (
        f"{SCHEMA_FILE.relative_to(SCHEMA_FILE.parents[2])} is stale: the GraphQL schema changed. "
        f"Run `make schema` and commit the file.")


def test_stale_schema_check_fails_with_a_clear_message(monkeypatch, tmp_path, capsys):
    # given

    stale = tmp_path / "schema.graphql"
    stale.write_text("type Query {\n  old: String\n}\n")
    monkeypatch.setattr(export_api_schema, "SCHEMA_FILE", stale)

    # when
    with pytest.raises(SystemExit) as exited:
        call_command("export_api_schema", "--check")

    # then
    assert exited.value.code == 1
    assert "is stale: run `make schema`" in capsys.readouterr().err


def test_export_writes_the_sdl(monkeypatch, tmp_path):
    # given

    target = tmp_path / "schema.graphql"
    monkeypatch.setattr(export_api_schema, "SCHEMA_FILE", target)

    # when
    call_command("export_api_schema")

    # then
    assert target.read_text() == schema_sdl()
    assert "appVersion: String!" in target.read_text()
