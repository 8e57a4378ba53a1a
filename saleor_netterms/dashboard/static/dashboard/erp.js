/* ERP: webhook endpoints (secret shown once), their delivery log, redelivery and replay. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var statusEl = document.getElementById("nt-status");
  var tbody = document.getElementById("nt-endpoints");
  var logBody = document.getElementById("nt-log");
  var selected = null;

  var ENDPOINT = "id url description eventTypes isActive alertEmail failingSince lastSuccessAt disabledReason signingSecrets";
  var ERRORS = "errors { code field message }";
  var LIST = "query ErpEndpoints {\n  erpWebhookEndpoints { " + ENDPOINT + " }\n  integrationEventTypes { type version summary }\n}";
  var LOG = "query ErpEndpointLog($id: ID!) {\n  erpWebhookEndpoint(id: $id) { id url attemptPage(first: 100) { totalCount items {\n" +
    "    id eventId eventType subject attemptedAt durationMs responseStatus error succeeded trigger } } }\n}";
  var CREATE = "mutation ErpEndpointCreate($url: String!, $eventTypes: [String!], $description: String, $alertEmail: String) {\n" +
    "  erpWebhookEndpointCreate(url: $url, eventTypes: $eventTypes, description: $description, alertEmail: $alertEmail) {\n" +
    "    endpoint { id } secret " + ERRORS + " }\n}";
  var UPDATE = "mutation ErpEndpointActive($id: ID!, $isActive: Boolean) {\n" +
    "  erpWebhookEndpointUpdate(id: $id, isActive: $isActive) { endpoint { id isActive } " + ERRORS + " }\n}";
  var ROTATE = "mutation ErpSecretRotate($id: ID!) {\n  erpWebhookSecretRotate(id: $id) { secret " + ERRORS + " }\n}";
  var REDELIVER = "mutation ErpRedeliver($endpointId: ID!, $eventId: ID!) {\n" +
    "  erpWebhookEventRedeliver(endpointId: $endpointId, eventId: $eventId) { queued " + ERRORS + " }\n}";
  var REPLAY = "mutation ErpReplay($endpointId: ID!, $since: DateTime!, $until: DateTime!) {\n" +
    "  erpWebhookEventsReplay(endpointId: $endpointId, since: $since, until: $until) { queued " + ERRORS + " }\n}";

  var KEYS = "query ErpKeys {\n  erpApiKeys { id name prefix scopes rateLimitPerMinute lastUsedAt revokedAt isActive }\n  erpApiScopes\n" +
    "  erpMasters { creditLimits invoices openItems erpLimitsNeedApproval consequences { subject master consequence consequenceIfSwitched } }\n}";
  var KEY_CREATE = "mutation ErpKeyCreate($name: String!, $scopes: [String!]!, $rate: Int) {\n" +
    "  erpApiKeyCreate(name: $name, scopes: $scopes, rateLimitPerMinute: $rate) { key apiKey { id } " + ERRORS + " }\n}";
  var KEY_REVOKE = "mutation ErpKeyRevoke($id: ID!) {\n  erpApiKeyRevoke(id: $id) { apiKey { id isActive } " + ERRORS + " }\n}";
  var MASTERS_SET = "mutation ErpMastersSet($creditLimits: String, $invoices: String, $openItems: String, $approval: Boolean) {\n" +
    "  erpMastersSet(creditLimits: $creditLimits, invoices: $invoices, openItems: $openItems, erpLimitsNeedApproval: $approval) {\n" +
    "    masters { creditLimits } " + ERRORS + " }\n}";
  var MAPPING = "query AccountMapping {\n  accountingAccountMapping { accountKind glAccount }\n}";
  var MAPPING_SET = "mutation AccountMappingSet($mapping: [AccountMappingInput!]!) {\n" +
    "  accountingAccountMappingSet(mapping: $mapping) { mapping { accountKind glAccount } " + ERRORS + " }\n}";
  var JOURNAL = "query AccountingJournal($since: Date!, $until: Date!) {\n  accountingJournalCsv(since: $since, until: $until)\n}";
  var OPEN_ITEMS = "query AccountingOpenItems {\n  accountingOpenItemsCsv\n}";

  function download(name, text) {
    var link = h("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv" })), download: name });
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function loadMapping() {
    return NT.gql(MAPPING).then(function (data) {
      var body = ui.clear(document.getElementById("nt-mapping"));
      data.accountingAccountMapping.forEach(function (m) {
        body.appendChild(h("tr", {}, h("th", { scope: "row" }, ui.humanize(m.accountKind)),
          h("td", {}, h("input", { name: m.accountKind, value: m.glAccount, maxlength: "64", "aria-label": "Account for " + m.accountKind }))));
      });
    }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); });
  }

  var LABELS = { credit_limits: "Credit limits", invoices: "Invoices", open_items: "Open items (exposure)" };

  function renderKeys(data) {
    var keysBody = ui.clear(document.getElementById("nt-keys"));
    if (!data.erpApiKeys.length) { ui.tableMessage(keysBody, 6, "No key yet."); }
    data.erpApiKeys.forEach(function (k) {
      var revoke = h("button", { type: "button", class: "nt-button is-secondary is-small" }, "Revoke");
      revoke.disabled = !k.isActive;
      revoke.addEventListener("click", function () { act(KEY_REVOKE, { id: k.id }, "erpApiKeyRevoke", loadKeys); });
      keysBody.appendChild(h("tr", {}, h("td", {}, k.name), h("td", { class: "nt-mono" }, k.prefix + "…"),
        h("td", {}, k.scopes.join(", ")), h("td", {}, k.lastUsedAt ? ui.dateTime(k.lastUsedAt) : "never"),
        h("td", {}, ui.pill(k.isActive ? "active" : "revoked")), h("td", { class: "nt-actions" }, revoke)));
    });
    var scopes = ui.clear(document.getElementById("k-scopes"));
    data.erpApiScopes.forEach(function (s) {
      var id = "k-scope-" + s.replace(/\W/g, "-");
      scopes.appendChild(h("div", { class: "nt-check" }, h("input", { type: "checkbox", id: id, value: s, name: "scopes" }),
        h("label", { for: id }, s)));
    });
    var mastersBody = ui.clear(document.getElementById("nt-masters"));
    data.erpMasters.consequences.forEach(function (m) {
      var select = h("select", { name: m.subject, "aria-label": LABELS[m.subject] + " master" },
        h("option", { value: "app" }, "The app"), h("option", { value: "erp" }, "The ERP"));
      select.value = m.master;
      var follows = h("td", {}, m.consequence);
      select.addEventListener("change", function () { follows.textContent = select.value === m.master ? m.consequence : m.consequenceIfSwitched; });
      mastersBody.appendChild(h("tr", {}, h("th", { scope: "row" }, LABELS[m.subject]), h("td", {}, select), follows));
    });
    document.getElementById("m-approval").checked = data.erpMasters.erpLimitsNeedApproval;
  }

  function loadKeys() { return NT.gql(KEYS).then(renderKeys).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); }); }

  function showSecret(secret) {
    document.getElementById("nt-secret").textContent = secret;
    document.getElementById("nt-secret-dialog").showModal();
  }

  function act(doc, vars, field, done) {
    return NT.gql(doc, vars).then(function (data) {
      var result = data[field];
      if (result.errors.length) { ui.banner(statusEl, ui.errorText(result.errors[0]), "error"); return null; }
      if (done) { done(result); }
      return result;
    }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); });
  }

  function renderEndpoints(endpoints) {
    ui.clear(tbody);
    if (!endpoints.length) { ui.tableMessage(tbody, 5, "No endpoint yet: add the URL your ERP receives events at."); return; }
    endpoints.forEach(function (e) {
      var toggle = h("button", { type: "button", class: "nt-button is-secondary is-small" }, e.isActive ? "Disable" : "Enable");
      toggle.addEventListener("click", function () {
        act(UPDATE, { id: e.id, isActive: !e.isActive }, "erpWebhookEndpointUpdate", load);
      });
      var rotate = h("button", { type: "button", class: "nt-button is-secondary is-small" }, "Rotate secret");
      rotate.addEventListener("click", function () {
        act(ROTATE, { id: e.id }, "erpWebhookSecretRotate", function (r) { showSecret(r.secret); load(); });
      });
      var log = h("button", { type: "button", class: "nt-button is-secondary is-small" }, "Delivery log");
      log.addEventListener("click", function () { selected = e; loadLog(); });
      tbody.appendChild(h("tr", {},
        h("td", {}, h("span", { class: "nt-mono nt-break" }, e.url), e.description ? h("div", { class: "nt-sub" }, e.description) : null),
        h("td", {}, e.eventTypes.length ? e.eventTypes.join(", ") : "All events"),
        h("td", {}, ui.pill(e.isActive ? "active" : "disabled"),
          e.disabledReason ? h("div", { class: "nt-sub nt-error-text" }, e.disabledReason) : null,
          e.failingSince ? h("div", { class: "nt-sub" }, "Failing since " + ui.dateTime(e.failingSince)) : null,
          e.signingSecrets > 1 ? h("div", { class: "nt-sub" }, ui.number(e.signingSecrets) + " secrets sign (rotation)") : null),
        h("td", {}, e.lastSuccessAt ? ui.dateTime(e.lastSuccessAt) : "—"),
        h("td", { class: "nt-actions" }, log, rotate, toggle)));
    });
  }

  function renderTypes(types) {
    var box = ui.clear(document.getElementById("e-types"));
    types.forEach(function (t) {
      var id = "e-type-" + t.type.replace(/\W/g, "-");
      box.appendChild(h("div", { class: "nt-check" }, h("input", { type: "checkbox", id: id, value: t.type, name: "eventTypes" }),
        h("label", { for: id, title: t.summary }, t.type + ".v" + t.version)));
    });
  }

  function loadLog() {
    document.getElementById("nt-log-card").hidden = false;
    document.getElementById("nt-log-url").textContent = selected.url;
    return NT.gql(LOG, { id: selected.id }).then(function (data) {
      ui.clear(logBody);
      var page = data.erpWebhookEndpoint ? data.erpWebhookEndpoint.attemptPage : { items: [], totalCount: 0 };
      var attempts = page.items;
      document.getElementById("nt-log-count").textContent = page.totalCount > attempts.length
        ? "The newest " + ui.number(attempts.length) + " of " + ui.plural(page.totalCount, "delivery", "deliveries") + "."
        : ui.plural(page.totalCount, "delivery", "deliveries") + ".";
      if (!attempts.length) { ui.tableMessage(logBody, 7, "Nothing delivered yet."); return; }
      attempts.forEach(function (a) {
        var again = h("button", { type: "button", class: "nt-button is-secondary is-small" }, "Redeliver");
        again.addEventListener("click", function () {
          again.disabled = true;
          act(REDELIVER, { endpointId: selected.id, eventId: a.eventId }, "erpWebhookEventRedeliver", function () {
            ui.banner(statusEl, "Event " + a.eventId + " is queued again.", "success");
          });
        });
        logBody.appendChild(h("tr", {},
          h("td", {}, ui.dateTime(a.attemptedAt), h("div", { class: "nt-sub" }, a.trigger)),
          h("td", {}, h("strong", {}, a.eventType), h("div", { class: "nt-sub nt-mono" }, a.eventId)),
          h("td", { class: "nt-mono" }, a.subject),
          h("td", { class: "nt-num" }, ui.pill(a.succeeded ? "delivered" : "failed", a.responseStatus === null ? "—" : String(a.responseStatus))),
          h("td", { class: "nt-num" }, ui.number(a.durationMs)),
          h("td", { class: "nt-error-text nt-break" }, a.error || ""),
          h("td", { class: "nt-actions" }, again)));
      });
    }).catch(function (error) { ui.tableMessage(logBody, 7, "The log could not be loaded: " + ui.errorText(error), "error"); });
  }

  function load() {
    tbody.setAttribute("aria-busy", "true");
    return NT.gql(LIST).then(function (data) {
      renderEndpoints(data.erpWebhookEndpoints);
      renderTypes(data.integrationEventTypes);
    }).catch(function (error) { ui.tableMessage(tbody, 5, "Endpoints could not be loaded: " + ui.errorText(error), "error"); })
      .then(function () { tbody.removeAttribute("aria-busy"); });
  }

  var dialog = document.getElementById("nt-endpoint-dialog");
  var form = document.getElementById("nt-endpoint-form");
  document.getElementById("nt-endpoint-new").addEventListener("click", function () { form.reset(); ui.clearFieldErrors(form); dialog.showModal(); });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    ui.clearFieldErrors(form);
    var types = Array.prototype.map.call(form.querySelectorAll("input[name=eventTypes]:checked"), function (i) { return i.value; });
    NT.gql(CREATE, { url: form.url.value.trim(), eventTypes: types, description: form.description.value.trim(),
      alertEmail: form.alertEmail.value.trim() }).then(function (data) {
      var result = data.erpWebhookEndpointCreate;
      if (result.errors.length) { ui.showFieldErrors(form, result.errors, { url: "url", eventTypes: "eventTypes" }); return; }
      dialog.close();
      showSecret(result.secret);
      load();
    }).catch(function (error) { ui.formError(form, error); });
  });
  var keyDialog = document.getElementById("nt-key-dialog");
  var keyForm = document.getElementById("nt-key-form");
  document.getElementById("nt-key-new").addEventListener("click", function () { keyForm.reset(); ui.clearFieldErrors(keyForm); keyDialog.showModal(); });
  keyForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    ui.clearFieldErrors(keyForm);
    var scopes = Array.prototype.map.call(keyForm.querySelectorAll("input[name=scopes]:checked"), function (i) { return i.value; });
    var rate = keyForm.rateLimitPerMinute.value.trim();
    NT.gql(KEY_CREATE, { name: keyForm.name.value.trim(), scopes: scopes, rate: rate ? parseInt(rate, 10) : null }).then(function (data) {
      var result = data.erpApiKeyCreate;
      if (result.errors.length) { ui.showFieldErrors(keyForm, result.errors, { name: "name", scopes: "scopes", rateLimitPerMinute: "rateLimitPerMinute" }); return; }
      keyDialog.close();
      showSecret(result.key);
      loadKeys();
    }).catch(function (error) { ui.formError(keyForm, error); });
  });
  document.getElementById("nt-masters-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = ev.target;
    act(MASTERS_SET, { creditLimits: f.credit_limits.value, invoices: f.invoices.value, openItems: f.open_items.value,
      approval: f.erpLimitsNeedApproval.checked }, "erpMastersSet", function () { ui.banner(statusEl, "Masters saved.", "success"); loadKeys(); });
  });
  document.getElementById("nt-journal-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = ev.target;
    if (!f.since.value || !f.until.value) { ui.banner(statusEl, "Choose the period.", "error"); return; }
    NT.gql(JOURNAL, { since: f.since.value, until: f.until.value }).then(function (data) {
      download("journal-" + f.since.value + "-" + f.until.value + ".csv", data.accountingJournalCsv);
    }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); });
  });
  document.getElementById("nt-open-items").addEventListener("click", function () {
    NT.gql(OPEN_ITEMS).then(function (data) { download("open-items-" + ui.today() + ".csv", data.accountingOpenItemsCsv); })
      .catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); });
  });
  document.getElementById("nt-mapping-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var mapping = Array.prototype.map.call(ev.target.querySelectorAll("input"), function (i) {
      return { accountKind: i.name, glAccount: i.value.trim() };
    });
    act(MAPPING_SET, { mapping: mapping }, "accountingAccountMappingSet", function () { ui.banner(statusEl, "Account mapping saved.", "success"); });
  });
  document.getElementById("nt-replay-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = ev.target;
    if (!selected || !f.since.value || !f.until.value) { ui.banner(statusEl, "Choose a start and an end.", "error"); return; }
    act(REPLAY, { endpointId: selected.id, since: new Date(f.since.value).toISOString(), until: new Date(f.until.value).toISOString() },
      "erpWebhookEventsReplay", function (r) { ui.banner(statusEl, ui.number(r.queued) + " events are queued for " + selected.url + ".", "success"); });
  });
  ui.start(statusEl, function () { return Promise.all([load(), loadKeys(), loadMapping()]); });
})();
