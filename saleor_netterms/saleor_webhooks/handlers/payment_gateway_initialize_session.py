"""PAYMENT_GATEWAY_INITIALIZE_SESSION → may this buyer pay on net terms? (FACTS.md §3.2, §3.6)

Answer: `{"data": {eligible, reason, message, company, availableCredit, terms, poNumberRequired,
decisionPreview}}`; see README "Storefront integration". Writes nothing."""
from saleor_netterms.checkout.requests import EligibilityRequest
from saleor_netterms.checkout.services import checkout_eligibility
from saleor_netterms.core.inbound import JsonNode

from ._payloads import buyer_from, channel_slug_of, money_from, source_object
from ._responses import eligibility_answer


def handle(*, installation, payload: dict, delivery=None) -> dict:
    payload = JsonNode(payload)
    source = source_object(payload)
    total = source.obj("totalPrice") if source.raw("totalPrice") is not None else source.obj("total")
    currency = total.obj("gross").raw("currency")
    amount = payload.raw("amount")
    money = money_from(amount, currency) if amount is not None and currency else None
    request = EligibilityRequest(buyer=buyer_from(source.obj("user")), channel_slug=channel_slug_of(source),
                                 money=money)
    return eligibility_answer(checkout_eligibility(installation=installation, request=request))
