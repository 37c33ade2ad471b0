"""Persona pages cost a fixed number of queries, however many customers a run has."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from segapp.models import Membership
from tests.web.factories import build_persona_run

pytestmark = pytest.mark.django_db

# Most queries each page may make (session, user and role checks included).
BUDGET = {
    "map": 8,
    "persona": 15,
    "compare": 10,
    "customer": 10,
    "topic": 10,
    "topics": 8,
    "export": 9,
}


def _urls(run) -> dict[str, str]:
    member = Membership.objects.filter(run=run, segment__number=0).select_related("customer")
    pseudonym = member.first().customer.pseudonym
    return {
        "map": f"/runs/{run.pk}/map/",
        "persona": f"/runs/{run.pk}/segments/0/",
        "compare": f"/runs/{run.pk}/compare/?a=0&b=1",
        "customer": f"/customers/{pseudonym}/?run={run.pk}",
        "topic": f"/runs/{run.pk}/topics/1/",
        "topics": f"/runs/{run.pk}/topics/",
        "export": f"/runs/{run.pk}/segments/0/members.csv",
    }


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured)


def test_query_counts_do_not_grow_with_the_number_of_customers(client, bob):
    client.force_login(bob)
    small, big = build_persona_run(60, seed=1), build_persona_run(600, seed=2)
    for page, url in _urls(small).items():
        assert _count(client, url) == _count(client, _urls(big)[page]), page


@pytest.mark.parametrize("page", sorted(BUDGET))
def test_each_page_stays_within_its_query_budget(client, bob, django_assert_max_num_queries, page):
    client.force_login(bob)
    url = _urls(build_persona_run(300))[page]
    client.get(url)  # the first request of a session may create it
    with django_assert_max_num_queries(BUDGET[page]):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
