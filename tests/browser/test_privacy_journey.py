"""A privacy officer's access request and erasure in real headless Chromium.

The officer opens the privacy centre, finds a customer by their own id,
downloads the access export, records an opt-out, erases the customer after
typing the confirmation word, reads the receipt, and finds both requests in
the audit log. Screenshots go to var/screenshots/ (git-ignored).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.test_persona_journey import SCREENSHOTS, browser, log_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"privacy-{name}.png"), full_page=True)


def test_privacy_officer_answers_an_access_request_then_erases(
    live_server,
    make_user,
    monkeypatch,
    browser,  # noqa: F811
):
    from playwright.sync_api import expect

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from segapp.models import AuditEvent, Customer, Membership
    from segapp.services.pseudonyms import pseudonymise
    from tests.api.persona_data import build_persona_run

    built = build_persona_run()
    make_user("priya", "privacy_officer")
    pseudonym = pseudonymise("p-1")
    quoted_text = built.documents[pseudonym][0].text

    page = log_in(browser, live_server.url, "priya")
    page.get_by_role("link", name="Privacy", exact=True).click()
    expect(page.get_by_role("heading", name="Privacy centre")).to_be_visible()
    expect(page.get_by_test_id("consent-figures")).to_contain_text("32")
    shot(page, "01-centre")

    page.fill("#id_customer", "p-1")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_test_id("held")).to_contain_text("Texts")
    shot(page, "02-customer")

    with page.expect_download() as download:
        page.get_by_test_id("export-json").click()
    export = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert export["customer"] == pseudonym and quoted_text in {
        d["text"] for d in export["documents"]
    }
    assert export["segments"][0]["segment"]["name"] == "Eco bargain hunters"

    page.select_option("select[name=consented]", "0")
    page.fill("input[name=reason]", "phoned in")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_test_id("consent-state")).to_have_text("withdrawn")
    assert not Membership.objects.filter(customer__pseudonym=pseudonym).exists()
    shot(page, "03-opted-out")

    page.fill("#id_confirm", "erase")
    page.get_by_role("button", name="Erase").click()
    expect(page.locator(".error")).to_contain_text("Type ERASE")
    page.fill("#id_confirm", "ERASE")
    page.get_by_role("button", name="Erase").click()
    expect(page.get_by_test_id("request-status")).to_have_text("Done")
    expect(page.get_by_test_id("receipt-counts")).to_contain_text("Documents")
    assert pseudonym not in page.content()
    assert not Customer.objects.filter(pseudonym=pseudonym).exists()
    shot(page, "04-receipt")

    page.get_by_role("link", name="Privacy", exact=True).click()
    expect(page.get_by_test_id("requests")).to_contain_text("Erasure")
    expect(page.get_by_test_id("requests")).to_contain_text("Access")
    page.goto(f"{live_server.url}/privacy/audit/?user=priya")
    rows = page.get_by_test_id("audit-rows")
    for label in (
        "Ran an access request",
        "Changed a customer's consent",
        "Ran an erasure request",
    ):
        expect(rows).to_contain_text(label)
    shot(page, "05-audit")
    assert not AuditEvent.objects.filter(target=pseudonym).exists()
