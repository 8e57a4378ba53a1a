/* Overview page: waits for the Dashboard token, asks /app/session, renders (textContent only). */
(function () {
  "use strict";
  var NT = window.NetTerms;
  var statusEl = document.getElementById("nt-status");

  function banner(text, kind) {
    statusEl.textContent = text;
    statusEl.className = "nt-banner" + (kind ? " is-" + kind : "");
    statusEl.hidden = !text;
  }

  function setFields(container, values) {
    Object.keys(values).forEach(function (key) {
      var el = container.querySelector('[data-field="' + key + '"]');
      if (el) { el.textContent = values[key] === null || values[key] === undefined || values[key] === "" ? "—" : String(values[key]); }
    });
  }

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  function render(session) {
    var inst = session.installation;
    setFields(document.getElementById("nt-installation"), {
      saleorApiUrl: inst.saleorApiUrl, status: NT.ui.humanize(inst.status),
      installedAt: NT.ui.dateTime(inst.installedAt), jwksKids: (inst.jwksKids || []).join(", "),
    });
    setFields(document.getElementById("nt-webhooks"), session.webhooks24h);

    var warnings = document.getElementById("nt-warnings");
    warnings.textContent = "";
    (session.warnings || []).forEach(function (warning) {
      var div = document.createElement("div");
      div.className = "nt-banner is-warning";
      div.setAttribute("role", "alert");
      div.textContent = warning.message;
      if (warning.href) {
        var link = document.createElement("a");
        link.className = "nt-link";
        link.href = NT.href ? NT.href(warning.href) : warning.href;
        link.textContent = warning.code === "E_INVOICE_UNAVAILABLE" ? " Open the invoice" : " Open the seller profile";
        div.appendChild(document.createTextNode(" "));
        div.appendChild(link);
      }
      warnings.appendChild(div);
    });

    var body = document.getElementById("nt-channels");
    body.textContent = "";
    if (session.channelsError) {
      var errRow = document.createElement("tr");
      cell(errRow, "Channels could not be loaded: " + session.channelsError.message, "nt-muted").colSpan = 4;
      body.appendChild(errRow);
    }
    (session.channels || []).forEach(function (channel) {
      var row = document.createElement("tr");
      cell(row, channel.name + " (" + channel.slug + ")");
      cell(row, channel.currencyCode);
      var flow = (channel.paymentSettings || {}).defaultTransactionFlowStrategy || "—";
      var td = cell(row, "");
      var pill = document.createElement("span");
      pill.className = "nt-pill" + (flow === "AUTHORIZATION" ? "" : " is-warning");
      pill.textContent = NT.ui.humanize(flow);
      td.appendChild(pill);
      cell(row, (channel.orderSettings || {}).allowUnpaidOrders ? "allowed" : "not allowed");
      body.appendChild(row);
    });
    banner("", null);
  }

  // --- business time zone (GraphQL) ----------------------------------------------------------
  var SETTINGS = "query InstallationSettings {\n  installationSettings { timeZone today timeZones }\n}";
  var SETTINGS_UPDATE = "mutation InstallationSettingsUpdate($timeZone: String!) {\n" +
    "  installationSettingsUpdate(timeZone: $timeZone) { settings { timeZone today } errors { code field message } }\n}";
  var tzForm = document.getElementById("nt-timezone-form");
  var tzSelect = document.getElementById("f-timeZone");

  function renderSettings(settings, withOptions) {
    if (withOptions) {
      while (tzSelect.firstChild) { tzSelect.removeChild(tzSelect.firstChild); }
      settings.timeZones.forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;
        option.textContent = name.replace(/_/g, " ");
        tzSelect.appendChild(option);
      });
    }
    tzSelect.value = settings.timeZone;
    document.getElementById("nt-business-today").textContent = NT.ui ? NT.ui.date(settings.today) : settings.today;
  }

  function loadSettings() {
    NT.gql(SETTINGS).then(function (data) { renderSettings(data.installationSettings, true); })
      .catch(function (error) { banner("The time zone could not be loaded: " + (error.message || error), "error"); });
  }

  tzForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = tzForm.querySelector("button[type=submit]");
    button.disabled = true;
    NT.gql(SETTINGS_UPDATE, { timeZone: tzSelect.value }).then(function (data) {
      var result = data.installationSettingsUpdate;
      if (result.errors.length) {
        banner(result.errors[0].message, "error");
        return;
      }
      renderSettings(result.settings, false);
      banner("Saved: business dates are now in " + result.settings.timeZone + ".", "success");
    }).catch(function (error) { banner(error.message || String(error), "error"); })
      .then(function () { button.disabled = false; });
  });

  function load() {
    loadSettings();
    banner("Loading…", null);
    NT.fetch("/app/session").then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) {
        var error = (result.body && result.body.error) || { message: "The app could not load." };
        banner(NT.ui.errorText(error), "error");
        return;
      }
      render(result.body);
    }).catch(function () { banner("The app's server could not be reached.", "error"); });
  }

  if (!NT.inDashboard) {
    banner("Open this page from the Saleor Dashboard (Apps → Net Terms).", "warning");
    return;
  }
  NT.onToken(function () { load(); });
  NT.notifyReady();
})();
