"""Run pages: list and start form, run detail with segments and topics, segment page, export."""

from __future__ import annotations

import pytest

from segapp.models import SegmentationRun

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_run_pages_show_segments_topics_and_export(client, bob, finished_run):
    client.force_login(bob)
    page = client.get(f"/runs/{finished_run.pk}/").content.decode()
    assert "Succeeded" in page and 'data-testid="segments"' in page and "Topics" in page
    assert client.get("/runs/latest/").status_code == 200
    segment = client.get(f"/runs/{finished_run.pk}/segments/0/").content.decode()
    assert "What they talk about" in segment and "How they behave" in segment
    export = client.get(f"/runs/{finished_run.pk}/export/segments.csv")
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0] == "customer,segment,segment_name,probability,outlier"
    assert len(lines) == finished_run.n_customers + 1


def test_start_form_queues_a_run(client, bob, django_capture_on_commit_callbacks):
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/runs/", {"min_cluster_size": "20", "seed": "3"})
    run = SegmentationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/runs/{run.pk}/"
    assert run.parameters["min_cluster_size"] == 20 and run.parameters["seed"] == 3
    assert "waiting for a worker" in client.get(response["Location"]).content.decode()


def test_product_manager_sees_runs_but_cannot_start_or_export(client, carol):
    client.force_login(carol)
    assert client.get("/runs/").status_code == 200
    assert client.post("/runs/", {}).status_code == 403
