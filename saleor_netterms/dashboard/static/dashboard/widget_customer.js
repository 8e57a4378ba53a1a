/* The widget on Saleor's customer page (CUSTOMER_DETAILS_WIDGETS): the credit accounts the customer
 * buys on, with limit, exposure, available credit and what is overdue, per currency; a link to each
 * account in the app. The Dashboard passes ?customerId=<User global id>. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var M = "amount currency";
  var statusEl = document.getElementById("nt-status");
  var root = document.getElementById("nt-customer");
  var customerId = new URLSearchParams(window.location.search).get("customerId") || "";

  var ACCOUNTS = "query CustomerCreditAccounts($id: ID!) {\n  customerCreditAccounts(customerId: $id) {\n" +
    "    company { id legalName status statusReason defaultTermsDays }\n" +
    "    positions { currency credit { limit { " + M + " } exposure { " + M + " } available { " + M + " } }\n" +
    "      receivables { openAmount { " + M + " } openCount overdueAmount { " + M + " } overdueCount maxDaysPastDue } }\n" +
    "  }\n}";

  function stat(label, value) { return h("div", { class: "nt-stat" }, h("dt", {}, label), h("dd", {}, value)); }

  function account(a) {
    var company = a.company;
    return h("div", { class: "nt-account" },
      h("p", {}, ui.appLink("/app/companies/" + company.id, company.legalName), " ", ui.pill(company.status),
        company.statusReason ? h("span", { class: "nt-sub" }, " " + company.statusReason) : null,
        h("span", { class: "nt-sub" }, " · Net " + ui.number(company.defaultTermsDays))),
      a.positions.length ? a.positions.map(function (p) {
        return h("dl", { class: "nt-stats", "aria-label": p.currency },
          stat("Available (" + p.currency + ")", ui.money(p.credit.available) + " of " + ui.money(p.credit.limit)),
          stat("Open", ui.money(p.receivables.openAmount) + " (" + ui.plural(p.receivables.openCount, "invoice", "invoices") + ")"),
          stat("Overdue", p.receivables.overdueCount ? ui.money(p.receivables.overdueAmount) + ", oldest " +
            ui.plural(p.receivables.maxDaysPastDue, "day", "days") : "Nothing overdue"));
      }) : h("p", { class: "nt-muted" }, "No credit limit yet: the account cannot buy on terms."));
  }

  ui.start(statusEl, function () {
    if (!customerId) { ui.banner(statusEl, "Open this widget from a customer in the Saleor Dashboard.", "warning"); return; }
    NT.gql(ACCOUNTS, { id: customerId }).then(function (data) {
      ui.clear(root);
      root.hidden = false;
      var accounts = data.customerCreditAccounts;
      if (!accounts.length) {
        root.appendChild(h("p", { class: "nt-muted" }, "This customer buys on no credit account. Add them as a member " +
          "of a company on the Credit accounts page to let them buy on net terms."));
        return;
      }
      accounts.forEach(function (a) { root.appendChild(account(a)); });
    }, function (error) { ui.banner(statusEl, ui.errorText(error), "error"); });
  });
})();
