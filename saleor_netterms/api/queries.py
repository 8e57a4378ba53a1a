"""Queries of the merchant API. Every one reads through ``principal(info).installation``."""
from __future__ import annotations

import graphene

from saleor_netterms import __version__
from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.ledger import selectors as ledger_selectors

from . import selectors
from .context import installation_of
from .inputs import currency_parse, page_parse, pk_parse
from .types import (CompanyStatus, CompanyType, InstallationSettingsType, MemberType, OutboxMessageType,
                    ReviewItemType, TrialBalanceType, coded, enum_value)


class Query(graphene.ObjectType):
    app_version = graphene.String(required=True, description="The running app's version.")
    companies = graphene.List(
        graphene.NonNull(CompanyType), required=True,
        description=("The installation's companies by id. search matches the legal name, ERP customer "
                     "number, tax id or billing e-mail; first is 1 to 100 (default 50)."),
        search=graphene.String(), status=graphene.Argument(CompanyStatus), first=graphene.Int(),
        offset=graphene.Int())
    company = graphene.Field(CompanyType, id=graphene.ID(required=True),
                             description="A company of this installation; null when there is none with this id.")
    member_resolve = graphene.Field(
        MemberType, user_id=graphene.String(required=True), email=graphene.String(),
        is_confirmed=graphene.Boolean(default_value=False,
                                      description="Saleor's User.isConfirmed (e-mail and e-mail-domain "
                                                  "members match only confirmed accounts)."),
        external_reference=graphene.String(), customer_type_slug=graphene.String(),
        description="The member a signed-in Saleor customer resolves to (as at checkout), or null.")
    review_queue = graphene.List(graphene.NonNull(ReviewItemType), required=True,
                                 description="Transactions in credit review, oldest first.",
                                 deprecation_reason="Use decisionQueue: every order and request in one list.")
    failed_saleor_reports = graphene.List(
        graphene.NonNull(OutboxMessageType), required=True,
        description=("Reports to Saleor that gave up (dead), oldest first, each with the later reports of "
                     "the same object it holds back (blocked); retry with outboxRetry or skip with outboxSkip."))
    trial_balance = graphene.Field(TrialBalanceType, required=True, currency=graphene.String(required=True))
    installation_settings = graphene.Field(InstallationSettingsType, required=True,
                                           description="This installation's settings (time zone).")

    @staticmethod
    def resolve_app_version(root, info):
        return __version__

    @staticmethod
    def resolve_installation_settings(root, info):
        return installation_of(info)

    @staticmethod
    @coded
    def resolve_companies(root, info, search=None, status=None, first=None, offset=None):
        installation = installation_of(info)
        first, offset = page_parse(first, offset)
        qs = selectors.companies_search(installation=installation, search=search, status=enum_value(status))
        return list(qs[offset:offset + first])

    @staticmethod
    def resolve_company(root, info, id):
        installation = installation_of(info)
        company_id = pk_parse(id)
        if company_id is None:
            return None
        return company_selectors.company_get(installation=installation, company_id=company_id)

    @staticmethod
    def resolve_member_resolve(root, info, user_id, email=None, is_confirmed=False, external_reference=None,
                               customer_type_slug=None):
        return company_selectors.member_resolve(
            installation=installation_of(info), user_id=user_id, email=email,
            email_confirmed=bool(is_confirmed), external_reference=external_reference,
            customer_type_slug=customer_type_slug)

    @staticmethod
    def resolve_review_queue(root, info):
        return selectors.review_queue(installation=installation_of(info))

    @staticmethod
    def resolve_failed_saleor_reports(root, info):
        return list(selectors.failed_saleor_reports(installation=installation_of(info)))

    @staticmethod
    @coded
    def resolve_trial_balance(root, info, currency):
        return ledger_selectors.trial_balance(installation=installation_of(info),
                                              currency=currency_parse(currency))
