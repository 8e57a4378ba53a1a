"""Every label of the invoice PDF and e-mail goes through Django's translations: each message the
code marks (gettext / gettext_lazy / pgettext_lazy, extracted with babel) has a translation in
every shipped language, placeholders intact, and the compiled .mo files say the same as the .po."""
from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import saleor_netterms.invoicing as invoicing

PACKAGE = Path(invoicing.__file__).parent
LOCALE = PACKAGE / "locale"
LANGUAGES = ("de", "es", "fr", "it", "nl", "pl")
SOURCES = [PACKAGE / "documents" / "pdf.py", PACKAGE / "notifications.py"]
KEYWORDS = {"_": None, "gettext": None, "gettext_lazy": None, "pgettext_lazy": ((1, "c"), 2)}


def marked_messages() -> set[tuple[str | None, str]]:
    found = set()
    for source in SOURCES:
        for _, message, _, context in extract_from_file("python", str(source), keywords=KEYWORDS):
            found.add((context, message))
    return found


def catalog(language: str):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        return read_po(handle, locale=language)


def test_the_code_marks_the_labels():
    messages = {m for _, m in marked_messages()}
    assert {"Invoice", "Amount due", "Next payment: %(amount)s by %(date)s (%(part)s)",
            "Please pay %(amount)s by %(date)s."} <= messages
    assert len(messages) > 80


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_label_is_translated_with_its_placeholders(language):
    # given
    po = catalog(language)

    # when
    missing = [m for m in sorted(marked_messages(), key=str) if not (po.get(m[1], context=m[0]) and
                                                                  po.get(m[1], context=m[0]).string)]

    # then
    assert missing == []
    for context, message in marked_messages():
        translated = po.get(message, context=context).string
        assert sorted(re.findall(r"%\(\w+\)s", translated)) == sorted(re.findall(r"%\(\w+\)s", message)), message


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language):
    # given the .po compiled now with babel
    fresh = io.BytesIO()
    write_mo(fresh, catalog(language))
    fresh.seek(0)
    shipped = LOCALE / language / "LC_MESSAGES" / "django.mo"

    # when
    with open(shipped, "rb") as handle:
        committed = gettext.GNUTranslations(handle)
    compiled = gettext.GNUTranslations(fresh)

    # then (make messages recompiles it)
    assert committed._catalog == compiled._catalog
