"""Topic pages: what a topic is, who talks about it, typical quotes; linked from the run page.

Who may see what: every role opens topic pages (view_runs); only alice (admin)
and bob (analyst) may read documents, so only they see the quotes. carol
(product manager) sees the topic without them.
"""

from __future__ import annotations

import pytest
from django.utils.html import escape

from segapp.models import Topic
from tests.api.test_topics_api import QUOTES, build_topic_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic_run(db):
    """Four topics (0 and 1 under 3) and two segments; see `build_topic_run`."""
    return build_topic_run()


def test_topic_page_quotes_its_representative_documents(client, bob, topic_run):
    client.force_login(bob)
    page = client.get(f"/runs/{topic_run.pk}/topics/0/").content.decode()
    assert "late · delivery" in page and "late, delivery" in page
    assert all(escape(text) in page for text in QUOTES[0])
    assert escape(QUOTES[2][0]) not in page  # another topic's quote
    assert "40 documents" in page and "40% of all" in page
    assert "-0.50 overall" in page and "-0.40 in the sentences about it" in page


def test_topic_page_links_the_segments_that_talk_about_it_most(client, bob, topic_run):
    client.force_login(bob)
    page = client.get(f"/runs/{topic_run.pk}/topics/0/").content.decode()
    waiters = page.index(f'href="/runs/{topic_run.pk}/segments/0/">Frustrated waiters')
    eco = page.index(f'href="/runs/{topic_run.pk}/segments/1/">Eco shoppers')
    assert waiters < eco  # 50% of their documents before 10%
    assert "50%" in page and "2.0×" in page


def test_topic_page_links_broader_related_and_narrower_topics(client, bob, topic_run):
    client.force_login(bob)
    child = client.get(f"/runs/{topic_run.pk}/topics/0/").content.decode()
    assert f'href="/runs/{topic_run.pk}/topics/3/">shipping' in child  # broader
    assert f'href="/runs/{topic_run.pk}/topics/1/">tracking · refund' in child  # related
    parent = client.get(f"/runs/{topic_run.pk}/topics/3/").content.decode()
    assert "Narrower topics" in parent
    assert f'href="/runs/{topic_run.pk}/topics/0/">late · delivery' in parent


def test_run_page_links_each_topic_to_its_page(client, bob, topic_run):
    client.force_login(bob)
    page = client.get(f"/runs/{topic_run.pk}/").content.decode()
    for number, label in Topic.objects.filter(run=topic_run).values_list("number", "label"):
        assert f'<a href="/runs/{topic_run.pk}/topics/{number}/">{label}</a>' in page


def test_product_manager_sees_the_topic_but_not_what_customers_wrote(client, carol, topic_run):
    client.force_login(carol)
    response = client.get(f"/runs/{topic_run.pk}/topics/0/")
    page = response.content.decode()
    assert response.status_code == 200 and "late · delivery" in page
    assert "Frustrated waiters" in page
    assert not any(escape(text) in page for texts in QUOTES.values() for text in texts)
    assert "Your role does not show what customers wrote." in page


def test_unknown_topic_or_run_is_404(client, bob, topic_run):
    client.force_login(bob)
    assert client.get(f"/runs/{topic_run.pk}/topics/99/").status_code == 404
    assert client.get("/runs/999/topics/0/").status_code == 404


def test_latest_run_topic_page_is_served(client, bob, topic_run):
    client.force_login(bob)
    assert escape(QUOTES[2][0]) in client.get("/runs/latest/topics/2/").content.decode()


def test_topic_page_needs_a_login(client, topic_run):
    response = client.get(f"/runs/{topic_run.pk}/topics/0/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.slow
def test_every_topic_of_a_real_run_has_a_page_with_its_quotes(client, bob, finished_run):
    client.force_login(bob)
    run_page = client.get(f"/runs/{finished_run.pk}/").content.decode()
    for topic in Topic.objects.filter(run=finished_run):
        assert f'href="/runs/{finished_run.pk}/topics/{topic.number}/"' in run_page
        response = client.get(f"/runs/{finished_run.pk}/topics/{topic.number}/")
        assert response.status_code == 200
        page = response.content.decode()
        quotes = topic.representative_documents
        assert quotes and page.count('data-testid="quote"') == len(quotes)
