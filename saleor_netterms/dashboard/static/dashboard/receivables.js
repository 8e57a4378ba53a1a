/* Receivables: headline tiles, the ageing bar chart, DSO/CEI trend lines, the utilisation
 * histogram, the cash forecast, top exposures and at-risk tables, drill-down to the company and
 * to the invoices behind any number, filters (as of, currency, channel, tier, basis, buckets) kept
 * in the URL, and CSV/XLSX downloads of every table. Everything through /graphql/; charts with the
 * vendored Chart.js 4.6.1 (static/dashboard/vendor/chartjs-4.6.1, MIT) in the Okabe–Ito
 * colour-blind-safe palette. Charts and tiles show one currency at a time: amounts of two
 * currencies are never added. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var statusEl = document.getElementById("nt-status");
  var form = document.getElementById("r-filters");
  var $ = function (id) { return document.getElementById(id); };
  // Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
  var OKABE_ITO = { blue: "#0072B2", sky: "#56B4E9", green: "#009E73", orange: "#E69F00", vermillion: "#D55E00",
    purple: "#CC79A7", yellow: "#F0E442", grey: "#999999" };
  var BUCKET_COLOURS = [OKABE_ITO.blue, OKABE_ITO.sky, OKABE_ITO.orange, OKABE_ITO.vermillion, OKABE_ITO.purple,
    OKABE_ITO.green, OKABE_ITO.yellow];
  var charts = {};
  var current = { currency: null, filters: null, buckets: [] };

  var MONEY = "{ amount currency }";
  var SCOPE_VARS = "$asOf: Date, $currency: String, $channel: String, $tier: String";
  var SCOPE_ARGS = "asOf: $asOf, currency: $currency, channel: $channel, tier: $tier";
  var AGEING_ROW = "key label companyId currency buckets " + MONEY + " disputed " + MONEY + " overdue " + MONEY +
    " total " + MONEY + " unappliedCredit " + MONEY + " invoices";
  var CURRENCIES = "query ReceivablesCurrencies(" + SCOPE_VARS + ") {\n" +
    "  receivablesAgeing(groupBy: CURRENCY, " + SCOPE_ARGS + ") { rows { currency total " + MONEY + " } }\n}";
  var PAGE = "query ReceivablesPage(" + SCOPE_VARS + ", $basis: AgeingBasis, $bounds: [Int!]) {\n" +
    "  total: receivablesAgeing(groupBy: TOTAL, basis: $basis, bounds: $bounds, " + SCOPE_ARGS + ") { asOf buckets rows { " + AGEING_ROW + " } }\n" +
    "  companies: receivablesAgeing(groupBy: COMPANY, first: 10, basis: $basis, bounds: $bounds, " + SCOPE_ARGS + ") { owingRows rows { " + AGEING_ROW + " } }\n" +
    "  receivablesMonthly(months: 24, " + SCOPE_ARGS + ") { currency months { month dsoCountBack dsoSimple dsoBestPossible cei } }\n" +
    "  receivablesUtilisation(currency: $currency, tier: $tier) { histogram { label count }\n" +
    "    nearLimit { companyId companyName percent exposure " + MONEY + " limit " + MONEY + " } nearLimitPercent }\n" +
    "  receivablesAtRisk(" + SCOPE_ARGS + ") { shareOver90 { currency percent }\n" +
    "    over90 { companyId companyName currency amount " + MONEY + " detail } onHold { companyId companyName currency amount " + MONEY + " detail }\n" +
    "    brokenPromises { companyId companyName currency amount " + MONEY + " detail } risingLateness { companyId companyName currency amount " + MONEY + " detail } }\n" +
    "  receivablesCashForecast(" + SCOPE_ARGS + ") { currency overdue " + MONEY + " later " + MONEY + " weeks { start end expected " + MONEY + " } }\n}";
  var ITEMS = "query ReceivablesOpenItems(" + SCOPE_VARS + ", $companyId: ID, $basis: AgeingBasis, $bounds: [Int!],\n" +
    "    $bucket: Int, $disputedOnly: Boolean, $overdueOnly: Boolean, $offset: Int) {\n" +
    "  receivablesOpenItemPage(" + SCOPE_ARGS + ", companyId: $companyId, basis: $basis, bounds: $bounds, bucket: $bucket,\n" +
    "      disputedOnly: $disputedOnly, overdueOnly: $overdueOnly, first: 100, offset: $offset) {\n" +
    "    totalCount items { receivableId reference invoiceId invoiceNumber orderNumber companyId companyName issueDate dueDate\n" +
    "    daysPastDue open " + MONEY + " disputed " + MONEY + " }\n  }\n}";
  var EXPORT = "query ReceivablesExport(" + SCOPE_VARS + ", $table: ReceivablesTable!, $format: ExportFormat,\n" +
    "    $groupBy: AgeingGrouping, $basis: AgeingBasis, $bounds: [Int!], $bucket: Int, $companyId: ID) {\n" +
    "  receivablesExport(table: $table, format: $format, groupBy: $groupBy, basis: $basis, bounds: $bounds,\n" +
    "      bucket: $bucket, companyId: $companyId, " + SCOPE_ARGS + ") { filename contentType encoding content rows }\n}";

  function cssVar(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }
  function num(money) { return money ? Number(money.amount) : 0; }
  function money(amount, currency) { return { amount: String(amount), currency: currency }; }

  // ---- filters (kept in the page URL next to the Dashboard's query) ----------------------------
  function readFilters() {
    var q = new URLSearchParams(window.location.search);
    var today = ui.today();
    form.asOf.value = q.get("asOf") || form.asOf.value || today;
    ["channel", "tier", "basis", "bounds"].forEach(function (key) { if (q.get(key) !== null) { form[key].value = q.get(key); } });
    if (q.get("currency")) { current.wantCurrency = q.get("currency"); }
  }

  function filters() {
    var bounds = form.bounds.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    return {
      asOf: form.asOf.value || null, channel: form.channel.value.trim() === "" ? null : form.channel.value.trim(),
      tier: form.tier.value || null, basis: form.basis.value || "DUE",
      bounds: bounds.length ? bounds.map(Number) : null,
    };
  }

  function writeUrl(f) {
    var q = new URLSearchParams(window.location.search);
    [["asOf", f.asOf], ["currency", current.currency], ["channel", f.channel], ["tier", f.tier],
      ["basis", f.basis === "DUE" ? null : f.basis], ["bounds", form.bounds.value === "0,30,60,90" ? null : form.bounds.value]]
      .forEach(function (pair) { if (pair[1]) { q.set(pair[0], pair[1]); } else { q.delete(pair[0]); } });
    window.history.replaceState(null, "", window.location.pathname + "?" + q.toString());
  }

  function scopeVars(extra) {
    var f = current.filters, vars = { asOf: f.asOf, currency: current.currency, channel: f.channel, tier: f.tier,
      basis: f.basis, bounds: f.bounds };
    Object.keys(extra || {}).forEach(function (k) { vars[k] = extra[k]; });
    return vars;
  }

  // ---- downloads --------------------------------------------------------------------------------
  function download(file) {
    var blob;
    if (file.encoding === "base64") {
      var raw = atob(file.content), bytes = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
      blob = new Blob([bytes], { type: file.contentType });
    } else {
      blob = new Blob([file.content], { type: file.contentType });
    }
    var link = h("a", { href: URL.createObjectURL(blob), download: file.filename, hidden: true });
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  function exportButtons(span) {
    var title = span.closest("section").querySelector("h2").textContent;
    ["CSV", "XLSX"].forEach(function (format) {
      span.appendChild(h("button", { type: "button", class: "nt-button is-secondary is-small",
        "aria-label": "Download " + title + " as " + format, onclick: function (event) {
          var button = event.currentTarget, extra = { table: span.dataset.table, format: format,
            groupBy: span.dataset.group || null };
          if (span.dataset.table === "OPEN_ITEMS" && current.drill) {
            extra.bucket = current.drill.bucket === undefined ? null : current.drill.bucket;
            extra.companyId = current.drill.companyId || null;
          }
          button.disabled = true;
          NT.gql(EXPORT, scopeVars(extra)).then(function (data) {
            download(data.receivablesExport);
            ui.banner(statusEl, data.receivablesExport.filename + " downloaded (" + data.receivablesExport.rows + " rows).", "success");
          }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); })
            .then(function () { button.disabled = false; });
        } }, format));
    });
  }

  // ---- drill-down: the invoices behind a number -------------------------------------------------
  function drill(what) {
    current.drill = what;
    var body = $("r-items"), vars = scopeVars({ companyId: what.companyId || null, offset: 0,
      bucket: what.bucket === undefined ? null : what.bucket, disputedOnly: !!what.disputed, overdueOnly: !!what.overdue });
    $("r-items-what").textContent = what.label + (current.currency ? " (" + current.currency + ")" : "") +
      ", as of " + ui.date(current.filters.asOf) + ".";
    body.setAttribute("aria-busy", "true");
    return NT.gql(ITEMS, vars).then(function (data) {
      ui.clear(body);
      var page = data.receivablesOpenItemPage, items = page.items;
      $("r-items-what").textContent = what.label + (current.currency ? " (" + current.currency + ")" : "") +
        ", as of " + ui.date(current.filters.asOf) + ": " + ui.plural(page.totalCount, "invoice") + ".";
      if (!items.length) { ui.tableMessage(body, 7, "No open invoices behind this number."); return; }
      items.forEach(function (i) {
        var label = i.invoiceNumber || i.reference;
        body.appendChild(h("tr", {},
          h("td", {}, i.invoiceId ? h("a", { class: "nt-link", href: NT.href("/app/invoices/" + i.invoiceId) }, label) : label,
            i.orderNumber ? h("div", { class: "nt-sub" }, "Order " + i.orderNumber) : null),
          h("td", {}, h("a", { class: "nt-link", href: NT.href("/app/companies/" + i.companyId) }, i.companyName)),
          h("td", {}, ui.date(i.issueDate)), h("td", {}, ui.date(i.dueDate)),
          h("td", { class: "nt-num" }, ui.number(i.daysPastDue)),
          h("td", { class: "nt-num" }, ui.money(i.open)), h("td", { class: "nt-num" }, ui.isZero(i.disputed) ? "—" : ui.money(i.disputed))));
      });
      if (page.totalCount > items.length) {
        body.appendChild(h("tr", {}, h("td", { colspan: 7, class: "nt-muted" }, "The first " + ui.number(items.length) +
          " of " + ui.plural(page.totalCount, "invoice") + "; download the table for all of them.")));
      }
    }).catch(function (error) { ui.tableMessage(body, 7, "The invoices could not be loaded: " + ui.errorText(error), "error"); })
      .then(function () { body.removeAttribute("aria-busy"); $("r-items-title").focus(); });
  }

  function drillButton(text, what) {
    return h("button", { type: "button", class: "r-drill", "aria-label": text + ": show the invoices of " + what.label,
      onclick: function () { drill(what); } }, text);
  }

  // ---- charts -------------------------------------------------------------------------------------
  function chart(id, config) {
    if (charts[id]) { charts[id].destroy(); }
    var text = cssVar("--nt-text") || "#1a1a1a", grid = cssVar("--nt-border") || "#e6e6e6";
    config.options = config.options || {};
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.animation = false;
    config.options.plugins = config.options.plugins || {};
    config.options.plugins.legend = config.options.plugins.legend || { labels: { color: text } };
    Object.keys(config.options.scales || {}).forEach(function (key) {
      var scale = config.options.scales[key];
      scale.ticks = scale.ticks || {};
      scale.ticks.color = text;
      scale.grid = scale.grid || { color: grid };
      if (scale.title) { scale.title.color = text; }
    });
    charts[id] = new window.Chart($(id), config);
    return charts[id];
  }

  function ageingChart(labels, row) {
    var values = row ? row.buckets.map(num).concat([num(row.disputed)]) : labels.map(function () { return 0; }).concat([0]);
    var names = labels.concat(["Disputed"]);
    var canvas = $("r-ageing-chart");
    canvas.setAttribute("aria-label", "Ageing in " + current.currency + ": " + names.map(function (n, i) {
      return n + " " + ui.money(money(values[i], current.currency)); }).join(", "));
    chart("r-ageing-chart", {
      type: "bar",
      data: { labels: names, datasets: [{ label: "Open " + (current.currency || ""), data: values,
        backgroundColor: labels.map(function (_, i) { return BUCKET_COLOURS[i % BUCKET_COLOURS.length]; }).concat([OKABE_ITO.grey]) }] },
      options: { plugins: { legend: { display: false } }, scales: { x: {}, y: { beginAtZero: true } },
        onClick: function (event, elements) {
          if (!elements.length) { return; }
          var index = elements[0].index;
          drill(index === labels.length ? { disputed: true, label: "Disputed" } : { bucket: index, label: labels[index] });
        } },
    });
  }

  function trendChart(series) {
    var months = series ? series.months : [];
    var d = function (key) { return months.map(function (m) { return m[key] === null ? null : Number(m[key]); }); };
    var last = months[months.length - 1];
    $("r-trend-chart").setAttribute("aria-label", "DSO and CEI by month" + (last ? "; " + last.month + ": DSO count-back " +
      (last.dsoCountBack || "—") + " days, CEI " + (last.cei || "—") + " %" : ""));
    chart("r-trend-chart", {
      type: "line",
      data: { labels: months.map(function (m) { return m.month; }), datasets: [
        { label: "DSO count-back (days)", data: d("dsoCountBack"), borderColor: OKABE_ITO.blue, backgroundColor: OKABE_ITO.blue, yAxisID: "y" },
        { label: "DSO simple (days)", data: d("dsoSimple"), borderColor: OKABE_ITO.orange, backgroundColor: OKABE_ITO.orange, borderDash: [6, 3], yAxisID: "y" },
        { label: "Best possible DSO (days)", data: d("dsoBestPossible"), borderColor: OKABE_ITO.green, backgroundColor: OKABE_ITO.green, borderDash: [2, 2], yAxisID: "y" },
        { label: "CEI (%)", data: d("cei"), borderColor: OKABE_ITO.purple, backgroundColor: OKABE_ITO.purple, yAxisID: "y1" },
      ] },
      options: { spanGaps: true, scales: { x: {}, y: { beginAtZero: true, title: { display: true, text: "days" } },
        y1: { position: "right", min: 0, suggestedMax: 100, title: { display: true, text: "CEI %" }, grid: { drawOnChartArea: false } } } },
    });
  }

  function utilisationChart(histogram) {
    $("r-util-chart").setAttribute("aria-label", "Companies by credit utilisation: " +
      histogram.map(function (b) { return b.label + " " + b.count; }).join(", "));
    chart("r-util-chart", {
      type: "bar",
      data: { labels: histogram.map(function (b) { return b.label; }), datasets: [{ label: "Companies",
        data: histogram.map(function (b) { return b.count; }),
        backgroundColor: histogram.map(function (b, i) { return i >= 8 ? OKABE_ITO.vermillion : OKABE_ITO.sky; }) }] },
      options: { plugins: { legend: { display: false } }, scales: { x: {}, y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  function forecastChart(forecast) {
    var labels = ["Overdue"], values = [forecast ? num(forecast.overdue) : 0];
    (forecast ? forecast.weeks : []).forEach(function (w) { labels.push("Week of " + ui.date(w.start)); values.push(num(w.expected)); });
    labels.push("Later");
    values.push(forecast ? num(forecast.later) : 0);
    $("r-forecast-chart").setAttribute("aria-label", "Expected receipts in " + current.currency + ": " + labels.map(function (l, i) {
      return l + " " + ui.money(money(values[i], current.currency)); }).join(", "));
    chart("r-forecast-chart", {
      type: "bar",
      data: { labels: labels, datasets: [{ label: "Expected " + (current.currency || ""), data: values,
        backgroundColor: labels.map(function (_, i) { return i === 0 ? OKABE_ITO.vermillion : i === labels.length - 1 ? OKABE_ITO.grey : OKABE_ITO.green; }) }] },
      options: { plugins: { legend: { display: false } }, scales: { x: {}, y: { beginAtZero: true } } },
    });
  }

  // ---- tiles and tables ---------------------------------------------------------------------------
  function tile(label, value, what) {
    return h("div", {}, h("dt", {}, label), h("dd", {}, what ? drillButton(value, what) : value));
  }

  function percentText(value) { return value === null || value === undefined ? "—" : value + " %"; }

  function renderTiles(row, month, share, forecast) {
    var tiles = $("r-tiles"), c = current.currency;
    ui.clear(tiles);
    $("r-tiles-currency").textContent = c ? "· " + c + " · as of " + ui.date(current.filters.asOf) : "";
    if (!row) { tiles.appendChild(tile("Open receivables", c ? ui.money(money("0", c)) : "Nothing open")); return; }
    // tenths of a percent, rounded half-up: floor((floor(2000·part/whole) + 1) / 2)
    var twice = ui.permille(ui.decimalSum([row.overdue.amount, row.overdue.amount]), row.total.amount);
    var overdueShare = twice === null ? null : Math.floor((twice + 1) / 2);
    var overduePct = overdueShare === null ? "—" : ui.percentFromPermille(overdueShare);
    var next4 = forecast ? ui.decimalSum(forecast.weeks.slice(0, 4).map(function (w) { return w.expected.amount; })) : "0";
    [tile("Open receivables", ui.money(row.total), { label: "All open invoices" }),
      tile("Overdue", ui.money(row.overdue) + " · " + overduePct, { overdue: true, label: "Overdue invoices" }),
      tile("More than 90 days", percentText(share), { bucket: row.buckets.length - 1, label: current.buckets[current.buckets.length - 1] }),
      tile("Disputed", ui.money(row.disputed), { disputed: true, label: "Disputed invoices" }),
      tile("Unapplied credit", ui.money(row.unappliedCredit)),
      tile("DSO (count-back)", month && month.dsoCountBack !== null ? month.dsoCountBack + " days" : "—"),
      tile("Best possible DSO", month && month.dsoBestPossible !== null ? month.dsoBestPossible + " days" : "—"),
      tile("CEI this month", percentText(month && month.cei)),
      tile("Expected next 4 weeks", ui.money(money(next4, c))),
    ].forEach(function (el) { tiles.appendChild(el); });
  }

  function ageingHead(thead, first, labels) {
    ui.clear(thead).appendChild(h("tr", {}, h("th", { scope: "col" }, first),
      labels.map(function (l) { return h("th", { scope: "col", class: "nt-num" }, l); }),
      h("th", { scope: "col", class: "nt-num" }, "Disputed"), h("th", { scope: "col", class: "nt-num" }, "Total"),
      h("th", { scope: "col", class: "nt-num" }, "Unapplied credit")));
  }

  function ageingCells(row, labels, companyId, name) {
    return [labels.map(function (l, i) {
      var cell = ui.money(row.buckets[i]);
      return h("td", { class: "nt-num" }, ui.isZero(row.buckets[i]) ? cell :
        drillButton(cell, { bucket: i, companyId: companyId, label: (name ? name + " · " : "") + l }));
    }), h("td", { class: "nt-num" }, ui.isZero(row.disputed) ? ui.money(row.disputed) :
      drillButton(ui.money(row.disputed), { disputed: true, companyId: companyId, label: (name ? name + " · " : "") + "Disputed" })),
    h("td", { class: "nt-num" }, drillButton(ui.money(row.total), { companyId: companyId, label: name || "All open invoices" })),
    h("td", { class: "nt-num" }, row.unappliedCredit ? ui.money(row.unappliedCredit) : "—")];
  }

  function renderAgeing(labels, row) {
    ageingHead($("r-top-head"), "Company", labels);
    var body = ui.clear($("r-ageing"));
    if (!row) { ui.tableMessage(body, labels.length + 4, "Nothing is open on this date."); return; }
    body.appendChild(h("tr", { class: "nt-total-row" }, h("th", { scope: "row" }, "All companies (" + current.currency + ")"),
      ageingCells(row, labels, null, null)));
  }

  function renderTop(labels, rows, owing) {
    // the server sends the 10 largest (receivablesAgeing first: 10) and how many owe something in all
    var body = ui.clear($("r-top"));
    var mine = rows.filter(function (r) { return r.currency === current.currency && num(r.total) > 0; }).slice(0, 10);
    if (!mine.length) { ui.tableMessage(body, labels.length + 4, "Nobody owes anything on this date."); return; }
    mine.forEach(function (r) {
      body.appendChild(h("tr", {}, h("th", { scope: "row" },
        h("a", { class: "nt-link", href: NT.href("/app/companies/" + r.companyId) }, r.label),
        h("div", { class: "nt-sub" }, r.invoices + " open")), ageingCells(r, labels, r.companyId, r.label)));
    });
    if (owing > mine.length) {
      body.appendChild(h("tr", {}, h("td", { class: "nt-muted", colspan: String(labels.length + 4) },
        "The " + mine.length + " largest of " + owing + " companies that owe something; the export holds them all.")));
    }
  }

  function renderRisk(risk, utilisation) {
    var body = ui.clear($("r-risk")), rows = [];
    [["More than 90 days", risk.over90], ["On hold", risk.onHold], ["Broken promise", risk.brokenPromises],
      ["Rising lateness", risk.risingLateness]].forEach(function (pair) {
      pair[1].filter(function (c) { return !c.currency || c.currency === current.currency; }).forEach(function (c) { rows.push([pair[0], c]); });
    });
    if (!rows.length) { ui.tableMessage(body, 4, "Nothing at risk on this date."); }
    rows.forEach(function (pair) {
      var c = pair[1];
      body.appendChild(h("tr", {}, h("td", {}, pair[0]),
        h("td", {}, h("a", { class: "nt-link", href: NT.href("/app/companies/" + c.companyId) }, c.companyName)),
        h("td", { class: "nt-num" }, c.amount ? drillButton(ui.money(c.amount), { companyId: c.companyId, label: c.companyName,
          bucket: pair[0] === "More than 90 days" ? current.buckets.length - 1 : undefined }) : "—"),
        h("td", {}, c.detail)));
    });
    var near = ui.clear($("r-near"));
    var mine = utilisation.nearLimit.filter(function (u) { return u.limit.currency === current.currency; });
    if (!mine.length) { ui.tableMessage(near, 4, "No company uses " + utilisation.nearLimitPercent + " % of its limit or more."); }
    mine.forEach(function (u) {
      near.appendChild(h("tr", {}, h("td", {}, h("a", { class: "nt-link", href: NT.href("/app/companies/" + u.companyId) }, u.companyName)),
        h("td", { class: "nt-num" }, ui.money(u.exposure)), h("td", { class: "nt-num" }, ui.money(u.limit)),
        h("td", { class: "nt-num" }, percentText(u.percent))));
    });
  }

  // ---- loading ------------------------------------------------------------------------------------
  function fillCurrencies(rows) {
    var select = form.currency, chosen = current.wantCurrency || select.value;
    ui.clear(select);
    rows.forEach(function (r) { select.appendChild(h("option", { value: r.currency }, r.currency)); });
    if (!rows.length) { select.appendChild(h("option", { value: "" }, "—")); }
    var known = rows.some(function (r) { return r.currency === chosen; });
    select.value = known ? chosen : (rows[0] ? rows[0].currency : "");  // rows come largest first
    current.wantCurrency = null;
    return select.value || null;
  }

  function load() {
    current.filters = filters();
    var base = scopeVars({ currency: null });
    document.body.setAttribute("aria-busy", "true");
    return NT.gql(CURRENCIES, { asOf: base.asOf, channel: base.channel, tier: base.tier }).then(function (data) {
      current.currency = fillCurrencies(data.receivablesAgeing.rows);
      writeUrl(current.filters);
      if (!current.currency) {
        renderTiles(null, null, null, null);
        ui.tableMessage(ui.clear($("r-ageing")), 6, "Nothing is open on this date.");
        return null;
      }
      return NT.gql(PAGE, scopeVars({}));
    }).then(function (data) {
      if (!data) { return; }
      var labels = data.total.buckets, row = data.total.rows.filter(function (r) { return r.currency === current.currency; })[0];
      var series = data.receivablesMonthly.filter(function (s) { return s.currency === current.currency; })[0];
      var month = series ? series.months[series.months.length - 1] : null;
      var share = data.receivablesAtRisk.shareOver90.filter(function (s) { return s.currency === current.currency; })[0];
      var forecast = data.receivablesCashForecast.filter(function (f) { return f.currency === current.currency; })[0];
      current.buckets = labels;
      renderTiles(row, month, share ? share.percent : null, forecast);
      renderAgeing(labels, row);
      renderTop(labels, data.companies.rows, data.companies.owingRows);
      renderRisk(data.receivablesAtRisk, data.receivablesUtilisation);
      if (window.Chart) {
        ageingChart(labels, row);
        trendChart(series);
        utilisationChart(data.receivablesUtilisation.histogram);
        forecastChart(forecast);
      }
      document.body.dataset.receivablesLoaded = "true";
    }).catch(function (error) {
      ui.banner(statusEl, "The receivables could not be loaded: " + ui.errorText(error), "error");
    }).then(function () { document.body.removeAttribute("aria-busy"); });
  }

  document.querySelectorAll(".r-export").forEach(exportButtons);
  form.addEventListener("submit", function (event) { event.preventDefault(); current.wantCurrency = form.currency.value; load(); });
  form.currency.addEventListener("change", function () { current.wantCurrency = form.currency.value; load(); });
  readFilters();
  ui.start(statusEl, load);
})();
