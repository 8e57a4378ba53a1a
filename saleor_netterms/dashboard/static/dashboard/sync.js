/* Saleor sync: reports to Saleor that gave up, each with the reports of its transaction it holds
 * back (blocked), and Retry / Skip (with a reason) per failed report. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var statusEl = document.getElementById("nt-status");
  var tbody = document.getElementById("nt-failed");
  var skipDialog = document.getElementById("nt-skip-dialog");
  var skipForm = document.getElementById("nt-skip-form");
  var skipping = null;

  var FIELDS = "id kind status attempts lastError nextAttemptAt createdAt eventType pspReference saleorTransactionId\n" +
    "    amount { amount currency } message";
  var FAILED = "query FailedSaleorReports {\n  failedSaleorReports {\n    " + FIELDS +
    "\n    blocked { " + FIELDS + " blockedById }\n  }\n}";
  var RETRY = "mutation OutboxRetry($messageId: ID!) {\n" +
    "  outboxRetry(messageId: $messageId) { message { id status attempts nextAttemptAt } errors { code field message } }\n}";
  var SKIP = "mutation OutboxSkip($messageId: ID!, $reason: String!) {\n" +
    "  outboxSkip(messageId: $messageId, reason: $reason) { message { id status skippedBy skipReason } errors { code field message } }\n}";

  // What a report tells Saleor, in words.
  var EVENTS = {
    CHARGE_SUCCESS: "Charge succeeded", CHARGE_FAILURE: "Charge failed", CHARGE_REQUEST: "Charge requested",
    REFUND_SUCCESS: "Refund succeeded", REFUND_FAILURE: "Refund failed", REFUND_REQUEST: "Refund requested",
    CANCEL_SUCCESS: "Authorization released", CANCEL_FAILURE: "Release failed", CANCEL_REQUEST: "Release requested",
    AUTHORIZATION_SUCCESS: "Authorized", AUTHORIZATION_FAILURE: "Authorization failed",
    AUTHORIZATION_ADJUSTMENT: "Authorization adjusted", CHARGE_BACK: "Charge-back",
  };
  var KINDS = {
    "saleor.transaction_event_report": "Transaction report", "saleor.invoice_create": "Attach invoice to the order",
    "saleor.invoice_update": "Complete the requested invoice", "saleor.invoice_send_notification": "E-mail the invoice",
    "saleor.invoice_delete": "Remove a duplicate invoice", "saleor.order_note_add": "Order note",
  };
  function what(m) { return m.eventType ? EVENTS[m.eventType] || ui.humanize(m.eventType) : KINDS[m.kind] || ui.humanize(m.kind.replace(/^saleor\./, "")); }
  // Saleor's (or the transport's) error, without the leading codes: "INCORRECT_DETAILS: Amount …" -> "Amount …".
  function errorMessage(text) { return text ? text.replace(/^(?:[A-Z][A-Z0-9_]+:\s*|[A-Z][A-Za-z]+:\s+)+/, "") : "—"; }
  function label(m) { return what(m) + " " + (m.pspReference || m.id); }

  function row(m, blockedBehind) {
    return h("tr", { class: blockedBehind ? "is-blocked" : "" },
      h("td", {}, ui.dateTime(m.createdAt)),
      h("td", {}, blockedBehind ? h("span", { "aria-hidden": "true" }, "↳ ") : null,
        h("strong", {}, what(m)), m.message ? h("div", { class: "nt-sub" }, m.message) : null),
      h("td", {}, h("span", { class: "nt-mono" }, m.pspReference || "—"),
        m.saleorTransactionId ? h("div", { class: "nt-sub nt-mono nt-break" }, m.saleorTransactionId) : null),
      h("td", { class: "nt-num" }, m.amount ? ui.moneyEl(m.amount) : "—"),
      h("td", { class: "nt-num" }, ui.number(m.attempts)),
      h("td", { class: (blockedBehind ? "nt-muted" : "nt-error-text") + " nt-break" }, blockedBehind
        ? "Waits for the failed report above (" + what(blockedBehind).toLowerCase() + ", report " + blockedBehind.id + ")."
        : errorMessage(m.lastError)),
      h("td", {}, ui.pill(m.status)),
      h("td", { class: "nt-actions" }));
  }

  function actions(m, tr) {
    var cell = tr.lastChild;
    var statusCell = tr.children[6];
    var retry = h("button", { type: "button", class: "nt-button is-secondary is-small",
      "aria-label": "Retry report " + label(m) }, "Retry");
    var skip = h("button", { type: "button", class: "nt-button is-secondary is-small",
      "aria-label": "Skip report " + label(m) }, "Skip");
    retry.addEventListener("click", function () {
      retry.disabled = true; skip.disabled = true;
      NT.gql(RETRY, { messageId: m.id }).then(function (data) {
        var result = data.outboxRetry;
        if (result.errors.length) { ui.banner(statusEl, ui.errorText(result.errors[0]), "error"); retry.disabled = false; skip.disabled = false; return; }
        ui.clear(statusCell).appendChild(ui.pill(result.message.status));
        retry.textContent = "Queued";
        ui.banner(statusEl, "Report " + (m.pspReference || m.id) + " is queued again" +
          (m.blocked.length ? ", then the " + ui.number(m.blocked.length) + " held back behind it" : "") +
          "; it is sent within a minute.", "success");
      }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); retry.disabled = false; skip.disabled = false; });
    });
    skip.addEventListener("click", function (event) {
      skipping = { message: m, retry: retry, skip: skip, statusCell: statusCell };
      document.getElementById("nt-skip-summary").textContent = "Saleor will never get " + label(m) +
        (m.blocked.length ? "; the " + ui.number(m.blocked.length) + " report(s) held back behind it are sent." : ".");
      skipForm.reset();
      ui.openDialog(skipDialog, event.currentTarget);
    });
    cell.appendChild(retry);
    cell.appendChild(skip);
  }

  skipForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!skipping) { return; }
    ui.clearFieldErrors(skipForm);
    ui.busy(skipForm, true);
    var current = skipping;
    NT.gql(SKIP, { messageId: current.message.id, reason: skipForm.elements.reason.value }).then(function (data) {
      var result = data.outboxSkip;
      if (result.errors.length) { ui.showFieldErrors(skipForm, result.errors, { reason: "reason" }); return; }
      ui.closeDialog(skipDialog);
      ui.clear(current.statusCell).appendChild(ui.pill(result.message.status));
      current.retry.disabled = true; current.skip.disabled = true; current.skip.textContent = "Skipped";
      ui.banner(statusEl, "Report " + (current.message.pspReference || current.message.id) + " is skipped" +
        (current.message.blocked.length ? "; the reports behind it are sent within a minute." : "."), "success");
    }).catch(function (error) { ui.formError(skipForm, error); })
      .then(function () { ui.busy(skipForm, false); });
  });

  function render(messages) {
    ui.clear(tbody);
    var held = messages.reduce(function (n, m) { return n + m.blocked.length; }, 0);
    document.getElementById("nt-failed-count").textContent = messages.length
      ? "(" + ui.number(messages.length) + (held ? ", holding back " + ui.number(held) : "") + ")" : "";
    if (!messages.length) { ui.tableMessage(tbody, 8, "Nothing failed: Saleor has every report."); return; }
    messages.forEach(function (m) {
      var tr = row(m, null);
      actions(m, tr);
      tbody.appendChild(tr);
      m.blocked.forEach(function (b) { tbody.appendChild(row(b, m)); });
    });
  }

  function load() {
    tbody.setAttribute("aria-busy", "true");
    return NT.gql(FAILED).then(function (data) { render(data.failedSaleorReports); })
      .catch(function (error) { ui.tableMessage(tbody, 8, "Failed reports could not be loaded: " + ui.errorText(error), "error"); })
      .then(function () { tbody.removeAttribute("aria-busy"); });
  }

  document.getElementById("nt-refresh").addEventListener("click", function () { ui.banner(statusEl, "", ""); load(); });
  ui.start(statusEl, load);
})();
