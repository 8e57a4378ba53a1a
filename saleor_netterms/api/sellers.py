"""The seller profile in the merchant API: who issues the invoices and where buyers pay.

`sellerProfile` reads it (null before the first save) with `problems` — what the app page warns
about until it is complete; `sellerProfileUpdate` saves every field at once (validated by
sellers.services: a refused field is `errors[{code: INVALID_SELLER_PROFILE, field, message}]`,
nothing written); `sellerBankAccountSet` / `sellerBankAccountRemove` keep one account per
currency; `sellerLogoSet` (base64 PNG or SVG) / `sellerLogoRemove`; `sellerBrandColorSet` (the buyer portal's
accent colour, "#rrggbb" reaching 4.5:1 against white, "" for the default). Each change is audited.
"""
from __future__ import annotations

import base64
import binascii

import graphene

from saleor_netterms.audit.services import audit_record
from saleor_netterms.companies.models import CreditLimit
from saleor_netterms.sellers import selectors as seller_selectors
from saleor_netterms.sellers import services as seller_services

from .context import actor_of, installation_of
from .errors import ApiInputError
from .mutations import _errors, _run
from .types import coded


class SellerBankAccountType(graphene.ObjectType):
    currency = graphene.String(required=True)
    account_holder = graphene.String(required=True)
    bank_name = graphene.String(required=True)
    iban = graphene.String(required=True)
    bic = graphene.String(required=True)
    account_number = graphene.String(required=True)
    bank_code = graphene.String(required=True)
    bank_code_label = graphene.String(required=True)


class SellerProblemType(graphene.ObjectType):
    code = graphene.String(required=True)
    message = graphene.String(required=True)


class SellerProfileType(graphene.ObjectType):
    legal_name = graphene.String(required=True)
    trading_name = graphene.String(required=True)
    street = graphene.String(required=True)
    street2 = graphene.String(required=True)
    city = graphene.String(required=True)
    postal_code = graphene.String(required=True)
    country_area = graphene.String(required=True)
    country = graphene.String(required=True)
    vat_id = graphene.String(required=True)
    tax_number = graphene.String(required=True)
    tax_number_label = graphene.String(required=True)
    registration_authority = graphene.String(required=True)
    registration_number = graphene.String(required=True)
    registration_scheme = graphene.String(required=True)
    identifier = graphene.String(required=True)
    identifier_scheme = graphene.String(required=True)
    contact_name = graphene.String(required=True)
    email = graphene.String(required=True)
    phone = graphene.String(required=True)
    peppol_scheme = graphene.String(required=True)
    peppol_id = graphene.String(required=True)
    domestic_zero_category = graphene.String(required=True)
    exemption_reason = graphene.String(required=True)
    exemption_code = graphene.String(required=True)
    supplies_services = graphene.Boolean(required=True)
    footer = graphene.String(required=True)
    logo_content_type = graphene.String(required=True, description='"" when there is no logo.')
    logo_data_url = graphene.String(description="The logo as a data: URL, for a preview; null without one.")
    brand_color = graphene.String(required=True, description=(
        'The buyer portal\'s accent colour ("#rrggbb", lower-case; "" for the portal\'s default blue).'))
    bank_accounts = graphene.List(graphene.NonNull(SellerBankAccountType), required=True)
    updated_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_bank_accounts(root, info):
        return list(root.bank_accounts.all())

    @staticmethod
    def resolve_logo_data_url(root, info):
        if not root.logo:
            return None
        return f"data:{root.logo_content_type};base64,{base64.b64encode(bytes(root.logo)).decode()}"


class SellerProfileStatusType(graphene.ObjectType):
    profile = graphene.Field(SellerProfileType, description="null until the profile is saved once.")
    complete = graphene.Boolean(required=True)
    problems = graphene.List(graphene.NonNull(SellerProblemType), required=True)


class Query(graphene.ObjectType):
    seller_profile = graphene.Field(SellerProfileStatusType, required=True,
                                    description="The seller of this installation's invoices, and what it still lacks.")

    @staticmethod
    @coded
    def resolve_seller_profile(root, info):
        installation = installation_of(info)
        currencies = tuple(sorted(set(CreditLimit.objects.filter(company__installation=installation)
                                      .values_list("currency", flat=True))))
        problems = seller_selectors.seller_profile_problems(installation=installation, currencies=currencies)
        return SellerProfileStatusType(profile=seller_selectors.seller_profile_get(installation=installation),
                                       complete=not problems,
                                       problems=[SellerProblemType(**p) for p in problems])


