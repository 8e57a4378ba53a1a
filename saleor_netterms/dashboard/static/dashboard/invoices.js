/* Invoices: the invoice register (api invoiceRegister) — every invoice and credit note, newest issued first,
 * sortable, filtered (number/company/order/PO, status, kind, currency, issue dates, overdue), counted, with
 * the selection's totals and CSV; overdue ones highlighted; documents and only the actions that apply. */
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

  var count = document.getElementById("nt-invoices-count");
  var totalsEl = document.getElementById("nt-invoice-totals");
  var FILTER_ARGS = "$search: String, $status: InvoiceStatus, $kind: InvoiceKind, $currency: String, $issuedFrom: Date, " +
    "$issuedUntil: Date, $overdueOnly: Boolean, $sort: String";
  var FILTER_VARS = "search: $search, status: $status, kind: $kind, currency: $currency, issuedFrom: $issuedFrom, " +
    "issuedUntil: $issuedUntil, overdueOnly: $overdueOnly, sort: $sort";
  var INVOICES = "query InvoiceRegister(" + FILTER_ARGS + ", $first: Int, $offset: Int) {\n" +
    "  invoiceRegister(" + FILTER_VARS + ", first: $first, offset: $offset) {\n    totalCount\n" +
    "    totals { currency invoiced { " + M + " } credited { " + M + " } open { " + M + " } invoiceCount creditNoteCount }\n" +
    "    items { id number kind status issueDate dueDate currency daysPastDue orderNumber poNumber voidReason actions\n" +
    "      totalGross { " + M + " } amountDue { " + M + " } openAmount { " + M + " }\n" +
    "      company { id legalName } creditedInvoice { id number } documents { pdf facturx ubl } }\n  }\n}";
  var INVOICES_CSV = "query InvoiceRegisterCsv(" + FILTER_ARGS + ") {\n  invoiceRegisterCsv(" + FILTER_VARS + ")\n}";

  function variables() {
    var currency = filters.currency.value.trim().toUpperCase();
    return { search: filters.search.value.trim() || null, status: filters.status.value || null, kind: filters.kind.value || null,
             currency: currency || null, issuedFrom: filters.issuedFrom.value || null, issuedUntil: filters.issuedUntil.value || null,
             overdueOnly: filters.overdueOnly.checked || null, sort: sort.value };
  }
  function filtered() {
    var v = variables();
    return !!(v.search || v.status || v.kind || v.currency || v.issuedFrom || v.issuedUntil || v.overdueOnly);
  }

  function renderTotals(totals) {
    ui.clear(totalsEl);
    totals.forEach(function (t) {
      totalsEl.appendChild(h("div", { class: "nt-invoice-total", dataset: { currency: t.currency } },
        h("dt", {}, "Invoiced (" + ui.plural(t.invoiceCount, "invoice") + ")"), h("dd", {}, ui.moneyEl(t.invoiced))));
      totalsEl.appendChild(h("div", {}, h("dt", {}, "Credited (" + ui.plural(t.creditNoteCount, "credit note") + ")"),
        h("dd", {}, ui.moneyEl(t.credited))));
      totalsEl.appendChild(h("div", {}, h("dt", {}, "Open"), h("dd", {}, ui.moneyEl(t.open))));
    });
    totalsEl.hidden = !totals.length;
  }

  function render(page) {
    var rows = page.items;
    ui.clear(tbody);
    count.textContent = "(" + ui.plural(page.totalCount, "document") + ")";
    renderTotals(page.totals);
    if (!rows.length) {
      ui.tableMessage(tbody, COLS, pager.offset ? "No more invoices." : filtered()
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
  var sort = ui.sortable(document.getElementById("nt-invoices-head"), "-ISSUED", function () { pager.reset(); load(); });

  function load() {
    var seq = ++loadSeq;
    tbody.setAttribute("aria-busy", "true");
    var vars = Object.assign(variables(), { first: PAGE_SIZE, offset: pager.offset });
    return NT.gql(INVOICES, vars).then(function (data) {
      if (seq !== loadSeq) { return; }
      render(data.invoiceRegister);
      pager.update(data.invoiceRegister.items.length, data.invoiceRegister.totalCount);
    }).catch(function (error) {
      if (seq !== loadSeq) { return; }
      if (error.field === "currency") { ui.showFieldErrors(filters, [{ code: error.code, field: "currency", message: error.message }]); }
      ui.tableMessage(tbody, COLS, "Invoices could not be loaded: " + ui.errorText(error), "error");
    }).then(function () { tbody.removeAttribute("aria-busy"); });
  }

  var refilter = ui.debounce(function () { ui.clearFieldErrors(filters); pager.reset(); load(); }, 300);
  filters.addEventListener("submit", function (event) { event.preventDefault(); refilter(); });
  filters.addEventListener("input", refilter);
  filters.addEventListener("change", refilter);

  var csvButton = document.getElementById("nt-invoices-csv");
  csvButton.addEventListener("click", function () {
    csvButton.disabled = true;
    NT.gql(INVOICES_CSV, variables()).then(function (data) {
      ui.download(data.invoiceRegisterCsv, "netterms-invoices-" + ui.today() + ".csv");
      ui.banner(statusEl, "Invoices exported (the current filter, at most 10,000 rows).", "success");
    }).catch(function (error) { ui.banner(statusEl, "The invoices could not be exported: " + ui.errorText(error), "error"); })
      .then(function () { csvButton.disabled = false; });
  });

  ui.start(statusEl, function () { load(); ui.configGaps(); });
})();
