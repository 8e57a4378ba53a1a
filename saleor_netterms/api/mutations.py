"""Mutations of the merchant API: parse and scope the arguments, call one service, render.

Every mutation runs in one database transaction and answers ``errors: [{code, field, message}]``
for refused input and for the services' coded errors (NetTermsError), rolling back so that nothing
is written. Rows of another installation are NOT_FOUND, exactly like rows that do not exist.
"""
from __future__ import annotations

import graphene
from django.db import transaction

from saleor_netterms.audit.services import audit_record
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.companies import services as company_services
from saleor_netterms.companies.models import Company
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.installations import services as installation_services
from saleor_netterms.masters.selectors import erp_owns
from saleor_netterms.outbox import services as outbox_services
from saleor_netterms.outbox.models import OutboxStatus as OutboxStatusChoices
from saleor_netterms.payments.models import PaymentSource as PaymentSourceChoices
from saleor_netterms.workflows import payments as payment_workflows
from saleor_netterms.workflows import reviews as review_workflows

from . import selectors
from .context import actor_of, installation_of, principal_permissions
from .errors import ApiInputError, field_error, not_found
from .inputs import amount_parse, money_parse, pk_parse
from .types import (CompanyStatus, CompanyType, InstallationSettingsType, MemberKind, MemberRole, MemberType,
                    MoneyType, MutationErrorType, OutboxMessageType, PaymentType, TransactionType, enum_value)

# Longest accepted text per argument (the columns' lengths; longer input is refused, not cut).
MAX_LENGTHS = {
    "legalName": 255, "billingContactName": 255, "billingContactEmail": 254, "billingContactPhone": 64,
    "erpCustomerNumber": 128, "taxId": 64, "poNumberPattern": 40, "reason": 255, "reference": 128, "memo": 500,
}
COMPANY_ERROR_FIELDS = {
    "INVALID_TAX_ID": "taxId",
    "ERP_CUSTOMER_NUMBER_TAKEN": "erpCustomerNumber",
    "INVALID_MEMBER": "billingContactEmail",  # company services validate the e-mail as a member would
}
PAYMENT_ERROR_FIELDS = {
    "PAYMENT_REFERENCE_REQUIRED": "reference",
    "DUPLICATE_PAYMENT_REFERENCE": "reference",
    "PAYMENT_AMOUNT_INVALID": "amount",
    "OVER_ALLOCATION": "allocations",
    "UNKNOWN_RECEIVABLE": "allocations",
    "CURRENCY_MISMATCH": "allocations",
}


def _errors():
    return graphene.List(graphene.NonNull(MutationErrorType), required=True)


def _run(action, *, fields: dict[str, str] | None = None):
    """``(result, [])`` or, on a coded error, ``(None, [error])`` with everything rolled back."""
    try:
        with transaction.atomic():
            return action(), []
    except NetTermsError as exc:
        return None, [field_error(exc, fields)]


def _text(value: str | None, field: str) -> str | None:
    if value is not None and len(value) > MAX_LENGTHS[field]:
        raise ApiInputError("TOO_LONG", f"At most {MAX_LENGTHS[field]} characters.", field=field)
    return value


def _company(info, company_id, *, field: str = "companyId") -> Company:
    pk = pk_parse(company_id)
    company = company_selectors.company_get(installation=installation_of(info), company_id=pk) if pk else None
    if company is None:
        raise not_found("company", field=field)
    return company


def _member(info, member_id):
    pk = pk_parse(member_id)
    member = selectors.member_get(installation=installation_of(info), member_id=pk) if pk else None
    if member is None:
        raise not_found("member", field="id")
    return member


def _transaction(info, transaction_id) -> NetTermsTransaction:
    pk = pk_parse(transaction_id)
    tx = selectors.transaction_get(installation=installation_of(info), transaction_id=pk) if pk else None
    if tx is None:
        raise not_found("transaction", field="transactionId")
    return tx


# (graphene argument name, service keyword, API field name for length checks)
_COMPANY_FIELDS = (
    ("legal_name", "legalName"), ("tax_id", "taxId"), ("tax_id_country", None),
    ("billing_contact_name", "billingContactName"), ("billing_contact_email", "billingContactEmail"),
    ("billing_contact_phone", "billingContactPhone"), ("erp_customer_number", "erpCustomerNumber"),
    ("default_terms_days", None), ("po_number_required", None), ("po_number_pattern", "poNumberPattern"),
    ("allowed_channels", None),
)


