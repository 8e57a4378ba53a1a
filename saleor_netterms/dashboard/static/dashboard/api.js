/*
 * NetTerms.gql(query, variables) -> Promise of `data` from the app's GraphQL API (/graphql/).
 *
 * Sends the Dashboard token (app-bridge.js) as `authorization-bearer` with `saleor-api-url`.
 * Waits for the first handshake; asks the Dashboard for a fresh token (notifyReady) when the
 * current one is about to expire or the API answers TOKEN_EXPIRED / INVALID_TOKEN, then retries
 * once. Every failure is a NetTerms.ApiError with a stable `code` and a merchant `message`:
 *   HTTP refusals   {"error": {"code", "message"}}          (401/403 from the authenticating view)
 *   query errors    {"errors": [{"message", "extensions": {"code", "field"}}]}
 * Mutations answer business refusals as `errors { code field message }` inside `data`; the pages
 * show those next to the fields (NetTerms.ui.showFieldErrors).
 */
(function () {
  "use strict";
  var NT = window.NetTerms;
  var ENDPOINT = "/graphql/";
  var REFRESH_CODES = { TOKEN_EXPIRED: true, INVALID_TOKEN: true };
  var EXPIRY_MARGIN_SECONDS = 20;

  function ApiError(code, message, field) {
    this.name = "ApiError";
    this.code = code || "UNKNOWN";
    this.message = message || "Something went wrong.";
    this.field = field || null;
  }
  ApiError.prototype = Object.create(Error.prototype);
  ApiError.prototype.constructor = ApiError;

  var firstToken = new Promise(function (resolve) { NT.onToken(function (token) { resolve(token); }); });

  // Seconds until the JWT's exp (read without verifying: only to decide when to refresh).
  function secondsLeft(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      var claims = JSON.parse(atob(part + "===".slice((part.length + 3) % 4)));
      return typeof claims.exp === "number" ? claims.exp - Date.now() / 1000 : Infinity;
    } catch (e) { return Infinity; }
  }

  function freshToken() {
    return firstToken.then(function (token) {
      token = NT.state.token || token;
      if (secondsLeft(token) > EXPIRY_MARGIN_SECONDS) { return token; }
      return NT.requestToken(8000).catch(function () { return NT.state.token; });
    });
  }

  // One request to the app's backend: {status, ok, body (parsed JSON or null)}.
  function post(path, contentType, body) {
    return NT.fetch(path, {
      method: "POST", headers: { "content-type": contentType, "accept": "application/json" }, body: body,
    }).then(function (response) {
      return response.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
        return { status: response.status, ok: response.ok, body: parsed };
      });
    }, function () {
      throw new ApiError("APP_UNREACHABLE", "The app's server could not be reached. Check your connection and try again.");
    });
  }

  // Send with a fresh token; once more with a new one when the app says the token expired.
  function withToken(send) {
    return freshToken().then(send).then(function (result) {
      var code = result.body && result.body.error && result.body.error.code;
      if (result.status === 401 && REFRESH_CODES[code]) {
        return NT.requestToken(8000).then(send, function () { return result; });
      }
      return result;
    });
  }

  function unwrap(result) {
    var body = result.body;
    if (body && body.error && !result.ok) {
      throw new ApiError(body.error.code, body.error.message);
    }
    if (body && Array.isArray(body.errors) && body.errors.length) {
      var first = body.errors[0] || {};
      var ext = first.extensions || {};
      throw new ApiError(ext.code || "GRAPHQL_ERROR", first.message, ext.field);
    }
    if (!result.ok || !body || !body.data) {
      throw new ApiError("HTTP_" + result.status, "The app answered with an unexpected error (HTTP " + result.status + ").");
    }
    return body.data;
  }

  function gql(query, variables) {
    var body = JSON.stringify({ query: query, variables: variables || {} });
    return withToken(function () { return post(ENDPOINT, "application/json", body); }).then(unwrap);
  }

  // NetTerms.upload(path, file, params) -> Promise of the JSON answer: a file sent as the request
  // body (e.g. a bank statement to /graphql/statements, larger than the GraphQL API's body cap),
  // with the same token handling and the same ApiError on refusals ({"error": {"code", "message"}}).
  function upload(path, file, params) {
    var query = new URLSearchParams(params || {}).toString();
    var url = path + (query ? "?" + query : "");
    return withToken(function () { return post(url, "application/octet-stream", file); }).then(function (result) {
      var body = result.body;
      if (body && body.error) { throw new ApiError(body.error.code, body.error.message, body.error.field); }
      if (!result.ok || !body) {
        var tooLarge = result.status === 413;
        throw new ApiError(tooLarge ? "PAYLOAD_TOO_LARGE" : "HTTP_" + result.status, tooLarge ? "The file is too large."
          : "The app answered with an unexpected error (HTTP " + result.status + ").");
      }
      return body;
    });
  }

  NT.ApiError = ApiError;
  NT.gql = gql;
  NT.upload = upload;
})();
