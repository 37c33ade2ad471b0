"""A real finished run shared by a whole test module (one foreground run costs about a minute).

The run is committed to the test database outside the tests' transactions,
so every test of the module sees it and rolls back only its own changes; the
database is flushed when the module ends.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings


@pytest.fixture(scope="module")
def chat_run(django_db_setup, django_db_blocker, tmp_path_factory, data_dir):
    """A succeeded run (real model) on 150 demo customers, for every test of a module."""
    from segapp.services.chat import vocabulary
    from segapp.services.segmentation.runs import create_run, run_in_foreground
    from tests.segapp.segmentation.conftest import import_demo

    with django_db_blocker.unblock(), override_settings(VOXSEG_DATA_DIR=data_dir):
        import_demo(tmp_path_factory.mktemp("demo"), n_customers=150)
        run = run_in_foreground(create_run(parameters={}, source="test").pk)
    vocabulary.forget()
    yield run
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    vocabulary.forget()


def copy_run(run, *, drop: int, grow: int):
    """A later succeeded copy of `run` without segment `drop` (its members become outliers)
    and with segment `grow` recorded 5 customers larger."""
    from segapp.models import Membership, RunStatus, Segment, SegmentationRun, Topic

    copy = SegmentationRun.objects.create(
        status=RunStatus.SUCCEEDED, n_customers=run.n_customers, n_documents=run.n_documents,
        n_segments=run.n_segments - 1, explain_context=run.explain_context,
        finished_at=run.finished_at,
    )  # fmt: skip
    segments = {}
    for s in Segment.objects.filter(run=run):
        if s.number == drop:
            continue
        segments[s.pk] = Segment.objects.create(
            run=copy, number=s.number, name=s.name, size=s.size + (5 if s.number == grow else 0),
            share=s.share, profile={k: v for k, v in s.profile.items() if k != "continues"},
        )  # fmt: skip
    Membership.objects.bulk_create(
        Membership(run=copy, customer_id=m.customer_id, segment=segments.get(m.segment_id),
                   probability=m.probability, outlier=m.segment_id not in segments)
        for m in Membership.objects.filter(run=run)
    )  # fmt: skip
    Topic.objects.bulk_create(
        Topic(run=copy, number=t.number, label=t.label, keywords=t.keywords,
              size=t.size + (20 if t.number == 0 else 0))
        for t in Topic.objects.filter(run=run)
    )  # fmt: skip
    return copy
