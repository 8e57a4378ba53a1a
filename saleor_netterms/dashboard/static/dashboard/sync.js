/* Saleor sync: reports to Saleor that gave up, with a retry button each. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var statusEl = document.getElementById("nt-status");
  var tbody = document.getElementById("nt-failed");

  var FAILED = "query FailedSaleorReports {\n  failedSaleorReports {\n" +
    "    id kind status attempts lastError nextAttemptAt createdAt eventType pspReference saleorTransactionId\n" +
    "    amount { amount currency } message\n  }\n}";
  var RETRY = "mutation OutboxRetry($messageId: ID!) {\n" +
    "  outboxRetry(messageId: $messageId) { message { id status attempts nextAttemptAt } errors { code field message } }\n}";

  function render(messages) {
    ui.clear(tbody);
    document.getElementById("nt-failed-count").textContent = messages.length ? "(" + ui.number(messages.length) + ")" : "";
    if (!messages.length) { ui.tableMessage(tbody, 8, "Nothing failed: Saleor has every report."); return; }
    messages.forEach(function (m) {
      var statusCell = h("td", {}, ui.pill(m.status));
      var retry = h("button", { type: "button", class: "nt-button is-secondary is-small",
        "aria-label": "Retry report " + (m.eventType || m.kind) + " " + (m.pspReference || m.id) }, "Retry");
      retry.addEventListener("click", function () {
        retry.disabled = true;
        NT.gql(RETRY, { messageId: m.id }).then(function (data) {
          var result = data.outboxRetry;
          if (result.errors.length) { ui.banner(statusEl, ui.errorText(result.errors[0]), "error"); retry.disabled = false; return; }
          ui.clear(statusCell).appendChild(ui.pill(result.message.status));
          retry.textContent = "Queued";
          ui.banner(statusEl, "Report " + (m.pspReference || m.id) + " is queued again; it is sent within a minute.", "success");
        }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); retry.disabled = false; });
      });
      tbody.appendChild(h("tr", {},
        h("td", {}, ui.dateTime(m.createdAt)),
        h("td", {}, h("strong", {}, m.eventType || m.kind), m.message ? h("div", { class: "nt-sub" }, m.message) : null),
        h("td", {}, h("span", { class: "nt-mono" }, m.pspReference || "—"),
          m.saleorTransactionId ? h("div", { class: "nt-sub nt-mono nt-break" }, m.saleorTransactionId) : null),
        h("td", { class: "nt-num" }, m.amount ? ui.moneyEl(m.amount) : "—"),
        h("td", { class: "nt-num" }, ui.number(m.attempts)),
        h("td", { class: "nt-error-text nt-break" }, m.lastError || "—"),
        statusCell,
        h("td", { class: "nt-actions" }, retry)));
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
