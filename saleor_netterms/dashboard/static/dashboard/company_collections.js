/* The company page's Collections tab: the company's collections timeline (collectionsTimeline) —
 * every reminder, call note and task, promise, dispute, payment, hold and charge, newest first.
 * Loaded before company.js, which shows it as one of its tabs (NetTerms.companyPanels). */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var match = window.location.pathname.match(/\/app\/companies\/(\d+)\/?$/);
  var companyId = match ? match[1] : null;
  var tbody = document.getElementById("col-rows");
  var PAGE = 25;
  if (!companyId || !tbody) { return; }

  var TIMELINE = "query CompanyCollectionsTimeline($companyId: ID!) {\n" +
    "  collectionsTimeline(companyId: $companyId) { at kind level summary actor }\n}";
  var events = null;

  function render(rows) {
    rows.forEach(function (e) {
      tbody.appendChild(h("tr", {},
        h("td", {}, ui.dateTime(e.at)),
        h("td", {}, ui.humanize(e.kind)),
        h("td", { class: "nt-num" }, e.level ? String(e.level) : h("span", { class: "nt-muted" }, "—")),
        h("td", {}, e.summary),
        h("td", { class: "nt-muted" }, e.actor)));
    });
  }

  NT.companyPanels = NT.companyPanels || {};
  NT.companyPanels.collections = {
    cols: 5, tbody: tbody, pagerId: "col-pager",
    load: function (offset) {
      var fetched = events && offset ? Promise.resolve(events) : NT.gql(TIMELINE, { companyId: companyId }).then(
        function (data) { events = data.collectionsTimeline; return events; });
      return fetched.then(function (all) { return all.slice(offset, offset + PAGE); });
    },
    render: function (body, rows) { render(rows); },
    empty: "Nothing yet: no reminders, promises, disputes or payments for this company.",
  };
})();
