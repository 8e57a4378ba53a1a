"""Purchase approvals by an approver of the buyer's own company, through signed, single-use,
expiring links: GET shows a confirmation page, POST decides; a bad link writes nothing."""
import datetime as dt
import re

import pytest
from django.core import signing
from django.utils import timezone

from saleor_netterms.approvals.models import ApprovalAction, ApprovalLink, ApprovalRequest
from saleor_netterms.approvals.services import (LINK_SALT, approval_act_by_link, approval_open_for_review)
from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.checkout.models import TransactionStatus
from saleor_netterms.companies.services import member_add
from saleor_netterms.decisions.engine import CreditPolicy
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.core.money import Money
from tests.approvals.conftest import authorize, request_for

APPROVER = "lena.approver@acme.example"


@pytest.fixture
def approver(acme):
    return member_add(company=acme, kind="email", value=APPROVER, role="approver")


def link_path(message: OutboxMessage) -> str:
    return re.search(r"https://netterms\.example\.com(/approvals/link/[^/\s]+/)", message.payload["body"]).group(1)


def written():
    return (ApprovalAction.objects.count(), OutboxMessage.objects.count(), AuditEntry.objects.count(),
            list(ApprovalLink.objects.values_list("used_at", flat=True)),
            list(ApprovalRequest.objects.order_by("id").values_list("kind", "status")))


@pytest.mark.django_db
def test_an_order_over_the_spending_limit_goes_to_the_companys_approver_first(
        client, credit_installation, acme, approver):
    # when
    tx = authorize(credit_installation, tx="tx-1", amount="750.00")

    # then: a purchase approval, and one e-mail with a link to the approver
    req = request_for(tx, "buyer_approval")
    assert req.steps[0]["party"] == "buyer" and req.steps[0]["approver_emails"] == [APPROVER]
    email = OutboxMessage.objects.get(kind="email.approval_link")
    assert email.payload["to"] == APPROVER
    path = link_path(email)

    # when the approver opens the link
    page = client.get(path)

    # then: a confirmation page, nothing decided
    assert page.status_code == 200
    assert b"750.00 USD" in page.content and b'value="approve"' in page.content
    assert ApprovalAction.objects.count() == 0

    # when the approver approves
    done = client.post(path, {"decision": "approve", "comment": "Needed for the plant"})

    # then: no other review reason, so the order is approved and Saleor told
    assert done.status_code == 200
    req.refresh_from_db()
    tx.refresh_from_db()
    assert (req.status, req.decided_by) == ("approved", f"buyer:{APPROVER}")
    assert tx.status == TransactionStatus.AUTHORIZED
    assert [(m.payload["type"], m.payload["psp_reference"])
            for m in OutboxMessage.objects.filter(kind="saleor.transaction_event_report")] == [
        ("AUTHORIZATION_SUCCESS", tx.psp_reference)]
    assert ApprovalLink.objects.get().used_at is not None


@pytest.mark.django_db
def test_after_the_buyer_approval_other_review_reasons_go_to_credit_review(
        credit_installation, acme, approver, policy):
    # given
    policy(CreditPolicy(review_first_order=True))
    tx = authorize(credit_installation, tx="tx-1", amount="750.00")
    token = signing.dumps({"l": ApprovalLink.objects.get().pk, "n": ApprovalLink.objects.get().nonce}, salt=LINK_SALT)

    # when
    approval_act_by_link(token=token, decision="approve")

    # then
    tx.refresh_from_db()
    review = request_for(tx, "credit_review")
    assert tx.status == TransactionStatus.IN_REVIEW
    assert (review.status, review.created_by, review.route_snapshot["codes"]) == (
        "pending", f"buyer:{APPROVER}", ["FIRST_ORDER", "WITHIN_LIMIT"])
    assert OutboxMessage.objects.filter(kind="saleor.transaction_event_report").count() == 0


@pytest.mark.django_db
def test_a_used_link_is_gone_and_writes_nothing(client, credit_installation, acme, approver):
    # given
    authorize(credit_installation, tx="tx-1", amount="750.00")
    path = link_path(OutboxMessage.objects.get(kind="email.approval_link"))
    client.post(path, {"decision": "decline"})
    before = written()

    # when
    shown = client.get(path)
    posted = client.post(path, {"decision": "approve"})

    # then
    assert (shown.status_code, posted.status_code) == (410, 410)
    assert b"LINK_USED" in posted.content
    assert written() == before


@pytest.mark.django_db
def test_an_expired_link_is_gone_and_writes_nothing(client, credit_installation, acme, approver):
    # given: the link was issued 73 hours ago (valid 72)
    tx = authorize(credit_installation, tx="tx-1", amount="750.00")
    ApprovalLink.objects.update(expires_at=timezone.now() - dt.timedelta(hours=1))
    path = link_path(OutboxMessage.objects.get(kind="email.approval_link"))
    before = written()

    # when
    response = client.post(path, {"decision": "approve"})

    # then
    assert response.status_code == 410
    assert b"LINK_EXPIRED" in response.content
    assert written() == before
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.IN_REVIEW


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["signature", "nonce", "garbage"])
def test_a_tampered_link_is_forbidden_and_writes_nothing(client, credit_installation, acme, approver, tamper):
    # given
    authorize(credit_installation, tx="tx-1", amount="750.00")
    link = ApprovalLink.objects.get()
    good = signing.dumps({"l": link.pk, "n": link.nonce}, salt=LINK_SALT)
    token = {"signature": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
             "nonce": signing.dumps({"l": link.pk, "n": "guessed"}, salt=LINK_SALT),
             "garbage": "not-a-token"}[tamper]
    before = written()

    # when
    response = client.post(f"/approvals/link/{token}/", {"decision": "approve"})

    # then
    assert response.status_code == 403
    assert b"LINK_INVALID" in response.content
    assert written() == before


@pytest.mark.django_db
def test_the_ordering_member_never_approves_their_own_order(credit_installation, company_factory, policy):
    # given: the only approver of the company is the buyer themself

    company = company_factory(installation=credit_installation, limit=Money.of("5000", "USD"))
    member_add(company=company, kind="saleor_user_id", value="VXNlcjo5", role="approver",
               spending_limit=Money.of("100", "USD"))

    # when
    tx = authorize(credit_installation, tx="tx-1", amount="300.00", user_id="VXNlcjo5")

    # then: straight to the merchant's credit review
    assert list(ApprovalRequest.objects.values_list("kind", flat=True)) == ["credit_review"]
    assert approval_open_for_review(transaction=tx) == request_for(tx)
