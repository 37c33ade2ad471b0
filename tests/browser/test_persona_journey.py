"""The persona journey in real headless Chromium over a finished run.

An analyst logs in, opens the segment map (plotly draws it), opens a persona
from the segment list, reads a customer's explanation, compares two segments
and exports a segment's members; a product manager then reads a persona page,
also as printed. Screenshots go to var/screenshots/ (git-ignored).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def log_in(browser, url: str, username: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"pw-{username}-secret")
    page.click("button[type=submit]")
    page.get_by_role("heading", name="Dashboard").wait_for()
    return page


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"persona-{name}.png"), full_page=True)


def test_analyst_explores_personas_and_exports_a_segment(
    live_server, finished_run, bob, carol, monkeypatch, browser
):
    # `browser` comes last: Playwright's loop must start after the database fixtures.
    from playwright.sync_api import expect

    # Playwright's sync API runs an event loop in this thread; the ORM checks below are sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    from segapp.models import AuditEvent, Segment

    page = log_in(browser, live_server.url, "bob")

    # The segment map: plotly has drawn its SVG with points, and points lead to personas.
    page.get_by_role("link", name="Segments", exact=True).click()
    expect(page.get_by_role("heading", name="Customer segments")).to_be_visible()
    chart = page.get_by_test_id("segment-map")
    expect(chart.locator("svg.main-svg").first).to_be_attached()
    assert chart.locator(".scatterlayer .point").count() > 50
    targets = page.evaluate(
        "Array.from(document.getElementById('segment-map').data).map(t => t.meta).filter(Boolean)"
    )
    assert targets and all(f"/runs/{finished_run.pk}/segments/" in t for t in targets)
    shot(page, "01-map")

    # A persona, opened from the segment list.
    link = page.get_by_test_id("persona-link").first
    name = link.inner_text()
    link.click()
    expect(page.get_by_test_id("persona-name")).to_have_text(name)
    for heading in ("What they talk about", "How they feel", "How they behave",
                    "What they say", "How to recognise them"):  # fmt: skip
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator(".chart.drawn svg.main-svg").first).to_be_attached()
    expect(page.get_by_test_id("quote").first).to_be_visible()
    persona_url = page.url
    shot(page, "02-persona-analyst")

    # A customer's explanation, from the members list.
    page.get_by_test_id("member-link").first.click()
    expect(page.get_by_role("heading", name="Why this customer is where they are")).to_be_visible()
    expect(page.get_by_test_id("placement")).to_contain_text(name)
    expect(page.get_by_test_id("customer-topics")).to_be_visible()
    shot(page, "03-customer")
    # Both reads of customer-level data are audited: the persona page's member list
    # (one entry naming its customers) and the customer page (one entry for them).
    seen = AuditEvent.objects.filter(username="bob", action="view_customer")
    targets = sorted(str(event.target) for event in seen)
    assert len(targets) == 2
    assert sum(len(t) == 64 for t in targets) == 1 and any("members" in t for t in targets)

    # Compare two segments with the form.
    page.goto(persona_url)
    page.get_by_role("link", name="All segments of run", exact=False).click()
    page.get_by_role("link", name="Compare segments").click()
    options = page.locator("select[name=b] option")
    second = options.nth(1).inner_text()
    page.select_option("select[name=a]", index=0)
    page.select_option("select[name=b]", index=1)
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_test_id("side-a")).to_contain_text(options.nth(0).inner_text())
    expect(page.get_by_test_id("side-b")).to_contain_text(second)
    expect(page.get_by_test_id("compare-traits")).to_be_visible()
    shot(page, "04-compare")

    # Export the persona's members.
    page.goto(persona_url)
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    segment = Segment.objects.get(run=finished_run, name=name)
    assert rows[0] == [
        "customer", "segment", "segment_name", "probability", "outlier", "assigned_after_fit",
    ]  # fmt: skip
    assert len(rows) == segment.size + 1 and rows[1][2] == name
    assert AuditEvent.objects.filter(username="bob", action="export_members").count() == 1
    page.close()

    # A product manager reads the same persona: no quotes, members or exports; and prints it.
    page = log_in(browser, live_server.url, "carol")
    page.goto(persona_url)
    expect(page.get_by_test_id("persona-name")).to_have_text(name)
    expect(page.get_by_test_id("quotes-hidden")).to_be_visible()
    assert page.get_by_test_id("members").count() == 0
    assert page.get_by_test_id("export-csv").count() == 0
    expect(page.locator(".chart.drawn svg.main-svg").first).to_be_attached()
    shot(page, "05-persona-product-manager")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator(".topbar").is_hidden()
    shot(page, "06-persona-print")
    page.emulate_media(media="screen")
    page.goto(f"{live_server.url}/runs/{finished_run.pk}/topics/")
    expect(page.get_by_test_id("volume-chart").locator("svg.main-svg").first).to_be_attached()
    shot(page, "07-topics")
