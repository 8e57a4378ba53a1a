"""Signed, expiring document links: the only way the app serves an invoice's documents.

A token is `TimestampSigner(salt=LINK_SALT).sign_object({"i": invoice id, "n": installation id,
"f": format, "t": ttl seconds})`: Django's HMAC (SECRET_KEY) over the payload and the signing
time. Reading it checks the signature first (403 DOCUMENT_LINK_INVALID), then the age against
the ttl the link was issued with (410 DOCUMENT_LINK_EXPIRED). Nothing else is trusted from the
URL: the invoice is then looked up by id *and* installation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing

from saleor_netterms.core.errors import NetTermsError

LINK_SALT = "saleor_netterms.invoicing.documents.link.v1"
FORMATS = ("pdf", "facturx", "ubl")
DEFAULT_TTL = timedelta(days=14)


class DocumentLinkInvalid(NetTermsError):
    code = "DOCUMENT_LINK_INVALID"
    http_status = 403
    buyer_message = "This document link is not valid."
    merchant_message = "The document link was altered or was not issued by this app."


class DocumentLinkExpired(NetTermsError):
    code = "DOCUMENT_LINK_EXPIRED"
    http_status = 410
    buyer_message = "This document link has expired. Ask the merchant for a new one."
    merchant_message = "The document link has expired; send a new link."


class DocumentNotFound(NetTermsError):
    code = "DOCUMENT_NOT_FOUND"
    http_status = 404
    buyer_message = "This document does not exist."
    merchant_message = "No invoice of this installation matches the document link."


@dataclass(frozen=True, slots=True)
class DocumentRef:
    invoice_id: int
    installation_id: int
    fmt: str


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=LINK_SALT)


def document_token(*, invoice_id: int, installation_id: int, fmt: str,
                   ttl: timedelta = DEFAULT_TTL) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown document format {fmt!r}")
    seconds = int(ttl.total_seconds())
    if seconds <= 0:
        raise ValueError("ttl must be positive")
    return _signer().sign_object({"i": int(invoice_id), "n": int(installation_id), "f": fmt,
                                  "t": seconds}, compress=True)


def document_url(invoice, fmt: str = "pdf", *, ttl: timedelta = DEFAULT_TTL) -> str:
    """APP_PUBLIC_URL/documents/<token> for `invoice` (anything with .pk and .installation_id)."""
    token = document_token(invoice_id=invoice.pk, installation_id=invoice.installation_id,
                           fmt=fmt, ttl=ttl)
    return f"{settings.APP_PUBLIC_URL}/documents/{token}"


def document_token_read(token: str) -> DocumentRef:
    """The reference a token stands for; DocumentLinkInvalid (403) or DocumentLinkExpired (410)."""
    signer = _signer()
    try:
        payload = signer.unsign_object(token)
        ref = DocumentRef(invoice_id=int(payload["i"]), installation_id=int(payload["n"]),
                          fmt=str(payload["f"]))
        ttl = int(payload["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise DocumentLinkInvalid(f"bad document token: {type(exc).__name__}") from exc
    if ref.fmt not in FORMATS:
        raise DocumentLinkInvalid(f"bad document format {ref.fmt!r}")
    try:
        signer.unsign_object(token, max_age=ttl)
    except signing.SignatureExpired as exc:
        raise DocumentLinkExpired(
            f"document link for invoice {ref.invoice_id} expired: {exc}") from exc
    return ref
