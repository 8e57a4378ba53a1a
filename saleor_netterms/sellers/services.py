"""Saving the seller profile, its bank accounts and its logo — validated, all or nothing.

What a save refuses (SellerProfileInvalid, code INVALID_SELLER_PROFILE, `field` names the input):
- the legal name, street, city, postal code, country (ISO 3166-1), contact name, e-mail and phone:
  EN 16931 BR-06/BR-08/BR-09 and the German CIUS (DE-R-002..007) need them, and any AP clerk asks;
- a VAT id that is not valid for its country (python-stdnum, check digits), or whose prefix is not
  the seller's country (EL for Greece);
- no VAT id, no legal registration and no identifier (BR-CO-26); no VAT id and no tax number
  (BR-S-02: taxed lines need one of them);
- a Peppol electronic address whose scheme is not in the EAS code list, or that is empty
  (PEPPOL-EN16931-R020, CL008); ISO 6523 schemes that are not four digits;
- the exempt domestic zero category without an exemption reason (BR-E-10).
Bank accounts (one per currency): a valid IBAN (ISO 13616 + national format, python-stdnum) with
a valid BIC, or for currencies paid domestically a local account number with its bank code — a
US ABA routing number (checksum), a UK sort code (6 digits), a JP bank + branch code (4 + 3
digits); EUR needs an IBAN of a SEPA country. Logo: PNG (checked by Pillow) or SVG (parsed
without entities or scripts, drawable by svglib), at most LOGO_MAX_BYTES.
"""
from __future__ import annotations

import hashlib
import io
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from lxml import etree
from stdnum import bic as stdnum_bic
from stdnum import get_cc_module
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.us import rtn as us_rtn

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import InvalidMoney, currency_validate

from .models import SellerBankAccount, SellerLogo, SellerProfile

LOGO_MAX_BYTES = 256 * 1024
LOGO_MAX_PIXELS = 4000
EAS_CODES = frozenset(
    "0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0151 0177 0183 0184 0188 0190 "
    "0191 0192 0193 0195 0196 0198 0199 0200 0201 0202 0204 0208 0209 0210 0211 0212 0213 0215 "
    "0216 0218 0221 0230 0235 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 "
    "9928 9929 9930 9931 9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 "
    "9946 9947 9948 9949 9950 9951 9952 9953 9957 9959 0147 0154 0158 0170 0194 0203 0205 0217 "
    "0225 0240".split())
SEPA_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK "
    "IS LI NO CH GB MC SM VA AD AL MD ME MK GI JE GG IM".split())
PROFILE_FIELDS = (
    "legal_name", "trading_name", "street", "street2", "city", "postal_code", "country_area", "country",
    "vat_id", "tax_number", "tax_number_label", "registration_authority", "registration_number",
    "registration_scheme", "identifier", "identifier_scheme", "contact_name", "email", "phone",
    "peppol_scheme", "peppol_id", "domestic_zero_category", "exemption_reason", "exemption_code",
    "supplies_services", "footer",
)
REQUIRED = {"legal_name": "the legal name", "street": "the street", "city": "the city",
            "postal_code": "the postal code", "country": "the country", "contact_name": "a contact name",
            "email": "an e-mail address", "phone": "a phone number", "peppol_id": "the Peppol address",
            "peppol_scheme": "the Peppol address scheme"}
BANK_CODE_FORMATS = {  # currency: (label, pattern, what)
    "USD": ("ABA routing number", re.compile(r"^\d{9}$"), "9 digits"),
    "GBP": ("Sort code", re.compile(r"^\d{2}-?\d{2}-?\d{2}$"), "6 digits, e.g. 60-16-13"),
    "JPY": ("Bank / branch code", re.compile(r"^\d{4}-?\d{3}$"), "4 + 3 digits, e.g. 0001-001"),
}


class SellerProfileInvalid(NetTermsError):
    code = "INVALID_SELLER_PROFILE"
    http_status = 400
    merchant_message = "The seller profile is not valid."

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}", merchant_message=message)
        self.field = field


class SellerProfileMissing(NetTermsError):
    code = "SELLER_PROFILE_MISSING"
    http_status = 409
    merchant_message = "Save the seller profile first."


