/* The company page's Invoicing tab: how and when the company is invoiced (policy, payment terms
 * template, Saleor notification, language → invoicingSettingsSet) and its invoices. Loaded before
 * company.js, which shows it as one of its tabs (NetTerms.companyPanels). */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var match = window.location.pathname.match(/\/app\/companies\/(\d+)\/?$/);
  var companyId = match ? match[1] : null;
  var form = document.getElementById("inv-settings-form");
  var saved = document.getElementById("inv-settings-status");
  var M = "amount currency";
  if (!companyId || !form) { return; }

  var COMPANY_INVOICING = "query CompanyInvoicing($companyId: ID!, $first: Int, $offset: Int) {\n" +
    "  invoicingSettings(companyId: $companyId) {\n" +
    "    policy sendSaleorNotification language isDefault termsTemplate { code name label }\n" +
    "    company { defaultTermsDays }\n  }\n" +
    "  paymentTermsTemplates { code name label channelSlug isChannelDefault }\n" +
    "  invoices(companyId: $companyId, first: $first, offset: $offset) {\n" +
    "    id number kind status issueDate dueDate currency daysPastDue orderNumber poNumber voidReason actions\n" +
    "    totalGross { " + M + " } amountDue { " + M + " } openAmount { " + M + " }\n" +
    "    company { id legalName } creditedInvoice { id number } documents { pdf facturx ubl }\n  }\n}";
  var SETTINGS_SET = "mutation InvoicingSettingsSet($companyId: ID!, $policy: InvoicingPolicy, $termsTemplateCode: String,\n" +
    "    $sendSaleorNotification: Boolean, $language: String) {\n" +
    "  invoicingSettingsSet(companyId: $companyId, policy: $policy, termsTemplateCode: $termsTemplateCode,\n" +
    "      sendSaleorNotification: $sendSaleorNotification, language: $language) {\n" +
    "    settings { policy termsTemplate { code label } sendSaleorNotification language isDefault }\n" +
    "    errors { code field message }\n  }\n}";

  var settingsShown = false;

  function renderSettings(settings, templates) {
    var select = form.termsTemplateCode;
    ui.clear(select);
    select.appendChild(h("option", { value: "" }, "Channel default, else Net " + settings.company.defaultTermsDays));
    var current = settings.termsTemplate;
    var listed = templates.some(function (t) { return current && t.code === current.code; });
    templates.concat(current && !listed ? [current] : []).forEach(function (t) {
      select.appendChild(h("option", { value: t.code }, t.name + " — " + t.label));
    });
    select.value = current ? current.code : "";
    form.policy.value = settings.policy;
    form.sendSaleorNotification.checked = settings.sendSaleorNotification;
    form.language.value = settings.language;
    saved.textContent = settings.isDefault ? "Defaults: nothing saved for this company yet." : "";
    settingsShown = true;
  }

  function renderInvoices(tbody, rows) {
    var inv = NT.invoicing;
    rows.forEach(function (row) {
      var sub = row.kind === "CREDIT_NOTE" ? (row.creditedInvoice ? "Credits " + row.creditedInvoice.number : "Credit note")
        : [row.orderNumber && "Order #" + row.orderNumber, row.poNumber].filter(Boolean).join(" · ");
      tbody.appendChild(h("tr", { class: row.daysPastDue > 0 ? "is-overdue" : "" },
        h("td", {}, h("a", { class: "nt-link nt-mono", href: NT.href("/app/invoices/" + row.id) }, row.number),
          sub ? h("div", { class: "nt-sub" }, sub) : null),
        h("td", {}, ui.date(row.issueDate)),
        h("td", {}, row.kind === "CREDIT_NOTE" ? h("span", { class: "nt-muted" }, "—") : inv.dueCell(row)),
        h("td", {}, inv.statusPill(row)),
        h("td", { class: "nt-num" }, ui.moneyEl(row.totalGross)),
        h("td", { class: "nt-num" }, row.openAmount ? ui.moneyEl(row.openAmount) : h("span", { class: "nt-muted" }, "—")),
        h("td", {}, inv.documentLinks(row))));
    });
  }

  NT.companyPanels = NT.companyPanels || {};
  NT.companyPanels.invoicing = {
    cols: 7, tbody: document.getElementById("inv-rows"), pagerId: "inv-pager",
    load: function (offset) {
      return NT.gql(COMPANY_INVOICING, { companyId: companyId, first: 25, offset: offset }).then(function (data) {
        if (data.invoicingSettings && !settingsShown) { renderSettings(data.invoicingSettings, data.paymentTermsTemplates); }
        return data.invoices;
      });
    },
    render: renderInvoices,
    empty: "No invoices for this company yet.",
  };

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var variables = { companyId: companyId, policy: form.policy.value, termsTemplateCode: form.termsTemplateCode.value,
                      sendSaleorNotification: form.sendSaleorNotification.checked, language: form.language.value.trim() };
    ui.busy(form, true);
    saved.textContent = "";
    NT.gql(SETTINGS_SET, variables).then(function (data) {
      var result = data.invoicingSettingsSet;
      if (result.errors.length) { ui.showFieldErrors(form, result.errors, { companyId: null }); return; }
      ui.clearFieldErrors(form);
      var s = result.settings;
      saved.textContent = "Saved: " + form.policy.options[form.policy.selectedIndex].text +
        (s.termsTemplate ? ", " + s.termsTemplate.label : "") + (s.sendSaleorNotification ? ", Saleor e-mails the invoice" : "") + ".";
    }).catch(function (error) { ui.formError(form, error); }).then(function () { ui.busy(form, false); });
  });
})();
