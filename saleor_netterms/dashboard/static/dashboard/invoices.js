/* Invoices: every invoice and credit note of the installation, filtered by number, status and
 * kind; overdue ones highlighted; documents, credit note and void from the row. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h, inv = NT.invoicing;
  var PAGE_SIZE = 25;
  var COLS = 9;
  var M = "amount currency";
  var statusEl = document.getElementById("nt-status");
  var tbody = document.getElementById("nt-invoices");
  var filters = document.getElementById("nt-filters");
  var loadSeq = 0;

  var INVOICES = "query Invoices($status: InvoiceStatus, $kind: InvoiceKind, $search: String, $first: Int, $offset: Int) {\n" +
    "  invoices(status: $status, kind: $kind, search: $search, first: $first, offset: $offset) {\n" +
    "    id number kind status issueDate dueDate currency daysPastDue orderNumber poNumber voidReason\n" +
    "    totalGross { " + M + " } amountDue { " + M + " } openAmount { " + M + " }\n" +
    "    company { id legalName } creditedInvoice { id number } documents { pdf facturx ubl }\n  }\n}";

  function render(rows) {
    ui.clear(tbody);
    if (!rows.length) {
      ui.tableMessage(tbody, COLS, filters.search.value || filters.status.value || filters.kind.value
        ? "No invoice matches these filters." : "No invoices yet. They are issued when orders on net terms are captured, confirmed or shipped (per company policy).");
      return;
    }
    rows.forEach(function (row) {
      var sub = row.kind === "CREDIT_NOTE"
        ? (row.creditedInvoice ? "Credits " + row.creditedInvoice.number : "Credit note")
        : [row.orderNumber && "Order #" + row.orderNumber, row.poNumber && row.poNumber].filter(Boolean).join(" · ");
      tbody.appendChild(h("tr", { class: row.daysPastDue > 0 ? "is-overdue" : "" },
        h("td", {}, h("a", { class: "nt-link nt-mono", href: NT.href("/app/invoices/" + row.id) }, row.number),
          sub ? h("div", { class: "nt-sub" }, sub) : null),
        h("td", {}, h("a", { class: "nt-link", href: NT.href("/app/companies/" + row.company.id + "#invoicing") }, row.company.legalName)),
        h("td", {}, ui.date(row.issueDate)),
        h("td", {}, row.kind === "CREDIT_NOTE" ? h("span", { class: "nt-muted" }, "—") : inv.dueCell(row)),
        h("td", {}, inv.statusPill(row), row.voidReason ? h("div", { class: "nt-sub" }, row.voidReason) : null),
        h("td", { class: "nt-num" }, ui.moneyEl(row.totalGross)),
        h("td", { class: "nt-num" }, row.openAmount ? ui.moneyEl(row.openAmount) : h("span", { class: "nt-muted" }, "—")),
        h("td", {}, inv.documentLinks(row)),
        h("td", { class: "nt-actions" }, inv.actionButtons(row, done, true))));
    });
  }

  function done(message) { ui.banner(statusEl, message, "success"); return load(); }

  var pager = ui.pager(document.getElementById("nt-pager"), PAGE_SIZE, function () { load(); });

  function load() {
    var seq = ++loadSeq;
    tbody.setAttribute("aria-busy", "true");
    var variables = { search: filters.search.value.trim() || null, status: filters.status.value || null,
                      kind: filters.kind.value || null, first: PAGE_SIZE, offset: pager.offset };
    return NT.gql(INVOICES, variables).then(function (data) {
      if (seq !== loadSeq) { return; }
      render(data.invoices);
      pager.update(data.invoices.length);
    }).catch(function (error) {
      if (seq !== loadSeq) { return; }
      ui.tableMessage(tbody, COLS, "Invoices could not be loaded: " + ui.errorText(error), "error");
    }).then(function () { tbody.removeAttribute("aria-busy"); });
  }

  function refilter() { pager.reset(); load(); }
  filters.addEventListener("submit", function (event) { event.preventDefault(); refilter(); });
  filters.search.addEventListener("input", ui.debounce(refilter, 300));
  filters.status.addEventListener("change", refilter);
  filters.kind.addEventListener("change", refilter);

  ui.start(statusEl, function () { load(); ui.configGaps(); });
})();
