"""A run's progress: the share done weighs stages by cost, the time left follows the run's pace."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from segapp.models import RunStatus, SegmentationRun
from segapp.selectors.run_progress import STAGE_LABELS, run_progress, time_left_words

pytestmark = pytest.mark.django_db

ANALYSIS_STAGES = list(STAGE_LABELS)[1:]


def _run(*, stage: str, progress: dict, started_seconds_ago: float | None = 60) -> SegmentationRun:
    started = None
    if started_seconds_ago is not None:
        started = timezone.now() - timedelta(seconds=started_seconds_ago)
    return SegmentationRun.objects.create(
        status=RunStatus.RUNNING, stage=stage, stage_progress=progress,
        n_customers=3000, n_documents=11000, started_at=started,
    )  # fmt: skip


def _embedding(fraction: float, **kwargs) -> SegmentationRun:
    return _run(stage="embed", progress={"embed": fraction, "to_embed": 11000}, **kwargs)


def _analysing(stage: str, fraction: float, **kwargs) -> SegmentationRun:
    progress = {"embed": 1.0, "to_embed": 11000, "current": stage, "stage_fraction": fraction}
    return _run(stage="analyse", progress=progress, **kwargs)


def test_share_never_goes_back_as_a_run_moves_through_its_stages():
    shares = [run_progress(_embedding(f)).share for f in (0.0, 0.5, 1.0)]
    for stage in ANALYSIS_STAGES:
        shares += [run_progress(_analysing(stage, f)).share for f in (0.0, 0.5, 1.0)]
    assert shares == sorted(shares)
    assert shares[0] == 0.0 and shares[-1] == pytest.approx(1.0)


def test_embedding_weighs_by_its_cost_not_as_one_stage_of_eight():
    halfway = run_progress(_embedding(0.5))
    assert halfway.stage == "embedding texts"
    # Embedding 11,000 texts is most of the run: half of it is far more than 1/16.
    assert 0.2 < halfway.share < 0.5
    assert halfway.stages[0] == ("embedding texts", "running")
    assert {state for _, state in halfway.stages[1:]} == {"waiting"}


def test_a_run_with_every_text_embedded_before_starts_at_analysis():
    run = _run(stage="analyse", progress={"embed": 1.0, "to_embed": 0, "current": "sentiment",
                                          "stage_fraction": 0.0})  # fmt: skip
    progress = run_progress(run)
    assert progress.share == 0.0
    assert progress.stage == "scoring sentiment"
    assert progress.stages[0] == ("embedding texts", "done")


def test_time_left_follows_the_runs_own_pace():
    progress = run_progress(_analysing("segments", 0.5, started_seconds_ago=80))
    expected = 80 * (1 - progress.share) / progress.share
    assert progress.seconds_left == pytest.approx(expected, abs=2)
    assert progress.time_left.endswith("left")


def test_no_estimate_before_the_pace_is_known():
    assert run_progress(_embedding(0.01)).seconds_left is None
    assert run_progress(_embedding(0.5, started_seconds_ago=1)).seconds_left is None
    waiting = run_progress(_embedding(0.0, started_seconds_ago=None))
    assert waiting.stage == "waiting for a worker" and waiting.time_left == ""


def test_a_finished_run_is_done():
    run = _analysing("explain", 1.0)
    run.status = RunStatus.SUCCEEDED
    progress = run_progress(run)
    assert progress.share == 1.0 and progress.seconds_left == 0
    assert {state for _, state in progress.stages} == {"done"}


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(None, ""), (4, "under 10 s left"), (44, "about 40 s left"), (150, "about 2 min left")],
)
def test_time_left_in_words(seconds, words):
    assert time_left_words(seconds) == words