def _clean(value) -> str:
    return " ".join(str(value or "").split())


def vat_id_check(vat_id: str, country: str) -> str:
    """The compact VAT id, or SellerProfileInvalid("vatId")."""
    compact = re.sub(r"[\s.\-]", "", vat_id).upper()
    prefix = "EL" if country == "GR" else country
    if not compact.startswith(prefix):
        raise SellerProfileInvalid("vatId", f"A VAT id of {country} starts with {prefix} (got {vat_id!r}).")
    module = get_cc_module(country.lower(), "vat")
    if module is None:
        if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{2,13}", compact):
            raise SellerProfileInvalid("vatId", f"{vat_id!r} does not look like a VAT id.")
        return compact
    try:
        number = module.validate(compact)
    except StdnumError as error:
        raise SellerProfileInvalid("vatId", f"{vat_id!r} is not a valid VAT id of {country}: {error}.") from error
    number = str(number).upper()
    return number if number.startswith(prefix) else f"{prefix}{number}"


def profile_validate(data: dict) -> dict:
    """The cleaned fields; SellerProfileInvalid naming the first field that is refused."""
    clean = {key: (_clean(data.get(key)) if key != "supplies_services" else bool(data.get(key)))
             for key in PROFILE_FIELDS}
    clean["country"] = clean["country"].upper()
    clean["domestic_zero_category"] = clean["domestic_zero_category"].upper() or "Z"
    for key in ("peppol_scheme", "registration_scheme", "identifier_scheme"):
        clean[key] = clean[key].replace(" ", "")
    for key, what in REQUIRED.items():
        if not clean[key]:
            raise SellerProfileInvalid(_api(key), f"The seller profile needs {what}.")
    if not re.fullmatch(r"[A-Z]{2}", clean["country"]):
        raise SellerProfileInvalid("country", "The country is an ISO 3166-1 code like DE.")
    try:
        validate_email(clean["email"])
    except ValidationError as error:
        raise SellerProfileInvalid("email", f"{clean['email']!r} is not an e-mail address.") from error
    if len(re.sub(r"\D", "", clean["phone"])) < 3:
        raise SellerProfileInvalid("phone", "A phone number has at least 3 digits (DE-R-027).")
    if clean["vat_id"]:
        clean["vat_id"] = vat_id_check(clean["vat_id"], clean["country"])
    if not (clean["vat_id"] or clean["registration_number"] or clean["identifier"]):
        raise SellerProfileInvalid("registrationNumber", "Give a VAT id, a legal registration number or a seller "
                                                         "identifier (EN 16931 BR-CO-26).")
    if not (clean["vat_id"] or clean["tax_number"]):
        raise SellerProfileInvalid("taxNumber", "Give a VAT id or a tax number: taxed invoice lines need one "
                                                "(EN 16931 BR-S-02).")
    if clean["tax_number"] and not clean["tax_number_label"]:
        clean["tax_number_label"] = "Tax number"
    if clean["peppol_scheme"] not in EAS_CODES:
        raise SellerProfileInvalid("peppolScheme", f"{clean['peppol_scheme']!r} is not a Peppol electronic address "
                                                   "scheme (EAS code list), e.g. 9930 for a German VAT id, 0088 GLN.")
    for key in ("registration_scheme", "identifier_scheme"):
        if clean[key] and not re.fullmatch(r"\d{4}", clean[key]):
            raise SellerProfileInvalid(_api(key), "An ISO 6523 scheme is four digits, e.g. 0088 (GLN).")
    if clean["identifier_scheme"] and not clean["identifier"]:
        raise SellerProfileInvalid("identifier", "The identifier scheme needs an identifier.")
    if clean["domestic_zero_category"] not in ("Z", "E"):
        raise SellerProfileInvalid("domesticZeroCategory", "Z (zero rated) or E (exempt).")
    if clean["domestic_zero_category"] == "E" and not clean["exemption_reason"]:
        raise SellerProfileInvalid("exemptionReason", "Exempt supplies need the exemption reason the invoice "
                                                      "prints (EN 16931 BR-E-10).")
    if clean["exemption_code"] and not re.fullmatch(r"VATEX-[A-Z]{2}-[0-9A-Z-]{1,12}", clean["exemption_code"]):
        raise SellerProfileInvalid("exemptionCode", "A VATEX code like VATEX-EU-132.")
    for key, limit in (("legal_name", 255), ("trading_name", 255), ("footer", 500), ("exemption_reason", 255)):
        if len(clean[key]) > limit:
            raise SellerProfileInvalid(_api(key), f"At most {limit} characters.")
    return clean


