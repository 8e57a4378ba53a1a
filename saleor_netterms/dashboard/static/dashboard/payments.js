/* Payments: find the paying company and go to its Payments tab ("Record payment" lives there). */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var statusEl = document.getElementById("nt-status");
  var form = document.getElementById("nt-find");
  var list = document.getElementById("nt-find-results");
  var seq = 0;

  var COMPANIES = "query FindCompany($search: String) {\n" +
    "  companies(search: $search, first: 20) { id legalName erpCustomerNumber status }\n}";

  function load() {
    var mine = ++seq;
    NT.gql(COMPANIES, { search: form.search.value.trim() || null }).then(function (data) {
      if (mine !== seq) { return; }
      ui.clear(list);
      if (!data.companies.length) { list.appendChild(h("li", { class: "nt-empty" }, "No company matches.")); return; }
      data.companies.forEach(function (c) {
        list.appendChild(h("li", {},
          h("a", { class: "nt-link", href: NT.href("/app/companies/" + c.id + "#payments") }, c.legalName),
          c.erpCustomerNumber ? h("span", { class: "nt-muted" }, " · ERP " + c.erpCustomerNumber) : null,
          " ", ui.pill(c.status)));
      });
    }).catch(function (error) { ui.clear(list).appendChild(h("li", { class: "nt-empty is-error" }, ui.errorText(error))); });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  form.search.addEventListener("input", ui.debounce(load, 300));
  ui.start(statusEl, load);
})();
