"""The Receivables page in real Chromium (Playwright, tests/browser.py), inside a stand-in Saleor
Dashboard that hands it the Saleor double's token: the charts render with the hand-checked book's
figures, a bar of the ageing table and the chart drill down to the invoices behind it, the company
link opens the company; axe-core finds nothing; a screenshot goes to $NETTERMS_SCREENSHOTS."""
from decimal import Decimal

import pytest

from saleor_netterms.core.business_time import business_today
from saleor_netterms.receivables_reports import selectors

from tests.browser import assert_no_horizontal_overflow, axe_assert_clean, requires_chromium
from tests.dashboard.test_browser import dashboard_harness

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def book_installation(installation):
    return installation


@pytest.fixture(autouse=True)
def _dashboard_may_frame_the_app(settings):
    settings.DASHBOARD_ORIGINS = ["http://127.0.0.1:*"]


def app_frame(page, harness, app_origin, path):
    page.goto(f"http://127.0.0.1:{harness.server_port}/?app={path}")
    frame = page.frame_locator("#app")
    frame.locator("body[data-receivables-loaded='true']").wait_for()
    return frame, next(f for f in page.frames if f.url.startswith(app_origin + "/app/receivables"))


def test_receivables_page_charts_and_drill_down(live_server, fake_saleor, hand_book, page, screenshot):
    # given: the Dashboard opens the page as of 2026-06-30
    query = (f"?domain=shop.saleor.test&saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F"
             f"&id={fake_saleor.app_id}&theme=light&locale=en-US&asOf=2026-06-30")
    harness = dashboard_harness(app_url=live_server.url + "/app/receivables" + query,
                                token=fake_saleor.dashboard_token(expires_in=600))
    try:
        frame, inner = app_frame(page, harness, live_server.url, "/app/receivables" + query.replace("&", "%26").replace("?", "%3F"))

        # then: tiles and the ageing table carry the book's figures (USD, the largest currency)
        tiles = frame.locator("#r-tiles").inner_text()
        assert "$3,500.00" in tiles and "$3,100.00 · 88.6%" in tiles and "22.86 %" in tiles and "77.67 days" in tiles
        assert "38.46 %" in tiles and "$250.00" in tiles
        assert frame.locator("#r-ageing").inner_text().split("\t")[1:6] == [
            "$300.00", "$1,600.00", "$700.00", "$0.00", "$800.00"]
        # the four charts were drawn by Chart.js, with data
        charts = inner.evaluate("""() => ['r-ageing-chart', 'r-trend-chart', 'r-util-chart', 'r-forecast-chart'].map(id => {
            const chart = Chart.getChart(id);
            return [id, chart.data.datasets.map(d => d.data.filter(v => v).length), chart.canvas.width > 0];
        })""")
        assert charts == [["r-ageing-chart", [5], True], ["r-trend-chart", [4, 4, 4, 2], True],
                          ["r-util-chart", [2], True], ["r-forecast-chart", [3], True]]
        trend = inner.evaluate("Chart.getChart('r-trend-chart').data.datasets.map(d => d.data.slice(-4))")
        assert trend == [[31, 54.8, 85.8, 77.67], [31, 38.89, 94.82, 350], [31, 30, 31, 30], [None, 20, 0, 38.46]]
        assert inner.evaluate("Chart.getChart('r-ageing-chart').data.datasets[0].data") == [300, 1600, 700, 0, 800, 100]
        assert "Beta Build" in frame.locator("#r-risk").inner_text() or "Alpha Tools" in frame.locator("#r-risk").inner_text()
        axe_assert_clean(page)
        assert_no_horizontal_overflow(page)
        page.set_viewport_size({"width": 1280, "height": 2300})  # the whole page in the shot
        page.evaluate("document.getElementById('app').style.height = '2250px'")
        page.wait_for_timeout(400)
        screenshot(page, "receivables")
        page.set_viewport_size({"width": 1280, "height": 900})

        # when: the 1–30 amount of the ageing table is clicked
        frame.get_by_role("button", name="$1,600.00: show the invoices of 1–30").click()

        # then: the invoices behind it
        items = frame.locator("#r-items tr")
        items.first.wait_for()
        frame.locator("#r-items-what", has_text="1–30").wait_for()
        frame.locator("#r-items:not([aria-busy])").wait_for(state="attached")
        rows = [r.split("\t") for r in items.all_inner_texts()]
        assert [(r[1], r[5], r[6]) for r in rows] == [("Alpha Tools", "$500.00", "$100.00"), ("Beta Build", "$1,200.00", "—")]
        assert frame.locator("#r-items-what").inner_text().endswith(": 2 invoices.")  # the page's total count

        # when: the 90+ bar of the chart is clicked
        x, y = inner.evaluate("""() => { const bar = Chart.getChart('r-ageing-chart').getDatasetMeta(0).data[4];
            return [bar.x, (bar.y + bar.base) / 2]; }""")
        frame.locator("#r-ageing-chart").click(position={"x": x, "y": y})
        frame.locator("#r-items-what", has_text="90+").wait_for()
        frame.locator("#r-items:not([aria-busy])").wait_for(state="attached")
        assert [r.split("\t")[1] for r in frame.locator("#r-items tr").all_inner_texts()] == ["Alpha Tools"]

        # and the invoice's company links to the company page (keeping the Dashboard's query)
        href = frame.locator("#r-items a", has_text="Alpha Tools").get_attribute("href")
        assert href.startswith(f"/app/companies/{hand_book.alpha.pk}?domain=shop.saleor.test")
    finally:
        harness.shutdown()


def test_company_page_receivables_panel(live_server, fake_saleor, hand_book, page):
    # given: the company page of Alpha Tools, today (A4 paid on 2026-07-05)
    query = (f"?domain=shop.saleor.test&saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F"
             f"&id={fake_saleor.app_id}&theme=light&locale=en-US")
    path = f"/app/companies/{hand_book.alpha.pk}"
    harness = dashboard_harness(app_url=live_server.url + path + query, token=fake_saleor.dashboard_token(expires_in=600))
    try:
        # when
        page.goto(f"http://127.0.0.1:{harness.server_port}/")
        row = page.frame_locator("#app").locator("#r-company tr", has_text="USD")
        row.wait_for()

        # then: 1,600 open, 1,500 of it undisputed and overdue (all more than 90 days), 100 disputed;
        # the average days late over the last 12 calendar months as of today (53.89 while both 2026
        # payments are in the window: (200 × 15 + 700 × 65) ÷ 900, test_selectors checks it as of a fixed
        # date); no DSO this month (nothing sold on terms in it: count-back has nothing to count
        # against); 1,600 of a 10,000 limit
        today = business_today(hand_book.installation)
        late = selectors.days_late(selectors.Scope(installation_id=hand_book.installation.pk, as_of=today)).get(
            (hand_book.alpha.pk, "USD"))
        shown_late = "—" if late is None else f"{late.quantize(Decimal('0.01')):,} days"
        assert row.inner_text().split("\t") == ["USD", "$1,600.00", "$1,500.00", "$1,500.00", "$100.00", "$0.00",
                                                shown_late, "—", "16.00 %"]
        axe_assert_clean(page)
    finally:
        harness.shutdown()
