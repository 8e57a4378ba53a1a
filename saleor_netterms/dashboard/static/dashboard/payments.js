/* Payments: the payment register (every payment, newest first: date, company, reference, source,
 * what it settled, what stayed unapplied; search, filters, sortable columns, total count, CSV) and
 * "Record payment", which picks the paying company and opens its payment form (company page). */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var M = "amount currency";
  var PAGE_SIZE = 25;
  var SOURCES = { MANUAL: "Staff", BANK: "Bank statement", ERP: "ERP" };
  var statusEl = document.getElementById("nt-status");
  var filter = document.getElementById("nt-register-filter");
  var tbody = document.getElementById("nt-register");
  var count = document.getElementById("nt-register-count");

  var FILTER_ARGS = "$search: String, $source: PaymentSource, $currency: String, $receivedFrom: Date, $receivedUntil: Date, $sort: String";
  var FILTER_VARS = "search: $search, source: $source, currency: $currency, receivedFrom: $receivedFrom, receivedUntil: $receivedUntil, sort: $sort";
  var REGISTER = "query PaymentRegister(" + FILTER_ARGS + ", $first: Int, $offset: Int) {\n" +
    "  paymentRegister(" + FILTER_VARS + ", first: $first, offset: $offset) {\n    totalCount\n" +
    "    items { id reference source receivedOn recordedBy memo company { id legalName }\n" +
    "      amount { " + M + " } unallocatedAmount { " + M + " }\n" +
    "      allocations { id amount { " + M + " } receivable { id invoiceNumber orderNumber orderId } } }\n  }\n}";
  var REGISTER_CSV = "query PaymentRegisterCsv(" + FILTER_ARGS + ") {\n  paymentRegisterCsv(" + FILTER_VARS + ")\n}";
  var COMPANIES = "query FindCompany($search: String) {\n" +
    "  companies(search: $search, first: 20) { id legalName erpCustomerNumber status }\n}";

  var pager = ui.pager(document.getElementById("nt-register-pager"), PAGE_SIZE, function () { load(); });
  var sort = ui.sortable(document.getElementById("nt-register-head"), "-RECEIVED_ON", function () { pager.reset(); load(); });

  function variables() {
    var currency = filter.currency.value.trim().toUpperCase();
    return { search: filter.search.value.trim() || null, source: filter.source.value || null, currency: currency || null,
             receivedFrom: filter.receivedFrom.value || null, receivedUntil: filter.receivedUntil.value || null, sort: sort.value };
  }

  function applied(p) {
    if (!p.allocations.length) { return h("span", { class: "nt-muted" }, "Nothing applied"); }
    return h("ul", { class: "nt-allocations" }, p.allocations.map(function (a) {
      var r = a.receivable;
      return h("li", {}, h("span", {}, r.invoiceNumber || "Order #" + r.orderNumber),
        r.invoiceNumber && r.orderNumber ? h("span", { class: "nt-muted" }, " ", ui.saleorLink("order", r.orderId, "#" + r.orderNumber)) : null,
        h("span", { class: "nt-grow" }), ui.moneyEl(a.amount));
    }));
  }

  var seq = 0;
  function load() {
    var mine = ++seq;
    tbody.setAttribute("aria-busy", "true");
    var vars = Object.assign(variables(), { first: PAGE_SIZE, offset: pager.offset });
    return NT.gql(REGISTER, vars).then(function (data) {
      if (mine !== seq) { return; }
      var page = data.paymentRegister;
      ui.clear(tbody);
      count.textContent = "(" + ui.plural(page.totalCount, "payment") + ")";
      if (!page.items.length) { ui.tableMessage(tbody, 6, pager.offset ? "No more payments." : "No payment matches."); }
      page.items.forEach(function (p) {
        tbody.appendChild(h("tr", {},
          h("td", {}, ui.date(p.receivedOn), h("div", { class: "nt-sub" }, SOURCES[p.source] + (p.recordedBy ? " · " + ui.actor(p.recordedBy) : ""))),
          h("td", {}, h("a", { class: "nt-link", href: NT.href("/app/companies/" + p.company.id + "#payments") }, p.company.legalName)),
          h("td", {}, p.reference, p.memo ? h("div", { class: "nt-sub" }, p.memo) : null),
          h("td", {}, applied(p)),
          h("td", { class: "nt-num" }, ui.isZero(p.unallocatedAmount) ? h("span", { class: "nt-muted" }, ui.money(p.unallocatedAmount)) : ui.moneyEl(p.unallocatedAmount)),
          h("td", { class: "nt-num" }, ui.moneyEl(p.amount))));
      });
      pager.update(page.items.length, page.totalCount);
    }).catch(function (error) {
      if (error.field === "currency") { ui.showFieldErrors(filter, [{ code: error.code, field: "currency", message: error.message }]); }
      ui.tableMessage(tbody, 6, "The payment register could not be loaded: " + ui.errorText(error), "error");
    }).then(function () { tbody.removeAttribute("aria-busy"); });
  }

  var reload = ui.debounce(function () { ui.clearFieldErrors(filter); pager.reset(); load(); }, 300);
  filter.addEventListener("submit", function (event) { event.preventDefault(); reload(); });
  filter.addEventListener("input", reload);
  filter.addEventListener("change", reload);

  var csvButton = document.getElementById("nt-register-csv");
  csvButton.addEventListener("click", function () {
    csvButton.disabled = true;
    NT.gql(REGISTER_CSV, variables()).then(function (data) {
      ui.download(data.paymentRegisterCsv, "netterms-payments-" + ui.today() + ".csv");
      ui.banner(statusEl, "Payment register exported (the current filter, at most 10,000 rows).", "success");
    }).catch(function (error) { ui.banner(statusEl, "The register could not be exported: " + ui.errorText(error), "error"); })
      .then(function () { csvButton.disabled = false; });
  });

  // --- record a payment: pick the company, then its payment form ---------------------------------
  var dialog = document.getElementById("nt-record-dialog");
  var find = document.getElementById("nt-find");
  var list = document.getElementById("nt-find-results");
  var findSeq = 0;
  function findCompanies() {
    var mine = ++findSeq;
    NT.gql(COMPANIES, { search: find.search.value.trim() || null }).then(function (data) {
      if (mine !== findSeq) { return; }
      ui.clear(list);
      if (!data.companies.length) { list.appendChild(h("li", { class: "nt-empty" }, "No company matches.")); return; }
      data.companies.forEach(function (c) {
        list.appendChild(h("li", {},
          h("a", { class: "nt-link", href: NT.href("/app/companies/" + c.id) + "#record-payment" }, c.legalName),
          c.erpCustomerNumber ? h("span", { class: "nt-muted" }, " · ERP " + c.erpCustomerNumber) : null,
          " ", ui.pill(c.status)));
      });
    }).catch(function (error) { ui.clear(list).appendChild(h("li", { class: "nt-empty is-error" }, ui.errorText(error))); });
  }
  find.addEventListener("submit", function (event) { event.preventDefault(); findCompanies(); });
  find.search.addEventListener("input", ui.debounce(findCompanies, 300));
  document.getElementById("nt-record-open").addEventListener("click", function (event) {
    ui.openDialog(dialog, event.currentTarget);
    findCompanies();
  });

  ui.start(statusEl, load);
})();
