"""The run use case: start, embed in parallel chunks, analyse, persist, cancel.

Workers coordinate through the database, not through a result backend: the
embed stage fans out chunk tasks; each chunk, when it finds no text of the run
left to embed, tries to claim the analysis with a conditional UPDATE, which
exactly one caller wins. A chunk redelivered after a worker died embeds only
what is still missing. `run_in_foreground` runs the same steps in-process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nlp.pipeline import PipelineParameterError, PipelineParams, SegmentationPipeline
from segapp.models import RunStatus, SegmentationRun
from segapp.services import jobs
from segapp.services.bias import audit_succeeded_run
from segapp.services.locks import exclusive
from segapp.services.segmentation import artifacts, reuse, text_results
from segapp.services.segmentation import embeddings as cache
from segapp.services.segmentation.inputs import load_run_inputs
from segapp.services.segmentation.persist import save_results
from segapp.services.segmentation.populations import record_populations

logger = logging.getLogger(__name__)

MIN_CUSTOMERS = 30
EMBED, ANALYSE = "embed", "analyse"


class RunError(ValueError):
    """A run cannot be started or continued; message for users."""


class RunConflict(RunError):
    """The run is in a state that does not allow the request (e.g. retrying a success)."""


class RunCancelled(Exception):
    """The user asked to stop the run, or it was ended meanwhile (cancelled, reaped)."""


def create_run(
    *, parameters: dict, source: str, user=None, truth_path: str | None = None
) -> SegmentationRun:
    """Record a run with validated parameters (it starts when a worker or the CLI runs it).

    The k-anonymity group size comes from the `VOXSEG_MIN_GROUP_SIZE` setting,
    never from the caller, and is recorded with the parameters. Parameters the
    caller leaves out take the deployment's `VOXSEG_RUN_DEFAULTS`, then the
    pipeline's own defaults.
    """
    if "min_group_size" in parameters:
        raise RunError("min_group_size is set by VOXSEG_MIN_GROUP_SIZE, not per run.")
    try:
        params = PipelineParams.from_dict(
            {
                **settings.VOXSEG_RUN_DEFAULTS,
                **parameters,
                "min_group_size": settings.VOXSEG_MIN_GROUP_SIZE,
            }
        )
    except PipelineParameterError as exc:
        raise RunError(str(exc)) from None
    options = {"truth_path": truth_path} if truth_path else {}
    return SegmentationRun.objects.create(
        parameters={**params.as_dict(), **options},
        source=source,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


def enqueue_run(run: SegmentationRun) -> None:
    """Hand the run to the workers once the transaction that created it commits."""
    from segapp.tasks import begin_segmentation

    transaction.on_commit(lambda: begin_segmentation.delay(run.pk))


def request_cancel(run_id: int) -> SegmentationRun:
    """Ask a run to stop at its next checkpoint.

    A queued run is cancelled at once, and so is a running one that no live
    worker holds (its worker died, or it waits between tasks): nothing would
    ever reach a checkpoint to see the request.
    """
    run = SegmentationRun.objects.get(pk=run_id)
    if run.is_finished:
        return run
    if run.status == RunStatus.QUEUED:
        _finish(run, RunStatus.CANCELLED, "Cancelled before it started.")
        return run
    SegmentationRun.objects.filter(pk=run_id).update(cancel_requested=True)
    run.refresh_from_db()
    if jobs.end_dead_run(run, _cancelled_without_worker(run)):
        run.refresh_from_db()
    return run


def _cancelled_without_worker(run: SegmentationRun) -> str:
    if run.worker and run.heartbeat_at is not None:
        return jobs.cancelled_message(run)
    return "Cancelled by request; no worker was working on it."


def retry_run(run_id: int, *, user=None) -> SegmentationRun:
    """A new run with the same parameters as a failed or cancelled one.

    Raises RunConflict for a run that succeeded (its results stand; start a new
    run to fit again) or has not ended yet.
    """
    old = SegmentationRun.objects.get(pk=run_id)
    if old.status == RunStatus.SUCCEEDED:
        raise RunConflict(
            f"Run #{old.pk} succeeded; only a failed or cancelled run can be retried. "
            "Start a new run to fit again."
        )
    if not old.is_finished:
        raise RunConflict(f"Run #{old.pk} has not ended yet; cancel it before retrying.")
    params = {k: v for k, v in old.parameters.items() if k not in ("truth_path", "min_group_size")}
    return create_run(
        parameters=params,
        source=old.source,
        user=user,
        truth_path=old.parameters.get("truth_path"),
    )


def embedder_for(run: SegmentationRun):
    """The embedder a run uses (chosen by its parameters)."""
    from nlp.embed import make_embedder

    return make_embedder(run.parameters.get("embedder", "default"))


def begin_run(run_id: int) -> list[list[str]]:
    """Start a run: check the data, and return the chunks of texts still to embed.

    Returns [] when the run is not (or no longer) in a state to begin.
    """
    run = SegmentationRun.objects.get(pk=run_id)
    if run.is_finished or run.stage == ANALYSE:
        return []
    with jobs.lease(run):
        return _begin_leased(run)


def _begin_leased(run: SegmentationRun) -> list[list[str]]:
    run.status, run.started_at, run.stage = RunStatus.RUNNING, timezone.now(), EMBED
    run.save(update_fields=["status", "started_at", "stage"])
    inputs = load_run_inputs()
    if inputs.n_customers < MIN_CUSTOMERS:
        _finish(
            run,
            RunStatus.FAILED,
            f"Too little data for a meaningful segmentation: {inputs.n_customers} consenting "
            f"customers; at least {MIN_CUSTOMERS} are needed. Import more customers or documents.",
        )
        return []
    record_populations(run, inputs)  # shown on the run page from now on, before any fit
    embedder = embedder_for(run)
    todo = cache.missing_hashes(inputs.documents["text_hash"].tolist(), embedder.model_id)
    run.n_customers, run.n_documents = inputs.n_customers, len(inputs.documents)
    run.stage_progress = {EMBED: 0.0 if todo else 1.0, "to_embed": len(todo)}
    run.save(update_fields=["n_customers", "n_documents", "stage_progress"])
    return cache.chunk(todo)


def embed_chunk(run_id: int, text_hashes: list[str]) -> None:
    """Embed one chunk of a run's texts (idempotent) and note the progress."""
    run = SegmentationRun.objects.get(pk=run_id)
    if run.is_finished:
        return
    if run.cancel_requested:
        _finish(run, RunStatus.CANCELLED, "Cancelled by request.")
        return
    with jobs.lease(run):
        cache.embed_missing(text_hashes, embedder_for(run))


