/*
 * NetTerms.ui: small DOM and formatting helpers shared by the pages (no framework, textContent only).
 * Every page formats through these — money, dates, numbers, plurals, languages, reasons, audit
 * actions and actors — so the same value reads the same on every page, in the Dashboard's locale.
 * (Tax ids and postal addresses need national rules: the API sends them formatted, core/formatting.py.)
 *
 * Amounts arrive as exact decimal strings ("1250.00") with an ISO 4217 code and are formatted with
 * Intl.NumberFormat for the Dashboard's ?locale= — the string is handed to Intl as is (exact
 * decimal), never parsed into a float. Sums and ratios use BigInt minor units.
 */
(function () {
  "use strict";
  var NT = window.NetTerms;
  var params = new URLSearchParams(window.location.search);

  function pickLocale(raw) {
    var candidates = [];
    if (raw) { candidates.push(raw.replace(/_/g, "-")); }
    if (navigator.language) { candidates.push(navigator.language); }
    candidates.push("en");
    for (var i = 0; i < candidates.length; i++) {
      try {
        var canonical = Intl.getCanonicalLocales(candidates[i])[0];
        if (canonical && Intl.NumberFormat.supportedLocalesOf([canonical]).length) { return canonical; }
      } catch (e) { /* not a locale: try the next */ }
    }
    return "en";
  }

  var locale = pickLocale(params.get("locale"));
  document.documentElement.setAttribute("lang", locale);
  var moneyFormats = {};

  function moneyFormat(currency) {
    if (!moneyFormats[currency]) {
      try {
        moneyFormats[currency] = new Intl.NumberFormat(locale, { style: "currency", currency: currency });
      } catch (e) { moneyFormats[currency] = null; }
    }
    return moneyFormats[currency];
  }

  // "1250.00" + "USD" -> "$1,250.00" (en-US) / "1.250,00 $" (de). Exact: the string goes to Intl.
  function money(value) {
    if (!value || value.amount === undefined || value.amount === null) { return "—"; }
    var format = moneyFormat(value.currency);
    return format ? format.format(value.amount) : value.amount + " " + value.currency;
  }

  function isNegative(value) { return !!value && typeof value.amount === "string" && value.amount.charAt(0) === "-"; }

  function isZero(value) { return !!value && /^-?0(\.0+)?$/.test(value.amount); }

  // --- exact decimal arithmetic on strings (BigInt scaled to the longest fraction) -------------
  function scaleOf(text) { var dot = text.indexOf("."); return dot < 0 ? 0 : text.length - dot - 1; }

  function toScaled(text, scale) {
    var negative = text.charAt(0) === "-";
    var digits = text.replace("-", "");
    var parts = digits.split(".");
    var fraction = (parts[1] || "");
    while (fraction.length < scale) { fraction += "0"; }
    var big = BigInt(parts[0] + fraction);
    return negative ? -big : big;
  }

  function fromScaled(big, scale) {
    var negative = big < 0n;
    var digits = (negative ? -big : big).toString();
    while (digits.length <= scale) { digits = "0" + digits; }
    var text = scale ? digits.slice(0, digits.length - scale) + "." + digits.slice(digits.length - scale) : digits;
    return (negative ? "-" : "") + text;
  }

  var DECIMAL_RE = /^-?\d+(\.\d+)?$/;

  function decimalSum(texts) {
    var valid = texts.filter(function (t) { return DECIMAL_RE.test(t); });
    var scale = valid.reduce(function (s, t) { return Math.max(s, scaleOf(t)); }, 0);
    var total = valid.reduce(function (acc, t) { return acc + toScaled(t, scale); }, 0n);
    return fromScaled(total, scale);
  }

  function decimalCompare(a, b) {
    var scale = Math.max(scaleOf(a), scaleOf(b));
    var x = toScaled(a, scale), y = toScaled(b, scale);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  // part / whole in tenths of a percent (integer), or null when whole is not positive.
  function permille(part, whole) {
    var scale = Math.max(scaleOf(part), scaleOf(whole));
    var p = toScaled(part, scale), w = toScaled(whole, scale);
    if (w <= 0n) { return null; }
    return Number((p * 1000n) / w);
  }

  var percentFormat = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  function percentFromPermille(value) { return percentFormat.format(value / 1000); }

  var numberFormat = new Intl.NumberFormat(locale);
  function number(value) { return value === null || value === undefined ? "—" : numberFormat.format(value); }

  var dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  var dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  // "2025-03-01" (a calendar date, no zone) or an ISO date-time.
  function date(value) {
    if (!value) { return "—"; }
    var parsed = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(value + "T00:00:00Z") : new Date(value);
    return isNaN(parsed) ? value : dateFormat.format(parsed);
  }
  function dateTime(value) {
    if (!value) { return "—"; }
    var parsed = new Date(value);
    return isNaN(parsed) ? value : dateTimeFormat.format(parsed);
  }
  function today() {
    var now = new Date();
    return now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0") + "-" + String(now.getDate()).padStart(2, "0");
  }

  // plural(3, "invoice") -> "3 invoices"; plural(1, "entry", "entries") -> "1 entry" (Intl.PluralRules).
  var pluralRules = new Intl.PluralRules(locale);
  function plural(count, one, other) {
    var word = pluralRules.select(count) === "one" ? one : (other || one + "s");
    return number(count) + " " + word;
  }

  // "en_US" / "de" -> "English (United States)" / "German", in the merchant's language.
  var languageNames = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames([locale], { type: "language" }) : null;
  function language(tag) {
    if (!tag) { return "—"; }
    try { return languageNames ? languageNames.of(String(tag).replace(/_/g, "-")) : tag; } catch (e) { return tag; }
  }

  // Who did something, as a person reads it: staff e-mails as they are; "buyer:<Saleor id>" and
  // the app's own jobs in words (the Saleor id stays out of the text).
  function actor(value) {
    if (!value) { return "—"; }
    var text = String(value);
    if (/^buyer:/.test(text)) { return "The buyer (storefront)"; }
    if (/^erp(:|$)/.test(text)) { return "The ERP" + (text.indexOf(":") > 0 ? " (" + text.slice(text.indexOf(":") + 1) + ")" : ""); }
    if (/^(system|app|scheduler|celery)(:|$)/.test(text)) { return "Net Terms (automatic)"; }
    if (/^bank(:|$)/.test(text)) { return "Bank statement"; }
    return text;
  }

  // An audit action ("credit_limit.set") as a sentence fragment ("Credit limit set").
  var ACTIONS = {
    "credit_limit.set": "Credit limit set", "company.created": "Company created", "company.updated": "Company details changed",
    "company.status_set": "Account status changed", "member.added": "Member added", "member.removed": "Member removed",
    "policy.saved": "Credit policy saved", "policy.reset": "Credit policy reset", "approval_route.created": "Approval route created",
    "approval_route.updated": "Approval route changed", "approval_route.deleted": "Approval route deleted",
    "outbox.skipped": "Saleor report skipped", "outbox.retried": "Saleor report retried",
    // the services' imperative codes, read as what happened
    "policy.save": "Credit policy saved", "company.create": "Company created", "company.update": "Company details changed",
    "company.tier_set": "Credit tier changed", "decision.made": "Credit decision made",
    "credit_limit.routed_to_erp": "Credit limit handed to the ERP", "credit_note.issue": "Credit note issued",
    "credit_note.post": "Credit note posted", "approval.approval_recorded": "Approval recorded",
    "collections.policy_save": "Dunning ladder saved", "collections.policy_assign": "Dunning ladder assigned",
    "collections.dispute_open": "Dispute opened", "collections.dispute_resolve": "Dispute resolved",
    "collections.hold_lift": "Collections hold lifted", "collections.level": "Dunning level reached",
    "erp_api_key.create": "ERP API key created", "erp_api_key.revoke": "ERP API key revoked",
    "erp_invoice.push": "Invoice pushed by the ERP", "erp_open_items.push": "Open items pushed by the ERP",
    "webhook_endpoint.create": "ERP webhook endpoint added", "webhook_endpoint.update": "ERP webhook endpoint changed",
    "webhook_endpoint.delete": "ERP webhook endpoint removed", "webhook_endpoint.secret_rotate": "ERP webhook secret rotated",
    "installation.time_zone_set": "Business time zone changed", "masters.set": "Masters of the data changed",
  };
  function auditAction(code) {
    if (!code) { return "—"; }
    if (ACTIONS[code]) { return ACTIONS[code]; }
    var text = String(code).replace(/[._]/g, " ").replace(/\s+/g, " ").trim().toLowerCase();
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  // The decision engine's 0..1000 risk score, explained (decisions/engine.py): it ranks, it does not decide.
  function score(value) {
    if (value === null || value === undefined) { return null; }
    return h("div", { class: "nt-sub", title: "1000 minus penalties for limit utilisation (up to 350), overdue invoices (250), " +
      "late payment history (250) and a young account (150). It ranks orders; the policy's rules decide." },
      "Risk score " + number(value) + " of 1,000 (higher is safer)");
  }

  // How long something has waited: "Waiting since Dec 2, 5:33 AM (3 hours)" (Intl.RelativeTimeFormat).
  var relative = new Intl.RelativeTimeFormat(locale, { numeric: "always", style: "long" });
  function waitingSince(iso, now) {
    var then = new Date(iso), seconds = ((now || Date.now()) - then.getTime()) / 1000;
    if (isNaN(seconds)) { return ""; }
    var units = [["day", 86400], ["hour", 3600], ["minute", 60]];
    var age = "just now";
    for (var i = 0; i < units.length; i++) {
      if (seconds >= units[i][1]) { age = relative.format(-Math.floor(seconds / units[i][1]), units[i][0]).replace(/ ago$/, ""); break; }
    }
    return "Waiting since " + dateTime(iso) + " (" + age + ")";
  }

  // A confirmation before a decision that tells Saleor something: resolves true on "confirm".
  var confirmDialog = null;
  function confirmAction(options, opener) {
    if (!confirmDialog) {
      confirmDialog = h("dialog", { class: "nt-dialog", id: "nt-confirm-dialog", "aria-labelledby": "nt-confirm-title" },
        h("form", { method: "dialog" }, h("h2", { id: "nt-confirm-title" }), h("p", { class: "nt-muted", id: "nt-confirm-text" }),
          h("div", { class: "nt-dialog-actions" },
            h("button", { type: "submit", value: "cancel", class: "nt-button is-secondary" }, "Cancel"),
            h("button", { type: "submit", value: "confirm", class: "nt-button", id: "nt-confirm-ok" }))));
      document.body.appendChild(confirmDialog);
    }
    document.getElementById("nt-confirm-title").textContent = options.title;
    document.getElementById("nt-confirm-text").textContent = options.text;
    document.getElementById("nt-confirm-ok").textContent = options.confirm || "Confirm";
    return new Promise(function (resolve) {
      confirmDialog.addEventListener("close", function onClose() {
        confirmDialog.removeEventListener("close", onClose);
        if (opener && typeof opener.focus === "function") { opener.focus(); }
        resolve(confirmDialog.returnValue === "confirm");
      });
      confirmDialog.returnValue = "";
      confirmDialog.showModal();
      document.getElementById("nt-confirm-ok").focus();
    });
  }

  // "ON_HOLD" -> "On hold"
  function humanize(value) {
    if (!value) { return "—"; }
    var text = String(value).replace(/_/g, " ").toLowerCase();
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  // --- DOM -------------------------------------------------------------------------------------
  function h(tag, attrs) {
    var el = document.createElement(tag);
    attrs = attrs || {};
    Object.keys(attrs).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key === "text") { el.textContent = value; }
      else if (key === "class") { el.className = value; }
      else if (key === "style") { el.style.cssText = value; }  // CSSOM: a style attribute would break the CSP
      else if (key.slice(0, 2) === "on" && typeof value === "function") { el.addEventListener(key.slice(2), value); }
      else if (key === "dataset") { Object.keys(value).forEach(function (k) { el.dataset[k] = value[k]; }); }
      else if (value === true) { el.setAttribute(key, ""); }
      else { el.setAttribute(key, String(value)); }
    });
    for (var i = 2; i < arguments.length; i++) { append(el, arguments[i]); }
    return el;
  }

  function append(parent, child) {
    if (child === null || child === undefined || child === false) { return; }
    if (Array.isArray(child)) { child.forEach(function (c) { append(parent, c); }); return; }
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }

  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } return el; }

  // A right-aligned, tabular amount cell content.
  function moneyEl(value, tag) {
    return h(tag || "span", { class: "nt-num" + (isNegative(value) ? " is-negative" : "") }, money(value));
  }

  var TONES = {
    ACTIVE: "success", ON_HOLD: "warning", SUSPENDED: "error", CLOSED: "neutral",
    AUTHORIZED: "info", IN_REVIEW: "warning", DECLINED: "error", CAPTURED: "success", CANCELED: "neutral",
    OPEN: "info", PAID: "success", CREDITED: "neutral",
    PENDING: "warning", DELIVERED: "success", DEAD: "error",
    approve: "success", review: "warning", decline: "error",
  };
  function pill(value, label) {
    return h("span", { class: "nt-pill is-" + (TONES[value] || "neutral") }, label || humanize(value));
  }

  // The merchant message of an error; the code stays machine-side (a data-code for support).
  function errorText(error) {
    if (!error) { return ""; }
    return error.message || "Something went wrong.";
  }

  // Amounts the server wrote locale-neutrally into a sentence ("2,500.00 USD": reasons stored before the
  // server wrote them in the reader's language, other server texts) in the page's money format
  // ("$2,500.00"): the digits stay a string (exact). Text already in the locale's form passes unchanged.
  var TEXT_AMOUNT = /(-?\d{1,3}(?:,\d{3})*(?:\.\d+)?|-?\d+(?:\.\d+)?) ([A-Z]{3})\b/g;
  function moneyInText(text) {
    return String(text || "").replace(TEXT_AMOUNT, function (all, digits, currency) {
      return moneyFormat(currency) ? money({ amount: digits.replace(/,/g, ""), currency: currency }) : all;
    });
  }

  // Decision reasons [{code, merchantMessage}] as a list of sentences.
  function reasons(list) {
    if (!list || !list.length) { return h("span", { class: "nt-muted" }, "—"); }
    return h("ul", { class: "nt-reasons" }, list.map(function (r) {
      return h("li", { dataset: { code: r.code || "" } }, moneyInText(r.merchantMessage || r.message || humanize(r.code)));
    }));
  }

  // A link that opens a Saleor order or customer in the Dashboard (app-bridge `redirect`).
  function saleorLink(kind, id, text) {
    if (!id) { return text ? h("span", {}, text) : null; }
    var to = (kind === "customer" ? "/customers/" : "/orders/") + encodeURIComponent(id);
    return h("a", { class: "nt-link nt-saleor-link", href: NT.dashboardUrl(to), "data-saleor-to": to, target: "_top",
                    title: kind === "customer" ? "Open the customer in Saleor" : "Open the order in Saleor" }, text);
  }

  // A link from a widget on a Saleor page to a page of this app (/app/companies/5), through the
  // Dashboard (redirect to the app page), since the widget's own frame is a card on Saleor's page.
  function appLink(path, text) {
    var to = NT.appPageTo(path);
    return h("a", { class: "nt-link", href: NT.dashboardUrl(to), "data-saleor-to": to, target: "_top" }, text);
  }

  // A status line: kind is "", "info", "success", "warning" or "error".
  function banner(el, text, kind) {
    el.textContent = text || "";
    el.className = "nt-banner" + (kind ? " is-" + kind : "");
    el.hidden = !text;
    el.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  function tableMessage(tbody, colspan, text, kind) {
    clear(tbody);
    tbody.appendChild(h("tr", {}, h("td", { colspan: colspan, class: "nt-empty" + (kind ? " is-" + kind : "") }, text)));
  }

  // --- forms -----------------------------------------------------------------------------------
  function clearFieldErrors(form) {
    form.querySelectorAll(".nt-field-error, .nt-form-error").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      var described = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id.indexOf("-error") < 0; });
      if (described.length) { el.setAttribute("aria-describedby", described.join(" ")); } else { el.removeAttribute("aria-describedby"); }
    });
  }

  // errors: [{code, field, message}] from a mutation. A field error goes under its input
  // (name = the API argument), the rest to the top of the form. Focuses the first problem.
  function showFieldErrors(form, errors, fieldNames) {
    clearFieldErrors(form);
    var firstInvalid = null;
    var general = [];
    (errors || []).forEach(function (error) {
      var name = error.field && fieldNames && fieldNames[error.field] ? fieldNames[error.field] : error.field;
      var input = name ? form.querySelector('[name="' + name + '"]') : null;
      if (!input || input.closest("[hidden]")) { general.push(error); return; }
      var id = (input.id || name) + "-error";
      var message = h("p", { class: "nt-field-error", id: id }, errorText(error));
      var wrapper = input.closest(".nt-field") || input.parentNode;
      wrapper.appendChild(message);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + id).trim());
      if (input.type !== "hidden") { firstInvalid = firstInvalid || input; }
    });
    if (general.length) {
      var box = h("div", { class: "nt-form-error nt-banner is-error", role: "alert", tabindex: "-1" },
        general.map(function (e) { return h("div", {}, errorText(e)); }));
      form.insertBefore(box, form.firstChild);
      if (!firstInvalid) { box.focus(); }
    }
    if (firstInvalid) { firstInvalid.focus(); }
  }

  function formError(form, error) { showFieldErrors(form, [{ code: error.code, field: null, message: error.message }]); }

  // Disable a form's submit button while a request runs.
  function busy(form, on) {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = on; b.setAttribute("aria-busy", on ? "true" : "false"); });
  }

  // --- dialogs (native <dialog>: focus stays inside, Esc closes, focus returns to the opener) ---
  function openDialog(dialog, opener) {
    var form = dialog.querySelector("form");
    if (form) { clearFieldErrors(form); }
    dialog._opener = opener || document.activeElement;
    dialog.showModal();
    var first = dialog.querySelector("[autofocus], input:not([type=hidden]):not([disabled]), select, textarea, button");
    if (first) { first.focus(); }
  }
  function closeDialog(dialog) {
    dialog.close();
    if (dialog._opener && typeof dialog._opener.focus === "function") { dialog._opener.focus(); }
  }
  document.addEventListener("click", function (event) {
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) { event.preventDefault(); closeDialog(closer.closest("dialog")); }
  });

  // --- the navigation's phone toggle (base.html): Esc closes it and returns focus ---------------
  var navToggle = document.querySelector(".nt-nav-toggle");
  if (navToggle) {
    var header = navToggle.closest(".nt-header");
    var setOpen = function (open) { header.classList.toggle("is-open", open); navToggle.setAttribute("aria-expanded", open ? "true" : "false"); };
    navToggle.addEventListener("click", function () { setOpen(!header.classList.contains("is-open")); });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("is-open")) { setOpen(false); navToggle.focus(); }
    });
  }

  // --- tabs (WAI-ARIA: arrows/Home/End move between tabs, the hash remembers the tab) ----------
  function tabs(tablist, onSelect) {
    var all = Array.prototype.slice.call(tablist.querySelectorAll("[role=tab]"));
    function select(tab, focus) {
      all.forEach(function (t) {
        var on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
      });
      if (focus) { tab.focus(); }
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", window.location.pathname + window.location.search + "#" + tab.dataset.tab);
      }
      onSelect(tab.dataset.tab);
    }
    all.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab, false); });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight") { next = all[(index + 1) % all.length]; }
        else if (event.key === "ArrowLeft") { next = all[(index - 1 + all.length) % all.length]; }
        else if (event.key === "Home") { next = all[0]; }
        else if (event.key === "End") { next = all[all.length - 1]; }
        if (next) { event.preventDefault(); select(next, true); }
      });
    });
    var wanted = window.location.hash.slice(1);
    var initial = all.filter(function (t) { return t.dataset.tab === wanted; })[0] || all[0];
    select(initial, false);
    return { select: function (name) { select(all.filter(function (t) { return t.dataset.tab === name; })[0], false); } };
  }

  // --- paging (offset/first; "Next" while a full page came back) -------------------------------
  function pager(container, pageSize, onChange) {
    var offset = 0;
    var prev = h("button", { type: "button", class: "nt-button is-secondary" }, "Previous");
    var next = h("button", { type: "button", class: "nt-button is-secondary" }, "Next");
    var label = h("span", { class: "nt-muted", "aria-live": "polite" });
    clear(container).appendChild(h("div", { class: "nt-pager" }, prev, label, next));
    prev.addEventListener("click", function () { offset = Math.max(0, offset - pageSize); onChange(offset); });
    next.addEventListener("click", function () { offset += pageSize; onChange(offset); });
    return {
      reset: function () { offset = 0; },
      get offset() { return offset; },
      // count: rows on this page; total (optional): rows matching in all (the API's totalCount).
      update: function (count, total) {
        var known = typeof total === "number";
        prev.disabled = offset === 0;
        next.disabled = known ? offset + count >= total : count < pageSize;
        label.textContent = count ? number(offset + 1) + "–" + number(offset + count) + (known ? " of " + number(total) : "")
          : (offset ? "No more rows" : "");
        container.hidden = known ? total <= pageSize && offset === 0 : offset === 0 && count < pageSize;
      },
    };
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  // What the seller profile still lacks (no profile, no bank account…), as warnings linking to the
  // profile, on the pages whose documents it shows up on (invoices).
  var SELLER_PROBLEMS = "query SellerProblems {\n  sellerProfile { complete problems { code message } }\n}";
  function configGaps() {
    var box = document.getElementById("nt-config-gaps");
    if (!box) { return Promise.resolve([]); }
    return NT.gql(SELLER_PROBLEMS).then(function (data) {
      var problems = data.sellerProfile.problems || [];
      clear(box).hidden = !problems.length;
      problems.forEach(function (p) {
        box.appendChild(h("div", { class: "nt-banner is-warning", role: "status", dataset: { code: p.code } }, p.message, " ",
          h("a", { class: "nt-link", href: NT.href("/app/seller") }, "Open the seller profile")));
      });
      return problems;
    }, function () { return []; });
  }

  // Save text as a file (the lists' "Export CSV"): a Blob URL on a temporary link.
  function download(text, filename, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type || "text/csv;charset=utf-8" }));
    var link = h("a", { href: url, download: filename, hidden: true });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  // Sortable column headers: <th data-sort="AMOUNT"> get a button; clicking sorts by it, again reverses.
  // aria-sort tells assistive technology the current order. onChange(sort) gets "AMOUNT" / "-AMOUNT".
  function sortable(thead, initial, onChange) {
    var current = initial;
    var headers = Array.prototype.slice.call(thead.querySelectorAll("th[data-sort]"));
    function paint() {
      headers.forEach(function (th) {
        var key = th.dataset.sort, on = current.replace("-", "") === key;
        th.setAttribute("aria-sort", on ? (current.charAt(0) === "-" ? "descending" : "ascending") : "none");
        th.querySelector(".nt-sort-mark").textContent = on ? (current.charAt(0) === "-" ? " ↓" : " ↑") : "";
      });
    }
    headers.forEach(function (th) {
      var button = h("button", { type: "button", class: "nt-sort" }, th.textContent, h("span", { class: "nt-sort-mark", "aria-hidden": "true" }));
      clear(th).appendChild(button);
      button.addEventListener("click", function () {
        var key = th.dataset.sort;
        current = current === "-" + key ? key : "-" + key;
        paint();
        onChange(current);
      });
    });
    paint();
    return { get value() { return current; } };
  }

  // Start a page: outside the Dashboard say so; inside, run once the first token arrived.
  function start(statusEl, run) {
    if (!NT.inDashboard) {
      banner(statusEl, "Open this page from the Saleor Dashboard (Apps → Net Terms).", "warning");
      return;
    }
    banner(statusEl, "Connecting to the Saleor Dashboard…", "");
    var started = false;
    NT.onToken(function () { if (!started) { started = true; banner(statusEl, "", ""); run(); } });
    NT.notifyReady();
  }

  NT.ui = {
    locale: locale, money: money, moneyEl: moneyEl, isNegative: isNegative, isZero: isZero,
    decimalSum: decimalSum, decimalCompare: decimalCompare, permille: permille,
    percentFromPermille: percentFromPermille, number: number, date: date, dateTime: dateTime,
    today: today, humanize: humanize, plural: plural, language: language, actor: actor, auditAction: auditAction,
    reasons: reasons, moneyInText: moneyInText, waitingSince: waitingSince, confirmAction: confirmAction, configGaps: configGaps, download: download, sortable: sortable, saleorLink: saleorLink, appLink: appLink, score: score, h: h, clear: clear, pill: pill, errorText: errorText,
    banner: banner, tableMessage: tableMessage, showFieldErrors: showFieldErrors,
    clearFieldErrors: clearFieldErrors, formError: formError, busy: busy, openDialog: openDialog,
    closeDialog: closeDialog, tabs: tabs, pager: pager, debounce: debounce, start: start,
  };
})();
