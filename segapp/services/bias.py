"""The bias audit of a run: gather its customers' segments, sensitive attributes and features,
audit them with `nlp.fairness.audit_bias`, and keep the result in `BiasAudit`.

What the audit reads, per customer of the run (its memberships, outliers
included as "in no segment"; customers who withdrew have no membership left):

- the segment label (`Membership.segment`, hard assignment);
- `Customer.sensitive` (every key is an attribute: age, gender, region and
  whatever was flagged sensitive at import; spellings of one name, such as
  `Gender` and `gender`, are one attribute under its canonical key);
- the clustering features, rebuilt as the segmenter built them: the run's
  `CustomerFeatureBuilder` text block (mean of the customer's document
  embeddings from the `Embedding` cache, keyed by `Document.text_hash` and the
  run's embedder model id) and behaviour block (`Customer.behaviour` and
  `Customer.event_features`, less any name declared sensitive), weighted by
  the run's `text_weight` and `behaviour_weight`. Topic and sentiment blocks
  are left out: they need the run's fitted topic model, and both are off by
  default. Rebuilding keeps the audit independent of saved model files, which
  erasure and retention remove.
  Sensitive attributes are never features.

Runs with more than `MAX_FEATURE_CUSTOMERS` customers get features for a
fixed-seed sample only (the proxy check's sample), so an audit stays a few
seconds. An audit runs automatically when a run succeeds
(`audit_succeeded_run`, which never raises), and again on demand.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.utils import timezone

from nlp.fairness import audit_bias, merge_attributes, proxy_sample
from segapp.models import BiasAudit, Document, Membership, RunStatus, SegmentationRun
from segapp.selectors.bias import audit_k
from segapp.services.segmentation.embeddings import cached_vectors
from segapp.services.sensitive import declared_sensitive_keys, without_sensitive

logger = logging.getLogger(__name__)

MAX_FEATURE_CUSTOMERS = 5000


class BiasAuditError(ValueError):
    """A run cannot be audited (it has not succeeded); message for users."""


@dataclass
class AuditInputs:
    """What the audit of one run reads, one row per customer in membership order."""

    labels: np.ndarray
    sensitive: pd.DataFrame
    features: np.ndarray | None = None
    feature_rows: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)


def compute_bias_audit(run: SegmentationRun) -> BiasAudit:
    """Audit a succeeded run now and store the result (replacing an earlier audit)."""
    if run.status != RunStatus.SUCCEEDED:
        raise BiasAuditError(
            f"Run {run.pk} has status {run.status}: only succeeded runs have a bias audit."
        )
    started = time.perf_counter()
    seed = int(run.parameters.get("seed", 0) or 0)
    inputs = load_audit_inputs(run, seed=seed)
    result = audit_bias(
        inputs.labels,
        inputs.sensitive,
        features=inputs.features,
        feature_rows=inputs.feature_rows,
        min_group_size=audit_k(run),
        seed=seed,
        max_proxy_rows=MAX_FEATURE_CUSTOMERS,
    )
    result["notes"] = inputs.notes + result["notes"]
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["computed_at"] = timezone.now().isoformat()
    audit, _ = BiasAudit.objects.update_or_create(
        run=run, defaults={"result": result, "flagged": count_flags(result)}
    )
    return audit


def count_flags(result: dict) -> int:
    """Flags of an audit: skewed (segment, attribute) pairs plus attributes with a proxy."""
    proxies = sum(
        1
        for p in result.get("proxy", {}).get("attributes", [])
        if any((p.get(side) or {}).get("flagged") for side in ("from_segments", "from_features"))
    )
    return len(result.get("flags", [])) + proxies


def audit_succeeded_run(run_id: int) -> None:
    """Audit a run that has just succeeded; never raises, so the audit cannot fail the run.

    An error is logged and stored as the audit's result (`{"error": ...}`),
    which the audit page shows with a way to try again.
    """
    try:
        run = SegmentationRun.objects.get(pk=run_id)
        if run.status == RunStatus.SUCCEEDED:
            compute_bias_audit(run)
    except Exception:
        logger.exception("bias audit of run %s failed", run_id)
        _store_error(run_id)


def _store_error(run_id: int) -> None:
    message = "The bias audit stopped on an unexpected error (logged); recompute it to try again."
    try:
        BiasAudit.objects.update_or_create(
            run_id=run_id,
            defaults={"result": {"error": message, "computed_at": timezone.now().isoformat()},
                      "flagged": 0},
        )  # fmt: skip
    except Exception:
        logger.exception("could not record the failed bias audit of run %s", run_id)


def current_bias_audit(run: SegmentationRun) -> BiasAudit | None:
    """The run's audit, computed first when there is none or customers withdrew since.

    None for a run that has not succeeded. A stored error is returned as it
    is (recomputing is the user's choice).
    """
    if run.status != RunStatus.SUCCEEDED:
        return None
    audit = BiasAudit.objects.filter(run=run).first()
    stale = (
        audit is not None
        and run.privacy_changed_at is not None
        and audit.created_at < run.privacy_changed_at
    )
    if audit is None or stale:
        audit = refresh_bias_audit(run)
    return audit


def refresh_bias_audit(run: SegmentationRun) -> BiasAudit:
    """Compute a run's audit again; an unexpected error is stored as its result, not raised.

    Raises BiasAuditError for a run that has not succeeded.
    """
    if run.status != RunStatus.SUCCEEDED:
        raise BiasAuditError(
            f"Run {run.pk} has status {run.status}: only succeeded runs have a bias audit."
        )
    audit_succeeded_run(run.pk)
    return BiasAudit.objects.get(run=run)


def summary_when_ready(run: SegmentationRun, *, timeout: float = 60.0, poll: float = 0.5) -> str:
    """The one-line audit summary of a run that just succeeded, waiting for a worker's audit.

    A worker writes the audit just after marking the run succeeded, so a
    follower may look a moment too early; after `timeout` seconds the line
    says the audit is not computed yet.
    """
    from segapp.selectors.bias import bias_audit_view

    deadline = time.monotonic() + timeout
    while True:
        audit = BiasAudit.objects.filter(run=run).first()
        if audit is not None or time.monotonic() >= deadline:
            return bias_audit_view(run, audit)["summary"]
        time.sleep(poll)


# --- inputs -----------------------------------------------------------------------------------


def load_audit_inputs(run: SegmentationRun, *, seed: int = 0) -> AuditInputs:
    """Segment labels, sensitive attributes and clustering features of a run's customers."""
    rows = list(
        Membership.objects.filter(run=run, customer__segmentation_consent=True)
        .order_by("customer_id")
        .values_list(
            "customer_id",
            "customer__pseudonym",
            "segment__number",
            "customer__sensitive",
            "customer__behaviour",
            "customer__event_features",
        )
        .iterator(chunk_size=5000)
    )
    labels = np.array([-1 if r[2] is None else r[2] for r in rows], dtype=int)
    sensitive = pd.DataFrame.from_records([r[3] or {} for r in rows], index=range(len(rows)))
    sensitive = merge_attributes(sensitive.astype(object).where(sensitive.notna(), None))
    inputs = AuditInputs(labels=labels, sensitive=sensitive)
    if sensitive.shape[1] == 0:
        inputs.notes.append("No customer of this run has sensitive attributes to audit.")
    if not rows:
        return inputs
    picked = proxy_sample(len(rows), MAX_FEATURE_CUSTOMERS, seed)
    features, notes = _features(run, [rows[i] for i in picked])
    inputs.notes.extend(notes)
    if features is not None:
        inputs.features, inputs.feature_rows = features, picked
    return inputs


def _features(run: SegmentationRun, rows: list[tuple]) -> tuple[np.ndarray | None, list[str]]:
    """The text and behaviour blocks of the segmenter's features for these customers."""
    from nlp.features import CustomerFeatureBuilder, FeatureWeights
    from nlp.segment import InsufficientDataError

    ids = [r[1] for r in rows]
    declared = declared_sensitive_keys()
    behaviour = _behaviour(
        [without_sensitive({**(r[4] or {}), **(r[5] or {})}, declared) for r in rows], ids
    )
    owners, vectors, notes = _document_vectors(run, {r[0]: r[1] for r in rows})
    params = run.parameters
    weights = FeatureWeights(
        text=float(params.get("text_weight", 1.0)) if vectors is not None else 0.0,
        topics=0.0,
        sentiment=0.0,
        behaviour=float(params.get("behaviour_weight", 1.0)) if behaviour is not None else 0.0,
    )
    seed = int(params.get("seed", 0) or 0)
    try:
        features = CustomerFeatureBuilder(weights=weights, seed=seed).fit_transform(
            ids,
            behaviour=behaviour,
            doc_customer_ids=owners if vectors is not None else None,
            doc_embeddings=vectors,
        )
    except InsufficientDataError as exc:
        return None, [*notes, f"No clustering features for the proxy check: {exc}"]
    return features, notes


def _behaviour(records: list[dict], ids: list[str]) -> pd.DataFrame | None:
    frame = pd.DataFrame.from_records(records, index=ids)
    if frame.shape[1] == 0:
        return None
    frame = frame.apply(pd.to_numeric, errors="coerce").dropna(axis=1, how="all")
    return frame if frame.shape[1] else None


def _document_vectors(run: SegmentationRun, pseudonym_of: dict[int, str]):
    """Owner pseudonym and cached embedding of every document of these customers."""
    model_id = (run.model_versions or {}).get("embedder")
    if not model_id:
        return None, None, ["The run names no embedding model: texts are left out of the check."]
    owners, hashes = [], []
    ids = list(pseudonym_of)
    for start in range(0, len(ids), 5000):
        for customer_id, text_hash in Document.objects.filter(
            customer_id__in=ids[start : start + 5000]
        ).values_list("customer_id", "text_hash"):
            owners.append(pseudonym_of[customer_id])
            hashes.append(text_hash)
    found = cached_vectors(sorted(set(hashes)), model_id)
    kept = [i for i, h in enumerate(hashes) if h in found]
    if not kept:
        return None, None, ["No cached text embeddings: texts are left out of the check."]
    vectors = np.vstack([found[hashes[i]] for i in kept])
    return [owners[i] for i in kept], vectors, []
