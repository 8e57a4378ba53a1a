/* One approval request: what is asked, the company's position, the chain, the history, and the
 * signed-in staff member's decision (approvalAct; a code from an authenticator app when required). */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var M = "amount currency";
  var match = window.location.pathname.match(/\/app\/approvals\/(\d+)\/?$/);
  var requestId = match ? match[1] : null;
  var statusEl = document.getElementById("nt-status");
  var form = document.getElementById("nt-decide-form");
  var current = null;

  var REQUEST = "query ApprovalRequest($id: ID!) {\n  approvalRequest(id: $id) {\n" +
    "    id kind status routeName currentStep dueAt createdAt createdBy decidedAt decidedBy decisionComment canAct\n" +
    "    secondFactorRequired amount { " + M + " } proposedLimit { " + M + " }\n" +
    "    limit { " + M + " } exposure { " + M + " } available { " + M + " } openReceivables { " + M + " }\n" +
    "    openReceivablesCount overdueReceivables { " + M + " } overdueReceivablesCount maxDaysPastDue\n" +
    "    company { id legalName status } transaction { orderNumber pspReference poNumber }\n" +
    "    reasons { code merchantMessage }\n" +
    "    steps { position name mode party approverEmails requiredPermission deadlineHours onDeadline }\n" +
    "    actions { step actor decision comment secondFactorVerified createdAt }\n  }\n}";
  var ACT = "mutation ApprovalAct($requestId: ID!, $decision: ApprovalDecision!, $comment: String, $step: Int, $totpCode: String) {\n" +
    "  approvalAct(requestId: $requestId, decision: $decision, comment: $comment, step: $step, totpCode: $totpCode) {\n" +
    "    request { id status } errors { code field message }\n  }\n}";
  var TOTP_ENROLL = "mutation TotpEnroll {\n  totpEnroll { provisioningUri qrCodeSvg errors { code field message } }\n}";
  var TOTP_CONFIRM = "mutation TotpConfirm($code: String!) {\n  totpConfirm(code: $code) { confirmed errors { code field message } }\n}";

  function fact(label, value) { return h("div", {}, h("dt", {}, label), h("dd", {}, value)); }
  function stat(label, value) { return h("div", {}, h("dt", {}, label), h("dd", {}, value)); }

  function render(r) {
    current = r;
    document.getElementById("nt-request").hidden = false;
    var what = r.transaction && r.transaction.orderNumber ? "Order #" + r.transaction.orderNumber : ui.humanize(r.kind);
    document.getElementById("nt-request-title").textContent = what + " — " + r.company.legalName;
    ui.clear(document.getElementById("nt-request-meta")).appendChild(ui.pill(
      r.status === "APPROVED" ? "ACTIVE" : r.status === "DECLINED" ? "DEAD" : r.status === "PENDING" ? "IN_REVIEW" : "CLOSED", ui.humanize(r.status)));
    var facts = ui.clear(document.getElementById("nt-request-facts"));
    [["Kind", ui.humanize(r.kind)], ["Amount", ui.moneyEl(r.amount)],
     ["Proposed limit", r.proposedLimit ? ui.moneyEl(r.proposedLimit) : "—"], ["Route", r.routeName],
     ["Due", ui.dateTime(r.dueAt)], ["Requested", ui.dateTime(r.createdAt) + (r.createdBy ? " by " + ui.actor(r.createdBy) : "")],
     ["Company", h("a", { class: "nt-link", href: NT.href("/app/companies/" + r.company.id) }, r.company.legalName)],
     ["PO number", r.transaction && r.transaction.poNumber || "—"],
    ].forEach(function (pair) { facts.appendChild(fact(pair[0], pair[1])); });
    if (r.decidedAt) { facts.appendChild(fact("Decided", ui.dateTime(r.decidedAt) + " by " + r.decidedBy + (r.decisionComment ? " — " + r.decisionComment : ""))); }
    var reasons = ui.clear(document.getElementById("nt-request-reasons"));
    r.reasons.forEach(function (x) { reasons.appendChild(h("li", { dataset: { code: x.code } }, ui.moneyInText(x.merchantMessage))); });

    var position = ui.clear(document.getElementById("nt-position"));
    position.appendChild(stat("Limit", ui.moneyEl(r.limit)));
    position.appendChild(stat("Exposure", ui.moneyEl(r.exposure)));
    position.appendChild(stat("Available", ui.moneyEl(r.available)));
    position.appendChild(stat("Open receivables", [ui.moneyEl(r.openReceivables), h("div", { class: "nt-sub" }, ui.plural(r.openReceivablesCount, "invoice"))]));
    position.appendChild(stat("Overdue", [ui.moneyEl(r.overdueReceivables),
      h("div", { class: "nt-sub" + (r.overdueReceivablesCount ? " nt-overdue" : "") }, ui.plural(r.overdueReceivablesCount, "invoice") + ", up to " + ui.plural(r.maxDaysPastDue, "day"))]));

    var steps = ui.clear(document.getElementById("nt-steps"));
    r.steps.forEach(function (s) {
      var state = s.position < r.currentStep || r.status !== "PENDING" && s.position <= r.currentStep ? "done" : s.position === r.currentStep ? "current" : "next";
      steps.appendChild(h("li", { class: "nt-step is-" + state, "aria-current": state === "current" ? "step" : null },
        h("strong", {}, s.name), " ", h("span", { class: "nt-muted" }, "(" + (s.mode === "ALL" ? "all of" : "any of") + " " +
          (s.approverEmails.length ? s.approverEmails.join(", ") : s.party === "buyer" ? "the company's approvers" : "staff with " + (s.requiredPermission ? "the " + ui.humanize(s.requiredPermission).toLowerCase() + " permission" : "access")) + ")"),
        s.deadlineHours ? h("div", { class: "nt-sub" }, "Within " + s.deadlineHours + " h, then " + ui.humanize(s.onDeadline).toLowerCase()) : null));
    });
    var actions = ui.clear(document.getElementById("nt-actions"));
    if (!r.actions.length) { actions.appendChild(h("li", { class: "nt-muted" }, "No decisions yet.")); }
    r.actions.forEach(function (a) {
      actions.appendChild(h("li", {}, ui.pill(a.decision === "APPROVE" ? "ACTIVE" : "DEAD", ui.humanize(a.decision)), " ",
        ui.actor(a.actor), h("span", { class: "nt-muted" }, " · step " + (r.steps.map(function (s) { return s.position; }).indexOf(a.step) + 1) + " · " + ui.dateTime(a.createdAt) + (a.secondFactorVerified ? " · 2FA" : "")),
        a.comment ? h("div", { class: "nt-sub" }, a.comment) : null));
    });
    document.getElementById("nt-decide").hidden = !(r.status === "PENDING" && r.canAct);
    document.getElementById("x-totp-field").hidden = !r.secondFactorRequired;
  }

  function load() {
    return NT.gql(REQUEST, { id: requestId }).then(function (data) {
      if (!data.approvalRequest) { ui.banner(statusEl, "This approval request does not exist (or belongs to another Saleor).", "error"); return; }
      render(data.approvalRequest);
    }).catch(function (error) { ui.banner(statusEl, "The request could not be loaded: " + ui.errorText(error), "error"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var decision = event.submitter && event.submitter.value === "DECLINE" ? "DECLINE" : "APPROVE";
    var comment = form.comment.value.trim();
    if (decision === "DECLINE" && !comment) {
      ui.showFieldErrors(form, [{ code: "REASON_REQUIRED", field: "comment", message: "Say why you decline." }]);
      return;
    }
    ui.busy(form, true);
    NT.gql(ACT, { requestId: requestId, decision: decision, comment: comment || null, step: current.currentStep,
                  totpCode: current.secondFactorRequired ? form.totpCode.value.trim() || null : null }).then(function (data) {
      var result = data.approvalAct;
      if (result.errors.length) {
        ui.showFieldErrors(form, result.errors, { requestId: null, step: null });
        if (result.errors.some(function (e) { return e.code === "SECOND_FACTOR_NOT_ENROLLED"; })) { openTotp(form.totpCode); }
        return;
      }
      ui.clearFieldErrors(form);
      form.reset();
      ui.banner(statusEl, (decision === "APPROVE" ? "Approved" : "Declined") + ": the request is now " + ui.humanize(result.request.status).toLowerCase() + ".", "success");
      return load();
    }).catch(function (error) { ui.formError(form, error); }).then(function () { ui.busy(form, false); });
  });

  // --- second factor: set up an authenticator app (totpEnroll, then totpConfirm with a first code) ---
  // The API does not say whether the staff member already has a confirmed device: totpEnroll
  // answers SECOND_FACTOR_ALREADY_ENROLLED then, and approvalAct SECOND_FACTOR_NOT_ENROLLED when none.
  var totpDialog = document.getElementById("nt-totp-dialog");
  var totpForm = document.getElementById("nt-totp-form");
  var totpStart = document.getElementById("nt-totp-start");
  var totpEnrolled = document.getElementById("nt-totp-enrolled");

  function openTotp(opener) {
    totpForm.reset();
    totpStart.hidden = false;
    totpEnrolled.hidden = true;
    ui.openDialog(totpDialog, opener);
    document.getElementById("nt-totp-enroll").focus();
  }

  // otpauth://totp/Issuer:name?secret=...&issuer=... -> {secret, account}; null when unreadable.
  function provisioning(uri) {
    var match = /^otpauth:\/\/totp\/([^?]*)\?(.*)$/.exec(uri || "");
    if (!match) { return null; }
    var params = new URLSearchParams(match[2]);
    var secret = params.get("secret") || "";
    return { secret: secret.replace(/(.{4})/g, "$1 ").trim(), account: decodeURIComponent(match[1]) };
  }

  document.getElementById("nt-totp-open").addEventListener("click", function (e) { openTotp(e.currentTarget); });
  document.getElementById("nt-totp-enroll").addEventListener("click", function (event) {
    var button = event.currentTarget;
    button.disabled = true;
    ui.clearFieldErrors(totpForm);
    NT.gql(TOTP_ENROLL).then(function (data) {
      var result = data.totpEnroll;
      if (result.errors.length) {
        var already = result.errors[0].code === "SECOND_FACTOR_ALREADY_ENROLLED";
        ui.showFieldErrors(totpForm, already ? [{ code: result.errors[0].code, field: null,
          message: "Your staff account already has an authenticator app: enter its current code in “Authenticator code”." }] : result.errors);
        return;
      }
      var found = provisioning(result.provisioningUri);
      document.getElementById("nt-totp-secret").textContent = found ? found.secret : "—";
      document.getElementById("nt-totp-account").textContent = found ? found.account : "—";
      document.getElementById("nt-totp-uri").textContent = result.provisioningUri;
      var qr = document.getElementById("nt-totp-qr");
      if (result.qrCodeSvg && result.qrCodeSvg.indexOf("data:image/svg+xml") === 0) { qr.src = result.qrCodeSvg; qr.hidden = false; }
      totpStart.hidden = true;
      totpEnrolled.hidden = false;
      totpForm.code.focus();
    }).catch(function (error) { ui.formError(totpForm, error); }).then(function () { button.disabled = false; });
  });
  totpForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = totpForm.code.value.trim();
    if (!/^\d{6}$/.test(code)) { ui.showFieldErrors(totpForm, [{ code: "INVALID_CODE", field: "code", message: "The 6 digits your app shows." }]); return; }
    ui.busy(totpForm, true);
    NT.gql(TOTP_CONFIRM, { code: code }).then(function (data) {
      var result = data.totpConfirm;
      if (result.errors.length) { ui.showFieldErrors(totpForm, result.errors); return; }
      ui.closeDialog(totpDialog);
      ui.banner(statusEl, "Authenticator app set up. Enter its next code to approve (a code counts once).", "success");
      form.totpCode.focus();
    }).catch(function (error) { ui.formError(totpForm, error); }).then(function () { ui.busy(totpForm, false); });
  });

  if (!requestId) { ui.banner(statusEl, "No request id in the address.", "error"); return; }
  ui.start(statusEl, load);
})();
