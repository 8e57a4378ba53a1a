import logging

import pytest

from saleor_netterms.installations.models import Installation, InstallationStatus
from tests.saleor_double import FakeSaleor


def _register(client, fake: FakeSaleor, *, token: str | None = None, api_url: str | None = None):
    body = {"auth_token": fake.app_token if token is None else token}
    headers = {"Saleor-Domain": fake.domain, "Saleor-Api-Url": api_url or fake.api_url,
               "Saleor-Schema-Version": "3.24", "X-Saleor-Domain": fake.domain}
    return client.post("/api/register", data=body, content_type="application/json", headers=headers)


@pytest.fixture(autouse=True)
def allow_fake_saleors(settings):
    settings.ALLOWED_SALEOR_API_URLS = [r"https://[a-z0-9.-]+\.saleor\.test/graphql/"]


@pytest.mark.django_db
def test_register_stores_the_installation(client, fake_saleor):
    # when
    response = _register(client, fake_saleor)

    # then
    assert response.status_code == 200
    assert response.json() == {"success": True}
    installation = Installation.objects.get()
    assert installation.saleor_api_url == "https://shop.saleor.test/graphql/"
    assert installation.saleor_domain == "shop.saleor.test"
    assert installation.saleor_schema_version == "3.24"
    assert installation.app_id == "QXBwOjI4"
    assert installation.token == fake_saleor.app_token
    assert fake_saleor.app_token not in installation.token_encrypted
    assert installation.jwks == fake_saleor.jwks()
    assert installation.jwks_fetched_at is not None
    assert installation.status == InstallationStatus.ACTIVE
    [call] = fake_saleor.calls
    assert call.operation == "AppId"
    assert call.authorization == f"Bearer {fake_saleor.app_token}"
    assert fake_saleor.jwks_requests == 1


@pytest.mark.django_db
def test_register_refuses_a_saleor_url_not_allowed(client, fake_saleor, settings):
    # given
    settings.ALLOWED_SALEOR_API_URLS = [r"https://prod\.saleor\.test/graphql/"]

    # when
    response = _register(client, fake_saleor)

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "SALEOR_URL_PROHIBITED"
    assert response.json()["error"]["message"]
    assert Installation.objects.count() == 0
    assert fake_saleor.calls == [] and fake_saleor.jwks_requests == 0


@pytest.mark.django_db
def test_register_allowlist_is_a_full_match(client, fake_saleor, settings):
    # given: the pattern matches a prefix of the URL only
    settings.ALLOWED_SALEOR_API_URLS = [r"https://shop\.saleor\.test"]

    # when
    response = _register(client, fake_saleor)

    # then
    assert response.status_code == 403
    assert Installation.objects.count() == 0


@pytest.mark.django_db
def test_register_refuses_everything_when_the_allowlist_is_empty(client, fake_saleor, settings):
    # given
    settings.ALLOWED_SALEOR_API_URLS = []

    # when
    response = _register(client, fake_saleor)

    # then
    assert response.status_code == 403
    assert Installation.objects.count() == 0


@pytest.mark.django_db
def test_register_refuses_a_token_saleor_rejects(client, fake_saleor):
    # when
    response = _register(client, fake_saleor, token="not-the-app-token-000000000000")

    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNKNOWN_APP_ID"
    assert Installation.objects.count() == 0
    assert fake_saleor.jwks_requests == 0


@pytest.mark.django_db
def test_register_refuses_when_saleor_is_unreachable(client, fake_saleor):
    # given
    fake_saleor.fail_next(3, connection_error=True)

    # when
    response = _register(client, fake_saleor)

    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNKNOWN_APP_ID"
    assert Installation.objects.count() == 0


@pytest.mark.django_db
def test_register_refuses_when_saleor_answers_no_app_id(client, fake_saleor):
    # given
    fake_saleor.answer("AppId", {"data": {"app": None}})

    # when
    response = _register(client, fake_saleor)

    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNKNOWN_APP_ID"
    assert Installation.objects.count() == 0


@pytest.mark.django_db
def test_register_refuses_when_jwks_is_unavailable(client, fake_saleor):
    # given
    fake_saleor.jwks_available = False

    # when
    response = _register(client, fake_saleor)

    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "JWKS_NOT_AVAILABLE"
    assert Installation.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "headers", "code"), [
    ({"auth_token": "x" * 30}, {}, "MISSING_SALEOR_API_URL"),
    ({}, {"Saleor-Api-Url": "https://shop.saleor.test/graphql/"}, "MISSING_AUTH_TOKEN"),
    ({"auth_token": ""}, {"Saleor-Api-Url": "https://shop.saleor.test/graphql/"}, "MISSING_AUTH_TOKEN"),
])
def test_register_requires_header_and_token(client, fake_saleor, body, headers, code):
    # when
    response = client.post("/api/register", data=body, content_type="application/json",
                           headers=headers)

    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert Installation.objects.count() == 0
    assert fake_saleor.calls == []


@pytest.mark.django_db
def test_register_refuses_a_body_that_is_not_json(client, fake_saleor):
    # when
    response = client.post("/api/register", data=b"auth_token=abc", content_type="text/plain",
                           headers={"Saleor-Api-Url": fake_saleor.api_url})

    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "MALFORMED_PAYLOAD"


@pytest.mark.django_db
def test_reinstall_replaces_token_app_id_and_jwks_and_reactivates(client, fake_saleor, installation):
    # given: the app was removed in Saleor, then installed again (new app id, token and key)
    Installation.objects.filter(pk=installation.pk).update(
        status=InstallationStatus.REMOVED, removed_reason="SALEOR_TOKEN_REJECTED: gone")
    fake_saleor.app_id = "QXBwOjI5"
    fake_saleor.app_token = "second-app-token-0123456789abc"
    fake_saleor.rotate_key()

    # when
    response = _register(client, fake_saleor)

    # then
    assert response.status_code == 200
    installation = Installation.objects.get()
    assert installation.app_id == "QXBwOjI5"
    assert installation.token == "second-app-token-0123456789abc"
    assert installation.jwks == fake_saleor.jwks()
    assert installation.status == InstallationStatus.ACTIVE
    assert installation.removed_at is None and installation.removed_reason == ""


@pytest.mark.django_db
def test_register_never_logs_or_reprs_the_token(client, fake_saleor, caplog):
    # given
    caplog.set_level(logging.DEBUG)
    fake_saleor.jwks_available = False
    _register(client, fake_saleor)  # a refusal
    fake_saleor.jwks_available = True

    # when
    response = _register(client, fake_saleor)

    # then
    assert response.status_code == 200
    installation = Installation.objects.get()
    assert caplog.records
    assert fake_saleor.app_token not in caplog.text
    assert all(fake_saleor.app_token not in str(vars(r)) for r in caplog.records)
    assert fake_saleor.app_token not in repr(installation) + str(installation)
    assert fake_saleor.app_token not in response.content.decode()


@pytest.mark.django_db
def test_register_refused_answers_do_not_echo_the_token(client, fake_saleor):
    # when
    response = _register(client, fake_saleor, token="secret-token-never-echoed-00000")

    # then
    assert "secret-token-never-echoed-00000" not in response.content.decode()
