"""Browser tests with Playwright driving Debian's Chromium, plus axe-core and layout checks.

Every new browser test uses these fixtures (the older Dashboard tests in tests/dashboard/test_browser.py
speak the DevTools protocol directly; both run the same Chromium):

- ``pw_browser`` (module): one headless Chromium, launched from /usr/bin/chromium (``.ci/run`` installs
  Debian's package; Playwright's own browser download is never used).
- ``page``: a fresh context and page per test at desktop size; JavaScript errors and failed console
  messages are collected on ``page.js_errors`` and fail the test when it ends.
- ``phone_page``: the same at 390 × 844 (an iPhone 12/13/14 width).
- ``axe_assert_clean(page)``: runs axe-core (WCAG 2.0/2.1 level A and AA rules) on the page and fails
  with each violation's rule, impact and first nodes.
- ``assert_no_horizontal_overflow(page)``: nothing wider than the viewport.
- ``screenshot(page, name)``: a full-page PNG into $NETTERMS_SCREENSHOTS (e.g. docs/screenshots) or the
  test's tmp dir.

Mark tests with ``@pytest.mark.browser`` and ``requires_chromium`` (a skip with a reason where no
Chromium is installed; with CI=true tests/ci_browser.py turns that skip into a failure).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)

requires_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium on PATH: install it (Debian: apt-get install -y chromium) to run "
                             "the browser tests")

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def pw_browser():
    """One Chromium per test module. Playwright's sync API keeps an event loop in this thread while
    it runs; the ORM calls the tests make between browser steps are plain synchronous calls, so
    Django's async-context guard is lifted for the module only (and put back after: a later test
    that runs `manage.py check --deploy` must not inherit it)."""
    if CHROMIUM is None:
        pytest.skip("no Chromium on PATH: install it (Debian: apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--force-color-profile=srgb"])
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="en-US", timezone_id="UTC")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(f"pageerror: {error}"))
    page.on("console", lambda message: page.js_errors.append(f"console.error: {message.text}")
            if message.type == "error" else None)
    yield page
    context.close()
    assert page.js_errors == [], "JavaScript errors on the page:\n" + "\n".join(page.js_errors)


@pytest.fixture
def page(pw_browser):
    yield from _new_page(pw_browser, DESKTOP)


@pytest.fixture
def phone_page(pw_browser):
    yield from _new_page(pw_browser, PHONE)


def axe_violations(page, *, exclude: tuple[str, ...] = ()) -> list[dict]:
    """axe-core's violations of the WCAG 2.x A/AA rules on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = Axe().run(page, context=context, options=options)
    return results.response["violations"]


def axe_assert_clean(page, *, exclude: tuple[str, ...] = ()) -> None:
    violations = axe_violations(page, exclude=exclude)
    lines = [f"{v['id']} ({v.get('impact')}): {v['help']} — "
             + "; ".join(" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                         for node in v["nodes"][:3])
             for v in violations]
    assert violations == [], f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + "\n".join(lines)


def horizontal_overflow(page) -> list[str]:
    """Elements whose right edge passes the viewport (the page would scroll sideways)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const wide = [];
        if (document.documentElement.scrollWidth > width + 1) wide.push('document: ' + document.documentElement.scrollWidth + 'px');
        for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || getComputedStyle(el).position === 'fixed') continue;
            let scroller = el.parentElement, clipped = false;
            while (scroller) {
                const o = getComputedStyle(scroller).overflowX;
                if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
                scroller = scroller.parentElement;
            }
            if (!clipped && r.right > width + 1) wide.push((el.id ? '#' + el.id : el.tagName.toLowerCase()) + ': right ' + Math.round(r.right) + 'px');
        }
        return wide.slice(0, 10);
    }""")


def assert_no_horizontal_overflow(page) -> None:
    wide = horizontal_overflow(page)
    assert wide == [], f"{page.url} overflows a {page.viewport_size['width']} px viewport: {wide}"


@pytest.fixture
def screenshot(tmp_path):
    folder = Path(os.environ.get("NETTERMS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, full_page: bool | None = None) -> Path:
        """Full-page by default; a page framing the app (the stand-in Dashboard) is taken as the
        viewport shows it, since Chromium leaves an out-of-process iframe blank in full-page shots."""
        path = folder / f"{name}.png"
        framed = len(page.frames) > 1
        page.screenshot(path=str(path), full_page=(not framed) if full_page is None else full_page)
        return path
    return take
