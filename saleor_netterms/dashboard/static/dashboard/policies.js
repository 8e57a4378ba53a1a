/* Policies: the credit policy in force per tier, its saved versions, and the audit trail (read-only). */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var PAGE_SIZE = 50;
  var statusEl = document.getElementById("nt-status");

  var POLICIES = "query Policies {\n  policies { tier channel source version versionScope policy underwriterThreshold }\n" +
    "  policyVersions { id tier channel version active policy underwriterThreshold createdBy createdAt reason }\n}";
  var AUDIT = "query AuditEntries($first: Int, $offset: Int) {\n" +
    "  auditEntries(first: $first, offset: $offset) { id occurredAt actor action objectType objectId companyId before after reason }\n}";

  function pretty(json) {
    try { return JSON.stringify(typeof json === "string" ? JSON.parse(json) : json, null, 2); } catch (e) { return String(json); }
  }

  function loadPolicies() {
    var body = document.getElementById("nt-policies");
    var versions = document.getElementById("nt-versions");
    NT.gql(POLICIES).then(function (data) {
      ui.clear(body);
      if (!data.policies.length) { ui.tableMessage(body, 5, "No policies."); }
      data.policies.forEach(function (p) {
        body.appendChild(h("tr", {},
          h("td", {}, ui.humanize(p.tier)),
          h("td", {}, ui.humanize(p.source)),
          h("td", {}, p.version === null || p.version === undefined ? "Built in" : "v" + p.version + (p.versionScope ? " · " + p.versionScope : "")),
          h("td", { class: "nt-num" }, p.underwriterThreshold || h("span", { class: "nt-muted" }, "settings")),
          h("td", {}, h("details", {}, h("summary", {}, "Show rules"), h("pre", { class: "nt-pre" }, pretty(p.policy))))));
      });
      ui.clear(versions);
      if (!data.policyVersions.length) { ui.tableMessage(versions, 6, "No saved versions: orders get the plain credit-limit check (or the built-in tier policy when CREDIT_TIER_POLICIES_BUILTIN is on)."); }
      data.policyVersions.forEach(function (v) {
        versions.appendChild(h("tr", {},
          h("td", {}, ui.dateTime(v.createdAt)), h("td", {}, ui.humanize(v.tier)), h("td", {}, v.channel || "All channels"),
          h("td", {}, "v" + v.version + (v.active ? "" : " (reset)")), h("td", {}, v.createdBy), h("td", {}, v.reason || "—")));
      });
    }).catch(function (error) {
      ui.tableMessage(body, 5, "Policies could not be loaded: " + ui.errorText(error), "error");
      ui.tableMessage(versions, 6, "—");
    });
  }

  var audit = document.getElementById("nt-audit");
  var pager = ui.pager(document.getElementById("nt-audit-pager"), PAGE_SIZE, function () { loadAudit(); });
  function loadAudit() {
    NT.gql(AUDIT, { first: PAGE_SIZE, offset: pager.offset }).then(function (data) {
      var rows = data.auditEntries;
      ui.clear(audit);
      if (!rows.length) { ui.tableMessage(audit, 6, "The audit trail is empty."); }
      rows.forEach(function (e) {
        var object = e.objectType + " " + e.objectId;
        audit.appendChild(h("tr", {},
          h("td", {}, ui.dateTime(e.occurredAt)), h("td", {}, e.actor), h("td", {}, h("code", {}, e.action)),
          h("td", {}, e.companyId ? h("a", { class: "nt-link", href: NT.href("/app/companies/" + e.companyId) }, object) : object),
          h("td", {}, e.reason || "—"),
          h("td", {}, e.before || e.after ? h("details", {}, h("summary", {}, "Before / after"),
            h("pre", { class: "nt-pre" }, "before: " + pretty(e.before) + "\nafter: " + pretty(e.after))) : "—")));
      });
      pager.update(rows.length);
    }).catch(function (error) { ui.tableMessage(audit, 6, "The audit trail could not be loaded: " + ui.errorText(error), "error"); });
  }

  ui.start(statusEl, function () { loadPolicies(); loadAudit(); });
})();
