/* Approvals: the approval queue (pending for me by default, or any status), linking to each request. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var M = "amount currency";
  var statusEl = document.getElementById("nt-status");
  var tbody = document.getElementById("nt-approvals");
  var filters = document.getElementById("nt-filters");

  var QUEUE = "query ApprovalQueue($kind: ApprovalKind, $status: ApprovalStatus) {\n" +
    "  approvalQueue(kind: $kind, status: $status) {\n" +
    "    id kind status routeName currentStep dueAt createdAt canAct amount { " + M + " } available { " + M + " }\n" +
    "    company { id legalName } transaction { orderNumber pspReference } steps { position name }\n  }\n}";

  function load() {
    tbody.setAttribute("aria-busy", "true");
    NT.gql(QUEUE, { kind: filters.kind.value || null, status: filters.status.value || null }).then(function (data) {
      var rows = data.approvalQueue;
      ui.clear(tbody);
      if (!rows.length) { ui.tableMessage(tbody, 7, filters.status.value === "PENDING" ? "Nothing waits for you." : "No requests."); return; }
      rows.forEach(function (r) {
        var index = r.steps.map(function (s) { return s.position; }).indexOf(r.currentStep);
        var step = r.steps[index];
        var what = r.transaction && r.transaction.orderNumber ? "Order #" + r.transaction.orderNumber : ui.humanize(r.kind);
        tbody.appendChild(h("tr", {},
          h("td", {}, h("a", { class: "nt-link", href: NT.href("/app/approvals/" + r.id) }, what),
            h("div", { class: "nt-sub" }, ui.humanize(r.kind) + " · " + r.routeName + " · " + ui.dateTime(r.createdAt))),
          h("td", {}, h("a", { class: "nt-link", href: NT.href("/app/companies/" + r.company.id) }, r.company.legalName)),
          h("td", {}, step ? step.name : "—", h("div", { class: "nt-sub" }, "Step " + (index + 1) + " of " + r.steps.length)),
          h("td", {}, ui.dateTime(r.dueAt)),
          h("td", {}, ui.pill(r.status === "APPROVED" ? "ACTIVE" : r.status === "DECLINED" ? "DEAD" : r.status === "PENDING" ? "IN_REVIEW" : "CLOSED", ui.humanize(r.status))),
          h("td", { class: "nt-num" }, ui.moneyEl(r.amount)),
          h("td", { class: "nt-num" }, ui.moneyEl(r.available))));
      });
    }).catch(function (error) { ui.tableMessage(tbody, 7, "Approvals could not be loaded: " + ui.errorText(error), "error"); })
      .then(function () { tbody.removeAttribute("aria-busy"); });
  }

  filters.addEventListener("change", load);
  filters.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  document.getElementById("nt-refresh").addEventListener("click", load);
  ui.start(statusEl, load);
})();