class SellerProfileInput(graphene.InputObjectType):
    legal_name = graphene.String(required=True)
    trading_name = graphene.String()
    street = graphene.String(required=True)
    street2 = graphene.String()
    city = graphene.String(required=True)
    postal_code = graphene.String(required=True)
    country_area = graphene.String()
    country = graphene.String(required=True, description="ISO 3166-1 alpha-2.")
    vat_id = graphene.String(description="With its country prefix (EL for Greece); checked with python-stdnum.")
    tax_number = graphene.String(description="Tax registration (BT-32): Steuernummer, EIN, JCT number…")
    tax_number_label = graphene.String(description='What the tax number is, e.g. "EIN".')
    registration_authority = graphene.String(description='The register, e.g. "Amtsgericht Hamburg".')
    registration_number = graphene.String(description="Legal registration (BT-30), e.g. HRB 123456, SIREN.")
    registration_scheme = graphene.String(description="ISO 6523 ICD of the registration number, e.g. 0002 (SIREN).")
    identifier = graphene.String(description="Seller identifier (BT-29), e.g. a GLN.")
    identifier_scheme = graphene.String(description="Its ISO 6523 ICD, e.g. 0088 (GLN), 0060 (DUNS).")
    contact_name = graphene.String(required=True)
    email = graphene.String(required=True)
    phone = graphene.String(required=True)
    peppol_scheme = graphene.String(required=True, description="EAS code, e.g. 9930 (German VAT id), 0088 (GLN).")
    peppol_id = graphene.String(required=True)
    domestic_zero_category = graphene.String(description="Z (default) or E for 0 % domestic lines.")
    exemption_reason = graphene.String()
    exemption_code = graphene.String(description="VATEX code, e.g. VATEX-EU-132.")
    supplies_services = graphene.Boolean(description=(
        "The default for a 0 % line to an EU business abroad whose order line does not say whether it is "
        "shipped (orders stored before the app read Saleor's isShippingRequired, manual summary lines): true "
        "= a service, reverse charge (AE); false = goods, an intra-Community supply (K). Lines Saleor marks "
        "as shipped are goods, lines it marks as not shipped are services, whatever this says."))
    footer = graphene.String()


def _state(profile) -> dict:
    return {field: getattr(profile, field) for field in seller_services.PROFILE_FIELDS}


class SellerProfileUpdate(graphene.Mutation):
    """Save the seller profile (every field; validated, all or nothing)."""

    class Arguments:
        input = SellerProfileInput(required=True)

    profile = graphene.Field(SellerProfileType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, input):
        installation, actor = installation_of(info), actor_of(info)

        def action():
            before = seller_selectors.seller_profile_get(installation=installation)
            before_state = _state(before) if before else None
            profile = seller_services.seller_profile_save(installation=installation, **dict(input))
            audit_record(installation=installation, actor=actor, action="seller_profile.saved",
                         object_type="seller_profile", object_id=profile.pk, before=before_state,
                         after=_state(profile))
            return profile

        profile, errors = _run(action)
        return SellerProfileUpdate(profile=profile, errors=errors)


class SellerBankAccountInput(graphene.InputObjectType):
    currency = graphene.String(required=True)
    account_holder = graphene.String()
    bank_name = graphene.String()
    iban = graphene.String()
    bic = graphene.String()
    account_number = graphene.String(description="For accounts without IBAN (US, UK domestic, JP).")
    bank_code = graphene.String(description="ABA routing number, sort code, bank + branch code.")
    bank_code_label = graphene.String()


class SellerBankAccountSet(graphene.Mutation):
    """Create or replace the account buyers pay `currency` invoices to."""

    class Arguments:
        input = SellerBankAccountInput(required=True)

    account = graphene.Field(SellerBankAccountType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, input):
        installation, actor = installation_of(info), actor_of(info)
        data = dict(input)
        currency = data.pop("currency")

        def action():
            account = seller_services.seller_bank_account_set(installation=installation, currency=currency, **data)
            audit_record(installation=installation, actor=actor, action="seller_bank_account.saved",
                         object_type="seller_bank_account", object_id=account.pk,
                         after={"currency": account.currency, "iban": account.iban, "bic": account.bic,
                                "account_number": account.account_number, "bank_code": account.bank_code})
            return account

        account, errors = _run(action)
        return SellerBankAccountSet(account=account, errors=errors)


