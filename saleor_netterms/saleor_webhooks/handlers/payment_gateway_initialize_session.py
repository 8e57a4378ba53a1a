"""PAYMENT_GATEWAY_INITIALIZE_SESSION → may this buyer pay on net terms? (FACTS.md §3.2, §3.6)

Answer: `{"data": {eligible, reason, message, company, availableCredit, terms, poNumberRequired,
decisionPreview}}`; see README "Storefront integration". Writes nothing."""
from saleor_netterms.checkout.requests import EligibilityRequest
from saleor_netterms.checkout.services import checkout_eligibility

from ._payloads import buyer_from, channel_slug_of, money_from, obj, source_object
from ._responses import eligibility_answer


def handle(*, installation, payload: dict, delivery=None) -> dict:
    source = source_object(payload)
    total = obj(source.get("totalPrice") or source.get("total"), "totalPrice")
    currency = obj(total.get("gross"), "totalPrice.gross").get("currency")
    amount = payload.get("amount")
    money = money_from(amount, currency) if amount is not None and currency else None
    request = EligibilityRequest(buyer=buyer_from(source.get("user")), channel_slug=channel_slug_of(source),
                                 money=money)
    return eligibility_answer(checkout_eligibility(installation=installation, request=request))
