/* Payment terms: the installation's terms templates, and a form that writes the common kinds —
 * Net N, EOM + N, due on receipt, instalments, an early-payment discount and a late fee — as the
 * engine's JSON definition (saleor_netterms/terms/engine.py). Anything else: "Custom" JSON.
 * Percentages and amounts stay decimal strings; days are whole numbers. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var statusEl = document.getElementById("nt-status");
  var tbody = document.getElementById("nt-templates");
  var showInactive = document.getElementById("t-show-inactive");
  var dialog = document.getElementById("nt-template-dialog");
  var form = document.getElementById("nt-template-form");
  var instalmentRows = document.getElementById("t-instalments");
  var DAYS = /^\d{1,4}$/, DECIMAL = /^\d{1,3}(\.\d{1,6})?$/, AMOUNT = /^\d{1,16}(\.\d{1,4})?$/;
  var editing = null;
  var codeTouched = false;
  var rowSeq = 0;

  var TEMPLATES = "query PaymentTermsTemplates($includeInactive: Boolean) {\n" +
    "  paymentTermsTemplates(includeInactive: $includeInactive) {\n" +
    "    id name code definition label lateFeeLabel channelSlug isChannelDefault active updatedAt\n  }\n}";
  var TEMPLATE_CREATE = "mutation PaymentTermsTemplateCreate($name: String!, $code: String!, $definition: String!,\n" +
    "    $channelSlug: String, $isChannelDefault: Boolean) {\n" +
    "  paymentTermsTemplateCreate(name: $name, code: $code, definition: $definition, channelSlug: $channelSlug,\n" +
    "      isChannelDefault: $isChannelDefault) {\n    template { id code label }\n    errors { code field message }\n  }\n}";
  var TEMPLATE_UPDATE = "mutation PaymentTermsTemplateUpdate($id: ID!, $name: String, $definition: String,\n" +
    "    $channelSlug: String, $isChannelDefault: Boolean, $active: Boolean) {\n" +
    "  paymentTermsTemplateUpdate(id: $id, name: $name, definition: $definition, channelSlug: $channelSlug,\n" +
    "      isChannelDefault: $isChannelDefault, active: $active) {\n    template { id code label }\n    errors { code field message }\n  }\n}";

  // --- list ----------------------------------------------------------------------------------------
  function render(templates) {
    ui.clear(tbody);
    if (!templates.length) { ui.tableMessage(tbody, 6, "No terms templates yet: invoices use Net <the company's default days>."); return; }
    templates.forEach(function (t) {
      tbody.appendChild(h("tr", {},
        h("td", {}, h("strong", {}, t.name), h("div", { class: "nt-sub nt-mono" }, t.code)),
        h("td", {}, t.label),
        h("td", {}, t.lateFeeLabel || h("span", { class: "nt-muted" }, "None")),
        h("td", {}, t.channelSlug || h("span", { class: "nt-muted" }, "—"),
          t.isChannelDefault ? [" ", ui.pill("ACTIVE", "Channel default")] : null),
        h("td", {}, t.active ? ui.pill("ACTIVE", "Active") : ui.pill("CLOSED", "Inactive")),
        h("td", { class: "nt-actions" }, h("button", { type: "button", class: "nt-button is-secondary is-small",
          "aria-label": "Edit " + t.name, onclick: function (e) { openEdit(t, e.currentTarget); } }, "Edit"))));
    });
  }

  function load() {
    tbody.setAttribute("aria-busy", "true");
    return NT.gql(TEMPLATES, { includeInactive: showInactive.checked }).then(function (data) { render(data.paymentTermsTemplates); })
      .catch(function (error) { ui.tableMessage(tbody, 6, "Terms templates could not be loaded: " + ui.errorText(error), "error"); })
      .then(function () { tbody.removeAttribute("aria-busy"); });
  }
  showInactive.addEventListener("change", load);

  // --- the structured form <-> definition ----------------------------------------------------------
  function addInstalment(percent, days) {
    var n = ++rowSeq;
    var row = h("tr", {},
      h("td", {}, h("input", { id: "t-inst-p" + n, class: "nt-amount-input", inputmode: "decimal", value: percent || "",
        "aria-label": "Share % of instalment", "data-part": "percent" })),
      h("td", {}, h("input", { id: "t-inst-d" + n, class: "nt-amount-input", inputmode: "numeric", value: days || "",
        "aria-label": "Due after days", "data-part": "days" })),
      h("td", { class: "nt-actions" }, h("button", { type: "button", class: "nt-button is-secondary is-small",
        "aria-label": "Remove instalment", onclick: function () { row.remove(); refresh(); } }, "Remove")));
    instalmentRows.appendChild(row);
  }

  function instalments() {
    return Array.prototype.map.call(instalmentRows.rows, function (row) {
      return { percent: row.querySelector("[data-part=percent]").value.trim(), days: row.querySelector("[data-part=days]").value.trim() };
    });
  }

  // {definition} or {errors: [{code, field, message}]} from the structured fields.
  function build() {
    var kind = form.kind.value, errors = [];
    function need(ok, field, message) { if (!ok) { errors.push({ code: "INVALID_TERMS", field: field, message: message }); } }
    if (kind === "custom") {
      try { return { definition: JSON.parse(form.definition.value) }; }
      catch (e) { return { errors: [{ code: "INVALID_TERMS", field: "definition", message: "Not valid JSON: " + e.message }] }; }
    }
    var def = { version: 1, kind: kind };
    if (kind === "net" || kind === "eom") {
      var days = form.days.value.trim();
      need(DAYS.test(days), "days", "Whole days, e.g. 30.");
      def.days = parseInt(days, 10);
    }
    if (kind === "instalments") {
      var parts = instalments();
      var shares = [];
      parts.forEach(function (p) {
        need(DECIMAL.test(p.percent) && DAYS.test(p.days), "instalments", "Each instalment needs a share like 30 and whole days like 60.");
        shares.push(p.percent);
      });
      need(parts.length >= 2, "instalments", "An instalment plan needs at least two instalments.");
      if (!errors.length) { need(ui.decimalCompare(ui.decimalSum(shares), "100") === 0, "instalments", "The shares must add up to 100 %."); }
      def.parts = parts.map(function (p) { return { percent: p.percent, due: { kind: "net", days: parseInt(p.days, 10) } }; });
    }
    if (form.discount.checked) {
      need(DECIMAL.test(form.discountPercent.value.trim()), "discountPercent", "A percentage like 2 or 2.5.");
      need(DAYS.test(form.discountDays.value.trim()), "discountDays", "Whole days, e.g. 10.");
      def.discount = { percent: form.discountPercent.value.trim(), days: parseInt(form.discountDays.value.trim(), 10) };
    }
    if (form.lateFee.checked) {
      var value = form.lateValue.value.trim(), grace = form.lateGrace.value.trim() || "0";
      need(DAYS.test(grace), "lateGrace", "Whole days, e.g. 5.");
      var fee = { period: form.latePeriod.value, grace_days: parseInt(grace, 10) };
      if (form.lateKind.value === "percent") {
        need(DECIMAL.test(value), "lateValue", "A percentage like 1.5.");
        fee.percent = value;
      } else {
        var currency = form.lateCurrency.value.trim().toUpperCase();
        need(AMOUNT.test(value), "lateValue", "An amount like 25.00.");
        need(/^[A-Z]{3}$/.test(currency), "lateCurrency", "A currency code like EUR.");
        fee.amount = { amount: value, currency: currency };
      }
      def.late_fee = fee;
    }
    return errors.length ? { errors: errors } : { definition: def };
  }

  // Fill the structured fields from a stored definition; false when it needs "Custom".
  function fromDefinition(def) {
    var simple = { net: true, eom: true, receipt: true, instalments: true };
    if (!simple[def.kind]) { return false; }
    if (def.kind === "instalments" && !def.parts.every(function (p) { return p.due.kind === "net"; })) { return false; }
    var fee = def.late_fee;
    if (fee && (fee.cap_amount || fee.cap_percent)) { return false; }
    form.kind.value = def.kind;
    form.days.value = def.days === undefined ? "30" : String(def.days);
    ui.clear(instalmentRows);
    (def.parts || []).forEach(function (p) { addInstalment(p.percent, String(p.due.days)); });
    form.discount.checked = !!def.discount;
    if (def.discount) { form.discountPercent.value = def.discount.percent; form.discountDays.value = String(def.discount.days); }
    form.lateFee.checked = !!fee;
    if (fee) {
      form.lateKind.value = fee.amount ? "amount" : "percent";
      form.lateValue.value = fee.amount ? fee.amount.amount : fee.percent;
      form.lateCurrency.value = fee.amount ? fee.amount.currency : "";
      form.latePeriod.value = fee.period;
      form.lateGrace.value = String(fee.grace_days || 0);
    }
    return true;
  }

  // Show the fields the chosen kind needs and write the JSON preview.
  function refresh() {
    var kind = form.kind.value, custom = kind === "custom";
    document.getElementById("t-days-field").hidden = !(kind === "net" || kind === "eom");
    document.getElementById("t-instalments-field").hidden = kind !== "instalments";
    document.getElementById("t-extras").hidden = custom;
    document.getElementById("t-discount-fields").hidden = !form.discount.checked;
    document.getElementById("t-late-fields").hidden = !form.lateFee.checked;
    form.lateCurrency.hidden = form.lateKind.value !== "amount";
    form.definition.readOnly = !custom;
    if (kind === "instalments") {
      var shares = instalments().map(function (p) { return p.percent; });
      var valid = shares.every(function (s) { return DECIMAL.test(s); });
      document.getElementById("t-instalments-sum").textContent = valid ? "Total: " + ui.decimalSum(shares) + " %" : "";
    }
    if (!custom) {
      var built = build();
      if (built.definition) { form.definition.value = JSON.stringify(built.definition, null, 2); }
    }
  }

  form.addEventListener("input", function (event) { if (event.target.name !== "definition") { refresh(); } });
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind" && form.kind.value === "instalments" && !instalmentRows.rows.length) {
      addInstalment("50", "30");
      addInstalment("50", "60");
    }
    if (event.target.name !== "definition") { refresh(); }
  });
  document.getElementById("t-instalment-add").addEventListener("click", function () { addInstalment("", ""); refresh(); });
  form.name.addEventListener("input", function () {
    if (!editing && !codeTouched) {
      form.code.value = form.name.value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64);
    }
  });
  form.code.addEventListener("input", function () { codeTouched = true; });

  // --- create and edit -----------------------------------------------------------------------------
  function reset(title, submitLabel) {
    form.reset();
    ui.clear(instalmentRows);
    codeTouched = false;
    document.getElementById("nt-template-title").textContent = title;
    document.getElementById("t-submit").textContent = submitLabel;
  }

  document.getElementById("nt-template-new").addEventListener("click", function (e) {
    editing = null;
    reset("New terms template", "Create template");
    form.code.disabled = false;
    document.getElementById("t-active-field").hidden = true;
    refresh();
    ui.openDialog(dialog, e.currentTarget);
  });

  function openEdit(template, opener) {
    editing = template;
    reset("Edit " + template.name, "Save template");
    var def = JSON.parse(template.definition);
    form.name.value = template.name;
    form.code.value = template.code;
    form.code.disabled = true;
    form.channelSlug.value = template.channelSlug;
    form.isChannelDefault.checked = template.isChannelDefault;
    form.active.checked = template.active;
    document.getElementById("t-active-field").hidden = false;
    if (!fromDefinition(def)) { form.kind.value = "custom"; }
    form.definition.value = JSON.stringify(def, null, 2);
    refresh();
    ui.openDialog(dialog, opener);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var built = build();
    var problems = built.errors || [];
    if (!form.name.value.trim()) { problems.unshift({ code: "REQUIRED", field: "name", message: "The name is required." }); }
    if (!editing && !form.code.value.trim()) { problems.push({ code: "REQUIRED", field: "code", message: "The code is required." }); }
    if (problems.length) { ui.showFieldErrors(form, problems, { instalments: "instalments" }); return; }
    var definition = JSON.stringify(built.definition);
    var variables = editing
      ? { id: editing.id, name: form.name.value.trim(), definition: definition, channelSlug: form.channelSlug.value.trim(),
          isChannelDefault: form.isChannelDefault.checked, active: form.active.checked }
      : { name: form.name.value.trim(), code: form.code.value.trim(), definition: definition,
          channelSlug: form.channelSlug.value.trim() || null, isChannelDefault: form.isChannelDefault.checked };
    var key = editing ? "paymentTermsTemplateUpdate" : "paymentTermsTemplateCreate";
    ui.busy(form, true);
    NT.gql(editing ? TEMPLATE_UPDATE : TEMPLATE_CREATE, variables).then(function (data) {
      var result = data[key];
      if (result.errors.length) { ui.showFieldErrors(form, result.errors, { id: null }); return; }
      ui.closeDialog(dialog);
      ui.banner(statusEl, (editing ? "Saved " : "Created ") + result.template.code + ": " + result.template.label + ".", "success");
      return load();
    }).catch(function (error) { ui.formError(form, error); }).then(function () { ui.busy(form, false); });
  });

  ui.start(statusEl, load);
})();
