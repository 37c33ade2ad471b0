"""Private releases, the privacy budget and policy tokens over the API.

Who may do what: bob (analyst) and dave (integration) may release; carol
(product manager) may not; alice (admin) may also change the budget. dave's
token carries a privacy policy in the policy tests; erin is an integration
user like him without one.
"""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from segapp.models import AuditAction, AuditEvent, PrivacyBudget, PrivacyRelease, Segment, Topic
from segapp.services import dp
from tests.web.factories import build_persona_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(settings):
    settings.VOXSEG_MIN_GROUP_SIZE = 10
    settings.VOXSEG_DP_EPSILON_BUDGET = 10.0
    settings.VOXSEG_DP_DELTA_BUDGET = 1e-5
    return build_persona_run(240)


def url(run, tail: str = "") -> str:
    return f"/api/v1/runs/{run.pk}/{tail}"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status and error["code"] == code
    return error


def spent() -> float:
    return PrivacyBudget.objects.get(dataset=dp.DATASET).epsilon_spent


# --- releases ---------------------------------------------------------------------------------


def test_an_analyst_gets_a_release_with_epsilon_delta_mechanism_and_sensitivity(run, bob, api_as):
    response = api_as(bob).post(
        url(run, "private-release/"), {"epsilon": 1.0, "seed": 3}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["epsilon"], body["delta"], body["mechanism"]) == (1.0, 0.0, "laplace")
    assert body["served_again"] is False and body["reproducible"] is True
    assert body["sizes"]["sensitivity"] == 1.0 and body["sizes"]["epsilon"] == 0.25
    assert body["topics"]["sensitivity"] == 5.0
    spend = body["means"]["features"]["spend_12m"]
    assert spend["bounds_search"]["method"].startswith("noisy log2 histogram")  # none declared
    assert "composition" in body and body["budget"]["epsilon_spent"] == 1.0
    exact = {str(s.number): s.size for s in Segment.objects.filter(run=run)}
    print(f"exact sizes {exact}; released {body['sizes']['segments']}")
    assert AuditEvent.objects.filter(action=AuditAction.PRIVATE_RELEASE, user=bob).exists()


def test_asking_again_serves_the_stored_release_for_free(run, bob, api_as):
    client = api_as(bob)
    body = {"epsilon": 0.5, "quantities": ["sizes", "shares"]}
    first = client.post(url(run, "private-release/"), body, format="json").json()
    again = client.post(url(run, "private-release/"), body, format="json")
    assert again.status_code == 200
    assert again.json()["served_again"] is True
    assert again.json()["sizes"] == first["sizes"] and again.json()["release"] == first["release"]
    assert spent() == 0.5


def test_delta_selects_the_gaussian_mechanism(run, dave, api_as):
    body = {"epsilon": 1.0, "delta": 1e-6, "quantities": ["sizes"]}
    response = api_as(dave).post(url(run, "private-release/"), body, format="json")
    assert response.status_code == 201
    assert response.json()["sizes"]["mechanism"] == "gaussian_analytic"
    assert response.json()["sizes"]["sensitivity_norm"] == "L2"


def test_a_product_manager_may_not_release(run, carol, api_as):
    response = api_as(carol).post(url(run, "private-release/"), {"epsilon": 1.0}, format="json")
    assert_error(response, 403, "permission_denied")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "epsilon"),
        ({"epsilon": -1}, "epsilon"),
        ({"epsilon": 1e300}, "epsilon"),
        ({"epsilon": "a lot"}, "epsilon"),
        ({"epsilon": 1, "delta": 0.5}, "delta"),
        ({"epsilon": 1, "quantities": ["ages"]}, "quantities"),
        ({"epsilon": 1, "seed": -3}, "seed"),
        ({"epsilon": 1, "bounds": {"spend_12m": [1]}}, "bounds"),
    ],
)
def test_invalid_requests_are_400_in_the_error_shape(run, bob, api_as, body, field):
    error = assert_error(
        api_as(bob).post(url(run, "private-release/"), body, format="json"), 400, "invalid"
    )
    assert field in error["details"]
    assert not PrivacyRelease.objects.exists()


