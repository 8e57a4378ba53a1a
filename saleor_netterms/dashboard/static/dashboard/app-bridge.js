/*
 * A minimal Saleor App Bridge (no npm). FACTS.md §8.2; message shapes from saleor/app-sdk
 * src/app-bridge/{actions,events,app-bridge}.ts:
 *   Dashboard -> app: {type: "handshake", payload: {token, version, ...}}, {type: "tokenRefresh",
 *                     payload: {token}}, {type: "theme", payload: {theme}}
 *   app -> Dashboard: {type: "notifyReady", payload: {actionId}}
 * Messages are accepted only from the document.referrer origin (the Dashboard).
 * window.NetTerms.fetch(url, init) calls the backend with authorization-bearer + saleor-api-url.
 */
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var saleorApiUrl = params.get("saleorApiUrl") || "";
  var dashboardOrigin = null;
  try { dashboardOrigin = document.referrer ? new URL(document.referrer).origin : null; } catch (e) { dashboardOrigin = null; }
  var state = { token: null, saleorApiUrl: saleorApiUrl, theme: params.get("theme") === "dark" ? "dark" : "light" };
  var tokenListeners = [];

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
    return fetch(url, Object.assign({}, init, { headers: headers, credentials: "omit" }));
  }

  // Keep ?saleorApiUrl=…&id=…&theme=… on in-app links so every page can find its Saleor.
  document.querySelectorAll("a[data-keep-query]").forEach(function (link) {
    link.href = link.getAttribute("href") + window.location.search;
  });

  applyTheme(state.theme);
  window.NetTerms = {
    state: state,
    inDashboard: window.parent !== window && !!dashboardOrigin,
    onToken: function (listener) { tokenListeners.push(listener); if (state.token) { listener(state.token, "handshake"); } },
    fetch: authedFetch,
    dispatch: dispatch,
    notifyReady: function () { return dispatch("notifyReady", {}); },
  };
})();
