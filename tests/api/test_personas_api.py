"""Personas over the API, per role: who may see segments, quotes, members, exports, explanations.

Who may see what (see tests/conftest.py for the users):
- alice (admin) and bob (analyst): everything, quotes, member lists, exports, explanations.
- carol (product manager): personas and comparisons without quotes; never members or customers.
- dave (integration token): personas without quotes, member lists and exports, customers'
  memberships but never their explanation.
A segment below k (here segment 2, 3 customers, k = 10) is listed as small and otherwise not found.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from segapp.api.pagination import StandardPagination
from segapp.models import AuditEvent, RunStatus, SegmentationRun
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(settings):
    settings.VOXSEG_MIN_GROUP_SIZE = 10
    return build_persona_run()


@pytest.fixture
def as_user(request, api_as):
    """An API client for a user named by fixture name."""

    def client(name: str) -> APIClient:
        return api_as(request.getfixturevalue(name))

    return client


def base(built) -> str:
    return f"/api/v1/runs/{built.run.pk}"


def body_of(response) -> str:
    return b"".join(response.streaming_content).decode()


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "details"} and error["status"] == status
    if code:
        assert error["code"] == code
    return error


# --- what each role may open ------------------------------------------------------------------

ENDPOINTS = {
    "segments": ("/segments/", {"alice", "bob", "carol", "dave"}),
    "persona": ("/segments/0/", {"alice", "bob", "carol", "dave"}),
    "compare": ("/segments/compare/?a=0&b=1", {"alice", "bob", "carol", "dave"}),
    "topics": ("/topics/", {"alice", "bob", "carol", "dave"}),
    "members": ("/segments/0/members/", {"alice", "bob", "dave"}),
    "export": ("/segments/0/members/?format=csv", {"alice", "bob", "dave"}),
    "run members": ("/members/", {"alice", "bob", "dave"}),
}


@pytest.mark.parametrize("user", ["alice", "bob", "carol", "dave"])
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_each_role_opens_only_what_it_may(built, as_user, user, endpoint):
    path, allowed = ENDPOINTS[endpoint]
    response = as_user(user).get(base(built) + path)
    if user in allowed:
        assert response.status_code == 200
    else:
        assert "role does not allow" in assert_error(response, 403, "permission_denied")["message"]


@pytest.mark.parametrize(("user", "quotes"), [("alice", 3), ("bob", 3), ("carol", 0), ("dave", 0)])
def test_quotes_are_only_for_roles_that_read_documents(built, as_user, user, quotes):
    persona = as_user(user).get(base(built) + "/segments/0/").json()
    assert len(persona["quotes"]) == quotes
    assert persona["quotes_hidden"] is (quotes == 0)
    assert bool(persona["representative_customers"]) is (quotes > 0)


def test_persona_list_and_detail_carry_the_persona(built, as_user):
    listed = as_user("carol").get(base(built) + "/segments/").json()
    assert [s["segment"] for s in listed] == [0, 1, 2]
    assert listed[0]["name"] == "Eco bargain hunters" and listed[0]["size"] == 15
    assert len(listed[0]["top_topics"]) == 2  # only topics at or above the notable lift
    persona = as_user("bob").get("/api/v1/runs/latest/segments/1/").json()
    assert persona["name"] == "Big spenders" and persona["description"]
    assert persona["traits"][0]["feature"] == "spend_12m"
    assert persona["rules"][0]["precision"] == 0.95
    first_quote = built.documents[built.members[1][0].pseudonym][0]
    assert persona["quotes"][0] == {
        "document": first_quote.pk,
        "text": first_quote.text,
        "created_at": "2026-01-01T00:00:00Z",
        "kind": "review",
    }


# --- k-anonymity ------------------------------------------------------------------------------


def test_a_small_segment_is_listed_as_small_and_nothing_else(built, as_user):
    small = as_user("alice").get(base(built) + "/segments/").json()[2]
    assert small == {
        "segment": 2,
        "name": "Small segment (fewer than 10)",
        "small": True,
        "size": None,
        "share": None,
    }


@pytest.mark.parametrize(
    "path",
    [
        "/segments/2/",
        "/segments/2/members/",
        "/segments/2/members/?format=csv",
        "/segments/2/members/?format=json",
        "/members/?segment=2",
        "/segments/compare/?a=0&b=2",
    ],
)
def test_nothing_about_a_small_segment_is_served(built, as_user, path):
    error = assert_error(as_user("alice").get(base(built) + path), 404, "not_found")
    assert "fewer than 10" in error["message"]
    assert not AuditEvent.objects.exists()


def test_run_wide_members_leave_out_small_segments(built, as_user):
    body = as_user("dave").get(base(built) + "/members/").json()
    assert body["count"] == 15 + 12 + 2
    assert {m["segment"] for m in body["results"]} == {0, 1, None}
    small_members = {c.pseudonym for c in built.members[2]}
    assert not small_members & {m["customer"] for m in body["results"]}


def test_topic_sentiment_written_by_fewer_than_k_is_hidden(built, as_user):
    persona = as_user("bob").get(base(built) + "/segments/0/").json()
    assert {t["topic"]: t["sentiment"] for t in persona["top_topics"]}[2] is None


# --- members, filters, pagination ---------------------------------------------------------------


def test_members_filter_by_probability_and_outlier(built, as_user):
    client = as_user("bob")
    high = client.get(base(built) + "/segments/0/members/?min_probability=0.8").json()
    assert high["count"] == 6 and all(m["probability"] >= 0.8 for m in high["results"])
    band = client.get(base(built) + "/members/?min_probability=0.5&max_probability=0.55").json()
    assert band["count"] == 4  # the first two members of segments 0 and 1
    outliers = client.get(base(built) + "/members/?outlier=true").json()["results"]
    assert len(outliers) == 2 and all(m["segment"] is None for m in outliers)
    assert {m["soft_segment"] for m in outliers} == {0}
    no_outliers = client.get(base(built) + "/members/?outlier=false&segment=1").json()
    assert no_outliers["count"] == 12
    soft = client.get(base(built) + "/segments/0/members/?soft=true").json()
    assert soft["count"] == 17


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("min_probability=abc", "min_probability"),
        ("min_probability=0.9&max_probability=0.1", "min_probability"),
        ("max_probability=2", "max_probability"),
        ("outlier=maybe", "outlier"),
        ("format=xml", "format"),
    ],
)
def test_bad_member_filters_are_400_in_the_error_shape(built, as_user, query, field):
    response = as_user("bob").get(base(built) + f"/segments/0/members/?{query}")
    error = assert_error(response, 400, "invalid")
    assert field in error["details"] and error["message"].startswith(field)


def test_page_size_is_chosen_by_the_client_and_capped(built, as_user, monkeypatch):
    client = as_user("dave")
    page = client.get(base(built) + "/members/?page_size=4").json()
    assert len(page["results"]) == 4 and page["count"] == 29 and "page=2" in page["next"]
    monkeypatch.setattr(StandardPagination, "max_page_size", 5)
    capped = client.get(base(built) + "/members/?page_size=1000").json()
    assert len(capped["results"]) == 5
    assert StandardPagination.page_size == 100
    assert_error(client.get(base(built) + "/members/?page=99"), 404, "not_found")


# --- exports and the audit log ------------------------------------------------------------------


def test_csv_export_streams_every_member_with_a_file_name_and_is_audited(built, as_user):
    response = as_user("dave").get(base(built) + "/segments/0/members/?format=csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="run-{built.run.pk}-segment-0-members.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(body_of(response))))
    assert list(rows[0]) == [
        "customer", "segment", "segment_name", "probability", "outlier", "assigned_after_fit",
    ]  # fmt: skip
    assert [r["customer"] for r in rows] == [c.pseudonym for c in built.members[0]]
    assert rows[0] == {
        "customer": built.members[0][0].pseudonym,
        "segment": "0",
        "segment_name": "Eco bargain hunters",
        "probability": "0.5",
        "outlier": "false",
        "assigned_after_fit": "false",
    }
    entry = AuditEvent.objects.get()
    assert (entry.username, entry.action, entry.channel) == ("dave", "export_members", "api")
    assert entry.target == f"run {built.run.pk} segment 0"
    assert entry.details == {"format": "csv", "rows": 15, "filters": {}}


def test_json_export_is_an_array_of_the_filtered_members_and_is_audited(built, as_user):
    url = base(built) + "/segments/0/members/?format=json&min_probability=0.9"
    response = as_user("bob").get(url)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].endswith('-segment-0-members.json"')
    rows = json.loads(body_of(response))
    assert len(rows) == 3 and all(r["probability"] >= 0.9 for r in rows)
    assert set(rows[0]) == {
        "customer", "segment", "segment_name", "probability", "outlier", "assigned_after_fit",
    }  # fmt: skip
    assert all(len(r["customer"]) == 64 for r in rows)
    entry = AuditEvent.objects.get()
    assert entry.details == {"format": "json", "rows": 3, "filters": {"min_probability": 0.9}}


def test_refused_exports_write_nothing_to_the_audit_log(built, as_user):
    assert as_user("carol").get(base(built) + "/segments/0/members/?format=csv").status_code == 403
    assert not AuditEvent.objects.exists()


# --- comparison ---------------------------------------------------------------------------------


def test_compare_two_segments(built, as_user):
    body = as_user("carol").get(base(built) + "/segments/compare/?a=0&b=1").json()
    assert (body["a"]["name"], body["b"]["name"]) == ("Eco bargain hunters", "Big spenders")
    assert body["a"]["quotes"] == [] and body["a"]["quotes_hidden"] is True
    spend = next(t for t in body["traits"] if t["feature"] == "spend_12m")
    assert spend["difference"] == -280.0
    assert body["sentiment"] == {"a": 0.3, "b": -0.1}
    assert {t["topic"] for t in body["topics"]} == {0, 1}


@pytest.mark.parametrize("query", ["a=0&b=0", "a=0", "a=x&b=1", "a=-1&b=1"])
def test_compare_needs_two_different_segments(built, as_user, query):
    assert_error(as_user("bob").get(base(built) + f"/segments/compare/?{query}"), 400, "invalid")


# --- customers ----------------------------------------------------------------------------------


def test_analysts_see_why_a_customer_is_in_their_segment_and_it_is_audited(built, as_user):
    customer = built.members[1][3]
    body = as_user("bob").get(f"/api/v1/customers/{customer.pseudonym}/").json()
    assert body["behaviour"]["spend_12m"] == customer.behaviour["spend_12m"]
    assert body["memberships"][0]["run"] == built.run.pk
    assert body["memberships"][0]["segment"]["name"] == "Big spenders"
    explanation = body["explanation"]
    assert body["explanation_hidden"] is False
    assert explanation["run"] == built.run.pk and explanation["segment"]["number"] == 1
    assert explanation["rule"]["text"] == "spend_12m > 300"
    assert any(p["feature"] == "spend_12m" and p["toward"] for p in explanation["pulls"])
    assert explanation["topics"][0]["documents"] == 1
    entry = AuditEvent.objects.get()
    assert (entry.username, entry.action, entry.target) == (
        "bob",
        "view_customer",
        customer.pseudonym,
    )
    assert entry.channel == "api" and entry.details == {"scope": "profile", "run": built.run.pk}


def test_integrations_get_memberships_but_no_explanation(built, as_user):
    customer = built.members[0][0]
    body = as_user("dave").get(f"/api/v1/customers/{customer.pseudonym}/").json()
    assert body["memberships"][0]["segment"]["number"] == 0
    assert body["explanation"] is None and body["explanation_hidden"] is True
    entry = AuditEvent.objects.get()  # read, so audited, though nothing was explained
    assert (entry.username, entry.target, entry.details) == (
        "dave",
        customer.pseudonym,
        {"scope": "memberships"},
    )
    assert as_user("carol").get(f"/api/v1/customers/{customer.pseudonym}/").status_code == 403


def test_an_explanation_for_a_chosen_run(built, as_user):
    customer = built.members[0][0]
    client = as_user("alice")
    chosen = client.get(f"/api/v1/customers/{customer.pseudonym}/?run={built.run.pk}").json()
    assert chosen["explanation"]["run"] == built.run.pk
    missing = client.get(f"/api/v1/customers/{customer.pseudonym}/?run=999")
    assert "No run 999" in assert_error(missing, 404, "not_found")["message"]
    assert AuditEvent.objects.count() == 1  # the 404 showed nothing, so it is not an entry


def test_a_customer_outside_every_run_has_memberships_but_no_explanation(built, as_user):
    from segapp.models import Customer

    loner = Customer.objects.create(pseudonym="a" * 64)
    body = as_user("bob").get(f"/api/v1/customers/{loner.pseudonym}/").json()
    assert body["memberships"] == [] and body["explanation"] is None
    assert AuditEvent.objects.get().details == {"scope": "profile"}  # read, nothing explained


# --- ETag / Last-Modified -----------------------------------------------------------------------

CACHED = ["/", "/segments/", "/segments/0/", "/segments/0/members/", "/topics/", "/members/"]


@pytest.mark.parametrize("path", CACHED)
def test_run_results_answer_304_when_unchanged(built, as_user, path):
    client = as_user("bob")
    first = client.get(base(built) + path)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified == "Sun, 01 Mar 2026 12:00:00 GMT"
    again = client.get(base(built) + path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    since = client.get(base(built) + path, HTTP_IF_MODIFIED_SINCE=modified)
    assert since.status_code == 304
    changed = client.get(base(built) + path, HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200


def test_the_etag_depends_on_the_role_and_the_query(built, as_user):
    analyst = as_user("bob").get(base(built) + "/segments/0/")["ETag"]
    manager = as_user("carol").get(base(built) + "/segments/0/")
    assert manager["ETag"] != analyst  # carol's answer hides the quotes
    assert (
        as_user("carol").get(base(built) + "/segments/0/", HTTP_IF_NONE_MATCH=analyst).status_code
        == 200
    )
    page = as_user("bob").get(base(built) + "/members/?page_size=3")["ETag"]
    assert page != as_user("bob").get(base(built) + "/members/?page_size=4")["ETag"]


def test_latest_and_the_run_list_are_cached_until_a_run_changes(built, as_user):
    client = as_user("dave")
    latest = client.get("/api/v1/runs/latest/segments/")["ETag"]
    listing = client.get("/api/v1/runs/")["ETag"]
    newer = build_persona_run(prefix="n")
    SegmentationRun.objects.filter(pk=newer.run.pk).update(finished_at=newer.run.finished_at)
    assert client.get("/api/v1/runs/latest/segments/", HTTP_IF_NONE_MATCH=latest).status_code == 200
    assert client.get("/api/v1/runs/", HTTP_IF_NONE_MATCH=listing).status_code == 200


def test_an_unfinished_run_is_never_cached(built, as_user):
    running = SegmentationRun.objects.create(status=RunStatus.RUNNING)
    response = as_user("bob").get(f"/api/v1/runs/{running.pk}/")
    assert response.status_code == 200
    assert not response.has_header("ETag") and not response.has_header("Last-Modified")
    assert not as_user("bob").get("/api/v1/runs/").has_header("ETag")


# --- errors and throttling ----------------------------------------------------------------------


def test_errors_keep_one_shape(built, as_user):
    client = as_user("bob")
    assert_error(APIClient().get(base(built) + "/segments/"), 401, "not_authenticated")
    assert_error(client.post(base(built) + "/segments/"), 405, "method_not_allowed")
    assert_error(client.get("/api/v1/runs/999/segments/"), 404, "not_found")
    assert_error(client.get(base(built) + "/segments/9/"), 404, "not_found")
    assert_error(as_user("carol").post("/api/v1/runs/", {}, format="json"), 403)


def test_token_requests_are_throttled_at_the_integration_rate(built, as_user, bob, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "integration": "3/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client = as_user("dave")
    for _ in range(3):
        assert client.get(base(built) + "/segments/").status_code == 200
    error = assert_error(client.get(base(built) + "/segments/"), 429, "throttled")
    assert "throttled" in error["message"].lower()
    # a signed-in user of the web UI is counted at the user rate instead
    session = APIClient()
    session.force_login(bob)
    for _ in range(4):
        assert session.get(base(built) + "/segments/").status_code == 200


def test_errors_carry_no_etag(built, as_user):
    response = as_user("bob").get(base(built) + "/segments/9/")
    assert response.status_code == 404 and not response.has_header("ETag")


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/segments/", 6),
        ("/segments/0/", 7),
        ("/segments/compare/?a=0&b=1", 11),
        ("/members/?page_size=1000", 9),
        ("/segments/0/members/?page_size=1000", 10),
    ],
)
def test_answers_cost_a_fixed_number_of_queries(
    built, as_user, django_assert_max_num_queries, path, limit
):
    client = as_user("bob")
    with django_assert_max_num_queries(limit):
        assert client.get(base(built) + path).status_code == 200


def test_anonymous_requests_are_throttled_at_the_anon_rate(built, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client = APIClient()
    assert [client.get(base(built) + "/segments/").status_code for _ in range(2)] == [401, 401]
    assert_error(client.get(base(built) + "/segments/"), 429, "throttled")


def test_guessed_tokens_are_throttled_at_the_anon_rate(built, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "3/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client = APIClient()
    codes = []
    for guess in range(4):
        client.credentials(HTTP_AUTHORIZATION=f"Token {guess:040x}")
        codes.append(client.get(base(built) + "/segments/").status_code)
    assert codes == [401, 401, 401, 429]
    assert_error(client.get(base(built) + "/segments/"), 429, "throttled")


# --- counts of customers placed after the run -------------------------------------------------


def _place_after_the_run(built, n: int) -> None:
    """Customers placed in segment 0 by the run's model after it, as a placement pass does."""
    from django.utils import timezone

    from segapp.models import Customer, Membership, PlacementPass

    segment = built.run.segments.get(number=0)
    for i in range(n):
        customer = Customer.objects.create(pseudonym=f"{i:064x}")
        Membership.objects.create(
            run=built.run, customer=customer, segment=segment, probability=0.8,
            soft_segment=segment, soft_probability=0.8, assigned_after_fit=True,
        )  # fmt: skip
    PlacementPass.objects.update_or_create(
        run=built.run, defaults={"placed_at": timezone.now(), "placed_after": n}
    )


