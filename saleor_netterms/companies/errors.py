"""Coded errors of the companies domain (STYLE.md §10): a stable code, a log message, a buyer
message and a merchant message."""
from __future__ import annotations

from saleor_netterms.core.errors import NetTermsError


class InvalidTaxId(NetTermsError):
    code = "INVALID_TAX_ID"
    http_status = 400
    buyer_message = "The tax ID is not valid."
    merchant_message = "The tax ID is not valid for the given country."


class ErpCustomerNumberTaken(NetTermsError):
    code = "ERP_CUSTOMER_NUMBER_TAKEN"
    http_status = 409
    merchant_message = "Another company of this installation already has this ERP customer number."


class InvalidCompany(NetTermsError):
    code = "INVALID_COMPANY"
    http_status = 400
    merchant_message = "The company's details are not valid."


class InvalidCreditLimit(NetTermsError):
    code = "INVALID_CREDIT_LIMIT"
    http_status = 400
    merchant_message = "A credit limit must be zero or a positive amount in a valid currency."


class InvalidMember(NetTermsError):
    code = "INVALID_MEMBER"
    http_status = 400
    merchant_message = "The member's match kind, value, role or spending limit is not valid."


class MemberAlreadyExists(NetTermsError):
    code = "MEMBER_ALREADY_EXISTS"
    http_status = 409
    merchant_message = "This user, email, domain, customer type or reference already belongs to a company."


class CompanyNotFound(NetTermsError):
    code = "COMPANY_NOT_FOUND"
    http_status = 404
    merchant_message = "The company does not exist."


class LockOutsideTransaction(NetTermsError):
    code = "LOCK_OUTSIDE_TRANSACTION"
    http_status = 500
    merchant_message = "An internal error occurred; see the app's logs."
