"""The seller profile: validated when saved (nothing written when refused), used for every
document issued afterwards (parties, bank account of the currency, logo), and edited through the
merchant API. Real database; the documents are the real renderers."""
from __future__ import annotations

import base64
import io

import pdfplumber
import pytest
from PIL import Image

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.invoicing.documents.selectors import snapshot_logo
from saleor_netterms.invoicing.documents.services import document_render, einvoice_problem
from saleor_netterms.invoicing.services import invoice_issue_for_order, invoicing_settings_set
from saleor_netterms.invoicing.snapshot import snapshot_from_dict
from saleor_netterms.sellers.models import SellerBankAccount, SellerProfile
from saleor_netterms.sellers.services import (SellerProfileInvalid, seller_bank_account_set, seller_logo_set,
                                              seller_profile_save)

GERMAN = dict(legal_name="Muster Werkzeuge GmbH", trading_name="Muster Tools", street="Hauptstraße 1",
              city="Berlin", postal_code="10115", country="de", vat_id="DE 136 695 976",
              tax_number="27/123/45678", tax_number_label="Steuernummer", registration_authority="Amtsgericht Berlin",
              registration_number="HRB 98765", contact_name="Petra Schulz", email="billing@muster.example",
              phone="+49 30 1234567", peppol_scheme="9930", peppol_id="DE136695976",
              footer="Geschäftsführer: Hans Muster")
US = dict(legal_name="Lakeside Supply Co.", street="400 Commerce Drive", city="Rochester", postal_code="14623",
          country_area="NY", country="US", tax_number="12-3456789", tax_number_label="EIN",
          registration_number="NY DOS 5012345", contact_name="Dana Whitfield", email="ar@lakeside.example",
          phone="+1 585 555 0142", peppol_scheme="9959", peppol_id="123456789")


def png(width=120, height=40) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_a_valid_profile_is_saved_cleaned(credit_installation):
    # when
    profile = seller_profile_save(installation=credit_installation, **GERMAN)

    # then
    profile.refresh_from_db()
    assert (profile.country, profile.vat_id, profile.peppol_scheme, profile.domestic_zero_category) == (
        "DE", "DE136695976", "9930", "Z")


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "field", "message"), [
    ({"vat_id": "DE136695977"}, "vatId", "'DE136695977' is not a valid VAT id of DE"),
    ({"vat_id": "FR40303265045"}, "vatId", "A VAT id of DE starts with DE"),
    ({"contact_name": ""}, "contactName", "The seller profile needs a contact name."),
    ({"email": "billing(at)muster"}, "email", "'billing(at)muster' is not an e-mail address."),
    ({"peppol_scheme": "EM"}, "peppolScheme", "'EM' is not a Peppol electronic address scheme"),
    ({"vat_id": "", "registration_number": "", "tax_number": "1"}, "registrationNumber",
     "Give a VAT id, a legal registration number or a seller identifier (EN 16931 BR-CO-26)."),
    ({"vat_id": "", "tax_number": ""}, "taxNumber", "Give a VAT id or a tax number"),
    ({"domestic_zero_category": "E"}, "exemptionReason", "Exempt supplies need the exemption reason"),
    ({"country": "Germany"}, "country", "The country is an ISO 3166-1 code like DE."),
])
def test_an_invalid_profile_is_refused_and_nothing_is_written(credit_installation, change, field, message):
    # when
    with pytest.raises(SellerProfileInvalid) as refused:
        seller_profile_save(installation=credit_installation, **{**GERMAN, **change})

    # then
    assert refused.value.code == "INVALID_SELLER_PROFILE"
    assert refused.value.field == field
    assert refused.value.merchant_message.startswith(message)
    assert SellerProfile.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("currency", "account", "field", "message"), [
    ("EUR", {"iban": "DE89370400440532013001"}, "iban", "'DE89370400440532013001' is not a valid IBAN"),
    ("EUR", {"account_number": "12345678", "bank_code": "37040044"}, "iban", "Euro invoices are paid by SEPA"),
    ("EUR", {"iban": "DE89370400440532013000", "bic": "BNPAFRPPXXX"}, "bic", "The BIC BNPAFRPPXXX is of another"),
    ("USD", {"account_number": "000123456789", "bank_code": "021000022"}, "bankCode",
     "021000022 is not a valid ABA routing number."),
    ("GBP", {"account_number": "31926819", "bank_code": "6016"}, "bankCode", "A sort code is 6 digits"),
    ("JPY", {"account_number": "1234567"}, "bankCode", "A domestic account needs its bank code"),
    ("XXY", {"iban": "DE89370400440532013000"}, "currency", "'XXY' is not an ISO 4217 currency code."),
])
def test_an_invalid_bank_account_is_refused(credit_installation, currency, account, field, message):
    # given
    seller_profile_save(installation=credit_installation, **GERMAN)

    # when
    with pytest.raises(SellerProfileInvalid) as refused:
        seller_bank_account_set(installation=credit_installation, currency=currency, **account)

    # then
    assert (refused.value.field, refused.value.merchant_message[:len(message)]) == (field, message)
    assert SellerBankAccount.objects.count() == 0