class SellerBankAccountRemove(graphene.Mutation):
    class Arguments:
        currency = graphene.String(required=True)

    removed = graphene.Boolean()
    errors = _errors()

    @staticmethod
    def mutate(root, info, currency):
        installation, actor = installation_of(info), actor_of(info)

        def action():
            removed = seller_services.seller_bank_account_remove(installation=installation, currency=currency)
            if removed:
                audit_record(installation=installation, actor=actor, action="seller_bank_account.removed",
                             object_type="seller_bank_account", object_id=currency.upper(), after=None)
            return removed

        removed, errors = _run(action)
        return SellerBankAccountRemove(removed=removed, errors=errors)


class SellerLogoSet(graphene.Mutation):
    """Set the logo printed on the PDF: a PNG or an SVG, base64, at most 256 KiB."""

    class Arguments:
        content_base64 = graphene.String(required=True)
        content_type = graphene.String(required=True, description="image/png or image/svg+xml")

    profile = graphene.Field(SellerProfileType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, content_base64, content_type):
        installation, actor = installation_of(info), actor_of(info)

        def action():
            if len(content_base64) > seller_services.LOGO_MAX_BYTES * 4 // 3 + 8:
                raise ApiInputError("TOO_LONG", "The logo is larger than 256 KiB.", field="contentBase64")
            try:
                content = base64.b64decode(content_base64, validate=True)
            except (binascii.Error, ValueError) as error:
                raise ApiInputError("INVALID_INPUT", "Not base64.", field="contentBase64") from error
            profile = seller_services.seller_logo_set(installation=installation, content=content,
                                                      content_type=content_type)
            audit_record(installation=installation, actor=actor, action="seller_logo.saved",
                         object_type="seller_profile", object_id=profile.pk,
                         after={"logo_sha256": profile.logo_sha256, "content_type": content_type})
            return profile

        profile, errors = _run(action)
        return SellerLogoSet(profile=profile, errors=errors)


class SellerLogoRemove(graphene.Mutation):
    profile = graphene.Field(SellerProfileType)
    errors = _errors()

    @staticmethod
    def mutate(root, info):
        installation, actor = installation_of(info), actor_of(info)

        def action():
            profile = seller_services.seller_logo_remove(installation=installation)
            audit_record(installation=installation, actor=actor, action="seller_logo.removed",
                         object_type="seller_profile", object_id=profile.pk, after=None)
            return profile

        profile, errors = _run(action)
        return SellerLogoRemove(profile=profile, errors=errors)


class SellerBrandColorSet(graphene.Mutation):
    """Set the buyer portal's accent colour (buttons, links, the header rule): "#rrggbb" whose
    contrast against white is at least 4.5:1 (WCAG AA: white button text on it, links in it), or ""
    for the default. A refused colour is `INVALID_SELLER_PROFILE` on `brandColor`, nothing written."""

    class Arguments:
        color = graphene.String(required=True, description='"#1f4fd1", or "" for the default.')

    profile = graphene.Field(SellerProfileType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, color):
        installation, actor = installation_of(info), actor_of(info)

        def action():
            if len(color) > 32:
                raise ApiInputError("TOO_LONG", "A colour like #1f4fd1.", field="brandColor")
            before = seller_selectors.seller_profile_get(installation=installation)
            previous = before.brand_color if before else ""
            profile = seller_services.seller_brand_color_set(installation=installation, color=color)
            if profile.brand_color != previous:
                audit_record(installation=installation, actor=actor, action="seller_brand_color.saved",
                             object_type="seller_profile", object_id=profile.pk,
                             before={"brand_color": previous}, after={"brand_color": profile.brand_color})
            return profile

        profile, errors = _run(action)
        return SellerBrandColorSet(profile=profile, errors=errors)


class Mutation(graphene.ObjectType):
    seller_profile_update = SellerProfileUpdate.Field()
    seller_bank_account_set = SellerBankAccountSet.Field()
    seller_bank_account_remove = SellerBankAccountRemove.Field()
    seller_logo_set = SellerLogoSet.Field()
    seller_logo_remove = SellerLogoRemove.Field()
    seller_brand_color_set = SellerBrandColorSet.Field()
