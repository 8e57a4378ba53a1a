"""Reads of the seller profile: the profile, what it still lacks, a logo by its hash."""
from __future__ import annotations

from .models import SellerLogo, SellerProfile


def seller_profile_get(*, installation) -> SellerProfile | None:
    return (SellerProfile.objects.filter(installation=installation).prefetch_related("bank_accounts").first()
            if installation is not None else None)


def seller_profile_problems(*, installation, currencies: tuple[str, ...] = ()) -> list[dict]:
    """What the app page warns about until the profile is complete: [{code, message}]. A saved
    profile is valid (services validate every save); it can still lack a bank account, for any
    currency or for one the installation invoices in."""
    profile = seller_profile_get(installation=installation)
    if profile is None:
        return [{"code": "SELLER_PROFILE_MISSING",
                 "message": "No seller profile yet: invoices show the fallback seller details from the app's "
                            "configuration and may lack what e-invoicing networks require. Fill in Seller profile."}]
    problems = []
    accounts = {a.currency for a in profile.bank_accounts.all()}
    if not accounts:
        problems.append({"code": "SELLER_BANK_ACCOUNT_MISSING",
                         "message": "No bank account: invoices cannot say where to pay."})
    for currency in currencies:
        if accounts and currency not in accounts:
            problems.append({"code": "SELLER_BANK_ACCOUNT_MISSING",
                             "message": f"No bank account for {currency}: {currency} invoices cannot say where to pay."})
    return problems


def seller_logo_get(*, sha256: str) -> SellerLogo | None:
    return SellerLogo.objects.filter(sha256=sha256).first() if sha256 else None
