import pytest
from django.test import RequestFactory

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.installations.dashboard_auth import authenticate_dashboard_request
from saleor_netterms.installations.models import Installation, InstallationStatus
from tests.fixtures_saleor import dashboard_headers
from tests.saleor_double import public_jwk, rsa_key


def _request(headers: dict):
    return RequestFactory().get("/app/session", headers=headers)


def _refusal(request, **kwargs) -> NetTermsError:
    with pytest.raises(NetTermsError) as caught:
        authenticate_dashboard_request(request, **kwargs)
    return caught.value


@pytest.mark.django_db
def test_valid_token_gives_the_principal(fake_saleor, installation):
    # given
    token = fake_saleor.dashboard_token(user_permissions=["HANDLE_PAYMENTS", "MANAGE_ORDERS"])

    # when
    principal = authenticate_dashboard_request(_request(dashboard_headers(fake_saleor, token)))

    # then
    assert principal.installation.pk == installation.pk
    assert principal.user_id == "VXNlcjoyMQ=="
    assert principal.email == "admin@example.com"
    assert principal.user_permissions == frozenset({"HANDLE_PAYMENTS", "MANAGE_ORDERS"})
    assert principal.token_claims["type"] == "thirdparty"
    assert fake_saleor.jwks_requests == 0
    assert token not in repr(principal)


@pytest.mark.django_db
def test_expired_token_is_refused(fake_saleor, installation):
    # given
    token = fake_saleor.dashboard_token(expires_in=-60)

    # when
    error = _refusal(_request(dashboard_headers(fake_saleor, token)))

    # then
    assert (error.code, error.http_status) == ("TOKEN_EXPIRED", 401)


@pytest.mark.django_db
def test_token_for_another_app_is_refused(fake_saleor, installation):
    # given
    token = fake_saleor.dashboard_token(app_id="QXBwOjk5")

    # when
    error = _refusal(_request(dashboard_headers(fake_saleor, token)))

    # then
    assert (error.code, error.http_status) == ("WRONG_APP", 403)


@pytest.mark.django_db
def test_missing_permission_is_refused(fake_saleor, installation):
    # given
    token = fake_saleor.dashboard_token(user_permissions=["MANAGE_ORDERS"])

    # when
    error = _refusal(_request(dashboard_headers(fake_saleor, token)))

    # then
    assert (error.code, error.http_status) == ("MISSING_PERMISSION", 403)
    assert error.merchant_message == "Your staff account lacks the permission(s): HANDLE_PAYMENTS."


@pytest.mark.django_db
def test_custom_required_permissions(fake_saleor, installation):
    # given
    token = fake_saleor.dashboard_token(user_permissions=["HANDLE_PAYMENTS"])

    # when
    error = _refusal(_request(dashboard_headers(fake_saleor, token)),
                     required_permissions=("HANDLE_PAYMENTS", "MANAGE_USERS"))

    # then
    assert error.code == "MISSING_PERMISSION"


@pytest.mark.django_db
def test_bad_signature_is_refused_after_one_jwks_refetch(fake_saleor, installation):
    # given: signed by a stranger's key that claims Saleor's kid
    token = fake_saleor.dashboard_token(key=rsa_key(8))

    # when
    error = _refusal(_request(dashboard_headers(fake_saleor, token)))

    # then
    assert (error.code, error.http_status) == ("INVALID_TOKEN", 401)
    assert fake_saleor.jwks_requests == 1


@pytest.mark.django_db
def test_token_signed_after_saleor_rotated_its_key_is_accepted_and_jwks_saved(fake_saleor, installation):
    # given
    new_kid = fake_saleor.rotate_key()
    token = fake_saleor.dashboard_token()

    # when
    principal = authenticate_dashboard_request(_request(dashboard_headers(fake_saleor, token)))

    # then
    assert principal.installation.pk == installation.pk
    assert fake_saleor.jwks_requests == 1
    assert Installation.objects.get().jwks["keys"][0]["kid"] == new_kid


@pytest.mark.django_db
def test_non_thirdparty_token_is_refused(fake_saleor, installation):
    # given: a staff user's own access token is not an app token
    token = fake_saleor.dashboard_token(token_type="access")

    # when
    error = _refusal(_request(dashboard_headers(fake_saleor, token)))

    # then
    assert error.code == "INVALID_TOKEN"


@pytest.mark.django_db
def test_token_with_audience_requires_the_configured_audience(fake_saleor, installation, settings):
    # given
    token = fake_saleor.dashboard_token(audience="https://netterms.example.com")

    # when
    settings.APP_AUDIENCE = None
    refused = _refusal(_request(dashboard_headers(fake_saleor, token)))
    settings.APP_AUDIENCE = "https://other.example.com"
    wrong = _refusal(_request(dashboard_headers(fake_saleor, token)))
    settings.APP_AUDIENCE = "https://netterms.example.com"
    principal = authenticate_dashboard_request(_request(dashboard_headers(fake_saleor, token)))

    # then
    assert refused.code == wrong.code == "INVALID_TOKEN"
    assert principal.token_claims["aud"] == "https://netterms.example.com"


@pytest.mark.django_db
def test_hs256_token_is_refused(fake_saleor, installation):
    # given: alg confusion attempt with the public key as HMAC secret
    import jwt

    token = jwt.encode({"app": fake_saleor.app_id, "type": "thirdparty", "exp": 9999999999,
                        "user_permissions": ["HANDLE_PAYMENTS"]}, "s" * 64, algorithm="HS256",
                       headers={"kid": fake_saleor.kid})

    # when
    error = _refusal(_request(dashboard_headers(fake_saleor, token)))

    # then
    assert error.code == "INVALID_TOKEN"


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, {"authorization-bearer": "x"},
                                     {"saleor-api-url": "https://shop.saleor.test/graphql/"}])
def test_missing_headers_are_refused(fake_saleor, installation, headers):
    # when
    error = _refusal(_request(headers))

    # then
    assert (error.code, error.http_status) == ("MISSING_TOKEN", 401)


@pytest.mark.django_db
def test_unknown_saleor_and_removed_installation_are_refused(fake_saleor, installation):
    # given
    token = fake_saleor.dashboard_token()

    # when
    unknown = _refusal(_request({"authorization-bearer": token,
                                 "saleor-api-url": "https://stranger.saleor.test/graphql/"}))
    Installation.objects.filter(pk=installation.pk).update(status=InstallationStatus.REMOVED)
    removed = _refusal(_request(dashboard_headers(fake_saleor, token)))

    # then
    assert (unknown.code, unknown.http_status) == ("UNKNOWN_SALEOR", 401)
    assert (removed.code, removed.http_status) == ("INSTALLATION_REMOVED", 403)


@pytest.mark.django_db
def test_garbage_token_is_refused(fake_saleor, installation):
    # when
    error = _refusal(_request(dashboard_headers(fake_saleor, "not-a-jwt")))

    # then
    assert error.code == "INVALID_TOKEN"
    assert fake_saleor.jwks_requests == 0


def test_public_jwk_kid_is_the_rfc7638_thumbprint():
    # given: RFC 7638 §3.1 example key
    jwk = {"kty": "RSA", "e": "AQAB", "n": (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJE"
        "CPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2Q"
        "vzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6"
        "WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")}

    # when
    from tests.saleor_double import jwk_thumbprint

    # then
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    assert public_jwk(rsa_key(0))["kid"] == jwk_thumbprint(public_jwk(rsa_key(0)))