def test_placing_customers_after_the_run_revalidates_cached_answers(built, as_user):
    client = as_user("bob")
    url = base(built) + "/segments/0/members/"
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    _place_after_the_run(built, 3)
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again.json()["count"] == first.json()["count"] + 3
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304


def test_a_persona_states_fitted_and_placed_after_counts_as_its_export_holds_them(built, as_user):
    _place_after_the_run(built, 4)
    client = as_user("bob")
    persona = client.get(base(built) + "/segments/0/").json()
    counts = persona["counts"]
    assert persona["size"] == counts["fitted"] == built.run.segments.get(number=0).size
    assert counts["placed_after"] == 4 and counts["withdrawn"] == 0
    assert counts["members"] == counts["fitted"] + 4
    listed = {p["segment"]: p for p in client.get(base(built) + "/segments/").json()}
    assert listed[0]["counts"] == counts and "counts" not in listed[2]  # segment 2 is below k
    export = client.get(base(built) + "/segments/0/members/?format=csv")
    rows = list(csv.DictReader(io.StringIO(body_of(export))))
    assert len(rows) == counts["members"]
    assert sum(r["assigned_after_fit"] == "true" for r in rows) == 4
    assert export["X-Segment-Fitted"] == str(counts["fitted"])
    assert export["X-Segment-Placed-After"] == "4" and export["X-Segment-Members"] == str(len(rows))
    run = client.get(base(built) + "/").json()
    assert run["placement"]["placed_after"] >= 4 and run["placement"]["waiting"] == 0


def test_a_customer_placed_after_the_run_who_opts_out_leaves_its_members_not_its_size(
    built, as_user
):
    from segapp.models import Membership
    from segapp.services.privacy.withdraw import withdraw_customers

    _place_after_the_run(built, 2)
    leaving = Membership.objects.filter(run=built.run, assigned_after_fit=True).first()
    withdraw_customers([leaving.customer_id])
    built.run.refresh_from_db()
    assert built.run.customers_withdrawn == 0 and built.run.privacy_changed_at is not None
    counts = as_user("bob").get(base(built) + "/segments/0/").json()["counts"]
    assert (counts["placed_after"], counts["withdrawn"]) == (1, 0)
    assert counts["members"] == counts["fitted"] + 1