@pytest.mark.django_db
def test_domestic_accounts_for_usd_gbp_jpy_get_their_bank_code_label(credit_installation):
    # given
    seller_profile_save(installation=credit_installation, **US)

    # when
    usd = seller_bank_account_set(installation=credit_installation, currency="usd", account_number="000123456789",
                                  bank_code="021000021")
    gbp = seller_bank_account_set(installation=credit_installation, currency="GBP", account_number="31926819",
                                  bank_code="60-16-13")
    jpy = seller_bank_account_set(installation=credit_installation, currency="JPY", account_number="1234567",
                                  bank_code="0001-001")

    # then
    assert [(a.currency, a.bank_code_label) for a in (usd, gbp, jpy)] == [
        ("USD", "ABA routing number"), ("GBP", "Sort code"), ("JPY", "Bank / branch code")]


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "content_type", "message"), [
    (b"GIF89a....", "image/gif", "The logo is a PNG or an SVG file."),
    (b"not a png", "image/png", "The file is not a readable PNG."),
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
     "image/svg+xml", "SVG logos may not contain entities, scripts or foreign objects."),
    (b"x" * (256 * 1024 + 1), "image/png", "The logo is 262145 bytes; at most 256 KiB."),
])
def test_a_logo_that_is_not_a_small_png_or_safe_svg_is_refused(credit_installation, content, content_type, message):
    # given
    seller_profile_save(installation=credit_installation, **GERMAN)

    # when
    with pytest.raises(SellerProfileInvalid) as refused:
        seller_logo_set(installation=credit_installation, content=content, content_type=content_type)

    # then
    assert refused.value.merchant_message == message
    assert SellerProfile.objects.get().logo_sha256 == ""


