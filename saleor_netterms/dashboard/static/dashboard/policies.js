/* Policies: the credit policy in force per tier; an editor for one tier and channel (simulate over
 * stored decisions, then save as a new version, or reset); saved versions; limit recommendations;
 * the audit trail with a CSV download. Policies travel in the storage format of
 * decisions/tiers.py policy_to_dict: decimals as strings, null for a rule that is off. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var M = "amount currency";
  var PAGE_SIZE = 50;
  var statusEl = document.getElementById("nt-status");

  var POLICIES = "query Policies {\n  policies { tier channel source version versionScope policy underwriterThreshold }\n" +
    "  policyVersions { id tier channel version active policy underwriterThreshold createdBy createdAt reason }\n}";
  var EDITED = "query PolicyEdited($tier: CreditTier!, $channel: String) {\n" +
    "  policies(tier: $tier, channel: $channel) { tier channel source version versionScope policy underwriterThreshold builtin }\n" +
    "  policyVersions(tier: $tier, channel: $channel) { version active }\n}";
  var SIMULATE = "query PolicySimulate($tier: CreditTier!, $channel: String, $policy: JSONString!, $days: Int) {\n" +
    "  policySimulate(tier: $tier, channel: $channel, policy: $policy, days: $days) {\n" +
    "    total tightened loosened transitions { old new count }\n" +
    "    changed { decisionRecordId companyId companyName old new reason message }\n  }\n}";
  var SAVE = "mutation PolicySave($tier: CreditTier!, $channel: String, $policy: JSONString!, $underwriterThreshold: String,\n" +
    "    $baseVersion: Int, $reason: String) {\n" +
    "  policySave(tier: $tier, channel: $channel, policy: $policy, underwriterThreshold: $underwriterThreshold,\n" +
    "      baseVersion: $baseVersion, reason: $reason) {\n" +
    "    version { id version channel active } errors { code field message }\n  }\n}";
  var RESET = "mutation PolicyReset($tier: CreditTier!, $channel: String, $baseVersion: Int, $reason: String) {\n" +
    "  policyReset(tier: $tier, channel: $channel, baseVersion: $baseVersion, reason: $reason) {\n" +
    "    version { id version } errors { code field message }\n  }\n}";
  var RECOMMENDATIONS = "query LimitRecommendations($status: LimitRecommendationStatus, $first: Int, $offset: Int) {\n" +
    "  limitRecommendations(status: $status, first: $first, offset: $offset) {\n" +
    "    id action status reasons approvalRequestId createdAt company { id legalName }\n" +
    "    currentLimit { " + M + " } proposedLimit { " + M + " }\n  }\n}";
  var AUDIT = "query AuditEntries($first: Int, $offset: Int) {\n" +
    "  auditEntries(first: $first, offset: $offset, newestFirst: true) {\n" +
    "    id occurredAt actor action objectType objectId companyId companyName before after reason\n  }\n}";
  var AUDIT_CSV = "query AuditExportCsv { auditExportCsv }";

  var OUTCOMES = ["approve", "review", "decline"];
  var DECIMAL = /^\d{1,12}(\.\d{1,12})?$/;
  var WHOLE = /^\d{1,6}$/;
  // The form's inputs per policy field: kind, and whether empty means "off" (null).
  var FIELDS = [
    { key: "name", input: "name", kind: "text" },
    { key: "tolerance_over_limit_pct", input: "tolerance_over_limit_pct", kind: "decimal" },
    { key: "utilisation_warning_pct", input: "utilisation_warning_pct", kind: "decimal" },
    { key: "auto_hold_days_overdue", input: "auto_hold_days_overdue", kind: "int", nullable: true },
    { key: "review_days_overdue", input: "review_days_overdue", kind: "int", nullable: true },
    { key: "review_first_order", input: "review_first_order", kind: "bool" },
    { key: "review_order_over_median_multiple", input: "review_order_over_median_multiple", kind: "decimal", nullable: true },
    { key: "review_late_share_above", input: "review_late_share_pct", kind: "share", nullable: true },
    { key: "min_account_age_days", input: "min_account_age_days", kind: "int", nullable: true },
    { key: "review_broken_promises_above", input: "review_broken_promises_above", kind: "int", nullable: true },
  ];
  var INPUT_OF = {};
  FIELDS.forEach(function (f) { INPUT_OF[f.key] = f.input; });

  function parseJson(json) {
    if (json === null || json === undefined) { return null; }
    try { return typeof json === "string" ? JSON.parse(json) : json; } catch (e) { return null; }
  }
  function pretty(json) {
    var value = parseJson(json);
    return value === null ? String(json) : JSON.stringify(value, null, 2);
  }

  // Moves the decimal point of an exact decimal string: ("0.30", 2) -> "30", ("32.5", -2) -> "0.325".
  function shiftDecimal(text, places, minFraction) {
    var parts = text.split(".");
    var digits = parts[0] + (parts[1] || "");
    var point = parts[0].length + places;
    while (point <= 0) { digits = "0" + digits; point += 1; }
    while (digits.length < point) { digits += "0"; }
    var whole = digits.slice(0, point).replace(/^0+(?=\d)/, "");
    var fraction = digits.slice(point).replace(/0+$/, "");
    while (fraction.length < (minFraction || 0)) { fraction += "0"; }
    return fraction ? whole + "." + fraction : whole;
  }

  // --- the policy in force per tier, and the saved versions -----------------------------------
  function loadPolicies() {
    var body = document.getElementById("nt-policies");
    var versions = document.getElementById("nt-versions");
    return NT.gql(POLICIES).then(function (data) {
      ui.clear(body);
      if (!data.policies.length) { ui.tableMessage(body, 6, "No policies."); }
      data.policies.forEach(function (p) {
        body.appendChild(h("tr", {},
          h("td", {}, ui.humanize(p.tier)),
          h("td", {}, ui.humanize(p.source)),
          h("td", {}, p.version === null || p.version === undefined ? "Built in" : "v" + p.version + (p.versionScope ? " · " + p.versionScope : "")),
          h("td", { class: "nt-num" }, p.underwriterThreshold || h("span", { class: "nt-muted" }, "settings")),
          h("td", {}, h("details", {}, h("summary", {}, "Show rules"), h("pre", { class: "nt-pre" }, pretty(p.policy)))),
          h("td", { class: "nt-actions" }, h("button", { type: "button", class: "nt-button is-secondary is-small",
            "aria-label": "Edit the " + ui.humanize(p.tier) + " policy", onclick: function () { editScope(p.tier, ""); } }, "Edit"))));
      });
      ui.clear(versions);
      if (!data.policyVersions.length) { ui.tableMessage(versions, 7, "No saved versions: orders get the plain credit-limit check (or the built-in tier policy when CREDIT_TIER_POLICIES_BUILTIN is on)."); }
      data.policyVersions.forEach(function (v) {
        versions.appendChild(h("tr", {},
          h("td", {}, ui.dateTime(v.createdAt)), h("td", {}, ui.humanize(v.tier)), h("td", {}, v.channel || "All channels"),
          h("td", {}, "v" + v.version + (v.active ? "" : " (reset)")), h("td", {}, v.createdBy), h("td", {}, v.reason || "—"),
          h("td", { class: "nt-actions" }, v.active ? h("button", { type: "button", class: "nt-button is-secondary is-small",
            "aria-label": "Load version " + v.version + " of " + ui.humanize(v.tier) + " into the editor",
            onclick: function () { editScope(v.tier, v.channel, v); } }, "Load into editor") : null)));
      });
    }).catch(function (error) {
      ui.tableMessage(body, 6, "Policies could not be loaded: " + ui.errorText(error), "error");
      ui.tableMessage(versions, 7, "—");
    });
  }

  // --- editor -----------------------------------------------------------------------------------
  var scopeForm = document.getElementById("nt-editor-scope");
  var form = document.getElementById("nt-policy-form");
  var simBox = document.getElementById("nt-sim");
  var saveButton = document.getElementById("p-save");
  var resetButton = document.getElementById("p-reset");
  var sourceEl = document.getElementById("nt-editor-source");
  var editing = { tier: "STANDARD", channel: "", effective: null, baseVersion: 0, simulated: null, seq: 0 };

  function fill(policy, threshold) {
    FIELDS.forEach(function (f) {
      var input = form.elements[f.input];
      var value = policy ? policy[f.key] : null;
      if (f.kind === "bool") { input.checked = !!value; return; }
      if (value === null || value === undefined) { input.value = ""; return; }
      input.value = f.kind === "share" ? shiftDecimal(String(value), 2) : String(value);
    });
    form.underwriterThreshold.value = threshold || "";
    markStale();
  }

  // The policy object from the form, or field errors [{code, field, message}].
  function collect() {
    var policy = {}, errors = [];
    FIELDS.forEach(function (f) {
      var input = form.elements[f.input];
      if (f.kind === "bool") { policy[f.key] = input.checked; return; }
      var text = input.value.trim();
      if (f.kind === "text") {
        if (!text) { errors.push({ code: "REQUIRED", field: f.input, message: "Give the policy a name." }); }
        policy[f.key] = text;
        return;
      }
      if (!text) {
        if (f.nullable) { policy[f.key] = null; return; }
        errors.push({ code: "REQUIRED", field: f.input, message: "Required." });
        return;
      }
      if (f.kind === "int") {
        if (!WHOLE.test(text)) { errors.push({ code: "INVALID_POLICY", field: f.input, message: "A whole number of days, e.g. 30." }); return; }
        policy[f.key] = parseInt(text, 10);
        return;
      }
      if (!DECIMAL.test(text)) { errors.push({ code: "INVALID_POLICY", field: f.input, message: "A number like 5 or 12.5." }); return; }
      policy[f.key] = f.kind === "share" ? shiftDecimal(text, -2, 2) : text;
    });
    var threshold = form.underwriterThreshold.value.trim();
    if (threshold && !DECIMAL.test(threshold)) {
      errors.push({ code: "INVALID_UNDERWRITER_THRESHOLD", field: "underwriterThreshold", message: "An amount like 5000.00, or empty." });
    }
    return { policy: policy, threshold: threshold || null, errors: errors };
  }

  function errorFields(errors) {
    return errors.map(function (e) { return { code: e.code, field: INPUT_OF[e.field] || e.field, message: e.message }; });
  }

  function markStale() {
    editing.simulated = null;
    saveButton.disabled = true;
    document.getElementById("p-save-hint").hidden = false;
    if (simBox.firstChild) { simBox.classList.add("is-stale"); }
  }

  function renderSource() {
    var e = editing.effective;
    var where = editing.channel ? "channel " + editing.channel : "all channels";
    ui.clear(sourceEl);
    if (!e) { return; }
    var inForce = e.source === "VERSION"
      ? "v" + e.version + " (" + (e.versionScope ? "channel " + e.versionScope : "all channels") + ")"
      : e.source === "BUILTIN_TIER" ? "the built-in " + ui.humanize(e.tier) + " policy" : "the plain credit-limit check";
    sourceEl.appendChild(ui.pill(e.source === "VERSION" ? "ACTIVE" : "CLOSED", ui.humanize(e.tier) + " · " + where));
    sourceEl.appendChild(h("span", { class: "nt-muted" }, "In force: " + inForce + " · next save: v" + (editing.baseVersion + 1)));
    resetButton.hidden = !(e.source === "VERSION" && (e.versionScope || "") === editing.channel);
  }

  // Load the policy in force for (tier, channel) into the form; `version` (optional) overrides the values.
  function editScope(tier, channel, version) {
    scopeForm.tier.value = tier;
    scopeForm.channel.value = channel || "";
    policyTabs.select("editor");
    loadEditor(version).then(function () {
      var title = document.getElementById("nt-editor-title");
      title.scrollIntoView({ block: "start" });
      title.focus();
    });
  }

  function loadEditor(version) {
    var seq = editing.seq = editing.seq + 1;
    var tier = scopeForm.tier.value, channel = scopeForm.channel.value.trim();
    ui.clearFieldErrors(scopeForm);
    ui.clearFieldErrors(form);
    return NT.gql(EDITED, { tier: tier, channel: channel }).then(function (data) {
      if (seq !== editing.seq) { return; }
      editing.tier = tier;
      editing.channel = channel;
      editing.effective = data.policies[0];
      editing.baseVersion = data.policyVersions.length ? data.policyVersions[0].version : 0;
      ui.clear(simBox);
      simBox.classList.remove("is-stale");
      if (version) { fill(parseJson(version.policy), version.underwriterThreshold); }
      else { fill(parseJson(editing.effective.policy), editing.effective.underwriterThreshold); }
      renderSource();
    }).catch(function (error) {
      if (seq !== editing.seq) { return; }
      if (error.field === "channel") { ui.showFieldErrors(scopeForm, [error]); return; }
      ui.formError(scopeForm, error);
    });
  }

  function transitionTable(sim) {
    var counts = {};
    sim.transitions.forEach(function (t) { counts[t.old + ">" + t.new] = t.count; });
    var head = h("tr", {}, h("th", { scope: "col" }, h("span", { class: "nt-visually-hidden" }, "In force ↓ / proposed →")),
      OUTCOMES.map(function (o) { return h("th", { scope: "col", class: "nt-num" }, "→ " + ui.humanize(o)); }));
    var rows = OUTCOMES.map(function (old) {
      return h("tr", {}, h("th", { scope: "row" }, ui.pill(old), h("span", { class: "nt-muted" }, " now")),
        OUTCOMES.map(function (next) {
          var n = counts[old + ">" + next] || 0;
          var tone = old === next ? "" : OUTCOMES.indexOf(next) > OUTCOMES.indexOf(old) ? " is-tighter" : " is-looser";
          return h("td", { class: "nt-num nt-transition" + (n ? tone : " is-zero") }, ui.number(n));
        }));
    });
    return h("table", { class: "nt-table nt-transitions", "aria-label": "Decisions now (rows) and under the proposed policy (columns)" },
      h("thead", {}, head), h("tbody", {}, rows));
  }

  function renderSimulation(sim, days) {
    simBox.classList.remove("is-stale");
    ui.clear(simBox);
    var summary = sim.total
      ? ui.plural(sim.total, "decision") + " of the last " + ui.plural(+days, "day") + " replayed: " + ui.number(sim.tightened) + " stricter, " +
        ui.number(sim.loosened) + " looser, " + ui.number(sim.total - sim.tightened - sim.loosened) + " unchanged."
      : "No stored decisions of this tier in the last " + days + " days: nothing to compare. Saving changes future orders only.";
    simBox.appendChild(h("p", { class: "nt-sim-summary" }, summary));
    if (!sim.total) { return; }
    simBox.appendChild(h("div", { class: "nt-table-wrap" }, transitionTable(sim)));
    if (!sim.changed.length) { simBox.appendChild(h("p", { class: "nt-hint" }, "No decision changes.")); return; }
    simBox.appendChild(h("h3", {}, "Changed decisions"));
    simBox.appendChild(h("div", { class: "nt-table-wrap" }, h("table", { class: "nt-table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Decision"), h("th", { scope: "col" }, "Company"),
        h("th", { scope: "col" }, "Now"), h("th", { scope: "col" }, "Proposed"), h("th", { scope: "col" }, "Why"))),
      h("tbody", {}, sim.changed.map(function (c) {
        return h("tr", {},
          h("td", { class: "nt-mono" }, "#" + c.decisionRecordId),
          h("td", {}, h("a", { class: "nt-link", href: NT.href("/app/companies/" + c.companyId) + "#decisions" }, c.companyName)),
          h("td", {}, ui.pill(c.old)), h("td", {}, ui.pill(c.new)),
          h("td", { dataset: { code: c.reason } }, c.message));
      })))));
  }

  function simulate() {
    var collected = collect();
    var days = form.days.value.trim() || "90";
    var errors = collected.errors.slice();
    if (!/^\d{1,3}$/.test(days) || +days < 1 || +days > 365) { errors.push({ code: "INVALID_DAYS", field: "days", message: "1 to 365 days." }); }
    if (errors.length) { ui.showFieldErrors(form, errors); return; }
    ui.clearFieldErrors(form);
    ui.busy(form, true);
    simBox.setAttribute("aria-busy", "true");
    var snapshot = JSON.stringify(collected);
    NT.gql(SIMULATE, { tier: editing.tier, channel: editing.channel, policy: JSON.stringify(collected.policy), days: parseInt(days, 10) })
      .then(function (data) {
        renderSimulation(data.policySimulate, parseInt(days, 10));
        if (JSON.stringify(collect()) === snapshot) {
          editing.simulated = snapshot;
          document.getElementById("p-save-hint").hidden = true;
        }
      }).catch(function (error) {
        ui.showFieldErrors(form, errorFields([{ code: error.code, field: error.field, message: error.message }]));
      }).then(function () {
        ui.busy(form, false);
        saveButton.disabled = !editing.simulated;
        simBox.removeAttribute("aria-busy");
      });
  }

  function save() {
    var collected = collect();
    if (collected.errors.length) { ui.showFieldErrors(form, collected.errors); return; }
    if (editing.simulated !== JSON.stringify(collected)) { markStale(); return; }
    var reason = form.reason.value.trim();
    if (!reason) { ui.showFieldErrors(form, [{ code: "REASON_REQUIRED", field: "reason", message: "Say why the policy changes." }]); return; }
    ui.busy(form, true);
    NT.gql(SAVE, { tier: editing.tier, channel: editing.channel, policy: JSON.stringify(collected.policy),
                   underwriterThreshold: collected.threshold, baseVersion: editing.baseVersion, reason: reason }).then(function (data) {
      var result = data.policySave;
      if (result.errors.length) { ui.showFieldErrors(form, errorFields(result.errors), { baseVersion: null, tier: null, channel: null }); return; }
      form.reason.value = "";
      ui.banner(statusEl, ui.humanize(editing.tier) + " policy for " + (editing.channel || "all channels") + " saved as v" + result.version.version + ".", "success");
      return Promise.all([loadPolicies(), loadEditor(), loadAudit()]);
    }).catch(function (error) { ui.formError(form, error); }).then(function () {
      ui.busy(form, false);
      saveButton.disabled = !editing.simulated;
    });
  }

  var resetDialog = document.getElementById("nt-reset-dialog");
  var resetForm = document.getElementById("nt-reset-form");
  resetButton.addEventListener("click", function (event) {
    var reason = form.reason.value.trim();
    if (!reason) { ui.showFieldErrors(form, [{ code: "REASON_REQUIRED", field: "reason", message: "Say why the saved policy is reset." }]); return; }
    document.getElementById("nt-reset-text").textContent = "The saved " + ui.humanize(editing.tier) + " policy for " +
      (editing.channel ? "channel " + editing.channel : "all channels") + " stops deciding orders; " +
      (editing.channel ? "the all-channels policy" : "the built-in fallback") + " decides again. The versions stay in the history.";
    ui.openDialog(resetDialog, event.currentTarget);
  });
  resetForm.addEventListener("submit", function (event) {
    event.preventDefault();
    ui.busy(resetForm, true);
    NT.gql(RESET, { tier: editing.tier, channel: editing.channel, baseVersion: editing.baseVersion, reason: form.reason.value.trim() })
      .then(function (data) {
        var result = data.policyReset;
        if (result.errors.length) { ui.showFieldErrors(resetForm, result.errors); return; }
        ui.closeDialog(resetDialog);
        form.reason.value = "";
        ui.banner(statusEl, result.version ? "Reset recorded as v" + result.version.version + "." : "Nothing was in force to reset.", "success");
        return Promise.all([loadPolicies(), loadEditor(), loadAudit()]);
      }).catch(function (error) { ui.formError(resetForm, error); }).then(function () { ui.busy(resetForm, false); });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (event.submitter && event.submitter.value === "save") { save(); } else { simulate(); }
  });
  form.addEventListener("input", function (event) { if (event.target.name !== "reason" && event.target.name !== "days") { markStale(); } });
  form.addEventListener("change", function (event) { if (event.target.type === "checkbox") { markStale(); } });
  scopeForm.addEventListener("submit", function (event) { event.preventDefault(); loadEditor(); });
  scopeForm.tier.addEventListener("change", function () { loadEditor(); });
  scopeForm.channel.addEventListener("input", ui.debounce(function () { loadEditor(); }, 400));
  document.getElementById("e-builtin").addEventListener("click", function () {
    if (editing.effective) { fill(parseJson(editing.effective.builtin), form.underwriterThreshold.value.trim()); }
  });

  // --- limit recommendations -------------------------------------------------------------------
  var recs = document.getElementById("nt-recs");
  var recStatus = document.getElementById("r-status");
  var recPager = ui.pager(document.getElementById("nt-recs-pager"), PAGE_SIZE, function () { loadRecommendations(); });

  function reasonList(json) {
    var reasons = parseJson(json);
    if (!Array.isArray(reasons) || !reasons.length) { return h("span", { class: "nt-muted" }, "—"); }
    return h("ul", { class: "nt-reasons" }, reasons.map(function (r) {
      if (typeof r !== "object" || r === null) { return h("li", {}, String(r)); }
      var details = Object.keys(r).filter(function (k) { return k !== "code"; })
        .map(function (k) { return ui.humanize(k).toLowerCase() + " " + (Array.isArray(r[k]) ? r[k].join(", ") : r[k]); }).join(" · ");
      return h("li", { dataset: { code: r.code || "" } }, ui.humanize(r.code), details ? ": " + details : "");
    }));
  }

  function loadRecommendations() {
    recs.setAttribute("aria-busy", "true");
    NT.gql(RECOMMENDATIONS, { status: recStatus.value || null, first: PAGE_SIZE, offset: recPager.offset }).then(function (data) {
      var rows = data.limitRecommendations;
      ui.clear(recs);
      if (!rows.length) { ui.tableMessage(recs, 7, "No limit recommendations."); }
      rows.forEach(function (r) {
        recs.appendChild(h("tr", {},
          h("td", {}, ui.dateTime(r.createdAt)),
          h("td", {}, h("a", { class: "nt-link", href: NT.href("/app/companies/" + r.company.id) }, r.company.legalName)),
          h("td", {}, ui.pill(r.action === "raise" ? "ACTIVE" : "ON_HOLD", r.action === "raise" ? "Raise" : "Lower")),
          h("td", { class: "nt-num" }, ui.moneyEl(r.currentLimit)),
          h("td", { class: "nt-num" }, ui.moneyEl(r.proposedLimit)),
          h("td", {}, reasonList(r.reasons)),
          h("td", {}, ui.humanize(r.status),
            r.approvalRequestId ? h("div", {}, h("a", { class: "nt-link", href: NT.href("/app/approvals/" + r.approvalRequestId) },
              "Approval request #" + r.approvalRequestId)) : h("div", { class: "nt-sub" }, "No approval request yet"))));
      });
      recPager.update(rows.length);
    }).catch(function (error) { ui.tableMessage(recs, 7, "Limit recommendations could not be loaded: " + ui.errorText(error), "error"); })
      .then(function () { recs.removeAttribute("aria-busy"); });
  }
  recStatus.addEventListener("change", function () { recPager.reset(); loadRecommendations(); });

  // --- audit trail ------------------------------------------------------------------------------
  // What an entry concerns: the company's name, else the object's own name, else its kind.
  function objectLabel(e) {
    if (e.companyName) { return e.companyName; }
    var state = parseJson(e.after) || parseJson(e.before) || {};
    var name = state && typeof state === "object" && (state.name || state.legal_name || state.number);
    return ui.humanize(e.objectType) + (name ? " “" + name + "”" : "");
  }
  var audit = document.getElementById("nt-audit");
  var pager = ui.pager(document.getElementById("nt-audit-pager"), PAGE_SIZE, function () { loadAudit(); });
  function loadAudit() {
    return NT.gql(AUDIT, { first: PAGE_SIZE, offset: pager.offset }).then(function (data) {
      var rows = data.auditEntries;
      ui.clear(audit);
      if (!rows.length) { ui.tableMessage(audit, 6, "The audit trail is empty."); }
      rows.forEach(function (e) {
        var object = objectLabel(e);
        audit.appendChild(h("tr", {},
          h("td", {}, ui.dateTime(e.occurredAt)), h("td", {}, ui.actor(e.actor)), h("td", { dataset: { code: e.action } }, ui.auditAction(e.action)),
          h("td", {}, e.companyId ? h("a", { class: "nt-link", href: NT.href("/app/companies/" + e.companyId) }, object) : object),
          h("td", {}, e.reason || "—"),
          h("td", {}, e.before || e.after ? h("details", {}, h("summary", {}, "Before / after"),
            h("pre", { class: "nt-pre" }, "before: " + pretty(e.before) + "\nafter: " + pretty(e.after))) : "—")));
      });
      pager.update(rows.length);
    }).catch(function (error) { ui.tableMessage(audit, 6, "The audit trail could not be loaded: " + ui.errorText(error), "error"); });
  }

  var csvButton = document.getElementById("nt-audit-csv");
  csvButton.addEventListener("click", function () {
    csvButton.disabled = true;
    csvButton.setAttribute("aria-busy", "true");
    NT.gql(AUDIT_CSV).then(function (data) {
      var url = URL.createObjectURL(new Blob([data.auditExportCsv], { type: "text/csv;charset=utf-8" }));
      var link = h("a", { href: url, download: "netterms-audit-" + ui.today() + ".csv", hidden: true });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      ui.banner(statusEl, "Audit trail downloaded (at most 10,000 rows, oldest first).", "success");
    }).catch(function (error) { ui.banner(statusEl, "The audit trail could not be exported: " + ui.errorText(error), "error"); })
      .then(function () { csvButton.disabled = false; csvButton.removeAttribute("aria-busy"); });
  });

  // One job per tab: what is in force, the editor with its simulation, the versions, the limit
  // recommendations and the audit trail (the hash names the tab: /app/policies#audit).
  var policyTabs = ui.tabs(document.getElementById("nt-policy-tabs"), function () {});

  ui.start(statusEl, function () { loadPolicies(); loadEditor(); loadRecommendations(); loadAudit(); });
})();
