/* Collections: the book (level, next action and date, promises, disputes, tasks) with filters, a
 * company's timeline, one-click "send statement", tasks due today, the ladder editor with a
 * preview over the current book, and a dry run of today's run. Everything through /graphql/. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var statusEl = document.getElementById("nt-status");
  var book = document.getElementById("c-book");
  var filters = document.getElementById("c-filters");
  var tasks = document.getElementById("c-tasks");
  var ladderForm = document.getElementById("c-ladder-form");
  var policySelect = document.getElementById("c-policy");
  var previewOut = document.getElementById("c-preview-out");
  var timelineDialog = document.getElementById("c-timeline-dialog");
  var runDialog = document.getElementById("c-run-dialog");
  var policies = [];

  var ROW = "company { id legalName } policy level levelName daysOverdue overdue { amount currency }\n" +
    "    chargesOpen { amount currency } disputed { amount currency } nextAction nextReason nextDate\n" +
    "    promise { promisedDate amount { amount currency } status } openDisputes onHold agency\n" +
    "    openTask { id title assignee }";
  var BOOK_ARGS = "$search: String, $level: Int, $overdueOnly: Boolean, $withPromise: Boolean,\n    $withDispute: Boolean, $sort: String";
  var BOOK_VARS = "search: $search, level: $level, overdueOnly: $overdueOnly,\n      withPromise: $withPromise, " +
    "withDispute: $withDispute, sort: $sort";
  var BOOK = "query CollectionsBook(" + BOOK_ARGS + ") {\n  collectionsBook(" + BOOK_VARS + ") {\n    " + ROW + "\n  }\n}";
  var BOOK_CSV = "query CollectionsBookCsv(" + BOOK_ARGS + ") {\n  collectionsBookCsv(" + BOOK_VARS + ")\n}";
  var PREVIEW = "query CollectionsPreview($levels: String!) {\n  collectionsPreview(levels: $levels) {\n    " + ROW + "\n  }\n}";
  var TIMELINE = "query CollectionsTimeline($companyId: ID!) {\n" +
    "  collectionsTimeline(companyId: $companyId) { at kind level summary actor }\n}";
  var TASKS = "query CollectionsTasksDue {\n  collectionsTasksDue { id title assignee dueDate level company { id legalName } }\n}";
  var POLICIES = "query DunningPolicies {\n  dunningPolicies { id name isDefault minGapDays timeZone thanksEnabled interest levels }\n}";
  var SAVE = "mutation DunningPolicySave($id: ID, $name: String!, $levels: String!, $isDefault: Boolean,\n" +
    "    $minGapDays: Int, $timeZone: String, $thanksEnabled: Boolean, $interest: String) {\n" +
    "  dunningPolicySave(id: $id, name: $name, levels: $levels, isDefault: $isDefault, minGapDays: $minGapDays,\n" +
    "      timeZone: $timeZone, thanksEnabled: $thanksEnabled, interest: $interest) {\n" +
    "    policy { id name }\n    errors { code field message }\n  }\n}";
  var STATEMENT = "mutation StatementSend($companyId: ID!) {\n  statementSend(companyId: $companyId) { ok errors { code field message } }\n}";
  var TASK_CLOSE = "mutation CollectionsTaskClose($id: ID!, $status: String!, $note: String) {\n" +
    "  collectionsTaskClose(id: $id, status: $status, note: $note) { task { id status } errors { code field message } }\n}";
  var DRY_RUN = "mutation CollectionsDryRun {\n  collectionsRun(dryRun: true) {\n" +
    "    outcomes { companyId company action reason level steps { kind summary } }\n    errors { code field message }\n  }\n}";

  function moneys(list) {
    if (!list || !list.length) { return h("span", { class: "nt-muted" }, "—"); }
    return list.map(function (m, i) { return [i ? ", " : "", ui.money(m)]; });
  }

  function rowCells(r, withActions) {
    var next = r.nextAction === "none" || r.nextAction === "wait" ? ui.humanize(r.nextReason) : r.nextAction;
    var notes = [];
    if (r.promise) { notes.push("Promise " + ui.money(r.promise.amount) + " by " + ui.date(r.promise.promisedDate)); }
    if (r.openDisputes) { notes.push(r.openDisputes + " dispute" + (r.openDisputes > 1 ? "s" : "")); }
    if (r.openTask) { notes.push("Task: " + r.openTask.title + " (" + r.openTask.assignee + ")"); }
    if (r.onHold) { notes.push("On hold"); }
    if (r.agency) { notes.push("With the agency"); }
    return [
      h("td", {}, h("a", { class: "nt-link", href: NT.href("/app/companies/" + r.company.id) }, r.company.legalName),
        h("div", { class: "nt-sub" }, r.policy)),
      h("td", {}, r.level ? (r.level + " · " + r.levelName) : h("span", { class: "nt-muted" }, "—")),
      h("td", { class: "nt-num" }, ui.number(r.daysOverdue)),
      h("td", {}, moneys(r.overdue)),
      h("td", {}, moneys(r.chargesOpen)),
      h("td", {}, next, h("div", { class: "nt-sub" }, r.nextDate ? ui.date(r.nextDate) : "")),
      h("td", {}, notes.length ? notes.join(" · ") : h("span", { class: "nt-muted" }, "—")),
      withActions ? h("td", { class: "nt-actions" },
        h("button", { type: "button", class: "nt-button is-secondary is-small", onclick: function (e) { timeline(r.company, e.currentTarget); } }, "Timeline"),
        " ",
        h("button", { type: "button", class: "nt-button is-secondary is-small", onclick: function (e) { sendStatement(r.company, e.currentTarget); } }, "Send statement"))
        : h("td", {})];
  }

  var bookSort = ui.sortable(document.getElementById("c-book-head"), "-DAYS_OVERDUE", function () { loadBook(); });
  function bookVariables() {
    var level = filters.level.value.trim();
    return { search: filters.search.value.trim() || null, level: /^\d+$/.test(level) ? Number(level) : null,
      overdueOnly: filters.overdue.checked || null, withPromise: filters.promises.checked || null,
      withDispute: filters.disputes.checked || null, sort: bookSort.value };
  }

  function loadBook() {
    book.setAttribute("aria-busy", "true");
    return NT.gql(BOOK, bookVariables()).then(function (data) {
      ui.clear(book);
      document.getElementById("c-book-count").textContent = "(" + ui.plural(data.collectionsBook.length, "company", "companies") + ")";
      if (!data.collectionsBook.length) { ui.tableMessage(book, 8, "Nobody owes anything overdue. 🎉"); return; }
      data.collectionsBook.forEach(function (r) { book.appendChild(h("tr", {}, rowCells(r, true))); });
    }).catch(function (error) { ui.tableMessage(book, 8, "The book could not be loaded: " + ui.errorText(error), "error"); })
      .then(function () { book.removeAttribute("aria-busy"); });
  }

  var bookCsv = document.getElementById("c-book-csv");
  bookCsv.addEventListener("click", function () {
    bookCsv.disabled = true;
    NT.gql(BOOK_CSV, bookVariables()).then(function (data) {
      ui.download(data.collectionsBookCsv, "netterms-collections-" + ui.today() + ".csv");
      ui.banner(statusEl, "The collections book exported (the current filter).", "success");
    }).catch(function (error) { ui.banner(statusEl, "The book could not be exported: " + ui.errorText(error), "error"); })
      .then(function () { bookCsv.disabled = false; });
  });

  function timeline(company, opener) {
    var list = document.getElementById("c-timeline");
    document.getElementById("c-timeline-title").textContent = "Timeline — " + company.legalName;
    ui.clear(list);
    NT.gql(TIMELINE, { companyId: company.id }).then(function (data) {
      if (!data.collectionsTimeline.length) { list.appendChild(h("li", { class: "nt-empty" }, "Nothing yet.")); }
      data.collectionsTimeline.forEach(function (e) {
        list.appendChild(h("li", {}, h("strong", {}, ui.dateTime(e.at)), " · ", ui.humanize(e.kind), " · ", e.summary,
          h("span", { class: "nt-muted" }, " — " + e.actor)));
      });
    }).catch(function (error) { list.appendChild(h("li", { class: "nt-empty is-error" }, ui.errorText(error))); });
    ui.openDialog(timelineDialog, opener);
  }

  function sendStatement(company, button) {
    button.disabled = true;
    NT.gql(STATEMENT, { companyId: company.id }).then(function (data) {
      var errors = data.statementSend.errors;
      ui.banner(statusEl, errors.length ? ui.errorText(errors[0]) : "Statement sent to " + company.legalName + ".",
        errors.length ? "error" : "success");
    }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); })
      .then(function () { button.disabled = false; });
  }

  function loadTasks() {
    return NT.gql(TASKS, {}).then(function (data) {
      ui.clear(tasks);
      if (!data.collectionsTasksDue.length) { tasks.appendChild(h("li", { class: "nt-empty" }, "No task due today.")); return; }
      data.collectionsTasksDue.forEach(function (t) {
        function close(status) {
          NT.gql(TASK_CLOSE, { id: t.id, status: status, note: window.prompt("Call note (optional)") || "" })
            .then(function () { loadTasks(); loadBook(); });
        }
        tasks.appendChild(h("li", {}, h("strong", {}, t.company.legalName), " · ", t.title, " · ", t.assignee,
          " · due ", ui.date(t.dueDate), " ",
          h("button", { type: "button", class: "nt-button is-small", onclick: function () { close("done"); } }, "Done"), " ",
          h("button", { type: "button", class: "nt-button is-secondary is-small", onclick: function () { close("skipped"); } }, "Skip")));
      });
    }).catch(function (error) { ui.clear(tasks).appendChild(h("li", { class: "nt-empty is-error" }, ui.errorText(error))); });
  }

  function fillLadder() {
    var p = policies.filter(function (x) { return x.id === policySelect.value; })[0];
    ladderForm.name.value = p ? p.name : "";
    ladderForm.gap.value = p ? p.minGapDays : "3";
    ladderForm.tz.value = p ? p.timeZone : "";
    ladderForm.isDefault.checked = p ? p.isDefault : true;
    ladderForm.thanks.checked = p ? p.thanksEnabled : true;
    ladderForm.levels.value = p ? JSON.stringify(JSON.parse(p.levels), null, 2) : JSON.stringify([
      { offset_days: -3, name: "Friendly reminder", template: "before_due" },
      { offset_days: 1, name: "Overdue", template: "overdue" },
      { offset_days: 14, name: "Final notice", template: "final", hold_mode: "decline" }], null, 2);
    ladderForm.interest.value = p && p.interest ? p.interest : "";
  }

  function loadPolicies() {
    return NT.gql(POLICIES, {}).then(function (data) {
      policies = data.dunningPolicies;
      ui.clear(policySelect);
      policies.forEach(function (p) { policySelect.appendChild(h("option", { value: p.id }, p.name + (p.isDefault ? " (default)" : ""))); });
      policySelect.appendChild(h("option", { value: "" }, "New ladder…"));
      fillLadder();
    });
  }
  policySelect.addEventListener("change", fillLadder);

  document.getElementById("c-preview").addEventListener("click", function () {
    ui.clear(previewOut);
    NT.gql(PREVIEW, { levels: ladderForm.levels.value }).then(function (data) {
      var rows = data.collectionsPreview;
      var table = h("table", { class: "nt-table" }, h("tbody", {}, rows.map(function (r) { return h("tr", {}, rowCells(r, false)); })));
      previewOut.appendChild(h("p", { class: "nt-hint" }, rows.length + " companies under this ladder today (nothing is saved):"));
      previewOut.appendChild(h("div", { class: "nt-table-wrap" }, table));
    }).catch(function (error) { previewOut.appendChild(h("div", { class: "nt-banner is-error" }, ui.errorText(error))); });
  });

  ladderForm.addEventListener("submit", function (event) {
    event.preventDefault();
    ui.clearFieldErrors(ladderForm);
    var gap = ladderForm.gap.value.trim();
    NT.gql(SAVE, { id: policySelect.value || null, name: ladderForm.name.value.trim(), levels: ladderForm.levels.value,
      isDefault: ladderForm.isDefault.checked, minGapDays: /^\d+$/.test(gap) ? Number(gap) : null,
      timeZone: ladderForm.tz.value.trim(), thanksEnabled: ladderForm.thanks.checked,
      interest: ladderForm.interest.value.trim() }).then(function (data) {
      var result = data.dunningPolicySave;
      if (result.errors.length) { ui.showFieldErrors(ladderForm, result.errors, {}); return; }
      ui.banner(statusEl, "Ladder “" + result.policy.name + "” saved.", "success");
      return loadPolicies().then(loadBook);
    }).catch(function (error) { ui.formError(ladderForm, error); });
  });

  document.getElementById("c-dry-run").addEventListener("click", function (event) {
    var list = document.getElementById("c-run");
    ui.clear(list);
    NT.gql(DRY_RUN, {}).then(function (data) {
      var outcomes = data.collectionsRun.outcomes.filter(function (o) { return o.steps.length; });
      if (!outcomes.length) { list.appendChild(h("li", { class: "nt-empty" }, "Nothing to do right now.")); }
      outcomes.forEach(function (o) {
        list.appendChild(h("li", {}, h("strong", {}, o.company), " · ", ui.humanize(o.action), " · ",
          o.steps.map(function (s, i) { return [i ? "; " : "", s.summary]; })));
      });
    }).catch(function (error) { list.appendChild(h("li", { class: "nt-empty is-error" }, ui.errorText(error))); });
    ui.openDialog(runDialog, event.currentTarget);
  });
  [timelineDialog, runDialog].forEach(function (d) {
    d.querySelector("[data-close]").addEventListener("click", function () { ui.closeDialog(d); });
  });

  filters.addEventListener("submit", function (event) { event.preventDefault(); loadBook(); });
  filters.addEventListener("change", loadBook);
  filters.search.addEventListener("input", ui.debounce(loadBook, 300));
  ui.start(statusEl, function () { loadBook(); loadTasks(); loadPolicies(); });
})();
