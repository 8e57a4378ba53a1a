/* Ledger: the installation's trial balance in one currency (debits = credits in a sound ledger). */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var M = "amount currency";
  var statusEl = document.getElementById("nt-status");
  var form = document.getElementById("nt-tb-form");
  var tbody = document.getElementById("nt-tb");
  var tfoot = document.getElementById("nt-tb-total");

  var TRIAL_BALANCE = "query TrialBalance($currency: String!) {\n  trialBalance(currency: $currency) {\n" +
    "    currency isBalanced debits { " + M + " } credits { " + M + " } difference { " + M + " }\n" +
    "    rows { accountId kind companyId companyName debits { " + M + " } credits { " + M + " } balance { " + M + " } }\n  }\n}";

  function load() {
    var currency = form.currency.value.trim().toUpperCase();
    ui.clear(tfoot);
    NT.gql(TRIAL_BALANCE, { currency: currency }).then(function (data) {
      var tb = data.trialBalance;
      ui.clear(tbody);
      ui.clear(document.getElementById("nt-tb-balanced")).appendChild(
        tb.isBalanced ? ui.pill("ACTIVE", "Balanced") : ui.pill("DEAD", "Out of balance by " + ui.money(tb.difference)));
      if (!tb.rows.length) { ui.tableMessage(tbody, 5, "No postings in " + tb.currency + "."); return; }
      tb.rows.forEach(function (row) {
        tbody.appendChild(h("tr", {},
          h("td", {}, ui.humanize(row.kind)),
          h("td", {}, row.companyId ? h("a", { class: "nt-link", href: NT.href("/app/companies/" + row.companyId + "#ledger") }, row.companyName || "Company account") : h("span", { class: "nt-muted" }, "—")),
          h("td", { class: "nt-num" }, ui.moneyEl(row.debits)),
          h("td", { class: "nt-num" }, ui.moneyEl(row.credits)),
          h("td", { class: "nt-num" }, ui.moneyEl(row.balance))));
      });
      tfoot.appendChild(h("tr", { class: "nt-total-row" }, h("th", { scope: "row", colspan: "2" }, "Total"),
        h("td", { class: "nt-num" }, ui.moneyEl(tb.debits)), h("td", { class: "nt-num" }, ui.moneyEl(tb.credits)), h("td", {})));
    }).catch(function (error) {
      if (error.field === "currency") { ui.showFieldErrors(form, [{ code: error.code, field: "currency", message: error.message }]); }
      ui.tableMessage(tbody, 5, "The trial balance could not be loaded: " + ui.errorText(error), "error");
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); ui.clearFieldErrors(form); load(); });
  ui.start(statusEl, load);
})();
