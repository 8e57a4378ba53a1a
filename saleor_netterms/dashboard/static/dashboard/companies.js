/* Credit accounts: one row per company and currency — limit, exposure, available, utilisation, overdue and the
 * oldest overdue invoice — newest first, sortable, filtered (search, status, currency, channel, created, overdue),
 * counted, exported as CSV (api creditAccountRegister); "New company". */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var PAGE_SIZE = 25;
  var statusEl = document.getElementById("nt-status");
  var tbody = document.getElementById("nt-companies");
  var filters = document.getElementById("nt-filters");
  var dialog = document.getElementById("nt-company-dialog");
  var form = document.getElementById("nt-company-form");
  var loadSeq = 0;

  var M = "amount currency";
  var FILTER_ARGS = "$search: String, $status: CompanyStatus, $currency: String, $channel: String, $createdFrom: Date, " +
    "$createdUntil: Date, $overdueOnly: Boolean, $sort: String";
  var FILTER_VARS = "search: $search, status: $status, currency: $currency, channel: $channel, createdFrom: $createdFrom, " +
    "createdUntil: $createdUntil, overdueOnly: $overdueOnly, sort: $sort";
  var REGISTER = "query CreditAccountRegister(" + FILTER_ARGS + ", $first: Int, $offset: Int) {\n" +
    "  creditAccountRegister(" + FILTER_VARS + ", first: $first, offset: $offset) {\n    totalCount\n" +
    "    items { currency limit { " + M + " } exposure { " + M + " } available { " + M + " } utilisationPermille\n" +
    "      overdue { " + M + " } overdueCount oldestOverdueDueDate oldestOverdueDays\n" +
    "      company { id legalName erpCustomerNumber taxIdDisplay status statusReason defaultTermsDays poNumberRequired } }\n  }\n}";
  var REGISTER_CSV = "query CreditAccountRegisterCsv(" + FILTER_ARGS + ") {\n  creditAccountRegisterCsv(" + FILTER_VARS + ")\n}";

  var COMPANY_CREATE = "mutation CompanyCreate($legalName: String!, $taxId: String, $taxIdCountry: String,\n" +
    "    $billingContactName: String, $billingContactEmail: String, $billingContactPhone: String,\n" +
    "    $erpCustomerNumber: String, $defaultTermsDays: Int, $poNumberRequired: Boolean, $allowedChannels: [String!]) {\n" +
    "  companyCreate(legalName: $legalName, taxId: $taxId, taxIdCountry: $taxIdCountry,\n" +
    "      billingContactName: $billingContactName, billingContactEmail: $billingContactEmail,\n" +
    "      billingContactPhone: $billingContactPhone, erpCustomerNumber: $erpCustomerNumber,\n" +
    "      defaultTermsDays: $defaultTermsDays, poNumberRequired: $poNumberRequired, allowedChannels: $allowedChannels) {\n" +
    "    company { id }\n    errors { code field message }\n  }\n}";

  var count = document.getElementById("nt-companies-count");
  var COLUMNS = 8;

  function filterVariables() {
    var currency = filters.currency.value.trim().toUpperCase();
    return { search: filters.search.value.trim() || null, status: filters.status.value || null, currency: currency || null,
             channel: filters.channel.value.trim() || null, createdFrom: filters.createdFrom.value || null,
             createdUntil: filters.createdUntil.value || null, overdueOnly: filters.overdueOnly.checked || null, sort: sort.value };
  }
  function filtered() {
    var v = filterVariables();
    return !!(v.search || v.status || v.currency || v.channel || v.createdFrom || v.createdUntil || v.overdueOnly);
  }

  function utilisation(row) {
    if (row.utilisationPermille === null) { return h("span", { class: "nt-muted" }, "—"); }
    var bar = h("span", { class: "nt-meter-receivables" });
    bar.style.width = Math.min(100, row.utilisationPermille / 10) + "%";  // CSSOM: the CSP refuses style attributes
    var level = row.utilisationPermille >= 900 ? " is-error" : row.utilisationPermille >= 750 ? " is-warning" : "";
    return [h("div", {}, ui.percentFromPermille(row.utilisationPermille)),
            h("div", { class: "nt-meter is-small" + level, "aria-hidden": "true" }, bar)];
  }

  function render(page) {
    ui.clear(tbody);
    count.textContent = "(" + ui.plural(page.totalCount, "account") + ")";
    if (!page.items.length) {
      ui.tableMessage(tbody, COLUMNS, pager.offset ? "No more accounts." : filtered()
        ? "No credit account matches these filters." : "No credit accounts yet. Create one with “New company”.");
      return;
    }
    page.items.forEach(function (row) {
      var company = row.company;
      var sub = [company.erpCustomerNumber && "ERP " + company.erpCustomerNumber, company.taxIdDisplay].filter(Boolean).join(" · ");
      var overdue = !row.overdue || ui.isZero(row.overdue) ? h("span", { class: "nt-muted" }, row.currency ? "None" : "—")
        : [ui.moneyEl(row.overdue, "div"), h("div", { class: "nt-sub nt-overdue" }, ui.plural(row.overdueCount, "invoice"))];
      var oldest = row.oldestOverdueDueDate
        ? [h("div", {}, ui.plural(row.oldestOverdueDays, "day")), h("div", { class: "nt-sub" }, "due " + ui.date(row.oldestOverdueDueDate))]
        : h("span", { class: "nt-muted" }, "—");
      tbody.appendChild(h("tr", { dataset: { currency: row.currency || "" } },
        h("td", {},
          h("a", { class: "nt-link", href: NT.href("/app/companies/" + company.id) }, company.legalName),
          sub ? h("div", { class: "nt-sub" }, sub) : null,
          h("div", { class: "nt-sub" }, "Net " + company.defaultTermsDays + (company.poNumberRequired ? " · PO required" : ""))),
        h("td", {}, ui.pill(company.status), company.statusReason ? h("div", { class: "nt-sub" }, company.statusReason) : null),
        h("td", { class: "nt-num" }, row.limit ? ui.moneyEl(row.limit) : h("span", { class: "nt-muted" }, "No limit")),
        h("td", { class: "nt-num" }, row.exposure ? ui.moneyEl(row.exposure) : "—"),
        h("td", { class: "nt-num" }, row.available ? ui.moneyEl(row.available) : "—"),
        h("td", { class: "nt-num" }, utilisation(row)),
        h("td", { class: "nt-num" }, overdue),
        h("td", { class: "nt-num" }, oldest)));
    });
  }

  var pager = ui.pager(document.getElementById("nt-pager"), PAGE_SIZE, function () { load(); });
  var sort = ui.sortable(document.getElementById("nt-companies-head"), "-CREATED", function () { pager.reset(); load(); });

  function load() {
    var seq = ++loadSeq;
    tbody.setAttribute("aria-busy", "true");
    var variables = Object.assign(filterVariables(), { first: PAGE_SIZE, offset: pager.offset });
    return NT.gql(REGISTER, variables).then(function (data) {
      if (seq !== loadSeq) { return; }
      render(data.creditAccountRegister);
      pager.update(data.creditAccountRegister.items.length, data.creditAccountRegister.totalCount);
    }).catch(function (error) {
      if (seq !== loadSeq) { return; }
      if (error.field === "currency") { ui.showFieldErrors(filters, [{ code: error.code, field: "currency", message: error.message }]); }
      ui.tableMessage(tbody, COLUMNS, "Credit accounts could not be loaded: " + ui.errorText(error), "error");
    }).then(function () { tbody.removeAttribute("aria-busy"); });
  }

  var reload = ui.debounce(function () { ui.clearFieldErrors(filters); pager.reset(); load(); }, 300);
  filters.addEventListener("submit", function (event) { event.preventDefault(); reload(); });
  filters.addEventListener("input", reload);
  filters.addEventListener("change", reload);

  var csvButton = document.getElementById("nt-companies-csv");
  csvButton.addEventListener("click", function () {
    csvButton.disabled = true;
    NT.gql(REGISTER_CSV, filterVariables()).then(function (data) {
      ui.download(data.creditAccountRegisterCsv, "netterms-credit-accounts-" + ui.today() + ".csv");
      ui.banner(statusEl, "Credit accounts exported (the current filter, at most 10,000 rows).", "success");
    }).catch(function (error) { ui.banner(statusEl, "The credit accounts could not be exported: " + ui.errorText(error), "error"); })
      .then(function () { csvButton.disabled = false; });
  });

  document.getElementById("nt-new-company").addEventListener("click", function (event) {
    form.reset();
    ui.openDialog(dialog, event.currentTarget);
  });

  function optional(value) { value = value.trim(); return value ? value : null; }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!form.legalName.value.trim()) {
      ui.showFieldErrors(form, [{ code: "REQUIRED", field: "legalName", message: "The legal name is required." }]);
      return;
    }
    var terms = form.defaultTermsDays.value.trim();
    var variables = {
      legalName: form.legalName.value.trim(),
      taxId: optional(form.taxId.value),
      taxIdCountry: optional(form.taxIdCountry.value.toUpperCase()),
      billingContactName: optional(form.billingContactName.value),
      billingContactEmail: optional(form.billingContactEmail.value),
      billingContactPhone: optional(form.billingContactPhone.value),
      erpCustomerNumber: optional(form.erpCustomerNumber.value),
      defaultTermsDays: terms === "" ? null : parseInt(terms, 10),
      poNumberRequired: form.poNumberRequired.checked,
      allowedChannels: form.allowedChannels.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean),
    };
    if (terms !== "" && !/^\d+$/.test(terms)) {
      ui.showFieldErrors(form, [{ code: "INVALID", field: "defaultTermsDays", message: "Whole days, e.g. 30." }]);
      return;
    }
    ui.busy(form, true);
    NT.gql(COMPANY_CREATE, variables).then(function (data) {
      var result = data.companyCreate;
      if (result.errors.length) { ui.showFieldErrors(form, result.errors); return; }
      window.location.href = NT.href("/app/companies/" + result.company.id);
    }).catch(function (error) { ui.formError(form, error); })
      .then(function () { ui.busy(form, false); });
  });

  ui.start(statusEl, load);
})();