def _company_fields(kwargs: dict) -> dict:
    """The company fields that were given (an omitted argument is left unchanged)."""
    given = {}
    for name, api_name in _COMPANY_FIELDS:
        if name in kwargs:
            given[name] = _text(kwargs[name], api_name) if api_name else kwargs[name]
    return given


class CompanyCreate(graphene.Mutation):
    """Open a credit account (active, no limit yet: set one with creditLimitSet)."""

    class Arguments:
        legal_name = graphene.String(required=True)
        tax_id = graphene.String(description="Validated for the country and stored compact.")
        tax_id_country = graphene.String(description="ISO 3166-1 alpha-2; required with taxId.")
        billing_contact_name = graphene.String()
        billing_contact_email = graphene.String()
        billing_contact_phone = graphene.String()
        erp_customer_number = graphene.String(description="Unique per installation when set.")
        default_terms_days = graphene.Int(description="Default 30.")
        po_number_required = graphene.Boolean()
        po_number_pattern = graphene.String(description=(
            'What the company\'s PO numbers look like, e.g. "PO-*" or "45########": # a digit, @ a letter, ? any '
            'one character, * any characters; "" for any. A checkout with a PO number of another shape is '
            "declined with PO_NUMBER_INVALID."))
        allowed_channels = graphene.List(graphene.NonNull(graphene.String),
                                         description="Saleor channel slugs; empty means all channels.")

    company = graphene.Field(CompanyType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, **kwargs):
        installation = installation_of(info)

        def action():
            fields = {k: v for k, v in _company_fields(kwargs).items() if v is not None}
            return company_services.company_create(installation=installation, **fields)

        company, errors = _run(action, fields=COMPANY_ERROR_FIELDS)
        return CompanyCreate(company=company, errors=errors)


class CompanyUpdate(graphene.Mutation):
    """Change the given fields; omitted arguments stay as they are."""

    class Arguments:
        id = graphene.ID(required=True)
        legal_name = graphene.String()
        tax_id = graphene.String()
        tax_id_country = graphene.String()
        billing_contact_name = graphene.String()
        billing_contact_email = graphene.String()
        billing_contact_phone = graphene.String()
        erp_customer_number = graphene.String()
        default_terms_days = graphene.Int()
        po_number_required = graphene.Boolean()
        po_number_pattern = graphene.String(description=(
            'What the company\'s PO numbers look like, e.g. "PO-*" or "45########": # a digit, @ a letter, ? any '
            'one character, * any characters; "" for any. A checkout with a PO number of another shape is '
            "declined with PO_NUMBER_INVALID."))
        allowed_channels = graphene.List(graphene.NonNull(graphene.String))

    company = graphene.Field(CompanyType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, **kwargs):
        def action():
            company = _company(info, id, field="id")
            return company_services.company_update(company=company, **_company_fields(kwargs))

        company, errors = _run(action, fields=COMPANY_ERROR_FIELDS)
        return CompanyUpdate(company=company, errors=errors)


class CompanyStatusSet(graphene.Mutation):
    """Activate, put on hold, suspend or close an account (a reason is required unless ACTIVE)."""

    class Arguments:
        id = graphene.ID(required=True)
        status = graphene.Argument(CompanyStatus, required=True)
        reason = graphene.String()

    company = graphene.Field(CompanyType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, status, reason=None):
        def action():
            company = _company(info, id, field="id")
            return company_services.company_status_set(company=company, status=enum_value(status),
                                                       reason=_text(reason, "reason") or "")

        company, errors = _run(action, fields={"INVALID_COMPANY": "reason"})
        return CompanyStatusSet(company=company, errors=errors)


class CreditLimitSet(graphene.Mutation):
    """Set the company's credit limit in a currency (zero or more). Lowering it below the exposure
    is allowed: available credit turns negative and new orders are refused."""

    class Arguments:
        company_id = graphene.ID(required=True)
        amount = graphene.String(required=True, description="Decimal string, e.g. \"25000.00\".")
        currency = graphene.String(required=True)
        reason = graphene.String(description="Why, for the audit trail.")

    company = graphene.Field(CompanyType)
    limit = graphene.Field(MoneyType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, company_id, amount, currency, reason=None):
        def action():
            company = _company(info, company_id)
            if erp_owns(installation_id=company.installation_id, what="credit_limits"):
                raise ApiInputError("CREDIT_LIMITS_MASTER_IS_ERP", "The ERP is this installation's master of credit "
                                    "limits: change the limit in the ERP.", field="amount")
            limit = company_services.credit_limit_set(company=company, amount=money_parse(amount, currency),
                                                      actor=actor_of(info), reason=reason or "")
            return company, limit.money

        result, errors = _run(action, fields={"INVALID_CREDIT_LIMIT": "amount"})
        company, limit = result or (None, None)
        return CreditLimitSet(company=company, limit=limit, errors=errors)


