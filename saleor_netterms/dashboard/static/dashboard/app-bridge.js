/*
 * A minimal Saleor App Bridge (no npm). FACTS.md §8.2; message shapes from saleor/app-sdk
 * src/app-bridge/{actions,events,app-bridge}.ts:
 *   Dashboard -> app: {type: "handshake", payload: {token, version, ...}}, {type: "tokenRefresh",
 *                     payload: {token}}, {type: "theme", payload: {theme}}
 *   app -> Dashboard: {type: "notifyReady", payload: {actionId}}
 *   app -> Dashboard: {type: "redirect", payload: {to, newContext, actionId}} (actions.ts
 *                     createRedirectAction: "to" is a Dashboard path such as /orders/<id>, or a URL)
 * Messages are accepted only from the Dashboard's origin (ancestorOrigins[0] / document.referrer,
 * remembered across in-app links), and only when that origin is one the server allows to frame the
 * app (<meta name="netterms-dashboard-origins">, the CSP frame-ancestors list).
 * window.NetTerms.fetch(url, init) calls the backend with authorization-bearer + saleor-api-url.
 */
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var saleorApiUrl = params.get("saleorApiUrl") || "";
  var dashboardOrigin = findDashboardOrigin();
  var state = { token: null, saleorApiUrl: saleorApiUrl, locale: (params.get("locale") || "").replace(/_/g, "-").replace(/[^A-Za-z0-9-]/g, ""), theme: params.get("theme") === "dark" ? "dark" : "light" };
  var tokenListeners = [];

  // The Dashboard is the parent window. Its origin is ancestorOrigins[0] where the browser has it;
  // else the referrer of the first page the Dashboard loaded. After a link inside the app the
  // referrer is the app itself, so the origin found first is kept for this tab (sessionStorage).
  function findDashboardOrigin() {
    var found = null;
    var key = "netterms.dashboardOrigin";
    try {
      if (window.location.ancestorOrigins && window.location.ancestorOrigins.length) {
        found = window.location.ancestorOrigins[0];
      } else if (document.referrer && new URL(document.referrer).origin !== window.location.origin) {
        found = new URL(document.referrer).origin;
      }
    } catch (e) { found = null; }
    try {
      if (found && found !== "null") { window.sessionStorage.setItem(key, found); }
      else { found = window.sessionStorage.getItem(key); }
    } catch (e) { /* storage blocked: only the first page works, as before */ }
    return found && found !== "null" && originAllowed(found) ? found : null;
  }

  // The Dashboard of the page's own Saleor (its API origin, as CSP frame-ancestors allows it), or
  // the server's configured list: exact origins, or "http://localhost:*" (any port) in development.
  function originAllowed(origin) {
    var meta = document.querySelector('meta[name="netterms-dashboard-origins"]');
    var allowed = meta ? (meta.getAttribute("content") || "").split(/\s+/).filter(Boolean) : [];
    try { if (saleorApiUrl) { allowed.push(new URL(saleorApiUrl).origin); } } catch (e) { /* not a URL */ }
    return allowed.some(function (entry) {
      if (entry === origin) { return true; }
      if (entry.slice(-2) === ":*") {
        var base = entry.slice(0, -2);
        return origin === base || (origin.indexOf(base + ":") === 0 && /^[0-9]+$/.test(origin.slice(base.length + 1)));
      }
      return false;
    });
  }

  function applyTheme(theme) {
    state.theme = theme === "dark" ? "dark" : "light";
    document.documentElement.setAttribute("data-theme", state.theme);
  }

  function actionId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") { return window.crypto.randomUUID(); }
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }

  function dispatch(type, payload) {
    if (window.parent === window || !dashboardOrigin) { return false; }
    var message = { type: type, payload: Object.assign({}, payload || {}, { actionId: actionId() }) };
    window.parent.postMessage(message, dashboardOrigin);
    return true;
  }

  window.addEventListener("message", function (event) {
    if (!dashboardOrigin || event.origin !== dashboardOrigin) { return; }
    var data = event.data;
    if (!data || typeof data !== "object" || typeof data.type !== "string") { return; }
    var payload = data.payload || {};
    if ((data.type === "handshake" || data.type === "tokenRefresh") && typeof payload.token === "string" && payload.token) {
      state.token = payload.token;
      tokenListeners.forEach(function (listener) { listener(state.token, data.type); });
    } else if (data.type === "theme") {
      applyTheme(payload.theme);
    }
  });

  function authedFetch(url, init) {
    init = init || {};
    var headers = new Headers(init.headers || {});
    headers.set("authorization-bearer", state.token || "");
    headers.set("saleor-api-url", state.saleorApiUrl);
    // Sentences the server writes (decision reasons) come back in the Dashboard's language.
    if (state.locale && !headers.has("accept-language")) { headers.set("accept-language", state.locale); }
    return fetch(url, Object.assign({}, init, { headers: headers, credentials: "omit" }));
  }

  // Ask the Dashboard for a (fresh) token: it answers notifyReady with a handshake.
  function requestToken(timeoutMs) {
    var previous = state.token;
    return new Promise(function (resolve, reject) {
      var done = false;
      var timer = setTimeout(function () { if (!done) { done = true; reject(new Error("TOKEN_TIMEOUT")); } }, timeoutMs || 10000);
      tokenListeners.push(function (token) {
        if (!done && token !== previous) { done = true; clearTimeout(timer); resolve(token); }
      });
      if (!dispatch("notifyReady", {})) { done = true; clearTimeout(timer); reject(new Error("NOT_IN_DASHBOARD")); }
    });
  }

  // An in-app URL that keeps the Dashboard's query (?saleorApiUrl=…&id=…&theme=…&locale=…).
  function appHref(path) { return path + window.location.search; }

  // Keep ?saleorApiUrl=…&id=…&theme=… on in-app links so every page can find its Saleor.
  document.querySelectorAll("a[data-keep-query]").forEach(function (link) {
    link.href = link.getAttribute("href") + window.location.search;
  });

  // A Dashboard path (/orders/<id>) as a URL on the Dashboard's origin: the link's href for a new
  // tab or a copied link. A plain click asks the Dashboard to navigate (redirect action).
  function dashboardUrl(path) { return (dashboardOrigin || "") + "/dashboard" + path; }

  // A page of this app as a Dashboard path (its app page /extensions/app/<id>/… maps to appUrl /app/…):
  // for links from a widget on a Saleor page into the app.
  function appPageTo(path) {
    var appId = params.get("id") || "";
    return "/extensions/app/" + encodeURIComponent(appId) + "/" + String(path).replace(/^\/app\/?/, "");
  }

  function redirect(to, newContext) { return dispatch("redirect", { to: to, newContext: !!newContext }); }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-saleor-to]");
    if (!link || event.button !== 0) { return; }
    var newContext = event.metaKey || event.ctrlKey || event.shiftKey;
    if (redirect(link.getAttribute("data-saleor-to"), newContext)) { event.preventDefault(); }
  });

  applyTheme(state.theme);
  window.NetTerms = {
    state: state,
    inDashboard: window.parent !== window && !!dashboardOrigin,
    onToken: function (listener) { tokenListeners.push(listener); if (state.token) { listener(state.token, "handshake"); } },
    fetch: authedFetch,
    dispatch: dispatch,
    notifyReady: function () { return dispatch("notifyReady", {}); },
    requestToken: requestToken,
    href: appHref,
    redirect: redirect,
    dashboardUrl: dashboardUrl,
    appPageTo: appPageTo,
  };
})();
