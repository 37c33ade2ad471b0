"""Persona pages: the segment map, persona pages, exports, comparisons, customer pages, topics.

Who may see what: alice (admin) and bob (analyst) see everything, including
quotes, member lists and customer pages; carol (product manager) reads the
map, personas and comparisons but never a member list, a quote, an export or a
customer; dave (integration) sees members and exports, never quotes or customers.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils.html import escape

from segapp.models import AuditEvent, Membership, Segment
from tests.web.factories import TEXTS

pytestmark = pytest.mark.django_db

SMALL = "Small segment (fewer than 10)"


def _page(client, user, url, status=200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave"])
def test_every_role_sees_the_segment_map_and_list(client, request, who, persona_run):
    page = _page(client, request.getfixturevalue(who), f"/runs/{persona_run.pk}/map/")
    assert 'data-chart="map"' in page and 'id="map-data"' in page
    for name in ("Eco-minded refillers", "Impatient trackers", "Coupon hunters"):
        assert name in page
    assert f'href="/runs/{persona_run.pk}/segments/0/"' in page


def test_map_hides_the_small_segment_and_carries_no_customer_ids(client, bob, persona_run):
    page = _page(client, bob, f"/runs/{persona_run.pk}/map/")
    assert "Quiet few" not in page and SMALL in page
    groups = json.loads(
        page.split('id="map-data" type="application/json">')[1].split("</script>")[0]
    )
    names = {g["name"] for g in groups}
    assert {"Outliers", SMALL, "Eco-minded refillers"} <= names
    assert all(g["url"] is None for g in groups if g["name"] in ("Outliers", SMALL))
    drawn = sum(len(g["x"]) for g in groups)
    assert drawn == Membership.objects.filter(run=persona_run, assigned_after_fit=False).count()
    pseudonyms = Membership.objects.filter(run=persona_run).values_list(
        "customer__pseudonym", flat=True
    )
    assert not any(p in page for p in pseudonyms)


def test_big_maps_are_thinned_and_say_so(client, bob, persona_run, monkeypatch):
    from segapp.selectors import maps

    monkeypatch.setattr(maps, "MAX_MAP_POINTS", 50)
    page = _page(client, bob, f"/runs/{persona_run.pk}/map/")
    assert 'data-testid="map-sample"' in page and "Showing 40 of 119 customers" in page


def test_plotly_is_served_locally_never_from_a_cdn(client, bob, persona_run):
    page = _page(client, bob, f"/runs/{persona_run.pk}/map/")
    src = page.split('<script src="/assets/plotly-')[1].split('"')[0]
    script = client.get(f"/assets/plotly-{src}")
    assert script.status_code == 200 and script["Content-Type"].startswith("text/javascript")
    assert b"plotly" in b"".join(script.streaming_content)[:2000].lower()
    assert "cdn" not in page.lower() and 'src="http' not in page
    assert client.get("/assets/plotly-0.0.1.min.js").status_code == 404


def test_product_manager_reads_a_persona_without_quotes_members_or_exports(
    client, carol, persona_run
):
    page = _page(client, carol, f"/runs/{persona_run.pk}/segments/0/")
    assert "Eco-minded refillers" in page and "They talk about" in page
    for heading in ("What they talk about", "How they feel", "How they behave", "What they say",
                    "How to recognise them"):  # fmt: skip
        assert heading in page
    assert 'data-testid="quotes-hidden"' in page
    assert not any(escape(text) in page for text in TEXTS.values())
    assert 'data-testid="members"' not in page and "members.csv" not in page
    assert "/customers/" not in page


def test_persona_page_states_rules_in_plain_words(client, carol, persona_run):
    page = _page(client, carol, f"/runs/{persona_run.pk}/segments/2/")
    rule = Segment.objects.get(run=persona_run, number=2).profile["rules"][0]
    assert escape(rule["text"]) in page
    assert f"<strong>{round(rule['precision'] * 100)}%</strong> are in this segment" in page
    assert f"finds <strong>{round(rule['coverage'] * 100)}%</strong> of the segment" in page
    assert "Coupon share" in page and "higher than everyone" in page


def test_analyst_sees_quotes_members_linked_to_customers_and_exports(client, bob, persona_run):
    page = _page(client, bob, f"/runs/{persona_run.pk}/segments/0/")
    assert page.count('data-testid="quote"') == 4
    assert 'data-testid="members"' in page and 'data-testid="member-link"' in page
    member = Membership.objects.filter(run=persona_run, segment__number=0).first()
    assert f'href="/customers/{member.customer.pseudonym}/?run={persona_run.pk}"' in page
    assert "members.csv" in page and "members.json" in page


def test_integration_sees_members_but_no_quotes_or_customer_pages(client, dave, persona_run):
    page = _page(client, dave, f"/runs/{persona_run.pk}/segments/0/")
    assert 'data-testid="members"' in page and 'data-testid="member-link"' not in page
    assert 'data-testid="quotes-hidden"' in page and "members.csv" in page


def test_small_or_unknown_segment_is_a_friendly_404(client, bob, persona_run):
    page = _page(client, bob, f"/runs/{persona_run.pk}/segments/4/", status=404)
    assert "fewer than 10 customers" in page and "Quiet few" not in page
    assert "No segment 9" in _page(client, bob, f"/runs/{persona_run.pk}/segments/9/", 404)
    assert _page(client, bob, "/runs/999/segments/0/", 404)


def test_csv_export_lists_the_members_and_is_audited(client, bob, persona_run):
    client.force_login(bob)
    response = client.get(f"/runs/{persona_run.pk}/segments/1/members.csv")
    assert response.status_code == 200
    assert "segment-1-members.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    segment = Segment.objects.get(run=persona_run, number=1)
    assert len(rows) == segment.size and rows[0]["segment_name"] == "Impatient trackers"
    assert set(rows[0]) == {
        "customer", "segment", "segment_name", "probability", "outlier", "assigned_after_fit",
    }  # fmt: skip
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.channel) == ("bob", "export_members", "web")
    assert event.target == f"run {persona_run.pk} segment 1" and event.details["format"] == "csv"


def test_json_export_is_an_array_of_members(client, dave, persona_run):
    client.force_login(dave)
    response = client.get(f"/runs/{persona_run.pk}/segments/0/members.json")
    rows = json.loads(b"".join(response.streaming_content))
    assert len(rows) == Segment.objects.get(run=persona_run, number=0).size
    assert AuditEvent.objects.get().details == {"format": "json"}


def test_product_manager_cannot_export_and_nothing_is_audited(client, carol, persona_run):
    page = _page(client, carol, f"/runs/{persona_run.pk}/segments/0/members.csv", status=403)
    assert "Not allowed" in page and "does not allow" in page
    assert not AuditEvent.objects.exists()


def test_small_segment_or_unknown_format_is_never_exported(client, bob, persona_run):
    _page(client, bob, f"/runs/{persona_run.pk}/segments/4/members.csv", status=404)
    _page(client, bob, f"/runs/{persona_run.pk}/segments/0/members.xlsx", status=404)
    assert not AuditEvent.objects.exists()


def test_run_wide_export_is_audited(client, bob, persona_run):
    client.force_login(bob)
    response = client.get(f"/runs/{persona_run.pk}/export/segments.csv")
    b"".join(response.streaming_content)
    assert AuditEvent.objects.get().action == "export_segments"


@pytest.mark.parametrize("who", ["alice", "carol", "dave"])
def test_compare_shows_two_personas_side_by_side(client, request, who, persona_run):
    url = f"/runs/{persona_run.pk}/compare/?a=0&b=2"
    page = _page(client, request.getfixturevalue(who), url)
    assert 'data-testid="side-a"' in page and 'data-testid="side-b"' in page
    side_a = page.split('data-testid="side-a"')[1].split("</section>")[0]
    assert "Eco-minded refillers" in side_a
    assert "Coupon hunters" in page.split('data-testid="side-b"')[1].split("</section>")[0]
    assert "Spend (12 months)" in page.split('data-testid="compare-traits"')[1]
    assert 'data-testid="compare-topics"' in page and "Recognising Coupon hunters" in page
    assert '<option value="4"' not in page  # the small segment cannot be picked


def test_compare_form_explains_bad_choices(client, bob, persona_run):
    base = f"/runs/{persona_run.pk}/compare/"
    assert "Pick two different segments." in _page(client, bob, f"{base}?a=1&b=1", 400)
    assert "Pick two segments" in _page(client, bob, f"{base}?a=x&b=1", 400)
    assert "fewer than 10 customers" in _page(client, bob, f"{base}?a=0&b=4", 400)
    assert 'data-testid="side-a"' in _page(client, bob, base)  # defaults: the two first


def test_analyst_opens_a_customer_page_and_the_view_is_audited(client, bob, persona_run):
    member = Membership.objects.filter(run=persona_run, segment__number=2, outlier=False).first()
    pseudonym = member.customer.pseudonym
    page = _page(client, bob, f"/customers/{pseudonym}/?run={persona_run.pk}")
    assert "Coupon hunters" in page and f"{round(member.probability * 100)}%" in page
    assert 'data-testid="pulls"' in page and 'data-testid="customer-topics"' in page
    assert 'data-testid="representatives"' in page
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.target) == ("bob", "view_customer", pseudonym)
    assert event.details == {"run": persona_run.pk}


def test_outlier_customer_page_says_so(client, alice, persona_run):
    member = Membership.objects.filter(run=persona_run, outlier=True).first()
    page = _page(client, alice, f"/customers/{member.customer.pseudonym}/")
    assert "<strong>outlier</strong>" in page and "Closest:" in page


@pytest.mark.parametrize("who", ["carol", "dave"])
def test_customer_pages_are_refused_with_a_friendly_403(client, request, who, persona_run):
    member = Membership.objects.filter(run=persona_run).first()
    page = _page(
        client, request.getfixturevalue(who), f"/customers/{member.customer.pseudonym}/", 403
    )
    assert "Not allowed" in page and "explain customers" in page and "Traceback" not in page
    assert not AuditEvent.objects.exists()


def test_unknown_customer_is_a_404_and_not_audited(client, bob, persona_run):
    page = _page(client, bob, f"/customers/{'0' * 64}/", status=404)
    assert "No customer with this pseudonym." in page
    assert not AuditEvent.objects.exists()


def test_topic_page_charts_volume_and_sentiment_by_month(client, carol, persona_run):
    page = _page(client, carol, f"/runs/{persona_run.pk}/topics/1/")
    data = json.loads(
        page.split('id="trend-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["months"][0] == "2025-01-01" and len(data["months"]) == 12
    assert sum(data["documents"]) == persona_run.topics.get(number=1).size - (
        1 if persona_run.document_results.order_by("-document_id").first().topic == 1 else 0
    )


def test_topics_index_lists_every_topic_and_their_volumes(client, carol, persona_run):
    page = _page(client, carol, f"/runs/{persona_run.pk}/topics/")
    for topic in persona_run.topics.all():
        assert f'href="/runs/{persona_run.pk}/topics/{topic.number}/">{escape(topic.label)}' in page
    assert 'data-chart="volumes"' in page and "without a date" in page


def test_run_page_lists_personas_but_not_the_small_segment(client, carol, persona_run):
    page = _page(client, carol, f"/runs/{persona_run.pk}/")
    assert "Eco-minded refillers" in page and SMALL in page and "Quiet few" not in page
    assert f'href="/runs/{persona_run.pk}/map/"' in page


def test_latest_run_pages_are_served(client, carol, persona_run):
    assert "Coupon hunters" in _page(client, carol, "/runs/latest/map/")
    assert "Coupon hunters" in _page(client, carol, "/runs/latest/segments/2/")


def test_persona_pages_need_a_login(client, persona_run):
    for url in (f"/runs/{persona_run.pk}/map/", f"/runs/{persona_run.pk}/segments/0/",
                f"/customers/{'0' * 64}/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_persona_page_leads_with_the_shares_of_moods_and_says_each_figure_once(
    client, bob, persona_run
):
    from nlp.explain import mood_words
    from segapp.models import Document

    segment = Segment.objects.get(run=persona_run, number=0)
    quoted = segment.profile["quotes"][0]
    Document.objects.filter(pk=quoted).update(metadata={"question": "What could we do better?"})
    page = _page(client, bob, f"/runs/{persona_run.pk}/segments/0/")
    stored = segment.profile["sentiment_mix"]
    shares = {m: round(float(stored[m]) * 100) for m in ("negative", "neutral", "positive")}
    words = mood_words({m: shares[m] / 100 for m in shares})
    header = page.split('data-testid="persona-mood">')[1].split("</strong>")[0]
    assert header == words
    assert f"({shares['negative']}% negative · {shares['positive']}% positive)" in page
    feel = page.split('data-testid="persona-feel">')[1].split("</p>")[0]
    assert words in feel and f"{shares['negative']}%</strong> negative" in feel
    assert page.count(f"{segment.profile['sentiment']:+.2f}".replace("-", "−")[:5]) <= 1
    assert 'data-testid="quote-question">Asked: What could we do better?' in page