def claim_analysis(run_id: int) -> bool:
    """True for exactly one caller, once every text of the run is embedded."""
    run = SegmentationRun.objects.get(pk=run_id)
    if run.is_finished or run.stage != EMBED:
        return False
    left = cache.count_missing_for_run(embedder_for(run).model_id)
    total = run.stage_progress.get("to_embed", 0)
    done = 1.0 if not total else max(0.0, 1 - left / total)
    SegmentationRun.objects.filter(pk=run_id, stage=EMBED).update(
        stage_progress={EMBED: round(done, 3), "to_embed": total}
    )
    if left:
        return False
    embed_seconds = round((timezone.now() - run.started_at).total_seconds(), 3)
    claimed = SegmentationRun.objects.filter(pk=run_id, stage=EMBED).update(
        stage=ANALYSE, timings={EMBED: embed_seconds}
    )
    return claimed == 1


def analyse_run(run_id: int, *, progress: Callable[[str, float], None] | None = None) -> None:
    """Run the pipeline on the embedded data and save the results atomically."""
    with exclusive("analysis", run_id) as mine:
        run = SegmentationRun.objects.get(pk=run_id)
        if run.is_finished or not mine:  # done, or another worker is analysing it right now
            return
        with jobs.lease(run):
            _analyse_locked(run, progress)


def _analyse_locked(run: SegmentationRun, progress) -> None:
    try:
        _analyse(run, progress)
    except RunCancelled:
        artifacts.delete_files(run.pk)
        _finish(run, RunStatus.CANCELLED, "Cancelled by request.")
    except Exception as exc:  # a failed run says why and can be retried
        logger.exception("run %s failed", run.pk)
        artifacts.delete_files(run.pk)
        _finish(run, RunStatus.FAILED, _explain(exc))
    else:
        audit_succeeded_run(run.pk)  # the bias audit; it logs its own errors, never fails the run