class MoneyInput(graphene.InputObjectType):
    amount = graphene.String(required=True, description="Decimal string, e.g. \"500.00\".")
    currency = graphene.String(required=True)


class MemberAdd(graphene.Mutation):
    """Map a Saleor identity (user id, e-mail, external reference, e-mail domain, customer type) to
    the company. An e-mail domain only matches once verified (memberDomainVerify)."""

    class Arguments:
        company_id = graphene.ID(required=True)
        kind = graphene.Argument(MemberKind, required=True)
        value = graphene.String(required=True)
        role = graphene.Argument(MemberRole, description="Default BUYER.")
        spending_limit = graphene.Argument(MoneyInput, description="Per-order limit.")
        domain_verified = graphene.Boolean(description="Only for EMAIL_DOMAIN members.")

    member = graphene.Field(MemberType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, company_id, kind, value, role=None, spending_limit=None, domain_verified=None):
        def action():
            company = _company(info, company_id)
            extra = {}
            if role is not None:
                extra["role"] = enum_value(role)
            if spending_limit is not None:
                extra["spending_limit"] = money_parse(
                    spending_limit.amount, spending_limit.currency,
                    amount_field="spendingLimit.amount", currency_field="spendingLimit.currency")
            if domain_verified is not None:
                extra["domain_verified"] = domain_verified
            return company_services.member_add(company=company, kind=enum_value(kind), value=value, **extra)

        member, errors = _run(action, fields={"MEMBER_ALREADY_EXISTS": "value"})
        return MemberAdd(member=member, errors=errors)


class MemberRemove(graphene.Mutation):
    """Deactivate a member (kept for the audit trail; the value can be added again)."""

    class Arguments:
        id = graphene.ID(required=True)

    member = graphene.Field(MemberType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id):
        member, errors = _run(lambda: company_services.member_remove(member=_member(info, id)))
        return MemberRemove(member=member, errors=errors)


class MemberDomainVerify(graphene.Mutation):
    """Mark an EMAIL_DOMAIN member verified, after the merchant checked the company owns it."""

    class Arguments:
        id = graphene.ID(required=True)

    member = graphene.Field(MemberType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id):
        member, errors = _run(lambda: company_services.member_domain_verify(member=_member(info, id)),
                              fields={"INVALID_MEMBER": "id", "MEMBER_ALREADY_EXISTS": "id"})
        return MemberDomainVerify(member=member, errors=errors)


class PaymentAllocationInput(graphene.InputObjectType):
    receivable_id = graphene.ID(required=True)
    amount = graphene.String(required=True, description="Decimal string in the payment's currency.")


def _allocations_parse(info, allocations, currency: str):
    """``[(Receivable, Money)]`` from the input, or None to let the service apply the payment to
    the oldest due receivables. Receivables of another installation are NOT_FOUND."""
    if allocations is None:
        return None
    parsed = []
    for item in allocations:
        pk = pk_parse(item.receivable_id)
        if pk is None:
            raise not_found("receivable", field="allocations")
        parsed.append((pk, amount_parse(item.amount, currency, field="allocations")))
    ids = [pk for pk, _ in parsed]
    if len(set(ids)) != len(ids):
        raise ApiInputError("DUPLICATE_ALLOCATION", "Each receivable may appear once in the allocations.",
                            field="allocations")
    receivables = selectors.receivables_get(installation=installation_of(info), receivable_ids=ids)
    if len(receivables) != len(ids):
        raise not_found("receivable", field="allocations")
    return [(receivables[pk], part) for pk, part in parsed]


class PaymentRecord(graphene.Mutation):
    """Record money received from a company (recorded by the signed-in staff user). Without
    allocations it settles the oldest due receivables first; an empty list applies nothing; what is
    not applied goes to the company's credit balance. The same reference and amount again returns
    the first payment."""

    class Arguments:
        company_id = graphene.ID(required=True)
        amount = graphene.String(required=True, description="Decimal string, e.g. \"1250.00\".")
        currency = graphene.String(required=True)
        received_on = graphene.Date(required=True)
        reference = graphene.String(required=True, description="Bank or ERP reference.")
        allocations = graphene.List(graphene.NonNull(PaymentAllocationInput))
        memo = graphene.String()

    payment = graphene.Field(PaymentType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, company_id, amount, currency, received_on, reference, allocations=None, memo=None):
        recorded_by = actor_of(info)

        def action():
            company = _company(info, company_id)
            money = money_parse(amount, currency)
            return payment_workflows.payment_record(
                company=company, money=money, received_on=received_on, reference=_text(reference, "reference"),
                allocations=_allocations_parse(info, allocations, money.currency),
                source=PaymentSourceChoices.MANUAL, recorded_by=recorded_by, memo=_text(memo, "memo") or "")

        payment, errors = _run(action, fields=PAYMENT_ERROR_FIELDS)
        return PaymentRecord(payment=payment, errors=errors)


