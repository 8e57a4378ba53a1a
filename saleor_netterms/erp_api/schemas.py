"""Request and answer bodies of the ERP API (pydantic; the OpenAPI 3.1 document is generated
from these). Amounts are decimal strings (never floats), currencies ISO 4217, dates ISO 8601."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import re

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Amount = Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]{0,15})(\.[0-9]{1,4})?$", max_length=21)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Text = Annotated[str, StringConstraints(max_length=255)]
# The body cap of /erp/v1/invoices (14 MiB) bounds the text; ERP_INVOICE_PDF_MAX_BYTES (10 MiB) caps the
# decoded PDF exactly, with its own code (413 INVOICE_PDF_TOO_LARGE).
PDF_BASE64_MAX = 14 * 1024 * 1024


# NUL and the other C0 controls (tab, line feed and carriage return aside) and lone surrogates are
# refused at the edge: PostgreSQL cannot store a NUL, and none of them belongs in business text.
UNSAFE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def text_is_safe(value: str) -> bool:
    return UNSAFE_TEXT.search(value) is None


def _refuse_unsafe_text(value):
    if isinstance(value, str) and not text_is_safe(value):
        raise ValueError("text may not contain NUL, control characters or lone surrogates")
    if isinstance(value, (list, tuple)):
        for item in value:
            _refuse_unsafe_text(item)
    return value


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _safe_text(cls, value):
        return _refuse_unsafe_text(value)


class Money(BaseModel):
    amount: str = Field(examples=["1190.00"])
    currency: str = Field(examples=["EUR"])


class FieldError(BaseModel):
    field: str = Field(description="Where in the request, dotted (e.g. `allocations.0.amount`); empty: the body.")
    message: str


class Error(BaseModel):
    code: str = Field(description="Stable code, e.g. API_KEY_SCOPE_MISSING, IDEMPOTENCY_KEY_REUSED.")
    message: str
    errors: list[FieldError] | None = Field(None, description=(
        "With INVALID_REQUEST: each field that does not match the schema (at most 20)."))
    line: int | None = Field(None, description="With a refused bank statement: the line of the file, where known.")
    element: str | None = Field(None, description="With a refused bank statement: the XML element or MT940 tag.")
    fileId: int | None = Field(None, description="With a refused bank statement: its file record (kept, refused).")


class BillingContact(Body):
    name: Annotated[str, StringConstraints(max_length=255)] | None = None
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    phone: Annotated[str, StringConstraints(max_length=64)] | None = None


class CompanyIn(Body):
    legalName: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    taxId: Annotated[str, StringConstraints(max_length=64)] | None = None
    taxIdCountry: Annotated[str, StringConstraints(max_length=2)] | None = None
    billingContact: BillingContact | None = None
    defaultTermsDays: Annotated[int, Field(ge=0, le=3650)] | None = None
    poNumberRequired: bool | None = None
    allowedChannels: list[Annotated[str, StringConstraints(max_length=255)]] | None = Field(None, max_length=100)
    creditTier: Literal["starter", "standard", "premium"] | None = None


class CompanyOut(BaseModel):
    id: int
    erpCustomerNumber: str
    legalName: str
    taxId: str
    taxIdCountry: str
    status: str
    defaultTermsDays: int
    creditTier: str
    creditLimits: list[Money]
    created: bool = False


class CreditLimitIn(Body):
    amount: Amount
    reason: Text | None = None


class CreditLimitOut(BaseModel):
    status: Literal["applied", "pending_approval"]
    limit: Money | None = None
    approvalRequestId: int | None = None


class HoldIn(Body):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=255)]


class ReleaseIn(Body):
    reason: Text | None = None


class StatusOut(BaseModel):
    erpCustomerNumber: str
    status: str
    statusReason: str


class AllocationIn(Body):
    invoiceNumber: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    amount: Amount


class PaymentIn(Body):
    customerNumber: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    reference: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    amount: Amount
    currency: Currency
    receivedOn: dt.date
    allocations: list[AllocationIn] | None = Field(None, max_length=500, description=(
        "Which invoices it pays; omitted: the app's matching rules decide (oldest due first)."))
    endToEndId: Annotated[str, StringConstraints(max_length=64)] | None = None
    remittanceText: Annotated[str, StringConstraints(max_length=500)] | None = None


class PaymentOut(BaseModel):
    intakeId: int
    status: str = Field(description="booked, duplicate (the bank already brought it), suggested or unmatched.")
    paymentId: int | None
    duplicateOf: int | None
    allocations: list[dict]


class StatementFileOut(BaseModel):
    id: int
    filename: str
    status: str = Field(description="imported (a refused file answers 4xx).")
    sha256: str = Field(description="The file's SHA-256: the same content again is the same import.")


class StatementImportOut(BaseModel):
    file: StatementFileOut
    replayed: bool = Field(description="True when this content was imported before: nothing new was written.")
    linesNew: int = Field(description="Bank entries stored by this file.")
    linesKnown: int = Field(description="Entries already imported from an overlapping file (camt.052 then .053).")
    matched: int
    suggested: int
    unmatched: int
    duplicates: int = Field(description="Credits already recorded from another source (the ERP, staff).")


class CreditNoteIn(Body):
    customerNumber: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    number: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    invoiceNumber: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    amount: Amount
    currency: Currency
    reason: Annotated[str, StringConstraints(min_length=1, max_length=255)]


class CreditNoteOut(BaseModel):
    creditNoteNumber: str
    invoiceNumber: str
    amount: Money


class InvoiceIn(Body):
    number: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    orderId: Annotated[str, StringConstraints(min_length=1, max_length=255)] = Field(
        description="The Saleor order id (Order:…) the invoice bills.")
    issueDate: dt.date
    dueDate: dt.date
    currency: Currency
    totalNet: Amount
    totalTax: Amount
    totalGross: Amount
    pdfUrl: Annotated[str, StringConstraints(min_length=8, max_length=1024, pattern=r"^https?://")] | None = Field(
        None, description="Where the ERP serves the invoice's PDF (Saleor and the buyer get this URL). Send this or "
                          "pdfBase64.")
    pdfBase64: Annotated[str, StringConstraints(min_length=8, max_length=PDF_BASE64_MAX)] | None = Field(
        None, description=("The invoice's PDF itself, base64 (RFC 4648; line breaks are ignored), at most "
                           "ERP_INVOICE_PDF_MAX_BYTES (10 MiB) decoded; checked to be a readable PDF, kept by the app "
                           "and served to the buyer and Saleor through a signed link. Send this or pdfUrl."))


class InvoicePdfOut(BaseModel):
    stored: bool = Field(description="true: the app keeps the PDF sent as a file; false: the ERP's URL is used.")
    size: int | None = None
    sha256: str | None = None


class InvoiceOut(BaseModel):
    number: str
    orderId: str
    receivableReference: str
    dueDate: dt.date
    amount: Money
    created: bool
    pdf: InvoicePdfOut


class OpenItemIn(Body):
    documentNumber: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    documentDate: dt.date | None = None
    dueDate: dt.date | None = None
    amountOpen: Annotated[str, StringConstraints(pattern=r"^-?(0|[1-9][0-9]{0,15})(\.[0-9]{1,4})?$", max_length=22)]


class OpenItemsIn(Body):
    items: list[OpenItemIn] = Field(max_length=5000)


class OpenItemsOut(BaseModel):
    items: int
    exposure: Money


class EventsOut(BaseModel):
    events: list[dict] = Field(description="Envelopes exactly as webhooks carry them (see /webhooks/schemas/).")
    nextCursor: int
    hasMore: bool


class MastersOut(BaseModel):
    creditLimits: Literal["app", "erp"]
    invoices: Literal["app", "erp"]
    openItems: Literal["app", "erp"]
    erpLimitsNeedApproval: bool