def test_unknown_features_and_runs_are_clear_errors(run, bob, api_as):
    client = api_as(bob)
    body = {"epsilon": 1, "bounds": {"age": [18, 99]}}
    error = assert_error(
        client.post(url(run, "private-release/"), body, format="json"), 400, "invalid"
    )
    assert "not a behavioural feature" in error["message"]
    response = client.post("/api/v1/runs/999/private-release/", {"epsilon": 1}, format="json")
    assert_error(response, 404, "not_found")


def test_the_budget_refuses_with_409(run, bob, api_as, settings):
    settings.VOXSEG_DP_EPSILON_BUDGET = 1.0
    client = api_as(bob)
    assert (
        client.post(url(run, "private-release/"), {"epsilon": 1.0}, format="json").status_code
        == 201
    )
    response = client.post(url(run, "private-release/"), {"epsilon": 0.01}, format="json")
    error = assert_error(response, 409, "budget_exhausted")
    assert "only epsilon=0 of 1" in error["message"]
    assert PrivacyRelease.objects.count() == 1


# --- the budget -------------------------------------------------------------------------------


def test_the_budget_is_read_by_releasers_and_changed_by_admins(run, bob, alice, api_as):
    api_as(bob).post(url(run, "private-release/"), {"epsilon": 2.0}, format="json")
    state = api_as(bob).get("/api/v1/privacy/budget/")
    assert state.status_code == 200
    body = state.json()
    assert (body["epsilon_spent"], body["epsilon_remaining"], body["releases"]) == (2.0, 8.0, 1)
    assert body["last_releases"][0]["requested_by"] == "bob"
    assert_error(
        api_as(bob).put("/api/v1/privacy/budget/", {"epsilon_total": 50}, format="json"),
        403,
        "permission_denied",
    )
    changed = api_as(alice).put("/api/v1/privacy/budget/", {"epsilon_total": 20}, format="json")
    assert changed.status_code == 200 and changed.json()["epsilon_remaining"] == 18.0
    reset = api_as(alice).post("/api/v1/privacy/budget/", {"reset": True}, format="json")
    assert reset.json()["epsilon_spent"] == 0.0
    assert AuditEvent.objects.filter(action=AuditAction.BUDGET_CHANGE, user=alice).count() == 2
    assert_error(api_as(alice).put("/api/v1/privacy/budget/", {}, format="json"), 400, "invalid")


def test_a_product_manager_cannot_read_the_budget(carol, api_as):
    assert_error(api_as(carol).get("/api/v1/privacy/budget/"), 403, "permission_denied")


# --- policy tokens ----------------------------------------------------------------------------


@pytest.fixture
def policy_client(run, dave, api_as):
    client = api_as(dave)
    dp.set_token_policy(username="dave", epsilon=0.5)
    return client


@pytest.fixture
def exact_client(run, make_user, api_as):
    return api_as(make_user("erin", "integration"))


def dave_release() -> PrivacyRelease:
    return PrivacyRelease.objects.get(channel="token")


def test_policy_tokens_read_noisy_segments_and_other_tokens_exact_ones(
    run, policy_client, exact_client
):
    noisy = policy_client.get(url(run, "segments/")).json()
    exact = exact_client.get(url(run, "segments/")).json()
    release = dave_release().result
    sizes = {str(s.number): s.size for s in Segment.objects.filter(run=run)}
    assert [e["size"] for e in exact if not e["small"]] == [
        sizes[str(e["segment"])] for e in exact if not e["small"]
    ]
    assert all("privacy" not in e for e in exact)
    for item in noisy:
        assert item["privacy"]["release"] == dave_release().pk
        assert (item["privacy"]["epsilon"], item["privacy"]["mechanism"]) == (0.5, "laplace")
        if not item["small"]:
            assert item["size"] == release["sizes"]["segments"][str(item["segment"])] >= 10
            assert item["share"] == release["shares"]["segments"][str(item["segment"])]
            assert item["sentiment"] is None and item["sentiment_mix"] == {}
    print("exact", [e["size"] for e in exact], "noisy", [n["size"] for n in noisy])
    assert [n["size"] for n in noisy] != [e["size"] for e in exact]
    assert [n["small"] for n in noisy][-1] is True  # the segment below k stays small


