"""Runs over the API: list, latest, segments, members (JSON and CSV), topics, start, cancel."""

from __future__ import annotations

import csv
import io

import pytest

from segapp.models import AuditEvent, Document, Membership, SegmentationRun
from segapp.services.segmentation.runs import create_run

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_run_results_are_served_to_integrations(finished_run, dave, carol, bob, api_as):
    client = api_as(dave)
    latest = client.get("/api/v1/runs/latest/").json()
    assert latest["id"] == finished_run.pk and latest["status"] == "succeeded"
    assert latest["n_segments"] >= 2 and "stability" in latest["metrics"]
    segments = client.get(f"/api/v1/runs/{finished_run.pk}/segments/").json()
    assert [s["segment"] for s in segments] == list(range(finished_run.n_segments))
    shown = [s for s in segments if not s["small"]]
    assert shown and len({s["name"] for s in shown}) == len(shown)
    first = shown[0]
    assert first["description"] and first["size"] >= 10
    detail = client.get(f"/api/v1/runs/latest/segments/{first['segment']}/").json()
    assert detail["size"] == first["size"] and detail["traits"] and detail["top_topics"]
    assert detail["quotes"] == [] and detail["quotes_hidden"] is True
    members = client.get(f"/api/v1/runs/latest/segments/{first['segment']}/members/").json()
    assert members["count"] == first["size"]
    assert all(len(m["customer"]) == 64 for m in members["results"])
    response = client.get(f"/api/v1/runs/latest/segments/{first['segment']}/members/?format=csv")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert response["Content-Type"].startswith("text/csv") and len(rows) == first["size"]
    in_segment = Membership.objects.filter(run=finished_run, segment__number=first["segment"])
    assert {r["customer"] for r in rows} == set(
        in_segment.values_list("customer__pseudonym", flat=True)
    )
    export = AuditEvent.objects.get(action="export_members")
    assert export.details["rows"] == first["size"]
    page = AuditEvent.objects.get(action="view_customer")  # the member page read before it
    assert page.details["customers"] == [m["customer"] for m in members["results"]]
    topics = client.get(f"/api/v1/runs/{finished_run.pk}/topics/").json()
    assert topics and all(t["keywords"] for t in topics)
    assert api_as(carol).get("/api/v1/runs/latest/segments/0/members/").status_code == 403
    assert api_as(carol).get("/api/v1/runs/latest/segments/").status_code == 200

    # an analyst reads the persona's quotes (its own members' words) and a customer's explanation
    analyst = api_as(bob)
    persona = analyst.get(f"/api/v1/runs/latest/segments/{first['segment']}/").json()
    quoted = Document.objects.filter(pk__in=[q["document"] for q in persona["quotes"]])
    assert persona["quotes"] and set(quoted.values_list("customer__pseudonym", flat=True)) <= set(
        in_segment.values_list("customer__pseudonym", flat=True)
    )
    customer = persona["representative_customers"][0]
    explained = analyst.get(f"/api/v1/customers/{customer}/").json()["explanation"]
    assert explained["segment"]["number"] == first["segment"]
    assert explained["pulls"]
    writer = quoted.values_list("customer__pseudonym", flat=True)[0]  # a member who wrote
    assert analyst.get(f"/api/v1/customers/{writer}/").json()["explanation"]["topics"]
    compared = analyst.get(
        f"/api/v1/runs/latest/segments/compare/?a={shown[0]['segment']}&b={shown[1]['segment']}"
    ).json()
    assert compared["traits"] and compared["a"]["name"] != compared["b"]["name"]


def test_unknown_run_and_segment_are_404_in_the_error_shape(bob, api_as):
    client = api_as(bob)
    assert client.get("/api/v1/runs/latest/").json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/runs/999/segments/").status_code == 404


def test_analyst_starts_and_cancels_a_run(bob, api_as, django_capture_on_commit_callbacks):
    client = api_as(bob)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            "/api/v1/runs/", {"parameters": {"min_cluster_size": 25}}, format="json"
        )
    assert response.status_code == 202 and len(queued) == 1
    run = SegmentationRun.objects.get(pk=response.json()["id"])
    assert run.parameters["min_cluster_size"] == 25
    cancelled = client.post(f"/api/v1/runs/{run.pk}/cancel/").json()
    assert cancelled["status"] == "cancelled"


def test_bad_parameters_and_roles_are_refused(bob, carol, api_as):
    response = api_as(bob).post("/api/v1/runs/", {"parameters": {"k": 5}}, format="json")
    assert response.status_code == 400
    assert "Unknown parameter 'k'" in response.json()["error"]["message"]
    assert api_as(carol).post("/api/v1/runs/", {}, format="json").status_code == 403


def test_latest_run_is_the_newest_successful_one(bob, api_as):
    older = create_run(parameters={}, source="test")
    SegmentationRun.objects.filter(pk=older.pk).update(status="succeeded")
    create_run(parameters={}, source="test")  # queued, newer
    assert api_as(bob).get("/api/v1/runs/latest/").json()["id"] == older.pk
