"""Small read helpers for ledger tests."""
from saleor_netterms.core.money import Money
from saleor_netterms.ledger.selectors import trial_balance


def merchant_balances(installation, currency: str) -> dict[str, Money]:
    """Normal-signed balances of the installation's merchant-side accounts, by kind."""
    return {row.kind: row.balance for row in trial_balance(installation=installation, currency=currency).rows
            if row.company_id is None}


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")