REVIEW_ERROR_FIELDS = {"TRANSACTION_NOT_IN_REVIEW": "transactionId", "REASON_REQUIRED": "reason",
                       "SECOND_FACTOR_REQUIRED": "totpCode", "SECOND_FACTOR_INVALID": "totpCode",
                       "SECOND_FACTOR_NOT_ENROLLED": "totpCode", "APPROVAL_STEP_CHANGED": "step"}


def _review_decide(info, transaction_id, decision: str, comment: str = "") -> NetTermsTransaction:
    """reviewApprove / reviewDecline: the one decision path (workflows.reviews.review_decide), as
    decisionMake takes it — the approval workflow that owns the review decides it, else the checkout."""
    tx = _transaction(info, transaction_id)
    return review_workflows.review_decide(
        installation=installation_of(info), decision=decision, actor_email=actor_of(info),
        actor_permissions=principal_permissions(info), transaction_id=tx.pk, comment=comment).transaction


class ReviewApprove(graphene.Mutation):
    """Approve a transaction in credit review: Saleor is told AUTHORIZATION_SUCCESS. Approving it
    again answers the same; a transaction that was never in review or was declined is refused.
    (decisionMake decides every row of decisionQueue; this stays for existing clients.)"""

    class Arguments:
        transaction_id = graphene.ID(required=True)

    transaction = graphene.Field(TransactionType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, transaction_id):
        tx, errors = _run(lambda: _review_decide(info, transaction_id, "approve"), fields=REVIEW_ERROR_FIELDS)
        return ReviewApprove(transaction=tx, errors=errors)


class ReviewDecline(graphene.Mutation):
    """Decline a transaction in credit review: the hold is released, Saleor is told
    AUTHORIZATION_FAILURE and the order gets a note with the reason. (decisionMake decides every row
    of decisionQueue; this stays for existing clients.)"""

    class Arguments:
        transaction_id = graphene.ID(required=True)
        reason = graphene.String(required=True, description="For the order note and the audit trail.")

    transaction = graphene.Field(TransactionType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, transaction_id, reason):
        def action():
            text = (_text(reason, "reason") or "").strip()
            if not text:
                raise ApiInputError("REASON_REQUIRED", "Say why net terms are declined.", field="reason")
            return _review_decide(info, transaction_id, "decline", comment=text)

        tx, errors = _run(action, fields=REVIEW_ERROR_FIELDS)
        return ReviewDecline(transaction=tx, errors=errors)


OUTBOX_ERROR_FIELDS = {"OUTBOX_MESSAGE_BLOCKED": "messageId", "OUTBOX_MESSAGE_NOT_DEAD": "messageId",
                       "REASON_REQUIRED": "reason"}


def _outbox_message(info, message_id):
    pk = pk_parse(message_id)
    message = selectors.outbox_message_get(installation=installation_of(info), message_id=pk) if pk else None
    if message is None:
        raise not_found("message", field="messageId")
    if message.status == OutboxStatusChoices.DELIVERED:
        raise ApiInputError("OUTBOX_MESSAGE_DELIVERED", "The message was already delivered.", field="messageId")
    return message


def _outbox_action(action, **kwargs):
    """Run outbox_retry / outbox_skip; a refusal becomes the API's coded input error."""
    try:
        return action(**kwargs)
    except outbox_services.OutboxActionRefused as refused:
        raise ApiInputError(refused.code, refused.merchant_message,
                            field=OUTBOX_ERROR_FIELDS.get(refused.code, "messageId")) from refused


def _outbox_audit(info, message, *, action: str, before: dict, blocked: list[int], reason: str = "") -> None:
    message.refresh_from_db()
    audit_record(installation=message.installation, actor=actor_of(info), action=action,
                 object_type="outbox_message", object_id=message.pk, before=before,
                 after={"status": message.status, "attempts": message.attempts, "released": blocked},
                 reason=reason)


def _outbox_before(message) -> tuple[dict, list[int]]:
    blocked = sorted(message.blocked_successors.filter(status=OutboxStatusChoices.BLOCKED)
                     .values_list("id", flat=True))
    return ({"status": message.status, "attempts": message.attempts, "last_error": message.last_error,
             "kind": message.kind, "ordering_key": message.ordering_key}, blocked)