def _api(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)


@transaction.atomic
def seller_profile_save(*, installation, **fields) -> SellerProfile:
    """Create or replace the installation's profile (every field given; validated first)."""
    clean = profile_validate(fields)
    profile, _ = SellerProfile.objects.update_or_create(installation=installation, defaults=clean)
    return profile


def bank_account_validate(*, currency: str, data: dict) -> dict:
    try:
        currency = currency_validate(currency)
    except InvalidMoney as error:
        raise SellerProfileInvalid("currency", f"{currency!r} is not an ISO 4217 currency code.") from error
    clean = {key: _clean(data.get(key)) for key in ("account_holder", "bank_name", "iban", "bic", "account_number",
                                                    "bank_code", "bank_code_label")}
    clean["iban"] = clean["iban"].replace(" ", "").upper()
    clean["bic"] = clean["bic"].replace(" ", "").upper()
    if clean["iban"]:
        try:
            clean["iban"] = stdnum_iban.validate(clean["iban"])
        except StdnumError as error:
            raise SellerProfileInvalid("iban", f"{data.get('iban')!r} is not a valid IBAN: {error}.") from error
        if clean["bic"]:
            try:
                clean["bic"] = stdnum_bic.validate(clean["bic"])
            except StdnumError as error:
                raise SellerProfileInvalid("bic", f"{data.get('bic')!r} is not a valid BIC: {error}.") from error
            if clean["bic"][4:6] != clean["iban"][:2] and not (clean["iban"][:2] in ("GG", "JE", "IM")):
                raise SellerProfileInvalid("bic", f"The BIC {clean['bic']} is of another country than the IBAN.")
        if currency == "EUR" and clean["iban"][:2] not in SEPA_COUNTRIES:
            raise SellerProfileInvalid("iban", "Euro invoices are paid by SEPA transfer: an IBAN of a SEPA country.")
    elif currency == "EUR":
        raise SellerProfileInvalid("iban", "Euro invoices are paid by SEPA transfer: give the IBAN.")
    elif not clean["account_number"]:
        raise SellerProfileInvalid("accountNumber", "Give an IBAN or the account number.")
    if clean["account_number"] and not re.fullmatch(r"[0-9A-Za-z\-]{4,34}", clean["account_number"]):
        raise SellerProfileInvalid("accountNumber", "An account number has 4 to 34 letters, digits or dashes.")
    if not clean["iban"] and not clean["bank_code"]:
        raise SellerProfileInvalid("bankCode", "A domestic account needs its bank code (routing number, sort "
                                               "code, bank and branch code).")
    if clean["bank_code"] and currency in BANK_CODE_FORMATS:
        label, pattern, what = BANK_CODE_FORMATS[currency]
        if not pattern.match(clean["bank_code"]):
            raise SellerProfileInvalid("bankCode", f"A {label.lower()} is {what}.")
        if currency == "USD" and not us_rtn.is_valid(clean["bank_code"]):
            raise SellerProfileInvalid("bankCode", f"{clean['bank_code']} is not a valid ABA routing number.")
        clean["bank_code_label"] = clean["bank_code_label"] or label
    elif clean["bank_code"] and not clean["bank_code_label"]:
        clean["bank_code_label"] = "Bank code"
    clean["currency"] = currency
    return clean


def _profile(installation) -> SellerProfile:
    profile = SellerProfile.objects.select_for_update().filter(installation=installation).first()
    if profile is None:
        raise SellerProfileMissing(f"installation {installation.pk} has no seller profile")
    return profile


@transaction.atomic
def seller_bank_account_set(*, installation, currency: str, **fields) -> SellerBankAccount:
    """Create or replace the account for `currency` (validated first)."""
    clean = bank_account_validate(currency=currency, data=fields)
    profile = _profile(installation)
    account, _ = SellerBankAccount.objects.update_or_create(profile=profile, currency=clean.pop("currency"),
                                                            defaults=clean)
    return account


