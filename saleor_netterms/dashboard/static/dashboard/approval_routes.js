/* Approval routes: the list, and one editor for creating or changing a route (conditions and its
 * ordered steps: add, remove, move up/down). approvalRouteCreate / approvalRouteUpdate; steps given
 * replace the route's steps. Requests already open keep the chain they started with. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var statusEl = document.getElementById("nt-status");
  var tbody = document.getElementById("nt-routes");
  var editor = document.getElementById("nt-route-editor");
  var form = document.getElementById("nt-route-form");
  var stepList = document.getElementById("nt-route-steps");
  var routes = [];
  var editing = null; // the route being changed; null: a new one
  var steps = [];

  var ROUTE_FIELDS = "id name kind priority currency minAmount maxAmount reasonCodes channelSlug active\n" +
    "    steps { position name mode party approverEmails requiredPermission deadlineHours onDeadline }";
  var ROUTES = "query ApprovalRoutes {\n  approvalRoutes { " + ROUTE_FIELDS + " }\n}";
  var CREATE = "mutation ApprovalRouteCreate($input: ApprovalRouteInput!) {\n" +
    "  approvalRouteCreate(input: $input) { route { " + ROUTE_FIELDS + " } errors { code field message } }\n}";
  var UPDATE = "mutation ApprovalRouteUpdate($id: ID!, $input: ApprovalRouteInput!) {\n" +
    "  approvalRouteUpdate(id: $id, input: $input) { route { " + ROUTE_FIELDS + " } errors { code field message } }\n}";

  var ERROR_FIELDS = { "input.name": "name", "input.currency": "currency", "input.minAmount": "minAmount",
                       "input.maxAmount": "maxAmount", "input.kind": "kind", "input.priority": "priority", id: null };
  var DECIMAL = /^\d+(\.\d+)?$/;

  function bound(amount, currency) { return currency ? ui.money({ amount: amount, currency: currency }) : amount; }

  function conditions(r) {
    var parts = [];
    if (r.currency) { parts.push(r.currency); }
    if (r.minAmount !== null && r.maxAmount !== null) { parts.push("over " + bound(r.minAmount, r.currency) + " up to " + bound(r.maxAmount, r.currency)); }
    else if (r.minAmount !== null) { parts.push("over " + bound(r.minAmount, r.currency)); }
    else if (r.maxAmount !== null) { parts.push("up to " + bound(r.maxAmount, r.currency)); }
    if (r.reasonCodes.length) { parts.push("reason " + r.reasonCodes.join(" or ")); }
    if (r.channelSlug) { parts.push("channel " + r.channelSlug); }
    return parts.length ? parts.join(" · ") : "Always";
  }

  function stepSummary(s) {
    var who = s.approverEmails.length ? (s.mode === "ALL" ? "all of " : "any of ") + s.approverEmails.join(", ") : "";
    if (s.requiredPermission) { who = (who ? who + " or " : "") + "staff with " + s.requiredPermission; }
    var deadline = s.deadlineHours ? " · " + s.deadlineHours + " h, then " + ui.humanize(s.onDeadline).toLowerCase() : "";
    return h("li", {}, h("strong", {}, s.name), h("div", { class: "nt-sub" }, who + deadline));
  }

  function renderList() {
    ui.clear(tbody);
    if (!routes.length) { ui.tableMessage(tbody, 6, "No routes: requests go to staff with the default permission. Add a route to name approvers."); return; }
    routes.forEach(function (r) {
      tbody.appendChild(h("tr", {},
        h("td", { class: "nt-num" }, ui.number(r.priority)),
        h("td", {}, h("strong", {}, r.name), h("div", { class: "nt-sub" }, ui.humanize(r.kind))),
        h("td", {}, conditions(r)),
        h("td", {}, h("ol", { class: "nt-steps" }, r.steps.map(stepSummary))),
        h("td", {}, ui.pill(r.active ? "ACTIVE" : "CLOSED", r.active ? "Active" : "Inactive")),
        h("td", { class: "nt-actions" }, h("button", { type: "button", class: "nt-button is-secondary is-small",
          "aria-label": "Edit route " + r.name, onclick: function (e) { openEditor(r, e.currentTarget); } }, "Edit"))));
    });
  }

  function load() {
    tbody.setAttribute("aria-busy", "true");
    return NT.gql(ROUTES).then(function (data) { routes = data.approvalRoutes; renderList(); })
      .catch(function (error) { ui.tableMessage(tbody, 6, "Routes could not be loaded: " + ui.errorText(error), "error"); })
      .then(function () { tbody.removeAttribute("aria-busy"); });
  }

  // --- steps editor -----------------------------------------------------------------------------
  function blankStep() {
    return { name: "", mode: "ANY", approverEmails: [], requiredPermission: "", deadlineHours: null, onDeadline: "ESCALATE" };
  }

  // Reads the step inputs back into `steps` (before a re-render, and before saving).
  function readSteps() {
    steps = Array.prototype.map.call(stepList.children, function (li) {
      var get = function (name) { return li.querySelector('[data-field="' + name + '"]').value.trim(); };
      var hours = get("deadlineHours");
      return { name: get("name"), mode: get("mode"), requiredPermission: get("requiredPermission"),
               approverEmails: get("approverEmails").split(/[\s,;]+/).filter(Boolean),
               deadlineHours: hours === "" ? null : hours, onDeadline: get("onDeadline") };
    });
  }

  function select(id, field, value, options) {
    return h("select", { id: id, name: id, "data-field": field }, options.map(function (o) {
      return h("option", { value: o[0], selected: o[0] === value }, o[1]);
    }));
  }

  function renderSteps(focus) {
    ui.clear(stepList);
    steps.forEach(function (s, i) {
      var p = "steps." + i + ".";
      var n = i + 1;
      var li = h("li", { class: "nt-route-step" },
        h("div", { class: "nt-route-step-head" },
          h("h4", { id: "step-" + i + "-title" }, "Step " + n + (s.name ? ": " + s.name : "")),
          h("button", { type: "button", class: "nt-button is-secondary is-small", disabled: i === 0, "data-action": "up",
            "aria-label": "Move step " + n + " up", onclick: function () { move(i, -1, "up"); } }, "↑ Up"),
          h("button", { type: "button", class: "nt-button is-secondary is-small", disabled: i === steps.length - 1, "data-action": "down",
            "aria-label": "Move step " + n + " down", onclick: function () { move(i, 1, "down"); } }, "↓ Down"),
          h("button", { type: "button", class: "nt-button is-secondary is-small", disabled: steps.length === 1, "data-action": "remove",
            "aria-label": "Remove step " + n, onclick: function () { remove(i); } }, "Remove")),
        h("div", { class: "nt-form-grid" },
          h("div", { class: "nt-field" }, h("label", { for: p + "name" }, "Name"),
            h("input", { id: p + "name", name: p + "name", "data-field": "name", value: s.name, required: true, placeholder: "e.g. Credit manager" })),
          h("div", { class: "nt-field" }, h("label", { for: p + "mode" }, "Who must approve"),
            select(p + "mode", "mode", s.mode, [["ANY", "Any one approver"], ["ALL", "Every listed approver"]])),
          h("div", { class: "nt-field nt-span-2" }, h("label", { for: p + "approverEmails" }, "Approver e-mails"),
            h("textarea", { id: p + "approverEmails", name: p + "approverEmails", "data-field": "approverEmails", rows: 2,
              "aria-describedby": p + "approverEmails-hint" }, s.approverEmails.join("\n")),
            h("p", { class: "nt-hint", id: p + "approverEmails-hint" }, "Staff e-mails, one per line or comma-separated. With none, staff holding the permission approve.")),
          h("div", { class: "nt-field" }, h("label", { for: p + "requiredPermission" }, "Required permission"),
            h("input", { id: p + "requiredPermission", name: p + "requiredPermission", "data-field": "requiredPermission",
              value: s.requiredPermission, list: "nt-permissions", placeholder: "e.g. HANDLE_PAYMENTS", autocomplete: "off" })),
          h("div", { class: "nt-field" }, h("label", { for: p + "deadlineHours" }, "Deadline (hours)"),
            h("input", { id: p + "deadlineHours", name: p + "deadlineHours", "data-field": "deadlineHours", type: "number", min: "1", step: "1",
              value: s.deadlineHours === null ? "" : String(s.deadlineHours), placeholder: "none" })),
          h("div", { class: "nt-field" }, h("label", { for: p + "onDeadline" }, "When the deadline passes"),
            select(p + "onDeadline", "onDeadline", s.onDeadline, [["ESCALATE", "Escalate to the next step"], ["AUTO_DECLINE", "Decline automatically"]]))));
      stepList.appendChild(li);
    });
    if (focus) {
      var target = stepList.children[focus.index] && stepList.children[focus.index].querySelector(focus.selector);
      // a step moved to the top or bottom: its other move button keeps the keyboard user's place
      if (target && target.disabled) { target = stepList.children[focus.index].querySelector('[data-action]:not([disabled])'); }
      (target || document.getElementById("nt-step-add")).focus();
    }
  }

  function move(index, delta, action) {
    readSteps();
    var to = index + delta;
    var moved = steps.splice(index, 1)[0];
    steps.splice(to, 0, moved);
    renderSteps({ index: to, selector: '[data-action="' + action + '"]' });
    ui.banner(statusEl, "Step moved to position " + (to + 1) + ".", "");
  }

  function remove(index) {
    readSteps();
    steps.splice(index, 1);
    renderSteps({ index: Math.max(0, index - 1), selector: "input" });
  }

  document.getElementById("nt-step-add").addEventListener("click", function () {
    readSteps();
    steps.push(blankStep());
    renderSteps({ index: steps.length - 1, selector: "input" });
  });

  // --- route editor ---------------------------------------------------------------------------
  function openEditor(route, opener) {
    editing = route;
    editor._opener = opener;
    form.reset();
    ui.clearFieldErrors(form);
    document.getElementById("nt-route-form-title").textContent = route ? "Edit route “" + route.name + "”" : "New route";
    document.getElementById("nt-route-submit").textContent = route ? "Save route" : "Create route";
    if (route) {
      form.name.value = route.name;
      form.kind.value = route.kind;
      form.priority.value = String(route.priority);
      form.currency.value = route.currency;
      form.minAmount.value = route.minAmount || "";
      form.maxAmount.value = route.maxAmount || "";
      form.reasonCodes.value = route.reasonCodes.join(", ");
      form.channelSlug.value = route.channelSlug;
      form.active.checked = route.active;
      steps = route.steps.map(function (s) {
        return { name: s.name, mode: s.mode, approverEmails: s.approverEmails.slice(), requiredPermission: s.requiredPermission,
                 deadlineHours: s.deadlineHours, onDeadline: s.onDeadline };
      });
    } else {
      steps = [blankStep()];
    }
    renderSteps(null);
    editor.hidden = false;
    var title = document.getElementById("nt-route-form-title");
    title.scrollIntoView({ block: "start" });
    form.name.focus();
  }

  function closeEditor() {
    editor.hidden = true;
    var opener = editor._opener;
    editing = null;
    if (opener && document.body.contains(opener)) { opener.focus(); } else { document.getElementById("nt-route-new").focus(); }
  }

  function collect() {
    readSteps();
    var errors = [];
    var currency = form.currency.value.trim().toUpperCase();
    var minAmount = form.minAmount.value.trim(), maxAmount = form.maxAmount.value.trim();
    var priority = form.priority.value.trim();
    if (!form.name.value.trim()) { errors.push({ code: "REQUIRED", field: "name", message: "Give the route a name." }); }
    if (!/^\d{1,6}$/.test(priority)) { errors.push({ code: "INVALID", field: "priority", message: "A whole number, e.g. 100." }); }
    [["minAmount", minAmount], ["maxAmount", maxAmount]].forEach(function (pair) {
      if (pair[1] && !DECIMAL.test(pair[1])) { errors.push({ code: "INVALID_AMOUNT", field: pair[0], message: "An amount like 5000.00." }); }
      if (pair[1] && !currency) { errors.push({ code: "CURRENCY_REQUIRED", field: "currency", message: "Amount bounds need a currency." }); }
      // approvalRouteUpdate reads an omitted (null) bound as "unchanged": a set bound cannot be removed.
      if (!pair[1] && editing && editing[pair[0]] !== null) {
        errors.push({ code: "BOUND_NOT_REMOVABLE", field: pair[0], message: "The API cannot remove a bound yet: set another value, or create a new route and deactivate this one." });
      }
    });
    steps.forEach(function (s, i) {
      var p = "steps." + i + ".";
      if (!s.name) { errors.push({ code: "REQUIRED", field: p + "name", message: "Each step needs a name." }); }
      if (!s.approverEmails.length && !s.requiredPermission) {
        errors.push({ code: "REQUIRED", field: p + "approverEmails", message: "Name approvers by e-mail, or a permission below." });
      }
      if (s.approverEmails.some(function (e) { return e.indexOf("@") < 1; })) {
        errors.push({ code: "INVALID_EMAIL", field: p + "approverEmails", message: "An approver e-mail is not valid." });
      }
      if (s.deadlineHours !== null && !/^[1-9]\d{0,4}$/.test(s.deadlineHours)) {
        errors.push({ code: "INVALID", field: p + "deadlineHours", message: "Whole hours, 1 or more." });
      }
    });
    var input = {
      name: form.name.value.trim(), kind: form.kind.value, priority: parseInt(priority, 10) || 0, currency: currency,
      minAmount: minAmount || null, maxAmount: maxAmount || null,
      reasonCodes: form.reasonCodes.value.split(/[\s,;]+/).map(function (c) { return c.trim().toUpperCase(); }).filter(Boolean),
      channelSlug: form.channelSlug.value.trim(), active: form.active.checked,
      steps: steps.map(function (s) {
        return { name: s.name, mode: s.mode, approverEmails: s.approverEmails, requiredPermission: s.requiredPermission || null,
                 deadlineHours: s.deadlineHours === null ? null : parseInt(s.deadlineHours, 10), onDeadline: s.onDeadline };
      }),
    };
    return { input: input, errors: errors };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var collected = collect();
    if (collected.errors.length) { ui.showFieldErrors(form, collected.errors); return; }
    var creating = !editing;
    ui.busy(form, true);
    NT.gql(creating ? CREATE : UPDATE, creating ? { input: collected.input } : { id: editing.id, input: collected.input }).then(function (data) {
      var result = creating ? data.approvalRouteCreate : data.approvalRouteUpdate;
      if (result.errors.length) { ui.showFieldErrors(form, result.errors, ERROR_FIELDS); return; }
      ui.banner(statusEl, "Route “" + result.route.name + "” " + (creating ? "created" : "saved") + ". Requests already open keep their chain.", "success");
      closeEditor();
      return load();
    }).catch(function (error) { ui.formError(form, error); }).then(function () { ui.busy(form, false); });
  });
  form.addEventListener("input", function (event) {
    var field = event.target.dataset && event.target.dataset.field;
    if (field === "name") {
      var li = event.target.closest("li");
      var index = Array.prototype.indexOf.call(stepList.children, li);
      li.querySelector("h4").textContent = "Step " + (index + 1) + (event.target.value.trim() ? ": " + event.target.value.trim() : "");
    }
  });
  form.addEventListener("keydown", function (event) { if (event.key === "Escape" && !editor.hidden) { closeEditor(); } });
  document.getElementById("nt-route-cancel").addEventListener("click", closeEditor);
  document.getElementById("nt-route-new").addEventListener("click", function (e) { openEditor(null, e.currentTarget); });

  ui.start(statusEl, load);
})();
