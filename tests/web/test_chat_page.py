"""The chat page: asking with htmx or a plain post, follow-ups, declines, roles, bad input.

Who may see what: every role opens the chat and asks; alice (admin) and bob
(analyst) see quotes and customers' explanations; carol (product manager) gets
aggregates only, never a quote or a customer; dave (integration) never a quote
or a customer's explanation. A conversation is only ever shown to its owner.
The answers come from the real engine over the persona run of the page tests.
"""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from segapp.models import ChatMessage, Conversation
from segapp.selectors.personas import persona_list

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def ask(client, question: str, conversation: int | None = None, *, htmx: bool = True):
    data = {"question": question}
    if conversation is not None:
        data["conversation"] = conversation
    return client.post("/chat/ask/", data, **(HTMX if htmx else {}))


def conversation_of(response) -> int:
    found = re.search(r'id="conversation-id" value="(\d+)" hx-swap-oob', response.content.decode())
    assert found, "the answer does not carry the conversation id"
    return int(found.group(1))


def largest_first(run) -> list[dict]:
    listed = [p for p in persona_list(run) if not p["small"]]
    return sorted(listed, key=lambda p: (-p["size"], p["number"]))


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave"])
def test_every_role_opens_the_chat(client, request, who, persona_run):
    client.force_login(request.getfixturevalue(who))
    page = client.get("/chat/").content.decode()
    assert 'data-testid="ask-form"' in page and 'name="question"' in page
    assert 'data-testid="chat-starters"' in page
    assert f"#{persona_run.pk}" in page
    assert 'href="/chat/"' in page  # the nav link


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/chat/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.post("/chat/ask/", {"question": "hi"}).status_code == 302


def test_an_answer_shows_its_figures_and_how_it_was_answered(client, bob, persona_run):
    client.force_login(bob)
    response = ask(client, "Which is the largest segment?")
    html = response.content.decode()
    assert response.status_code == 200
    largest = largest_first(persona_run)[0]
    assert escape(largest["name"]) in html
    assert 'data-testid="chat-facts"' in html and f">{largest['size']}<" in html
    assert '<details class="chat-plan"' in html and "How I answered" in html
    assert "rank_segments(" in html or "overview(" in html
    assert 'data-testid="plan-step"' in html
    assert 'data-testid="chat-chart"' in html and 'class="chat-bar"' in html
    assert ChatMessage.objects.filter(conversation__user=bob).count() == 1


def test_a_trend_is_drawn_as_a_line(client, bob, persona_run):
    client.force_login(bob)
    html = ask(client, "How has talk about late delivery changed over time?").content.decode()
    assert "topic_trend(" in html
    assert 'data-testid="chat-chart"' in html and "<polyline points=" in html


def test_a_follow_up_continues_the_conversation(client, bob, persona_run):
    client.force_login(bob)
    first = ask(client, "Which is the largest segment?")
    conversation = conversation_of(first)
    second = ask(client, "and the second largest?", conversation)
    assert conversation_of(second) == conversation
    runner_up = largest_first(persona_run)[1]
    text = second.content.decode().split('data-testid="chat-text">')[1].split("</p>")[0]
    assert escape(runner_up["name"]) in text
    page = client.get(f"/chat/{conversation}/").content.decode()
    assert page.count('data-testid="chat-turn"') == 2
    assert f'name="conversation" id="conversation-id" value="{conversation}"' in page
    assert Conversation.objects.get(pk=conversation).messages.count() == 2


def test_a_plain_post_redirects_to_the_conversation(client, bob, persona_run):
    client.force_login(bob)
    response = ask(client, "How many segments are there?", htmx=False)
    assert response.status_code == 302
    conversation = Conversation.objects.get(user=bob)
    assert response["Location"] == f"/chat/{conversation.pk}/#latest"
    page = client.get(response["Location"]).content.decode()
    assert "How many segments are there?" in page and 'data-testid="chat-facts"' in page


def test_a_declined_question_says_so_and_offers_questions_as_chips(client, bob, persona_run):
    client.force_login(bob)
    html = ask(client, "What's the weather in London tomorrow?").content.decode()
    assert 'class="chat-a card declined"' in html
    assert 'data-testid="chat-suggestions"' in html and html.count('data-testid="suggestion"') >= 2
    assert 'data-testid="chat-facts"' not in html and 'data-testid="chat-quote"' not in html
    chip = re.search(r'name="question" value="([^"]+)"', html).group(1)
    assert ask(client, chip.replace("&quot;", '"')).status_code == 200


def test_quotes_are_shown_to_analysts_and_never_to_product_managers(
    client, bob, carol, persona_run
):
    question = "What do Impatient trackers say about late delivery?"
    client.force_login(bob)
    assert 'data-testid="chat-quote"' in ask(client, question).content.decode()
    client.force_login(carol)
    html = ask(client, question).content.decode()
    assert 'data-testid="chat-quote"' not in html
    assert escape("Impatient trackers") in html


def test_product_managers_are_not_told_why_a_customer_is_in_a_segment(client, carol, persona_run):
    from segapp.selectors.personas import members

    pseudonym = members(persona_run, largest_first(persona_run)[0]["number"]).first()
    pseudonym = pseudonym.customer.pseudonym
    client.force_login(carol)
    html = ask(client, f"Why is customer {pseudonym} in their segment?").content.decode()
    assert 'data-testid="chat-suggestions"' in html
    assert 'data-testid="chat-facts"' not in html


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "Type a question first."), ("   ", "Type a question first."),
     ("why " * 3000, "at most 1,000 characters")],
)  # fmt: skip
def test_empty_or_huge_questions_get_a_clear_message(client, bob, persona_run, question, message):
    client.force_login(bob)
    response = ask(client, question)
    assert response.status_code == 200 and message in response.content.decode()
    assert 'data-testid="chat-turn"' not in response.content.decode()
    plain = ask(client, question, htmx=False)
    assert plain.status_code == 400 and message in plain.content.decode()
    assert not ChatMessage.objects.exists()


def test_a_bad_conversation_id_is_a_message_not_an_error(client, bob, persona_run):
    client.force_login(bob)
    response = client.post("/chat/ask/", {"question": "hi", "conversation": "abc"}, **HTMX)
    assert response.status_code == 200 and "Conversation:" in response.content.decode()


def test_nobody_reads_or_continues_someone_elses_conversation(client, bob, carol, persona_run):
    client.force_login(bob)
    conversation = conversation_of(ask(client, "How many segments are there?"))
    client.force_login(carol)
    assert client.get(f"/chat/{conversation}/").status_code == 404
    assert ask(client, "and the second largest?", conversation).status_code == 404
    assert client.get("/chat/999999/").status_code == 404


def test_asking_needs_a_post(client, bob, persona_run):
    client.force_login(bob)
    assert client.get("/chat/ask/").status_code == 405


def test_a_refused_plain_post_keeps_the_conversation_on_screen(client, bob, persona_run):
    client.force_login(bob)
    conversation = conversation_of(ask(client, "How many segments are there?"))
    response = ask(client, "", conversation, htmx=False)
    page = response.content.decode()
    assert response.status_code == 400 and "Type a question first." in page
    assert page.count('data-testid="chat-turn"') == 1
    assert f'id="conversation-id" value="{conversation}"' in page
