"""The shared browser harness finds what it is meant to find: axe-core violations, sideways overflow
and JavaScript errors (so a clean result from it on a real page means something)."""
import os

import pytest

from tests.browser import axe_violations, horizontal_overflow, requires_chromium

pytestmark = [pytest.mark.browser, requires_chromium]

GOOD = ("<!doctype html><html lang='en'><head><title>Invoices</title></head><body><main>"
        "<h1>Invoices</h1><label for='q'>Search</label><input id='q' name='q'>"
        "<div style='overflow-x:auto'><table><tr><th>Number</th></tr><tr><td>INV-2026-000001</td></tr>"
        "</table></div></main></body></html>")


def test_a_clean_page_has_no_axe_violations_and_no_overflow(phone_page):
    phone_page.set_content(GOOD)
    assert axe_violations(phone_page) == []
    assert horizontal_overflow(phone_page) == []


def test_axe_reports_missing_labels_and_alt_texts(page):
    page.set_content("<!doctype html><html lang='en'><head><title>x</title></head><body><main>"
                     "<h1>x</h1><img src='data:,'><input name='q'></main></body></html>")
    assert sorted(v["id"] for v in axe_violations(page)) == ["image-alt", "label"]


def test_overflow_names_the_element_that_passes_a_phone_width(phone_page):
    phone_page.set_content("<!doctype html><html lang='en'><head><title>x</title></head><body>"
                           "<table id='wide' style='width:900px'><tr><td>a</td></tr></table></body></html>")
    wide = horizontal_overflow(phone_page)
    assert wide[0] == "document: 908px"
    assert "#wide: right 908px" in wide


def test_javascript_errors_are_collected(page):
    page.set_content("<!doctype html><html><body><script>undefinedFunction()</script></body></html>")
    assert len(page.js_errors) == 1 and "undefinedFunction is not defined" in page.js_errors[0]
    page.js_errors.clear()   # collected as expected; the fixture would fail the test on teardown otherwise


def test_the_async_guard_is_lifted_only_while_a_browser_runs(pw_browser):
    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") == "true"