@pytest.mark.django_db
def test_invoices_are_issued_with_the_profile_its_account_and_logo(settings, acme, held_order):
    # given a saved profile with a USD account (the company is invoiced in USD) and a logo
    installation = acme.installation
    seller_profile_save(installation=installation, **GERMAN)
    seller_bank_account_set(installation=installation, currency="USD", iban="DE89370400440532013000",
                            bic="COBADEFFXXX", bank_name="Commerzbank")
    seller_logo_set(installation=installation, content=png(), content_type="image/png")
    acme.tax_id, acme.tax_id_country = "98-7654321", "US"
    acme.save()
    invoicing_settings_set(company=acme, policy="at_confirmation")

    # when
    invoice = invoice_issue_for_order(transaction=held_order(company=acme, amount="180.00"))

    # then
    snapshot = snapshot_from_dict(invoice.snapshot)
    seller = snapshot.seller
    assert (seller.name, seller.trading_name, seller.tax_id, seller.tax_number, seller.contact_name,
            seller.peppol_id, seller.registration_id) == (
        "Muster Werkzeuge GmbH", "Muster Tools", "DE136695976", "27/123/45678", "Petra Schulz", "9930:DE136695976",
        "Amtsgericht Berlin HRB 98765")
    assert (snapshot.remittance.iban, snapshot.remittance.bic, snapshot.footer) == (
        "DE89370400440532013000", "COBADEFFXXX", "Geschäftsführer: Hans Muster")
    assert [b.category for b in snapshot.tax_breakdown] == ["G"]  # DE seller, 0 % to the US: export
    assert invoice.einvoice_problem == "" == einvoice_problem(snapshot)
    logo = snapshot_logo(snapshot)
    assert logo[0] == "image/png" and logo[1] == png()
    pdf = document_render(snapshot, "facturx", logo)
    assert pdf.filename.endswith("-facturx.pdf") and pdf.note == ""
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        page = document.pages[0]
        assert len(page.images) == 1  # the logo (no QR: a USD invoice)
        text = page.extract_text()
    assert "Export outside the EU, exempt from VAT (Article 146, Directive" in text
    assert "Geschäftsführer: Hans Muster" in text


PROFILE_UPDATE = """mutation($input: SellerProfileInput!) { sellerProfileUpdate(input: $input) {
  profile { legalName vatId country } errors { code field message } } }"""
STATUS = "{ sellerProfile { complete problems { code message } profile { legalName bankAccounts { currency iban } } } }"
ACCOUNT_SET = """mutation($input: SellerBankAccountInput!) { sellerBankAccountSet(input: $input) {
  account { currency iban bic } errors { code field message } } }"""
LOGO_SET = """mutation($b: String!, $t: String!) { sellerLogoSet(contentBase64: $b, contentType: $t) {
  profile { logoContentType } errors { code field message } } }"""


def _api(fields: dict) -> dict:
    head = lambda k: k.split("_")[0] + "".join(p.title() for p in k.split("_")[1:])  # noqa: E731
    return {head(k): v for k, v in fields.items()}


@pytest.mark.django_db
def test_the_api_warns_until_complete_and_saves_validated_fields(gql):
    # given nothing saved
    assert gql(STATUS)["sellerProfile"] == {"complete": False, "profile": None, "problems": [
        {"code": "SELLER_PROFILE_MISSING", "message": "No seller profile yet: invoices show the fallback seller "
         "details from the app's configuration and may lack what e-invoicing networks require. Fill in Seller "
         "profile."}]}

    # when: a refused save, then a good one, then the EUR account
    refused = gql(PROFILE_UPDATE, {"input": _api({**GERMAN, "vat_id": "DE123"})})["sellerProfileUpdate"]
    saved = gql(PROFILE_UPDATE, {"input": _api(GERMAN)})["sellerProfileUpdate"]
    half = gql(STATUS)["sellerProfile"]
    account = gql(ACCOUNT_SET, {"input": {"currency": "EUR", "iban": "DE89 3704 0044 0532 0130 00",
                                          "bic": "COBADEFFXXX"}})["sellerBankAccountSet"]

    # then
    assert refused["profile"] is None and refused["errors"][0]["code"] == "INVALID_SELLER_PROFILE"
    assert refused["errors"][0]["field"] == "vatId"
    assert saved == {"profile": {"legalName": "Muster Werkzeuge GmbH", "vatId": "DE136695976", "country": "DE"},
                     "errors": []}
    assert [p["code"] for p in half["problems"]] == ["SELLER_BANK_ACCOUNT_MISSING"]
    assert account == {"account": {"currency": "EUR", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"},
                       "errors": []}
    assert gql(STATUS)["sellerProfile"]["complete"] is True
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("id")) == [
        "seller_profile.saved", "seller_bank_account.saved"]


