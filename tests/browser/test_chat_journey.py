"""The chat journey in real headless Chromium over a finished run.

An analyst opens the chat from the navigation, asks which segment is the
largest, follows up with "and the second largest?", asks what a segment says
about a topic (quotes), opens "How I answered" to read the plan, then asks
something out of scope and takes one of the suggested questions. Everything is
checked as a person sees it; screenshots go to var/screenshots/chat-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ANSWER_TIMEOUT = 60_000  # ms; the first question loads the sentence encoder


@pytest.fixture
def persona_run(db):
    from tests.web.factories import build_persona_run

    return build_persona_run(120)


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


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"chat-{name}.png"), full_page=True)


def ask(page, question: str, turns_before: int):
    """Type a question, press Ask, wait for its answer; return the new turn."""
    from playwright.sync_api import expect

    page.get_by_label("Your question").fill(question)
    page.get_by_role("button", name="Ask", exact=True).click()
    turns = page.get_by_test_id("chat-turn")
    expect(turns).to_have_count(turns_before + 1, timeout=ANSWER_TIMEOUT)
    turn = turns.nth(turns_before)
    expect(turn.get_by_test_id("chat-question")).to_have_text(question)
    expect(page.get_by_label("Your question")).to_have_value("")
    return turn


def test_analyst_asks_follows_up_and_reads_the_plan(
    live_server, persona_run, bob, monkeypatch, browser
):
    # `browser` comes last: Playwright's loop must start after the database fixtures.
    from playwright.sync_api import expect

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from segapp.models import Conversation
    from segapp.selectors.personas import persona_list

    ranked = sorted(
        (p for p in persona_list(persona_run) if not p["small"]),
        key=lambda p: (-p["size"], p["number"]),
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", "pw-bob-secret")
    page.click("button[type=submit]")
    page.get_by_role("heading", name="Dashboard").wait_for()

    page.get_by_role("link", name="Chat", exact=True).click()
    expect(page.get_by_role("heading", name="Ask about your segments")).to_be_visible()
    expect(page.get_by_test_id("chat-starters")).to_be_visible()

    # A first question: the answer names the largest segment with its size, in the facts too.
    turn = ask(page, "Which is the largest segment?", 0)
    expect(turn.get_by_test_id("chat-text")).to_contain_text(ranked[0]["name"])
    expect(turn.get_by_test_id("chat-text")).to_contain_text(str(ranked[0]["size"]))
    expect(turn.get_by_test_id("chat-table")).to_contain_text(ranked[0]["name"])
    turn.get_by_text("Figures used").click()
    expect(turn.get_by_test_id("chat-facts")).to_contain_text(str(ranked[0]["size"]))
    expect(page.get_by_test_id("chat-starters")).to_have_count(0)
    plan = turn.get_by_test_id("chat-plan")
    expect(plan.get_by_test_id("plan-step").first).to_be_hidden()
    plan.get_by_text("How I answered").click()
    expect(plan.get_by_test_id("plan-step").first).to_be_visible()
    expect(plan).to_contain_text("rank_segments(")
    shot(page, "01-answer-and-plan")

    # A follow-up in the same conversation.
    turn = ask(page, "and the second largest?", 1)
    expect(turn.get_by_test_id("chat-text")).to_contain_text(ranked[1]["name"])
    expect(turn.get_by_test_id("chat-text")).to_contain_text(str(ranked[1]["size"]))
    shot(page, "02-follow-up")

    # A second question with quotes (analysts may read them).
    turn = ask(page, "What do Impatient trackers say about late delivery?", 2)
    expect(turn.get_by_test_id("chat-text")).to_contain_text("Impatient trackers")
    expect(turn.get_by_test_id("chat-quote").first).to_be_visible()
    turn.get_by_test_id("chat-plan").get_by_text("How I answered").click()
    expect(turn.get_by_test_id("chat-plan")).to_contain_text("segment_topic(")
    shot(page, "03-quotes")

    # Out of scope: a plain refusal with suggestions; a suggestion is asked with one click.
    turn = ask(page, "What's the weather in London tomorrow?", 3)
    expect(turn.get_by_test_id("chat-facts")).to_have_count(0)
    chips = turn.get_by_test_id("suggestion")
    expect(chips.first).to_be_visible()
    suggestion = chips.first.inner_text()
    chips.first.click()
    turns = page.get_by_test_id("chat-turn")
    expect(turns).to_have_count(5, timeout=ANSWER_TIMEOUT)
    expect(turns.nth(4).get_by_test_id("chat-question")).to_have_text(suggestion)
    shot(page, "04-declined-and-suggestion")

    # Everything was one conversation, and it reads the same after a reload.
    conversation = Conversation.objects.get(user__username="bob")
    assert conversation.messages.count() == 5
    page.goto(f"{live_server.url}/chat/{conversation.pk}/")
    expect(page.get_by_test_id("chat-turn")).to_have_count(5)
    expect(page.get_by_test_id("chat-quote").first).to_be_visible()
    shot(page, "05-conversation-reloaded")

    # An empty question gets a message, not an answer.
    page.get_by_label("Your question").fill("   ")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.get_by_test_id("chat-error")).to_contain_text("Type a question first")
    expect(page.get_by_test_id("chat-turn")).to_have_count(5)

    # A new conversation: a trend comes with a small line chart.
    page.get_by_role("link", name="New conversation").click()
    expect(page.get_by_test_id("chat-starters")).to_be_visible()
    turn = ask(page, "How has talk about late delivery changed over time?", 0)
    expect(turn.get_by_test_id("chat-chart").locator("svg polyline")).to_be_attached()
    expect(turn.get_by_test_id("chat-table")).to_contain_text("Month")
    shot(page, "06-trend")
    page.close()