def _analyse(run: SegmentationRun, progress) -> None:
    from nlp.pipeline import STAGES

    inputs = load_run_inputs()
    embedder = embedder_for(run)
    run_params = {k: v for k, v in run.parameters.items() if k != "truth_path"}
    params = PipelineParams.from_dict(
        {"min_group_size": settings.VOXSEG_MIN_GROUP_SIZE, **run_params}
    )
    truth = _read_truth(run.parameters.get("truth_path"), inputs)
    versions = {"embedder": embedder.model_id, **_library_versions()}
    run.input_fingerprint = reuse.input_fingerprint(
        inputs, params.as_dict(), embedder.model_id, versions
    )
    source = reuse.find_reusable(run, run.input_fingerprint)
    if source is not None:
        _check_cancel(run)
        reuse.save_reused_results(run, source, inputs, truth)
        return

    def report(stage: str, fraction: float) -> None:
        _check_cancel(run)
        done = STAGES.index(stage) + fraction if stage in STAGES else 0
        SegmentationRun.objects.filter(pk=run.pk).update(
            stage=ANALYSE,
            stage_progress={**run.stage_progress, "analyse": round(done / len(STAGES), 3),
                            "current": stage, "stage_fraction": round(fraction, 3)},
        )  # fmt: skip
        if progress:
            progress(stage, fraction)

    vectors = cache.load_vectors(
        inputs.documents["text_hash"].tolist(), embedder.model_id, embedder.dimension
    )
    pipeline = SegmentationPipeline(params=params, text_cache=text_results.RunTextStore())
    result = pipeline.fit(
        inputs.documents, inputs.behaviour, embeddings=vectors, progress=report, truth=truth
    )
    _check_cancel(run)
    run.model_versions = {**versions, text_results.KEYS: result.text_keys}
    run.artifact_dir, run.artifact_digest = artifacts.save_model(run, result.model, inputs)
    save_results(run, inputs, result)


def run_in_foreground(run_id: int, *, progress: Callable[[str, float], None] | None = None):
    """The whole run in this process, through the same steps the workers run."""
    chunks = list(begin_run(run_id))
    for done, chunk in enumerate(chunks, start=1):
        embed_chunk(run_id, chunk)
        if progress:
            progress(EMBED, done / len(chunks))
    if claim_analysis(run_id):
        analyse_run(run_id, progress=progress)
    return SegmentationRun.objects.get(pk=run_id)


def _check_cancel(run: SegmentationRun) -> None:
    """Stop if the run was asked to, or was ended meanwhile (cancelled at once, reaped)."""
    state = SegmentationRun.objects.filter(pk=run.pk).values_list("cancel_requested", "status")
    cancel, status = state.first() or (True, RunStatus.CANCELLED)
    if cancel or status != RunStatus.RUNNING:
        raise RunCancelled


def _read_truth(path: str | None, inputs) -> list[str] | None:
    if not path:
        return None
    import csv

    from segapp.services.pseudonyms import pseudonymise

    with open(path, newline="") as fh:
        persona = {pseudonymise(r["customer_id"]): r["persona"] for r in csv.DictReader(fh)}
    return [persona.get(c, "?") for c in inputs.behaviour.index]


def _library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ("bertopic", "hdbscan", "umap-learn", "sentence-transformers", "vadersentiment"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            continue
    return versions


def _explain(exc: Exception) -> str:
    from nlp.segment import InsufficientDataError

    if isinstance(exc, InsufficientDataError | PipelineParameterError | RunError):
        return str(exc)
    return "The run stopped on an unexpected error (logged); retry it, or ask an administrator."


def _finish(run: SegmentationRun, status: str, message: str = "") -> None:
    """End a run that has not ended yet; a run already ended (say, by the reaper) stays so."""
    SegmentationRun.objects.filter(
        pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(status=status, finished_at=timezone.now(), error_message=message)
    run.refresh_from_db(fields=["status", "finished_at", "error_message"])