@transaction.atomic
def seller_bank_account_remove(*, installation, currency: str) -> bool:
    profile = _profile(installation)
    deleted, _ = SellerBankAccount.objects.filter(profile=profile, currency=(currency or "").upper()).delete()
    return bool(deleted)


def logo_validate(content: bytes, content_type: str) -> bytes:
    """The logo's bytes when they are a PNG or an SVG the PDF can draw; SellerProfileInvalid."""
    if len(content) > LOGO_MAX_BYTES:
        raise SellerProfileInvalid("logo", f"The logo is {len(content)} bytes; at most {LOGO_MAX_BYTES // 1024} KiB.")
    if content_type == "image/png":
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
            with Image.open(io.BytesIO(content)) as image:
                if image.format != "PNG" or max(image.size) > LOGO_MAX_PIXELS:
                    raise SellerProfileInvalid("logo", f"A PNG of at most {LOGO_MAX_PIXELS} pixels a side.")
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            raise SellerProfileInvalid("logo", "The file is not a readable PNG.") from error
        return content
    if content_type == "image/svg+xml":
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        try:
            root = etree.fromstring(content, parser)
        except etree.XMLSyntaxError as error:
            raise SellerProfileInvalid("logo", "The file is not a readable SVG.") from error
        if etree.QName(root).localname != "svg":
            raise SellerProfileInvalid("logo", "The file is not an SVG image.")
        if b"<!ENTITY" in content or root.xpath("//*[local-name()='script' or local-name()='foreignObject']"):
            raise SellerProfileInvalid("logo", "SVG logos may not contain entities, scripts or foreign objects.")
        from svglib.svglib import svg2rlg

        try:
            drawing = svg2rlg(io.BytesIO(content))
        except Exception as error:  # noqa: BLE001 - svglib raises many kinds
            raise SellerProfileInvalid("logo", "The SVG cannot be drawn.") from error
        if drawing is None or not drawing.width or not drawing.height:
            raise SellerProfileInvalid("logo", "The SVG has no size (width and height or a viewBox).")
        return content
    raise SellerProfileInvalid("logo", "The logo is a PNG or an SVG file.")


@transaction.atomic
def seller_logo_set(*, installation, content: bytes, content_type: str) -> SellerProfile:
    content = logo_validate(content, content_type)
    profile = _profile(installation)
    digest = hashlib.sha256(content).hexdigest()
    SellerLogo.objects.get_or_create(sha256=digest, defaults={"content_type": content_type, "content": content})
    profile.logo, profile.logo_content_type, profile.logo_sha256 = content, content_type, digest
    profile.save(update_fields=["logo", "logo_content_type", "logo_sha256", "updated_at"])
    return profile


@transaction.atomic
def seller_logo_remove(*, installation) -> SellerProfile:
    profile = _profile(installation)
    profile.logo, profile.logo_content_type, profile.logo_sha256 = None, "", ""
    profile.save(update_fields=["logo", "logo_content_type", "logo_sha256", "updated_at"])
    return profile


def _luminance(hex_color: str) -> float:
    """WCAG 2.x relative luminance of "#rrggbb"."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_on_white(hex_color: str) -> float:
    return 1.05 / (_luminance(hex_color) + 0.05)


@transaction.atomic
def seller_brand_color_set(*, installation, color: str) -> SellerProfile:
    """The buyer portal's accent colour ("" for the default). It is the background of white button
    text and the colour of links, so it must reach WCAG AA (4.5:1) against white."""
    color = (color or "").strip().lower()
    if color and not re.fullmatch(r"#[0-9a-f]{6}", color):
        raise SellerProfileInvalid("brandColor", "A colour like #1f4fd1.")
    if color and contrast_on_white(color) < 4.5:
        raise SellerProfileInvalid("brandColor", f"{color} is too light: white text on it and links in it need a "
                                                 f"contrast of 4.5:1 (it has {contrast_on_white(color):.1f}:1).")
    profile = _profile(installation)
    profile.brand_color = color
    profile.save(update_fields=["brand_color", "updated_at"])
    return profile
