"""A run's saved model under VOXSEG_DATA_DIR/runs/<id>/, traceable to the data it was built from.

The folder holds what :class:`nlp.model.FittedSegmentation` writes (topic model
in safetensors; UMAP, HDBSCAN prediction data and scalers with joblib) and a
manifest whose SHA-256 is recorded on the run; the model is only loaded back
when the files still match it. The manifest names the run and digests of the
customers and documents the model was built from; the run's memberships and
document results list them, so erasure can find every folder to rebuild or
delete.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings

from nlp.model import FittedSegmentation, ids_digest
from segapp.models import SegmentationRun


class NoSavedModel(LookupError):
    """The run has no usable saved model (failed, from before models were saved, or erased)."""


def run_folder(run_id: int) -> Path:
    """Where a run's files live."""
    return Path(settings.VOXSEG_DATA_DIR) / "runs" / str(run_id)


def save_model(run: SegmentationRun, model: FittedSegmentation, inputs) -> tuple[str, str]:
    """Write the run's fitted model; return (folder, manifest digest) to record on the run."""
    folder = run_folder(run.pk) / "model"
    if folder.exists():  # a retry of a run that died while saving: start clean
        shutil.rmtree(folder)
    customers = list(inputs.behaviour.index)
    documents = inputs.documents["document_id"].tolist()
    digest = model.save(
        folder,
        provenance={
            "run": run.pk,
            "customers": len(customers),
            "customers_sha256": ids_digest(customers),
            "documents": len(documents),
            "documents_sha256": ids_digest(documents),
        },
    )
    return str(folder), digest


def copy_model(source: SegmentationRun, run: SegmentationRun) -> tuple[str, str]:
    """Give `run` its own copy of `source`'s files (hard links where the disk allows)."""
    if not source.artifact_dir or not Path(source.artifact_dir).is_dir():
        return "", ""
    folder = run_folder(run.pk) / "model"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(source.artifact_dir, folder, copy_function=_link_or_copy)
    return str(folder), source.artifact_digest


def load_model(run: SegmentationRun) -> FittedSegmentation:
    """The run's fitted model, checked against the digest recorded on the run."""
    if not run.artifact_dir or not run.artifact_digest:
        raise NoSavedModel(f"Run {run.pk} has no saved model; start a new run.")
    from nlp.model import ArtifactError

    try:
        return FittedSegmentation.load(Path(run.artifact_dir), digest=run.artifact_digest)
    except ArtifactError as exc:
        raise NoSavedModel(f"Run {run.pk}'s saved model cannot be used: {exc}") from None


def delete_files(run_id: int) -> None:
    """Remove every file of a run (a failed run, or erasure)."""
    shutil.rmtree(run_folder(run_id), ignore_errors=True)


def _link_or_copy(src: str, dst: str) -> None:
    import os

    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
