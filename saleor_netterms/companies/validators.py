"""Pure validators for company data. No database access.

Tax IDs are validated with python-stdnum and stored in their compact form (no spaces, dots or
dashes). The country is ISO 3166-1 alpha-2 (``GR`` for Greece, even though EU VAT numbers use the
``EL`` prefix). EU member states (and ``XI``, Northern Ireland) use ``stdnum.eu.vat`` and are
stored *with* their VAT prefix (``DE136695976``) — that is the form VIES and invoices use; a
number given without the prefix gets the country's prefix added. ``US`` uses ``stdnum.us.ein``;
``GB`` ``stdnum.gb.vat``; any other country its stdnum ``vat`` module, else its ``tin`` module.
A country stdnum knows nothing about is refused (``INVALID_TAX_ID``), not stored unchecked.
"""
from __future__ import annotations

import re
from types import ModuleType

import stdnum
import stdnum.eu.vat as eu_vat
import stdnum.gb.vat as gb_vat
import stdnum.us.ein as us_ein
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.util import clean

from .errors import InvalidCompany, InvalidMember, InvalidTaxId

# ISO 3166 country → the prefix the EU VAT number carries.
_EU_VAT_PREFIX = {cc.upper(): ("EL" if cc == "gr" else cc.upper()) for cc in eu_vat.MEMBER_STATES}
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")


def country_validate(country: str) -> str:
    """Return the upper-cased ISO 3166-1 alpha-2 code or raise ``INVALID_TAX_ID``."""
    code = (country or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise InvalidTaxId(f"not a country code: {country!r}")
    return code


def _tax_module(country: str) -> ModuleType | None:
    if country == "US":
        return us_ein
    if country == "GB":
        return gb_vat
    for name in ("vat", "tin"):
        module = stdnum.get_cc_module(country.lower(), name)
        if module is not None:
            return module
    return None


def tax_id_validate(*, tax_id: str, country: str) -> tuple[str, str]:
    """Validate a tax ID for a country; return ``(compact_tax_id, country)``.

    Raises ``InvalidTaxId`` (code ``INVALID_TAX_ID``) for an invalid number, an unknown country,
    or an EU VAT number whose prefix names another member state.
    """
    country = country_validate(country)
    raw = (tax_id or "").strip()
    if not raw:
        raise InvalidTaxId("empty tax id")
    try:
        if country in _EU_VAT_PREFIX:
            prefix = _EU_VAT_PREFIX[country]
            number = clean(raw, " -./,:").upper()
            if not number[:2].isalpha():
                number = prefix + number
            if number[:2] != prefix:
                raise InvalidTaxId(f"VAT number prefix {number[:2]} does not match country {country}")
            return eu_vat.validate(number), country
        module = _tax_module(country)
        if module is None:
            raise InvalidTaxId(f"no tax id validator for country {country}")
        return module.validate(raw), country
    except StdnumValidationError as exc:
        raise InvalidTaxId(f"invalid tax id for {country}: {exc}") from exc


def email_normalize(email: str) -> str:
    """Lower-case and strip an email address for case-insensitive exact matching."""
    value = (email or "").strip().lower()
    if not _EMAIL_RE.fullmatch(value):
        raise InvalidMember(f"not an email address: {email!r}")
    return value


def email_domain_of(email: str) -> str:
    """The domain part of an email address, lower-cased (``buyer@Acme.com`` → ``acme.com``)."""
    return email.rsplit("@", 1)[-1].strip().lower()


def email_domain_normalize(domain: str) -> str:
    """Lower-case a bare domain (``@Acme.COM`` → ``acme.com``); refuse anything else."""
    value = (domain or "").strip().lower().lstrip("@").rstrip(".")
    if not _DOMAIN_RE.fullmatch(value):
        raise InvalidMember(f"not an email domain: {domain!r}")
    return value


def channel_slugs_validate(channels: list[str] | None) -> list[str]:
    """Saleor channel slugs, de-duplicated in order. Empty means "all channels"."""
    result: list[str] = []
    for slug in channels or []:
        if not isinstance(slug, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", slug.strip()):
            raise InvalidCompany(f"not a channel slug: {slug!r}",
                                 merchant_message="A channel slug is not valid.")
        if slug.strip() not in result:
            result.append(slug.strip())
    return result


# --- purchase order numbers -----------------------------------------------------------------------

PO_PATTERN_MAX = 40
PO_NUMBER_MAX = 64
_PO_PATTERN_CHARS = re.compile(r"[A-Za-z0-9#@?*./ _-]{1,%d}" % PO_PATTERN_MAX)
_PO_WILDCARDS = {"#": "[0-9]", "@": "[A-Za-z]", "?": ".", "*": ".*"}


def po_pattern_validate(pattern: str) -> str:
    """A PO number pattern as a company admin writes it: ``#`` a digit, ``@`` a letter, ``?`` any
    one character, ``*`` any characters (at most three), letters, digits, ``-./_`` and space
    themselves; "" for none. INVALID_COMPANY otherwise."""
    pattern = (pattern or "").strip()
    if not pattern:
        return ""
    if not _PO_PATTERN_CHARS.fullmatch(pattern) or pattern.count("*") > 3 or set(pattern) <= {"*"}:
        raise InvalidCompany(f"bad PO number pattern {pattern[:60]!r}", buyer_message=(
            "Write the pattern with # for a digit, @ for a letter, ? for any one character and * for any "
            "characters, e.g. PO-* or 45########."), merchant_message=(
            "A PO number pattern uses # (a digit), @ (a letter), ? (any one character), * (any characters, at most "
            "three), and letters, digits, - . / _ and space as themselves; at most 40 characters."))
    return pattern


def po_number_matches(pattern: str, po_number: str) -> bool:
    """Does ``po_number`` have the company's pattern (letters compared without case)? Any number
    matches an empty pattern. Bounded: numbers of at most 64 characters, patterns of 40 with at
    most three ``*``."""
    if not pattern:
        return True
    number = (po_number or "").strip()
    if len(number) > PO_NUMBER_MAX:
        return False
    regex = "".join(_PO_WILDCARDS.get(char) or re.escape(char) for char in pattern)
    return re.fullmatch(regex, number, re.DOTALL | re.IGNORECASE) is not None
