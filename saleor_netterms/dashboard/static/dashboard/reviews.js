/* Reviews & approvals: the one queue of decisions (api decisionQueue, workflows/reviews.py) — every order in
 * credit review and every limit request, once, whichever workflow holds it — with each company's position;
 * approve (after a confirmation) or decline with a reason (decisionMake routes it to the right workflow). */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var M = "amount currency";
  var COLUMNS = 8;
  var statusEl = document.getElementById("nt-status");
  var tbody = document.getElementById("nt-queue");
  var filters = document.getElementById("nt-filters");
  var dialog = document.getElementById("nt-decline-dialog");
  var form = document.getElementById("nt-decline-form");
  var declining = null;

  var QUEUE = "query DecisionQueue($kind: ApprovalKind, $status: ApprovalStatus, $mine: Boolean) {\n" +
    "  decisionQueue(kind: $kind, status: $status, mine: $mine) {\n    totalCount\n    items {\n" +
    "      id kind status waitingSince waitingFor canDecide secondFactorRequired amount { " + M + " }\n" +
    "      transaction { id orderId orderNumber poNumber decisionScore }\n" +
    "      request { id routeName currentStep decidedAt decidedBy decisionComment steps { position name } }\n" +
    "      company { id legalName status }\n" +
    "      limit { " + M + " } exposure { " + M + " } available { " + M + " }\n" +
    "      openReceivablesCount overdueReceivables { " + M + " } overdueReceivablesCount maxDaysPastDue\n" +
    "      reasons { code merchantMessage }\n    }\n  }\n}";
  var DECIDE = "mutation DecisionMake($requestId: ID, $transactionId: ID, $decision: ApprovalDecision!, $reason: String, $step: Int) {\n" +
    "  decisionMake(requestId: $requestId, transactionId: $transactionId, decision: $decision, reason: $reason, step: $step) {\n" +
    "    request { id status currentStep } transaction { id status } errors { code field message }\n  }\n}";

  var KIND_LABELS = { CREDIT_REVIEW: "Credit review", BUYER_APPROVAL: "Purchase approval by the buyer's company",
    LIMIT_REQUEST: "Credit limit request", LIMIT_RECOMMENDATION: "Credit limit recommendation" };

  function what(item) {
    var tx = item.transaction;
    if (tx) { return tx.orderNumber ? "order #" + tx.orderNumber : tx.poNumber ? "order " + tx.poNumber : "the order"; }
    return item.kind === "LIMIT_RECOMMENDATION" ? "the recommended limit" : "the requested limit";
  }
  function label(item) { return what(item) + " of " + item.company.legalName; }
  function title(item) {
    var tx = item.transaction;
    if (tx) { return tx.orderNumber ? "Order #" + tx.orderNumber : tx.poNumber ? "Order " + tx.poNumber : "Order"; }
    return (item.kind === "LIMIT_RECOMMENDATION" ? "Recommended limit " : "Requested limit ") + ui.money(item.amount);
  }

  function stepLine(item) {
    var r = item.request;
    if (!r) { return KIND_LABELS[item.kind] + " · " + item.waitingFor; }
    var index = r.steps.map(function (s) { return s.position; }).indexOf(r.currentStep);
    var step = item.status === "PENDING" && index >= 0
      ? " · Step " + (index + 1) + " of " + r.steps.length + ": " + r.steps[index].name : "";
    return KIND_LABELS[item.kind] + " · " + r.routeName + step;
  }

  function remainingSteps(item) {
    var r = item.request;
    if (!r) { return 0; }
    var index = r.steps.map(function (s) { return s.position; }).indexOf(r.currentStep);
    return index < 0 ? 0 : r.steps.length - index - 1;
  }

  function decisionCell(item) {
    var cell = h("td", { class: "nt-actions" });
    var details = item.request ? h("a", { class: "nt-link nt-sub", href: NT.href("/app/approvals/" + item.request.id) }, "Steps and history") : null;
    if (item.status !== "PENDING") {
      cell.appendChild(ui.pill(item.status === "APPROVED" ? "ACTIVE" : item.status === "DECLINED" || item.status === "EXPIRED" ? "DEAD" : "CLOSED",
        ui.humanize(item.status)));
      if (item.request && item.request.decidedAt) {
        cell.appendChild(h("div", { class: "nt-sub" }, ui.dateTime(item.request.decidedAt) + " · " + ui.actor(item.request.decidedBy)));
      }
    } else if (!item.canDecide) {
      cell.appendChild(h("div", { class: "nt-sub nt-waiting-for" }, "Waiting for " + item.waitingFor));
    } else if (item.secondFactorRequired) {
      cell.appendChild(h("a", { class: "nt-button is-small", href: NT.href("/app/approvals/" + item.request.id),
        "aria-label": "Decide " + label(item) + " (needs a code from your authenticator app)" }, "Decide…"));
      cell.appendChild(h("div", { class: "nt-sub" }, "Needs an authenticator code"));
    } else {
      cell.appendChild(h("button", { type: "button", class: "nt-button is-small", "aria-label": "Approve " + label(item),
        onclick: function (e) { confirmApprove(item, e.currentTarget); } }, "Approve"));
      cell.appendChild(h("button", { type: "button", class: "nt-button is-secondary is-small", "aria-label": "Decline " + label(item),
        onclick: function (e) { openDecline(item, e.currentTarget); } }, "Decline"));
    }
    if (details) { cell.appendChild(h("div", {}, details)); }
    return cell;
  }

  function render(page) {
    var items = page.items;
    ui.clear(tbody);
    var pending = (filters.show.value || "PENDING").indexOf("PENDING") === 0;
    document.getElementById("nt-queue-count").textContent = "(" + ui.plural(page.totalCount, pending ? "decision" : "request") + ")";
    if (!items.length) {
      ui.tableMessage(tbody, COLUMNS, filters.show.value === "PENDING_MINE" ? "Nothing waits for you."
        : pending ? "Nothing waiting: every net-terms order and limit request has a decision." : "No requests.");
      return;
    }
    items.forEach(function (item) {
      var tx = item.transaction;
      var row = h("tr", { id: "decision-" + (item.request ? "r" + item.request.id : "t" + tx.id), dataset: { kind: item.kind } });
      var overdue = ui.isZero(item.overdueReceivables)
        ? h("span", { class: "nt-muted" }, "None")
        : [ui.moneyEl(item.overdueReceivables, "div"),
           h("div", { class: "nt-sub nt-overdue" }, ui.plural(item.overdueReceivablesCount, "invoice") + ", up to " + ui.plural(item.maxDaysPastDue, "day"))];
      row.appendChild(h("td", {},
        h("div", { class: "nt-strong" }, title(item)),
        h("a", { class: "nt-link", href: NT.href("/app/companies/" + item.company.id + (tx ? "#transactions" : "")) }, item.company.legalName),
        " ", ui.pill(item.company.status),
        tx && tx.orderNumber && tx.poNumber ? h("div", { class: "nt-sub" }, /^po/i.test(tx.poNumber) ? tx.poNumber : "PO " + tx.poNumber) : null,
        h("div", { class: "nt-sub nt-kind" }, stepLine(item)),
        pending ? h("div", { class: "nt-sub nt-waiting" }, ui.waitingSince(item.waitingSince)) : null,
        tx && tx.orderId ? h("div", { class: "nt-sub" }, ui.saleorLink("order", tx.orderId, "Open order in Saleor")) : null));
      row.appendChild(h("td", {}, ui.reasons(item.reasons), tx ? ui.score(tx.decisionScore) : null));
      row.appendChild(h("td", { class: "nt-num" }, ui.moneyEl(item.amount)));
      row.appendChild(h("td", { class: "nt-num" }, ui.moneyEl(item.limit)));
      row.appendChild(h("td", { class: "nt-num" }, ui.moneyEl(item.exposure),
        h("div", { class: "nt-sub" }, ui.plural(item.openReceivablesCount, "open invoice"))));
      row.appendChild(h("td", { class: "nt-num" }, ui.moneyEl(item.available)));
      row.appendChild(h("td", { class: "nt-num" }, overdue));
      row.appendChild(decisionCell(item));
      tbody.appendChild(row);
    });
  }

  function variables() {
    var show = filters.show.value || "PENDING";
    return { kind: filters.kind.value || null, status: show === "PENDING_MINE" ? "PENDING" : show, mine: show === "PENDING_MINE" };
  }

  function load() {
    tbody.setAttribute("aria-busy", "true");
    return NT.gql(QUEUE, variables()).then(function (data) { render(data.decisionQueue); })
      .catch(function (error) { ui.tableMessage(tbody, COLUMNS, "The review queue could not be loaded: " + ui.errorText(error), "error"); })
      .then(function () { tbody.removeAttribute("aria-busy"); });
  }

  function target(item) {
    // An order is named by its transaction (the workflow holding it decides); a limit request by itself.
    return item.transaction ? { transactionId: item.transaction.id, step: item.request ? item.request.currentStep : null }
      : { requestId: item.request.id, step: item.request.currentStep };
  }

  function confirmApprove(item, button) {
    var more = remainingSteps(item);
    var effect = item.transaction
      ? (more ? "This approves the current step; " + ui.plural(more, "more step") + " of the route must approve before Saleor is told."
              : "Saleor is told the payment is authorized and the order can be fulfilled; the amount stays on the company's credit.")
      : (more ? "This approves the current step; " + ui.plural(more, "more step") + " of the route must approve before the limit is set."
              : "The company's credit limit is set to " + ui.money(item.amount) + ".");
    ui.confirmAction({ title: item.transaction ? "Approve net terms" : "Approve the credit limit", confirm: "Approve",
      text: "Approve " + label(item) + " (" + ui.money(item.amount) + ")? " + effect }, button)
      .then(function (confirmed) { if (confirmed) { approve(item, button); } });
  }

  function approve(item, button) {
    button.disabled = true;
    var vars = target(item);
    vars.decision = "APPROVE";
    NT.gql(DECIDE, vars).then(function (data) {
      var result = data.decisionMake;
      if (result.errors.length) { ui.banner(statusEl, ui.errorText(result.errors[0]), "error"); button.disabled = false; return; }
      var done = result.request ? result.request.status === "APPROVED" : true;
      ui.banner(statusEl, done ? "Approved " + label(item) + (item.transaction ? ": Saleor is told the payment is authorized." : ": the limit is set.")
                               : "Approved your step for " + label(item) + ": the next step of the route decides now.", "success");
      return load();
    }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); button.disabled = false; });
  }

  function openDecline(item, opener) {
    declining = item;
    form.reset();
    document.getElementById("nt-decline-title").textContent = item.transaction ? "Decline net terms" : "Decline the credit limit";
    document.getElementById("nt-decline-text").textContent = item.transaction
      ? "Declining " + label(item) + " (" + ui.money(item.amount) + ") releases the hold and tells Saleor the authorization failed."
      : "Declining " + label(item) + " (" + ui.money(item.amount) + ") leaves the company's limit as it is.";
    ui.openDialog(dialog, opener);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var reason = form.reason.value.trim();
    if (!reason) { ui.showFieldErrors(form, [{ code: "REASON_REQUIRED", field: "reason", message: "Say why it is declined." }]); return; }
    ui.busy(form, true);
    var vars = target(declining);
    vars.decision = "DECLINE";
    vars.reason = reason;
    NT.gql(DECIDE, vars).then(function (data) {
      var result = data.decisionMake;
      if (result.errors.length) { ui.showFieldErrors(form, result.errors, { transactionId: null, requestId: null, step: null }); return; }
      ui.closeDialog(dialog);
      ui.banner(statusEl, "Declined " + label(declining) + (declining.transaction ? ": the hold is released." : "."), "success");
      return load();
    }).catch(function (error) { ui.formError(form, error); }).then(function () { ui.busy(form, false); });
  });

  filters.addEventListener("change", function () { ui.banner(statusEl, "", ""); load(); });
  filters.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  document.getElementById("nt-refresh").addEventListener("click", function () { ui.banner(statusEl, "", ""); load(); });
  ui.start(statusEl, load);
})();
