/* The company page's "Receivables at a glance" panel (receivables_reports through /graphql/): per
 * currency what the company owes, how much is overdue and more than 90 days past due, disputed,
 * its unapplied credit, its average days late (last 12 calendar months), its DSO (count-back, this
 * month; "—" when it sold nothing on terms this month) and the share of its limit in use. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var body = document.getElementById("r-company");
  var match = window.location.pathname.match(/\/app\/companies\/(\d+)\/?$/);
  if (!body || !match) { return; }
  var MONEY = "{ amount currency }";
  var PANEL = "query CompanyReceivables($companyId: ID!) {\n" +
    "  receivablesAgeing(groupBy: COMPANY, companyId: $companyId) {\n" +
    "    rows { currency buckets " + MONEY + " overdue " + MONEY + " disputed " + MONEY + " total " + MONEY + " unappliedCredit " + MONEY + " }\n  }\n" +
    "  receivablesDaysLate(companyId: $companyId) { currency days }\n" +
    "  receivablesUtilisation(companyId: $companyId) { rows { currency percent } }\n" +
    "  receivablesMonthly(companyId: $companyId, months: 1) { currency months { dsoCountBack } }\n}";

  function load() {
    NT.gql(PANEL, { companyId: match[1] }).then(function (data) {
      ui.clear(body);
      var late = {}, used = {}, dso = {};
      data.receivablesDaysLate.forEach(function (d) { late[d.currency] = d.days; });
      data.receivablesUtilisation.rows.forEach(function (u) { used[u.currency] = u.percent; });
      data.receivablesMonthly.forEach(function (m) { dso[m.currency] = m.months[m.months.length - 1].dsoCountBack; });
      var rows = data.receivablesAgeing.rows;
      if (!rows.length) { ui.tableMessage(body, 9, "Nothing is owed."); return; }
      rows.forEach(function (r) {
        body.appendChild(h("tr", {}, h("th", { scope: "row" }, r.currency),
          h("td", { class: "nt-num" }, ui.money(r.total)), h("td", { class: "nt-num" }, ui.money(r.overdue)),
          h("td", { class: "nt-num" }, ui.money(r.buckets[r.buckets.length - 1])),
          h("td", { class: "nt-num" }, ui.money(r.disputed)), h("td", { class: "nt-num" }, ui.money(r.unappliedCredit)),
          h("td", { class: "nt-num" }, late[r.currency] ? late[r.currency] + " days" : "—"),
          h("td", { class: "nt-num" }, dso[r.currency] ? dso[r.currency] + " days" : "—"),
          h("td", { class: "nt-num" }, used[r.currency] ? used[r.currency] + " %" : "—")));
      });
    }).catch(function (error) { ui.tableMessage(body, 9, "Receivables could not be loaded: " + ui.errorText(error), "error"); });
  }

  NT.onToken(function once() {
    if (once.done) { return; }
    once.done = true;
    load();
  });
})();
