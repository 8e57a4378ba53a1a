"""Signed links for approvers of the buyer's own company (thin: parse, call one service, render).

GET shows what is to be approved and two buttons; only POST acts (mail scanners that follow
links change nothing). A bad, used, expired or stale link answers a coded 403/410 page and
writes nothing."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .errors import ApprovalError
from .models import ActionDecision
from .services import approval_act_by_link, approval_link_resolve

MAX_COMMENT = 2000


def _error_page(request: HttpRequest, exc: ApprovalError) -> HttpResponse:
    return render(request, "approvals/link_error.html",
                  {"code": exc.code, "message": exc.buyer_message}, status=exc.http_status)


@never_cache
@csrf_exempt  # the signed single-use token in the URL is the credential
@require_http_methods(["GET", "POST"])
def link_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "GET":
            link = approval_link_resolve(token=token)
            return render(request, "approvals/link_confirm.html", {"link": link, "req": link.request,
                                                                     "tx": link.request.transaction})
        decision = request.POST.get("decision", "")
        if decision not in ActionDecision.values:
            link = approval_link_resolve(token=token)
            return render(request, "approvals/link_confirm.html",
                          {"link": link, "req": link.request, "tx": link.request.transaction,
                           "error": "Choose approve or decline."}, status=400)
        req = approval_act_by_link(token=token, decision=decision,
                                   comment=request.POST.get("comment", "")[:MAX_COMMENT])
    except ApprovalError as exc:
        return _error_page(request, exc)
    return render(request, "approvals/link_done.html", {"decision": decision, "req": req})
