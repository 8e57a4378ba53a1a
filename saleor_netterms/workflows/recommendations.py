"""Credit-limit recommendations (decisions) become approval requests (approvals): a limit
changes only when a person approves it (approvals.services applies it with credit_limit_set)."""
from __future__ import annotations

import datetime as dt

from saleor_netterms.approvals import services as approvals
from saleor_netterms.decisions import recommendations


def limit_recommendations_run(*, installation=None, today: dt.date | None = None) -> dict:
    return recommendations.limit_recommendations_run(installation=installation, today=today,
                                                     approval_open=approvals.approval_request_open,
                                                     approval_withdraw=approvals.approval_request_withdraw)


def recommendation_for(*, company, currency: str, proposal: recommendations.Proposal):
    return recommendations.recommendation_for(company=company, currency=currency, proposal=proposal,
                                              approval_open=approvals.approval_request_open,
                                              approval_withdraw=approvals.approval_request_withdraw)
