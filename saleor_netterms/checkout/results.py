"""Outcomes of the checkout domain. Rendering them as Saleor answers is the handlers' job."""
from __future__ import annotations

from dataclasses import dataclass, field

from saleor_netterms.core.money import Money


@dataclass(frozen=True, slots=True)
class ReasonView:
    """A reason as the checkout answers it: the code and the buyer's sentence as told. A checkout
    refusal (no account, guest, PO number) also has its own merchant sentence; the engine's reasons
    leave it empty — theirs is written where it is read, in the reader's language, from the stored
    figures (decisions.texts.stored_merchant_text)."""
    code: str
    buyer_message: str
    merchant_message: str = ""


@dataclass(frozen=True, slots=True)
class AuthorizationResult:
    """approved → hold placed; in_review → hold placed, decision pending; declined → nothing held."""
    outcome: str  # "approved" | "in_review" | "declined"
    psp_reference: str
    money: Money
    message: str
    reasons: tuple[ReasonView, ...] = ()
    company_name: str | None = None
    terms_days: int | None = None
    available_after: Money | None = None
    po_number: str = ""

    @property
    def primary_code(self) -> str | None:
        return self.reasons[0].code if self.reasons else None


@dataclass(frozen=True, slots=True)
class Eligibility:
    eligible: bool
    reason: str | None
    message: str
    company_name: str | None = None
    available_credit: Money | None = None
    terms_days: int | None = None
    po_number_required: bool = False
    preview_outcome: str | None = None
    preview_reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActionResult:
    """Answer to a charge / cancel / refund request.

    `pending` means "accepted, the outcome is reported later" (a capture: the charge succeeds when
    the invoice is paid). `succeeded=False` carries a coded reason."""
    succeeded: bool
    psp_reference: str | None
    money: Money | None
    message: str
    code: str | None = None
    pending: bool = False
    actions: tuple[str, ...] = field(default_factory=tuple)