def test_a_policy_token_reads_a_noisy_persona_and_noisy_topics(run, policy_client):
    persona = policy_client.get(url(run, "segments/0/")).json()
    release = dave_release().result
    assert persona["rules"] == [] and persona["privacy"]["noisy"]
    assert persona["description"] == "" and persona["quotes_hidden"] is True
    for trait in persona["traits"]:
        assert trait["segment_mean"] == release["means"]["segments"]["0"][trait["feature"]]
        assert trait["population_mean"] == release["means"]["population"][trait["feature"]]
        assert trait["effect_size"] is None
    assert persona["documents"] == release["topics"]["segments"]["0"]["documents"]
    topics = policy_client.get(url(run, "topics/")).json()
    exact = {t.number: t.size for t in Topic.objects.filter(run=run)}
    for topic in topics:
        assert topic["size"] == release["topics"]["totals"][str(topic["topic"])]
        assert topic["sentiment"] is None and topic["privacy"]["release"] == dave_release().pk
        assert topic["representative_documents"] == []
    print("topic sizes exact", exact, "noisy", {t["topic"]: t["size"] for t in topics})
    one = policy_client.get(url(run, f"topics/{topics[0]['topic']}/")).json()
    assert one["size"] == topics[0]["size"]


def test_a_policy_token_pays_once_per_run(run, policy_client):
    for path in ("segments/", "segments/0/", "topics/", "segments/"):
        assert policy_client.get(url(run, path)).status_code == 200
    assert PrivacyRelease.objects.filter(channel="token").count() == 1
    assert spent() == 0.5


def test_a_policy_token_is_refused_exact_figures_and_rows(run, policy_client):
    for path in ("members/", "segments/0/members/", "segments/compare/?a=0&b=1", ""):
        error = assert_error(policy_client.get(url(run, path)), 403, "permission_denied")
        assert "noisy aggregates only" in error["message"]
    assert_error(policy_client.get("/api/v1/runs/"), 403, "permission_denied")


def test_a_policy_token_gets_409_when_the_budget_cannot_pay(run, policy_client, settings):
    settings.VOXSEG_DP_EPSILON_BUDGET = 0.4
    assert_error(policy_client.get(url(run, "segments/")), 409, "budget_exhausted")


def test_etags_of_noisy_and_exact_answers_never_mix(run, policy_client, exact_client):
    noisy = policy_client.get(url(run, "segments/"))
    exact = exact_client.get(url(run, "segments/"))
    assert noisy["ETag"] and exact["ETag"] and noisy["ETag"] != exact["ETag"]
    crossed = exact_client.get(url(run, "segments/"), HTTP_IF_NONE_MATCH=noisy["ETag"])
    assert crossed.status_code == 200 and "privacy" not in crossed.json()[0]
    crossed = policy_client.get(url(run, "segments/"), HTTP_IF_NONE_MATCH=exact["ETag"])
    assert crossed.status_code == 200 and "privacy" in crossed.json()[0]
    same = policy_client.get(url(run, "segments/"), HTTP_IF_NONE_MATCH=noisy["ETag"])
    assert same.status_code == 304
    dp.set_token_policy(username="dave", epsilon=0.25)
    fresh = Token.objects.get(user__username="dave")
    changed = policy_client.get(url(run, "segments/"), HTTP_IF_NONE_MATCH=noisy["ETag"])
    assert changed.status_code == 200 and fresh.privacy_policy.epsilon == 0.25
    assert changed.json()[0]["privacy"]["epsilon"] == 0.25


def test_clearing_the_policy_gives_exact_figures_again(run, policy_client):
    assert "privacy" in policy_client.get(url(run, "segments/")).json()[0]
    dp.clear_token_policy(username="dave")
    assert "privacy" not in policy_client.get(url(run, "segments/")).json()[0]


def test_a_policy_on_an_analysts_token_also_withholds_quotes(run, bob, api_as):
    client = api_as(bob)
    assert client.get(url(run, "segments/0/")).json()["quotes"]  # exact: bob reads texts
    dp.set_token_policy(username="bob", epsilon=1.0)
    persona = client.get(url(run, "segments/0/")).json()
    assert persona["quotes"] == [] and persona["representative_customers"] == []
    assert "quotes" in persona["privacy"]["withheld"]