@pytest.mark.django_db
def test_the_api_sets_a_logo_and_refuses_a_bad_one(gql):
    # given
    gql(PROFILE_UPDATE, {"input": _api(GERMAN)})

    # when
    bad = gql(LOGO_SET, {"b": "!!!", "t": "image/png"})["sellerLogoSet"]
    good = gql(LOGO_SET, {"b": base64.b64encode(png()).decode(), "t": "image/png"})["sellerLogoSet"]

    # then
    assert bad == {"profile": None, "errors": [{"code": "INVALID_INPUT", "field": "contentBase64",
                                                "message": "Not base64."}]}
    assert good == {"profile": {"logoContentType": "image/png"}, "errors": []}


@pytest.mark.django_db
def test_another_installations_profile_is_invisible(gql, other_installation):
    # given
    seller_profile_save(installation=other_installation, **GERMAN)

    # when / then
    assert gql(STATUS)["sellerProfile"]["profile"] is None




@pytest.mark.django_db
def test_saving_the_same_profile_and_account_twice_keeps_one_of_each(credit_installation):
    # when
    for _ in range(2):
        seller_profile_save(installation=credit_installation, **GERMAN)
        seller_bank_account_set(installation=credit_installation, currency="EUR", iban="DE89370400440532013000")

    # then
    assert SellerProfile.objects.count() == 1
    assert list(SellerBankAccount.objects.values_list("currency", "iban")) == [("EUR", "DE89370400440532013000")]


BRAND_SET = """mutation($c: String!) { sellerBrandColorSet(color: $c) {
  profile { brandColor } errors { code field message } } }"""


@pytest.mark.django_db
def test_the_api_reads_and_sets_the_portal_brand_colour_validated_and_audited(gql):
    # given a saved profile without a colour
    gql(PROFILE_UPDATE, {"input": _api(GERMAN)})
    assert gql("{ sellerProfile { profile { brandColor } } }")["sellerProfile"]["profile"] == {"brandColor": ""}

    # when: a colour too light for white text, one that is no colour, a good one (twice), then the default
    light = gql(BRAND_SET, {"c": "#FFD400"})["sellerBrandColorSet"]
    junk = gql(BRAND_SET, {"c": "red"})["sellerBrandColorSet"]
    good = gql(BRAND_SET, {"c": "#7A1FA2"})["sellerBrandColorSet"]
    again = gql(BRAND_SET, {"c": "#7a1fa2"})["sellerBrandColorSet"]
    read = gql("{ sellerProfile { profile { brandColor } } }")["sellerProfile"]["profile"]
    default = gql(BRAND_SET, {"c": ""})["sellerBrandColorSet"]

    # then
    assert light == {"profile": None, "errors": [{
        "code": "INVALID_SELLER_PROFILE", "field": "brandColor",
        "message": "#ffd400 is too light: white text on it and links in it need a contrast of 4.5:1 (it has 1.4:1)."}]}
    assert junk == {"profile": None, "errors": [{"code": "INVALID_SELLER_PROFILE", "field": "brandColor",
                                                 "message": "A colour like #1f4fd1."}]}
    assert good == again == {"profile": {"brandColor": "#7a1fa2"}, "errors": []}
    assert read == {"brandColor": "#7a1fa2"}
    assert default == {"profile": {"brandColor": ""}, "errors": []}
    audits = list(AuditEntry.objects.filter(action="seller_brand_color.saved").order_by("id")
                  .values_list("before", "after"))
    assert audits == [({"brand_color": ""}, {"brand_color": "#7a1fa2"}),
                      ({"brand_color": "#7a1fa2"}, {"brand_color": ""})]   # the same colour again: no entry


@pytest.mark.django_db
def test_a_brand_colour_before_the_profile_exists_is_a_coded_refusal(gql):
    # when
    answer = gql(BRAND_SET, {"c": "#1f4fd1"})["sellerBrandColorSet"]

    # then
    assert answer["profile"] is None and answer["errors"][0]["code"] == "SELLER_PROFILE_MISSING"
    assert not AuditEntry.objects.filter(action="seller_brand_color.saved").exists()
