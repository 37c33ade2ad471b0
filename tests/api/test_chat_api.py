"""POST /api/v1/chat/ and GET /api/v1/chat/{id}/: the SPEC §11 answer object, per role.

alice (admin) and bob (analyst) see quotes and customers; carol (product
manager) and dave (integration) get aggregates only; nobody sees another's
conversation.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from segapp.models import AuditEvent, Membership, RunStatus, SegmentationRun
from tests.segapp.chat import shared

pytestmark = pytest.mark.django_db
chat_run = shared.chat_run  # the module's real run (a fixture)
URL = "/api/v1/chat/"


def test_every_role_may_ask_and_gets_the_answer_object(chat_run, alice, bob, carol, dave, api_as):
    for user in (alice, bob, carol, dave):
        response = api_as(user).post(
            URL, {"question": "How many segments are there?"}, format="json"
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert {"answer", "facts", "quotes", "plan", "conversation"} <= set(body)
        assert body["plan"][0]["tool"] == "overview" and body["facts"]
    assert AuditEvent.objects.filter(action="chat_question", channel="api").count() == 4


def test_answers_respect_the_role(chat_run, bob, carol, api_as):
    question = {"question": "Show me quotes from segment 3"}
    analyst = api_as(bob).post(URL, question, format="json").json()
    manager = api_as(carol).post(URL, question, format="json").json()
    assert analyst["quotes"] and manager["quotes"] == []
    pseudonym = Membership.objects.filter(run=chat_run).first().customer.pseudonym
    why = {"question": f"Why is customer {pseudonym} in this segment?"}
    assert api_as(carol).post(URL, why, format="json").json()["facts"] == []
    assert api_as(bob).post(URL, why, format="json").json()["facts"]


def test_follow_ups_and_history_belong_to_their_user(chat_run, bob, carol, api_as):
    first = api_as(bob).post(URL, {"question": "Which segment is the largest?"}, format="json")
    conversation = first.json()["conversation"]
    follow = {"question": "and the second largest?", "conversation": conversation}
    again = api_as(bob).post(URL, follow, format="json").json()
    assert again["conversation"] == conversation and again["plan"][0]["args"]["position"] == 2
    history = api_as(bob).get(f"{URL}{conversation}/").json()
    assert [m["question"] for m in history["messages"]] == [
        "Which segment is the largest?",
        "and the second largest?",
    ]
    stolen = api_as(carol).post(URL, follow, format="json")
    assert stolen.status_code == 404 and stolen.json()["error"]["code"] == "not_found"
    assert api_as(carol).get(f"{URL}{conversation}/").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"question": ""},
        {"question": "x" * 1001},
        {"question": "hi", "conversation": "a"},
        {"question": ["a"]},
    ],  # fmt: skip
)
def test_bad_input_gets_the_one_error_shape(bob, api_as, body):
    response = api_as(bob).post(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"status", "code", "message", "details"}


def test_without_a_run_the_chat_says_so(bob, api_as):
    SegmentationRun.objects.update(status=RunStatus.FAILED)  # rolled back after the test
    body = api_as(bob).post(URL, {"question": "How many segments?"}, format="json").json()
    assert body["answer"].startswith("No segmentation run has succeeded yet") and body["plan"] == []


def test_anonymous_callers_are_refused():
    response = APIClient().post(URL, {"question": "How many segments?"}, format="json")
    assert response.status_code == 401
