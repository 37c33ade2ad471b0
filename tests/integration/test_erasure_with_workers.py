"""Erasure through the API and a real worker on PostgreSQL + Redis, surviving a worker killed
half-way: the request resumes at the step it stopped at when the task is redelivered."""

from __future__ import annotations

import os
import signal

import psycopg
import pytest
from django.conf import settings
from rest_framework.test import APIClient

from segapp.models import Customer, Document, Membership, PrivacyRequest
from segapp.services.privacy import erasure
from tests.api.persona_data import build_persona_run
from tests.integration.test_segmentation_with_workers import start_worker, wait_until, workers

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
__all__ = ["workers"]  # the fixture, shared


def _dsn() -> str:
    database = settings.DATABASES["default"]
    return (
        f"host={database['HOST'] or '127.0.0.1'} port={database['PORT'] or 5432} "
        f"user={database['USER']} dbname={database['NAME']}"
    )


def test_erasure_resumes_after_its_worker_is_killed_half_way(workers, make_user):  # noqa: F811
    from rest_framework.authtoken.models import Token

    built = build_persona_run()
    victim = built.members[0][0]
    document = built.documents[victim.pseudonym][0]
    officer = make_user("priya", "privacy_officer")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=officer).key}")

    # Another session holds one of the customer's documents: the erasure's
    # "documents" step waits for it, after its first steps have committed.
    blocker = psycopg.connect(_dsn())
    blocker.execute("SELECT id FROM segapp_document WHERE id = %s FOR UPDATE", (document.pk,))
    workers.append(start_worker("eraser-1"))
    started = client.post(
        "/api/v1/privacy/requests/",
        {"kind": "erasure", "customer": victim.pseudonym, "confirm": True},
        format="json",
    )
    assert started.status_code == 202, started.content
    request = PrivacyRequest.objects.get(request_id=started.json()["request"])

    def stuck_in_documents():
        request.refresh_from_db()
        return request.steps_done == ["suppress", "withdraw", "models"]

    wait_until(stuck_in_documents, timeout=120, what="the erasure to reach its documents step")
    os.killpg(workers[0].pid, signal.SIGKILL)
    workers[0].wait()
    blocker.rollback()
    blocker.close()
    request.refresh_from_db()
    assert request.status == "running" and request.subject == victim.pseudonym
    assert not Membership.objects.filter(customer=victim).exists()  # committed before the kill
    assert Document.objects.filter(customer=victim).count() == 2  # rolled back with the worker

    workers.append(start_worker("eraser-2"))  # Redis hands the unacknowledged task back

    def done():
        request.refresh_from_db()
        return request.status == "done"

    wait_until(done, timeout=180, what="the redelivered erasure to finish")
    receipt = client.get(f"/api/v1/privacy/requests/{request.request_id}/").json()
    print(f"\nreceipt after a killed worker: {receipt['counts']}")
    assert receipt["counts"]["memberships"] == 1 and receipt["counts"]["documents"] == 2
    assert not Customer.objects.filter(pseudonym=victim.pseudonym).exists()
    assert request.steps_done == list(erasure.STEPS)
