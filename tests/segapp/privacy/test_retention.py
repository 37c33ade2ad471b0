"""Retention: each data type older than its period goes, through the erasure machinery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from segapp.models import (
    AuditEvent,
    Document,
    DocumentResult,
    Event,
    PrivacyRequest,
    Segment,
    SegmentationRun,
)
from segapp.services import audit
from segapp.services.privacy import retention
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _periods(settings, **days) -> None:
    settings.VOXSEG_RETENTION_DAYS = {k: days.get(k, 0) for k in retention.DATA_TYPES}


def test_nothing_is_removed_when_every_period_is_forever(settings):
    built = build_persona_run()
    _periods(settings)
    receipt = retention.enforce(now=NOW)
    assert receipt.status == "done" and receipt.counts == {}
    assert (
        Document.objects.count() == 2 * 32
        and SegmentationRun.objects.filter(pk=built.run.pk).exists()
    )


def test_old_documents_leave_runs_and_recent_ones_stay(settings):
    built = build_persona_run()
    customer = built.members[0][0]
    recent = Document.objects.create(
        customer=customer,
        kind="review",
        text="Bought again in May, still great.",
        text_hash="r" * 64,
        content_hash="c" * 64,
        original_length=33,
        created_at=NOW - timedelta(days=3),
    )
    _periods(settings, documents=90)

    receipt = retention.enforce(now=NOW)

    assert receipt.counts["documents"] == 2 * 32
    assert list(Document.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not DocumentResult.objects.exists()
    for segment in Segment.objects.filter(run=built.run):
        assert segment.profile.get("quotes", []) == []
    assert SegmentationRun.objects.get(pk=built.run.pk).privacy_changed_at is not None
    entry = AuditEvent.objects.get(action="retention_sweep")
    assert entry.username == "system" and entry.details["documents"] == 64
    print(f"\nretention sweep removed {receipt.counts}")


def test_old_events_runs_and_audit_entries_go(settings, bob):
    built = build_persona_run(finished_at=NOW - timedelta(days=400))
    customer = built.members[0][0]
    Event.objects.create(
        customer=customer,
        created_at=NOW - timedelta(days=800),
        amount=5,
        event_type="order",
        content_hash="e1" * 32,
    )
    kept = Event.objects.create(
        customer=customer,
        created_at=NOW - timedelta(days=10),
        amount=7,
        event_type="order",
        content_hash="e2" * 32,
    )
    old_entry = audit.record(bob, audit.AuditAction.VIEW_CUSTOMER, customer.pseudonym)
    AuditEvent.objects.filter(pk=old_entry.pk).update(created_at=NOW - timedelta(days=3000))
    _periods(settings, events=365, run_artifacts=365, audit_log=2555)

    receipt = retention.enforce(now=NOW)

    assert receipt.counts["events"] == 1 and list(Event.objects.all()) == [kept]
    assert receipt.counts["runs"] == 1 and not SegmentationRun.objects.exists()
    assert receipt.counts["audit_entries"] == 1
    assert not AuditEvent.objects.filter(pk=old_entry.pk).exists()
    assert AuditEvent.objects.filter(action="retention_sweep").count() == 1
    again = retention.enforce(now=NOW)
    assert again.counts == {}
    assert PrivacyRequest.objects.filter(kind="retention", status="done").count() == 2


def test_the_beat_schedule_runs_retention_daily():
    import segapp.tasks  # noqa: F401 - registers the tasks
    from segapp.celery import app

    schedule = app.conf.beat_schedule
    assert schedule["enforce-retention"]["task"] == "segapp.enforce_retention"
    assert schedule["resume-privacy-requests"]["task"] == "segapp.resume_privacy_requests"
    assert "segapp.enforce_retention" in app.tasks


def test_the_retention_task_enforces_through_celery(settings, eager_celery):
    build_persona_run()
    _periods(settings, documents=1)
    from segapp.tasks import enforce_retention

    counts = enforce_retention.delay().get()
    assert counts["documents"] == 64 and not Document.objects.exists()