class OutboxRetry(graphene.Mutation):
    """Send a failed (dead) message again; the messages blocked behind it follow it in order.
    Audited (``outbox.retried``). A blocked message is refused (retry the one it waits behind), a
    delivered one too."""

    class Arguments:
        message_id = graphene.ID(required=True)

    message = graphene.Field(OutboxMessageType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, message_id):
        def action():
            message = _outbox_message(info, message_id)
            before, blocked = _outbox_before(message)
            retried = _outbox_action(outbox_services.outbox_retry, message=message)
            _outbox_audit(info, retried, action="outbox.retried", before=before, blocked=blocked)
            return retried

        message, errors = _run(action, fields=OUTBOX_ERROR_FIELDS)
        return OutboxRetry(message=message, errors=errors)


class OutboxSkip(graphene.Mutation):
    """Give up on a failed (dead) message for good — it is never sent — so that the messages
    blocked behind it are delivered. Needs a reason; audited (``outbox.skipped``)."""

    class Arguments:
        message_id = graphene.ID(required=True)
        reason = graphene.String(required=True, description="Why it is never sent; kept on the message and in the audit trail.")

    message = graphene.Field(OutboxMessageType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, message_id, reason):
        def action():
            message = _outbox_message(info, message_id)
            text = _text(reason, "reason")
            before, blocked = _outbox_before(message)
            skipped = _outbox_action(outbox_services.outbox_skip, message=message, actor=actor_of(info),
                                     reason=text)
            _outbox_audit(info, skipped, action="outbox.skipped", before=before, blocked=blocked,
                          reason=skipped.skip_reason)
            return skipped

        message, errors = _run(action, fields=OUTBOX_ERROR_FIELDS)
        return OutboxSkip(message=message, errors=errors)


class InstallationSettingsUpdate(graphene.Mutation):
    """Set the installation's time zone (IANA name). Business dates written from now on use it;
    issued invoices and existing due dates keep theirs. Audited (``installation.time_zone_set``)."""

    class Arguments:
        time_zone = graphene.String(required=True)

    settings = graphene.Field(InstallationSettingsType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, time_zone):
        def action():
            installation = installation_of(info)
            before, after = installation_services.installation_time_zone_set(
                installation=installation, time_zone=time_zone)
            if before != after:
                audit_record(installation=installation, actor=actor_of(info), action="installation.time_zone_set",
                             object_type="installation", object_id=installation.pk,
                             before={"time_zone": before}, after={"time_zone": after})
            return installation

        installation, errors = _run(action, fields={"INVALID_TIME_ZONE": "timeZone"})
        return InstallationSettingsUpdate(settings=installation, errors=errors)


class InstallationStorefrontOriginsSet(graphene.Mutation):
    """Set the storefront origins allowed to hand customers over to the buyer portal (the whole
    list: scheme and host, optionally a port; https, or http only for localhost; at most 20; []
    allows any origin). One bad origin refuses the list (INVALID_STOREFRONT_ORIGIN on `origins`,
    nothing written). Audited (``installation.storefront_origins_set``)."""

    class Arguments:
        origins = graphene.List(graphene.NonNull(graphene.String), required=True)

    settings = graphene.Field(InstallationSettingsType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, origins):
        def action():
            installation = installation_of(info)
            before, after = installation_services.installation_storefront_origins_set(
                installation=installation, origins=origins)
            if before != after:
                audit_record(installation=installation, actor=actor_of(info),
                             action="installation.storefront_origins_set", object_type="installation",
                             object_id=installation.pk, before={"storefront_origins": before},
                             after={"storefront_origins": after})
            return installation

        installation, errors = _run(action, fields={"INVALID_STOREFRONT_ORIGIN": "origins"})
        return InstallationStorefrontOriginsSet(settings=installation, errors=errors)


class Mutation(graphene.ObjectType):
    company_create = CompanyCreate.Field()
    company_update = CompanyUpdate.Field()
    company_status_set = CompanyStatusSet.Field()
    credit_limit_set = CreditLimitSet.Field()
    member_add = MemberAdd.Field()
    member_remove = MemberRemove.Field()
    member_domain_verify = MemberDomainVerify.Field()
    payment_record = PaymentRecord.Field()
    review_approve = ReviewApprove.Field()
    review_decline = ReviewDecline.Field()
    outbox_retry = OutboxRetry.Field()
    outbox_skip = OutboxSkip.Field()
    installation_settings_update = InstallationSettingsUpdate.Field()
    installation_storefront_origins_set = InstallationStorefrontOriginsSet.Field()
