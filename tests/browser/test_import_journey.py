"""The import journey in real headless Chromium: log in, upload, check the preview, change a
column's role, import, watch progress, read the report."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def make_reviews(path: Path, rows: int) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["user_id", "review_text", "stars", "date", "email"])
        for i in range(rows):
            text = "" if i % 500 == 7 else f"Parcel {i} arrived fast, love the refill pouches"
            if i == 3:
                text = "Great service, reach me at sam.jones@example.com"
            writer.writerow([f"U{i % 400}", text, 1 + i % 5, "2025-05-01", f"u{i}@example.com"])
    return path


def test_analyst_previews_a_file_changes_a_role_and_follows_the_import_to_the_report(
    live_server, celery_worker_process, bob, tmp_path, page
):
    # `page` comes last: Playwright's loop must start after the database fixtures.
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", "pw-bob-secret")
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "01-dashboard-empty.png"), full_page=True)

    page.get_by_role("link", name="Import a file").first.click()
    page.set_input_files("input[type=file]", str(make_reviews(tmp_path / "reviews.csv", 20_000)))
    page.screenshot(path=str(SCREENSHOTS / "02-upload-form.png"), full_page=True)
    page.get_by_role("button", name="Upload and preview").click()

    # The preview: nothing imported yet; the type guessed and why; a role per column.
    expect(page.get_by_role("heading", name="Check the columns")).to_be_visible()
    expect(page.get_by_test_id("guess")).to_contain_text("review_text")
    expect(page.get_by_test_id("file-type")).to_have_value("documents")
    expect(page.get_by_label("Role of column user_id")).to_have_value("customer_id")
    expect(page.get_by_label("Role of column review_text")).to_have_value("text")
    expect(page.get_by_label("Role of column email")).to_have_value("drop")
    table = page.get_by_test_id("preview-table")
    expect(table).to_contain_text("Parcel 1 arrived fast")
    expect(table).not_to_contain_text("@example.com")
    page.screenshot(path=str(SCREENSHOTS / "03-preview.png"), full_page=True)

    # Change a role: the preview is re-rendered in place with the choice.
    page.get_by_label("Role of column stars").select_option("metadata")
    stars = page.locator("td[data-column=stars]")
    expect(stars).to_contain_text("Your choice.")
    expect(page.get_by_label("Role of column stars")).to_have_value("metadata")
    expect(page.get_by_test_id("import-button")).to_be_enabled()
    page.screenshot(path=str(SCREENSHOTS / "04-preview-role-changed.png"), full_page=True)
    page.get_by_test_id("import-button").click()

    expect(page.get_by_text("queued: reviews.csv")).to_be_visible()
    bar = page.locator("[role=progressbar]")
    expect(bar).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "05-job-progress.png"), full_page=True)
    expect(page.get_by_test_id("job-status")).to_have_text("Succeeded", timeout=120_000)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / "06-job-done.png"), full_page=True)

    status = page.locator("#job-status .status-line").inner_text()
    assert "read 20,000" in status and "rejected 40" in status
    mapping = page.get_by_test_id("mapping").inner_text()
    assert "user_id" in mapping and "customer id (pseudonymised)" in mapping
    assert "dropped: direct identifier" in mapping
    stars_row = page.get_by_test_id("mapping").locator("tr", has_text="stars").inner_text()
    assert "metadata" in stars_row  # the role chosen on the preview
    assert "1 email" in page.get_by_test_id("redactions").inner_text()
    issues = page.get_by_test_id("issues").inner_text()
    assert "the text is empty" in issues
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    report = Path(download.value.path()).read_text()
    assert report.splitlines()[0] == "row,column,severity,reason"
    assert len(report.splitlines()) == 41

    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_test_id("count-documents")).to_have_text("19,960")
    page.screenshot(path=str(SCREENSHOTS / "07-dashboard.png"), full_page=True)
