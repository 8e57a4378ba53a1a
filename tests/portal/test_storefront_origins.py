"""The storefront origin allow-list of the portal's hand-over (POST /portal/session): where the
installation lists its storefronts, a page of any other origin (or one that names none) is refused
with a coded 403 before the token is looked at, and no session opens."""
from __future__ import annotations

import pytest

from saleor_netterms.buyer_access.models import PortalSession
from saleor_netterms.installations.services import installation_storefront_origins_set
from saleor_netterms.portal.web import SESSION_COOKIE
from tests.portal.test_portal import customer_token

pytestmark = pytest.mark.django_db


def _hand_over(client, fake_saleor, **headers):
    return client.post("/portal/session", {"token": customer_token(fake_saleor), "saleorApiUrl": fake_saleor.api_url,
                                           "next": "/portal/invoices"}, headers=headers)


def test_without_a_list_any_storefront_may_hand_over(client, fake_saleor, world):
    response = _hand_over(client, fake_saleor, Origin="https://anything.example")
    assert response.status_code == 303 and PortalSession.objects.count() == 1


def test_a_listed_storefront_hands_over_by_origin_or_by_referer(client, fake_saleor, world):
    # given
    installation_storefront_origins_set(installation=world.installation, origins=["https://shop.example.com"])

    # when: the Origin header, then a browser that sent only a Referer
    by_origin = _hand_over(client, fake_saleor, Origin="https://shop.example.com")
    by_referer = _hand_over(client, fake_saleor, Referer="https://SHOP.example.com:443/account?tab=terms")

    # then
    assert (by_origin.status_code, by_referer.status_code) == (303, 303)
    assert by_origin["Location"] == "/portal/invoices" and SESSION_COOKIE in by_origin.cookies
    assert PortalSession.objects.count() == 2


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Origin": "null"},
                                     {"Origin": "https://shop.example.com.evil.example"},
                                     {"Origin": "http://shop.example.com"},
                                     {"Referer": "https://evil.example/shop.example.com"}, {}])
def test_a_foreign_or_missing_origin_is_a_coded_403_and_opens_nothing(client, fake_saleor, world, headers):
    # given
    installation_storefront_origins_set(installation=world.installation, origins=["https://shop.example.com"])

    # when
    response = _hand_over(client, fake_saleor, **headers)

    # then
    body = response.content.decode()
    assert response.status_code == 403
    assert "STOREFRONT_ORIGIN_FORBIDDEN" in body
    assert "This page may not sign you in to the net-terms portal. Open the portal from the shop&#x27;s account page." in body
    assert PortalSession.objects.count() == 0 and SESSION_COOKIE not in response.cookies


def test_the_origin_is_checked_before_the_token(client, fake_saleor, world):
    # given
    installation_storefront_origins_set(installation=world.installation, origins=["https://shop.example.com"])

    # when: a foreign page posts a token that would not verify either
    response = client.post("/portal/session", {"token": "not-a-jwt", "saleorApiUrl": fake_saleor.api_url},
                           headers={"Origin": "https://evil.example"})

    # then
    assert response.status_code == 403 and "STOREFRONT_ORIGIN_FORBIDDEN" in response.content.decode()
