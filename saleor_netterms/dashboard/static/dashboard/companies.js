/* Credit accounts: search + status filter, limits/exposure/available per currency, "New company". */
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

  var COMPANIES = "query Companies($search: String, $status: CompanyStatus, $first: Int, $offset: Int) {\n" +
    "  companies(search: $search, status: $status, first: $first, offset: $offset) {\n" +
    "    id legalName erpCustomerNumber taxId taxIdDisplay status statusReason defaultTermsDays poNumberRequired\n" +
    "    limits { amount currency }\n  }\n}";

  var COMPANY_CREATE = "mutation CompanyCreate($legalName: String!, $taxId: String, $taxIdCountry: String,\n" +
    "    $billingContactName: String, $billingContactEmail: String, $billingContactPhone: String,\n" +
    "    $erpCustomerNumber: String, $defaultTermsDays: Int, $poNumberRequired: Boolean, $allowedChannels: [String!]) {\n" +
    "  companyCreate(legalName: $legalName, taxId: $taxId, taxIdCountry: $taxIdCountry,\n" +
    "      billingContactName: $billingContactName, billingContactEmail: $billingContactEmail,\n" +
    "      billingContactPhone: $billingContactPhone, erpCustomerNumber: $erpCustomerNumber,\n" +
    "      defaultTermsDays: $defaultTermsDays, poNumberRequired: $poNumberRequired, allowedChannels: $allowedChannels) {\n" +
    "    company { id }\n    errors { code field message }\n  }\n}";

  // One request for every company's position in each currency it has a limit in (aliases,
  // ids and currencies as variables). The API has no "all currencies" summary on Company.
  function summariesQuery(companies) {
    var decls = [], fields = [], variables = {};
    companies.forEach(function (company, i) {
      if (!company.limits.length) { return; }
      decls.push("$i" + i + ": ID!");
      variables["i" + i] = company.id;
      var inner = company.limits.map(function (limit, j) {
        decls.push("$c" + i + "_" + j + ": String!");
        variables["c" + i + "_" + j] = limit.currency;
        return "s" + j + ": creditSummary(currency: $c" + i + "_" + j + ") { currency exposure { amount currency } available { amount currency } }";
      });
      fields.push("k" + i + ": company(id: $i" + i + ") { " + inner.join(" ") + " }");
    });
    if (!fields.length) { return null; }
    return { query: "query Summaries(" + decls.join(", ") + ") {\n  " + fields.join("\n  ") + "\n}", variables: variables };
  }

  function stacked(values, render) {
    if (!values.length) { return h("span", { class: "nt-muted" }, "No limit"); }
    return values.map(function (v) { return h("div", { class: "nt-stack-line" }, render(v)); });
  }

  function render(companies, summaries) {
    ui.clear(tbody);
    if (!companies.length) {
      ui.tableMessage(tbody, 6, filters.search.value || filters.status.value
        ? "No company matches these filters." : "No credit accounts yet. Create one with “New company”.");
      return;
    }
    companies.forEach(function (company, i) {
      var byCurrency = summaries["k" + i] || {};
      var positions = company.limits.map(function (limit, j) { return byCurrency["s" + j] || null; });
      var sub = [company.erpCustomerNumber && "ERP " + company.erpCustomerNumber, company.taxIdDisplay].filter(Boolean).join(" · ");
      tbody.appendChild(h("tr", {},
        h("td", {},
          h("a", { class: "nt-link", href: NT.href("/app/companies/" + company.id) }, company.legalName),
          sub ? h("div", { class: "nt-sub" }, sub) : null),
        h("td", {}, ui.pill(company.status), company.statusReason ? h("div", { class: "nt-sub" }, company.statusReason) : null),
        h("td", {}, "Net " + company.defaultTermsDays, company.poNumberRequired ? h("div", { class: "nt-sub" }, "PO required") : null),
        h("td", { class: "nt-num" }, stacked(company.limits, function (limit) { return ui.moneyEl(limit); })),
        h("td", { class: "nt-num" }, stacked(positions, function (p) { return p ? ui.moneyEl(p.exposure) : "—"; })),
        h("td", { class: "nt-num" }, stacked(positions, function (p) { return p ? ui.moneyEl(p.available) : "—"; }))));
    });
  }

  var pager = ui.pager(document.getElementById("nt-pager"), PAGE_SIZE, function () { load(); });

  function load() {
    var seq = ++loadSeq;
    tbody.setAttribute("aria-busy", "true");
    var variables = { search: filters.search.value.trim() || null, status: filters.status.value || null,
                      first: PAGE_SIZE, offset: pager.offset };
    NT.gql(COMPANIES, variables).then(function (data) {
      var companies = data.companies;
      var summary = summariesQuery(companies);
      return (summary ? NT.gql(summary.query, summary.variables) : Promise.resolve({})).then(function (summaries) {
        if (seq !== loadSeq) { return; }
        render(companies, summaries);
        pager.update(companies.length);
      });
    }).catch(function (error) {
      if (seq !== loadSeq) { return; }
      ui.tableMessage(tbody, 6, "Credit accounts could not be loaded: " + ui.errorText(error), "error");
    }).then(function () { tbody.removeAttribute("aria-busy"); });
  }

  filters.addEventListener("submit", function (event) { event.preventDefault(); pager.reset(); load(); });
  filters.search.addEventListener("input", ui.debounce(function () { pager.reset(); load(); }, 300));
  filters.status.addEventListener("change", function () { pager.reset(); load(); });

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
