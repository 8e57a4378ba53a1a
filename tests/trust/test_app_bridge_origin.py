"""The app pages trust only the Dashboard that frames them (issue 8 §3 "Framing"), in a real
Chromium (tests/browser.py): the app bridge (dashboard/static/dashboard/app-bridge.js) ignores a
handshake, a token refresh or a theme from any other origin — here another frame on the same
Dashboard page, on another origin — so no token is taken and nothing is shown as signed in; the
same handshake from the Dashboard itself is accepted and the page loads. A foreign page that
frames the app directly is refused by CSP frame-ancestors."""
from __future__ import annotations

from http.server import ThreadingHTTPServer

import pytest

from saleor_netterms.core.money import Money
from saleor_netterms.installations.selectors import dashboard_frame_origins_forget
from tests.browser import requires_chromium
from tests.dashboard.harness import html_server

pytestmark = [pytest.mark.browser, requires_chromium]

FOREIGN_PAGE = "<!doctype html><html lang='en'><head><title>Another app</title></head><body>other</body></html>"


def _serve(pages: dict[str, str]) -> ThreadingHTTPServer:
    return html_server(lambda path: pages.get(path.split("?")[0], ""))


def _origin(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def origins(live_server, fake_saleor, installation, company_factory, settings):
    """The Dashboard (one origin) framing the app page and, next to it, a frame of another origin;
    the app allows exactly the Dashboard's origin."""
    company_factory(installation=installation, legal_name="Acme Industrial Supply", limit=Money.of("10000", "USD"))
    query = (f"?domain=shop.saleor.test&saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F"
             f"&id={fake_saleor.app_id}&theme=light&locale=en-US")
    app_url = live_server.url + "/app/companies" + query
    foreign = _serve({"/other": FOREIGN_PAGE, "/framer": (
        f"<!doctype html><html lang='en'><head><title>Not the Dashboard</title></head><body>"
        f"<iframe id='app' title='Net Terms' src='{app_url}'></iframe></body></html>")})
    dashboard = _serve({"/": (
        "<!doctype html><html lang='en'><head><title>Dashboard</title></head><body>"
        f"<iframe id='app' title='Net Terms' src='{app_url}'></iframe>"
        f"<iframe id='other' title='Another app' src='{_origin(foreign)}/other'></iframe>"
        "<script>window.handshake = function (token) { document.getElementById('app').contentWindow"
        f".postMessage({{type: 'handshake', payload: {{token: token, version: 1}}}}, '{live_server.url}'); }};"
        "</script></body></html>")})
    settings.DASHBOARD_ORIGINS = [_origin(dashboard)]
    dashboard_frame_origins_forget()
    yield {"dashboard": _origin(dashboard), "foreign": _origin(foreign), "app": live_server.url}
    for server in (dashboard, foreign):
        server.shutdown()
    dashboard_frame_origins_forget()


def _app_state(frame) -> dict:
    return frame.evaluate("""() => ({token: window.NetTerms.state.token, inDashboard: window.NetTerms.inDashboard,
        theme: document.documentElement.getAttribute('data-theme'),
        status: document.getElementById('nt-status').textContent.trim(),
        signedIn: document.body.innerText.includes('Acme Industrial Supply')})""")


def test_a_handshake_from_another_origin_is_ignored_and_the_dashboards_is_accepted(page, origins, fake_saleor):
    # given: the Dashboard page with the app and a frame of another origin; every request the app makes
    bearer = []
    page.on("request", lambda request: bearer.append(request.headers.get("authorization-bearer"))
            if request.url.startswith(origins["app"]) and "authorization-bearer" in request.headers else None)
    page.goto(origins["dashboard"] + "/")
    app = page.frame_locator("#app").locator("#nt-status")
    app.wait_for()
    app_frame = next(f for f in page.frames if f.url.startswith(origins["app"]))
    other = next(f for f in page.frames if f.url.startswith(origins["foreign"]))
    assert _app_state(app_frame) == {"token": None, "inDashboard": True, "theme": "light",
                                     "status": "Connecting to the Saleor Dashboard…", "signedIn": False}

    # when: the other frame posts a valid-looking token (handshake and refresh) and a theme to the app
    stolen = fake_saleor.dashboard_token(expires_in=600)
    other.evaluate("""(token) => {
        const app = window.parent[0];
        app.postMessage({type: 'handshake', payload: {token: token, version: 1}}, '*');
        app.postMessage({type: 'tokenRefresh', payload: {token: token}}, '*');
        app.postMessage({type: 'theme', payload: {theme: 'dark'}}, '*');
    }""", stolen)
    page.wait_for_timeout(700)

    # then: nothing taken, nothing sent, nothing shown as signed in
    assert _app_state(app_frame) == {"token": None, "inDashboard": True, "theme": "light",
                                     "status": "Connecting to the Saleor Dashboard…", "signedIn": False}
    assert bearer == []

    # when: the Dashboard itself sends the handshake
    token = fake_saleor.dashboard_token(expires_in=600)
    page.evaluate("(token) => window.handshake(token)", token)
    page.frame_locator("#app").get_by_text("Acme Industrial Supply").first.wait_for()

    # then: the token is taken and the page loads the merchant's data with it
    state = _app_state(app_frame)
    assert (state["token"], state["signedIn"]) == (token, True)
    assert bearer and set(bearer) == {token}


def test_a_foreign_page_cannot_frame_the_app(page, origins):
    # when: a page of another origin frames the app page directly
    page.goto(origins["foreign"] + "/framer")
    page.wait_for_timeout(1000)

    # then: Chromium refuses to render it (CSP frame-ancestors names only the Dashboard)
    framed = [f for f in page.frames if f.url.startswith(origins["app"])]
    assert all(f.evaluate("() => typeof window.NetTerms") != "object" for f in framed)
    refusals = [e for e in page.js_errors if "frame-ancestors" in e]
    assert refusals, page.js_errors
    page.js_errors[:] = [e for e in page.js_errors if e not in refusals]
