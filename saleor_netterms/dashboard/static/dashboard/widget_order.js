/* The widget on Saleor's order page (ORDER_DETAILS_WIDGETS): the order's credit decision with its
 * reasons, what is on hold, its invoices and what is still open, and the account's position. The
 * Dashboard passes ?orderId=<Order global id>. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var M = "amount currency";
  var statusEl = document.getElementById("nt-status");
  var root = document.getElementById("nt-order");
  var orderId = new URLSearchParams(window.location.search).get("orderId") || "";

  var ORDER = "query OrderNetTerms($id: ID!) {\n  orderNetTerms(orderId: $id) {\n    orderId orderNumber\n" +
    "    company { id legalName status statusReason }\n" +
    "    transactions { id status decisionOutcome decisionScore decisionReasons { code merchantMessage }\n" +
    "      amount { " + M + " } held { " + M + " } poNumber termsDays createdAt }\n" +
    "    invoices { id number kind status issueDate dueDate totalGross { " + M + " } openAmount { " + M + " } daysPastDue }\n" +
    "    position { currency credit { limit { " + M + " } exposure { " + M + " } available { " + M + " } }\n" +
    "      receivables { overdueAmount { " + M + " } overdueCount maxDaysPastDue } }\n  }\n}";

  var OUTCOME = { approve: "Approved on net terms", review: "In credit review", decline: "Declined" };

  function stat(label, value) { return h("div", { class: "nt-stat" }, h("dt", {}, label), h("dd", {}, value)); }

  function decision(tx) {
    return h("div", { class: "nt-stack" },
      h("p", {}, ui.pill(tx.decisionOutcome, OUTCOME[tx.decisionOutcome] || ui.humanize(tx.decisionOutcome)), " ",
        ui.pill(tx.status), " ", ui.money(tx.amount), tx.termsDays ? " · Net " + ui.number(tx.termsDays) : "",
        tx.poNumber ? " · PO " + tx.poNumber : ""),
      tx.decisionReasons.length ? ui.reasons(tx.decisionReasons) : null,
      ui.score(tx.decisionScore),
      ui.isZero(tx.held) ? null : h("p", { class: "nt-sub" }, "On hold: " + ui.money(tx.held)));
  }

  function invoice(inv) {
    var overdue = inv.daysPastDue > 0 ? " · " + ui.plural(inv.daysPastDue, "day", "days") + " overdue" : "";
    return h("li", {}, ui.appLink("/app/invoices/" + inv.id, inv.number), " ", ui.pill(inv.status), " ",
      ui.money(inv.totalGross),
      inv.openAmount ? h("span", { class: "nt-sub" }, " · open " + ui.money(inv.openAmount) +
        (inv.dueDate ? ", due " + ui.date(inv.dueDate) : "") + overdue) : null);
  }

  function render(order) {
    ui.clear(root);
    root.hidden = false;
    if (!order) {
      root.appendChild(h("p", { class: "nt-muted" }, "This order was not paid on net terms."));
      return;
    }
    var company = order.company;
    root.appendChild(h("p", {}, company ? ui.appLink("/app/companies/" + company.id, company.legalName)
      : h("span", { class: "nt-muted" }, "No credit account matched the buyer."),
      company && company.status !== "ACTIVE" ? h("span", {}, " ", ui.pill(company.status),
        company.statusReason ? " " + company.statusReason : "") : null));
    order.transactions.forEach(function (tx) { root.appendChild(decision(tx)); });
    root.appendChild(order.invoices.length ? h("ul", { class: "nt-list" }, order.invoices.map(invoice))
      : h("p", { class: "nt-muted" }, "No invoice yet: it is issued as the payment terms say (e.g. at capture)."));
    var p = order.position;
    if (p) {
      root.appendChild(h("dl", { class: "nt-stats" },
        stat("Available credit", ui.money(p.credit.available) + " of " + ui.money(p.credit.limit)),
        stat("Overdue", p.receivables.overdueCount ? ui.money(p.receivables.overdueAmount) + " (" +
          ui.plural(p.receivables.overdueCount, "invoice", "invoices") + ", oldest " +
          ui.plural(p.receivables.maxDaysPastDue, "day", "days") + ")" : "Nothing overdue")));
    }
  }

  ui.start(statusEl, function () {
    if (!orderId) { ui.banner(statusEl, "Open this widget from an order in the Saleor Dashboard.", "warning"); return; }
    NT.gql(ORDER, { id: orderId }).then(function (data) { render(data.orderNetTerms); },
      function (error) { ui.banner(statusEl, ui.errorText(error), "error"); });
  });
})();
