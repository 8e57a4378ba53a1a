"""The portal speaks English, German and French through Django's translation machinery: every
message its templates and code mark (extracted with Django's makemessages into locale/<lang>) has
a translation in every shipped language with its placeholders intact, the compiled .mo says the
same as the .po, and a page asked for in French is French (amounts and dates through babel)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import saleor_netterms.buyer_access as buyer_access
import saleor_netterms.portal as portal

from .conftest import signed_in

LANGUAGES = ("de", "fr")
CATALOGUES = [Path(portal.__file__).parent / "locale", Path(buyer_access.__file__).parent / "locale"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalogue(root: Path, language: str):
    with open(root / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("root", CATALOGUES, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_portal_message_is_translated_with_its_placeholders(root, language):
    # given
    po = _catalogue(root, language)
    with open(root / language / "LC_MESSAGES" / "django.mo", "rb") as handle:
        mo = read_mo(handle)

    # then
    messages = [m for m in po if m.id]
    assert messages and not po.fuzzy
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, f"{language}: {ids[0]!r} is not translated"
        assert set(PLACEHOLDER.findall(ids[-1])) == set().union(*(PLACEHOLDER.findall(s) for s in strings)), ids[0]
        assert tuple(strings) == tuple(mo[message.id].string if isinstance(message.id, tuple)
                                       else (mo[message.id].string,)), f"{language}: the .mo is stale for {ids[0]!r} (make messages)"


def test_the_german_and_french_catalogues_hold_the_same_messages():
    for root in CATALOGUES:
        assert {m.id for m in _catalogue(root, "de") if m.id} == {m.id for m in _catalogue(root, "fr") if m.id}


@pytest.mark.django_db
def test_a_page_asked_for_in_french_is_french_and_remembered(client, world):
    # given
    signed_in(client, world.acme, world.admin)

    # when
    first = client.get("/portal/invoices?lang=fr")
    second = client.get("/portal/company")

    # then
    page = first.content.decode()
    assert first.status_code == 200 and '<html lang="fr">' in page
    assert "Rechercher des factures" in page and "Exporter en CSV" in page
    assert re.search(r"1\s200,00\sEUR", page)          # babel, fr_FR (as on the invoice PDF)
    assert first.cookies["nt_portal_lang"].value == "fr"
    company = second.content.decode()
    assert "Inviter un acheteur" in company and "Contact de facturation" in company


@pytest.mark.django_db
def test_a_french_browser_gets_french_and_coded_errors_in_french(client, world):
    signed_in(client, world.acme, world.buyer)
    response = client.post("/portal/company/settings", {"billing_contact_email": "x@acme.example"},
                           headers={"Accept-Language": "fr-CH,fr;q=0.9,en;q=0.5"})
    assert response.status_code == 403
    assert ("Votre rôle dans le compte de votre entreprise ne le permet pas. Adressez-vous à l’administrateur de "
            "votre entreprise.") in response.content.decode()
