"""Invoicing settings, read with defaults (nothing is added to settings.py by this package).

    INVOICE_SELLER = {"name", "street", "street2", "city", "postal_code", "country_area", "country",
                      "tax_id", "tax_id_scheme", "registration_id", "email", "phone", "contact_name",
                      "peppol_id"}   — the defaults until the installation's seller profile is saved
                                       (sellers app, Dashboard → Seller profile)
    INVOICE_REMITTANCE = {"iban", "bic", "account_holder", "bank_name"}
    INVOICE_LANGUAGE = "en_US"            # babel locale when the company sets none
    INVOICE_ZERO_RATE_CATEGORY = "Z"      # UNCL5305 category for lines taxed at 0 %
    INVOICE_EMAIL_FROM = DEFAULT_FROM_EMAIL
"""
from __future__ import annotations

from django.conf import settings

from saleor_netterms.sellers.selectors import seller_profile_get

from .compose import BankAccount, SellerFacts
from .snapshot import Address, Party

SELLER_DEFAULTS = {
    "name": "", "street": "", "street2": "", "city": "", "postal_code": "", "country_area": "",
    "country": "", "tax_id": "", "tax_id_scheme": "VAT", "registration_id": "", "email": "", "phone": "",
    "contact_name": "", "peppol_id": "",
}
REMITTANCE_DEFAULTS = {"iban": "", "bic": "", "account_holder": "", "bank_name": ""}


def seller_settings() -> dict:
    configured = getattr(settings, "INVOICE_SELLER", None) or {}
    seller = {**SELLER_DEFAULTS, **{k: v for k, v in configured.items() if k in SELLER_DEFAULTS}}
    if not seller["name"]:
        seller["name"] = getattr(settings, "APP_NAME", "") or "Seller"
    return seller


def remittance_settings() -> dict:
    configured = getattr(settings, "INVOICE_REMITTANCE", None) or {}
    remittance = {**REMITTANCE_DEFAULTS, **{k: v for k, v in configured.items() if k in REMITTANCE_DEFAULTS}}
    remittance["iban"] = remittance["iban"].replace(" ", "").upper()
    remittance["bic"] = remittance["bic"].replace(" ", "").upper()
    return remittance


def default_language() -> str:
    return getattr(settings, "INVOICE_LANGUAGE", "") or "en_US"


def zero_rate_category() -> str:
    return getattr(settings, "INVOICE_ZERO_RATE_CATEGORY", "") or "Z"


def email_from() -> str:
    return getattr(settings, "INVOICE_EMAIL_FROM", "") or getattr(settings, "DEFAULT_FROM_EMAIL", "")


def seller_facts_from_settings():
    """The seller as the environment describes it (INVOICE_SELLER / INVOICE_REMITTANCE): the
    defaults a first start uses until the seller profile is saved in the Dashboard."""
    s = seller_settings()
    r = remittance_settings()
    party = Party(name=s["name"], address=Address(street=s["street"], street2=s["street2"], city=s["city"],
                                                  postal_code=s["postal_code"], country_area=s["country_area"],
                                                  country=s["country"]),
                  tax_id=s["tax_id"], tax_id_scheme=s["tax_id_scheme"] or "VAT",
                  registration_id=s["registration_id"], email=s["email"], phone=s["phone"],
                  contact_name=s.get("contact_name", ""), peppol_id=s.get("peppol_id", ""))
    accounts = ()
    if r["iban"]:
        accounts = (BankAccount(currency="", account_holder=r["account_holder"], bank_name=r["bank_name"],
                                iban=r["iban"], bic=r["bic"]),)
    zero = zero_rate_category()
    return SellerFacts(party=party, accounts=accounts, domestic_zero_category="E" if zero == "E" else "Z")


def seller_facts(*, installation):
    """The seller of `installation`'s documents: its saved seller profile (sellers app, validated
    when saved), else the settings."""
    profile = seller_profile_get(installation=installation)
    return seller_facts_from_profile(profile) if profile is not None else seller_facts_from_settings()


def seller_facts_from_profile(profile):
    registration = " ".join(p for p in (profile.registration_authority, profile.registration_number) if p)
    party = Party(
        name=profile.legal_name, trading_name=profile.trading_name,
        address=Address(street=profile.street, street2=profile.street2, city=profile.city,
                        postal_code=profile.postal_code, country_area=profile.country_area, country=profile.country),
        tax_id=profile.vat_id or profile.tax_number,
        tax_id_scheme="VAT" if profile.vat_id else (profile.tax_number_label or "TAX"),
        tax_number=profile.tax_number if profile.vat_id else "",
        registration_id=registration if not profile.registration_scheme else profile.registration_number,
        registration_scheme=profile.registration_scheme, identifier=profile.identifier,
        identifier_scheme=profile.identifier_scheme, email=profile.email, phone=profile.phone,
        contact_name=profile.contact_name, peppol_id=f"{profile.peppol_scheme}:{profile.peppol_id}")
    accounts = tuple(BankAccount(currency=a.currency, account_holder=a.account_holder or profile.legal_name,
                                 bank_name=a.bank_name, iban=a.iban, bic=a.bic, account_number=a.account_number,
                                 bank_code=a.bank_code, bank_code_label=a.bank_code_label)
                     for a in profile.bank_accounts.all())
    return SellerFacts(party=party, accounts=accounts, domestic_zero_category=profile.domestic_zero_category,
                       exemption_reason=profile.exemption_reason, exemption_code=profile.exemption_code,
                       supplies_services=profile.supplies_services, footer=profile.footer,
                       logo_key=profile.logo_sha256)
