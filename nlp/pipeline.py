"""The segmentation pipeline: documents and behaviour in, segments, topics and sentiment out.

Each step is an object passed in (embedder, sentiment choice, topic modeler,
feature builder, segmenter), with a sensible default, so a step can be swapped
without touching the others. Usable from a notebook on pandas DataFrames:

    >>> import pandas as pd
    >>> from nlp.pipeline import SegmentationPipeline
    >>> docs = pd.DataFrame({"customer": [...], "text": [...], "rating": [...]})
    >>> behaviour = pd.DataFrame({...}, index=[...])  # numeric columns, a row per customer
    >>> result = SegmentationPipeline().fit(docs, behaviour)
    >>> result.labels, result.topics, result.metrics
    >>> labels, strength = result.model.predict(new_docs, new_behaviour, new_embeddings)

`fit` reads as the list of its steps; every step reports progress through an
optional callback `progress(stage, fraction)`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from nlp.text_cache import TextsFingerprint

ProgressCallback = Callable[[str, float], None]
STAGES = ("embed", "sentiment", "topics", "features", "segments", "metrics", "profiles", "explain")


class PipelineParameterError(ValueError):
    """A run parameter has an unknown name or a bad value; message for users."""


@dataclass(frozen=True)
class PipelineParams:
    """The parameters a user can set per run (`segment --set NAME=VALUE`)."""

    seed: int = 42
    text_weight: float = 1.0
    behaviour_weight: float = 1.0
    topic_weight: float = 0.0
    sentiment_weight: float = 0.0
    min_cluster_size: int = 0  # 0: scaled to the number of customers
    n_components: int = 5
    soft_assign: bool = True
    max_topic_outliers: float = 0.2
    stability_resamples: int = 3  # only with seed_candidates=1: seeds' agreement is the stability
    seed_candidates: int = 4  # UMAP seeds fitted; the best-separated partition is kept
    embedder: str = "default"
    min_group_size: int = 10  # k-anonymity: no persona details for segments smaller than this

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> PipelineParams:
        """Parse values given as strings or JSON types; unknown names are refused."""
        known = {f.name: f for f in fields(cls)}
        parsed: dict[str, Any] = {}
        for name, raw in values.items():
            if name not in known:
                raise PipelineParameterError(
                    f"Unknown parameter {name!r}; parameters are: {', '.join(sorted(known))}."
                )
            parsed[name] = _coerce(name, raw, type(getattr(cls(), name)))
        params = cls(**parsed)
        params.validate()
        return params

    def validate(self) -> None:
        """Refuse values that cannot make sense."""
        if min(self.text_weight, self.behaviour_weight, self.topic_weight) < 0:
            raise PipelineParameterError("Weights cannot be negative.")
        if self.sentiment_weight < 0:
            raise PipelineParameterError("Weights cannot be negative.")
        if self.min_cluster_size < 0 or not 2 <= self.n_components <= 50:
            raise PipelineParameterError(
                "min_cluster_size must be ≥ 0 and n_components between 2 and 50."
            )
        if not 1 <= self.seed_candidates <= 16:
            raise PipelineParameterError("seed_candidates must be between 1 and 16.")
        if self.min_group_size < 1:
            raise PipelineParameterError("min_group_size must be at least 1.")
        if not 0 <= self.max_topic_outliers <= 1:
            raise PipelineParameterError("max_topic_outliers is a share between 0 and 1.")

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form stored on the run."""
        return asdict(self)


def _coerce(name: str, raw: Any, kind: type) -> Any:
    if isinstance(raw, kind) and not (kind is int and isinstance(raw, bool)):
        return raw
    text = str(raw).strip()
    try:
        if kind is bool:
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError
        return kind(text)
    except ValueError:
        raise PipelineParameterError(
            f"{name} must be {'true/false' if kind is bool else kind.__name__}, not {text!r}."
        ) from None


@dataclass
class SegmentationResult:
    """Everything a run produced, in plain arrays and lists."""

    customer_ids: list[str]
    labels: np.ndarray
    probabilities: np.ndarray
    outlier: np.ndarray
    soft_labels: np.ndarray
    soft_probabilities: np.ndarray
    map_2d: np.ndarray
    doc_topics: np.ndarray
    doc_sentiment: np.ndarray
    doc_sentiment_labels: list[str]
    topics: list[Any]
    topic_sentiment: dict[int, float]
    topic_aspect_sentiment: dict[int, float]
    segment_profiles: list[dict[str, Any]]
    sentiment_choice: dict[str, Any]
    metrics: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    explain_context: dict[str, Any] = field(default_factory=dict)  # nlp.explain population stats
    model: Any = None  # nlp.model.FittedSegmentation: assigns new customers without refitting
    # What the text results depend on (`nlp.text_cache`): "sentiment", "topics", "aspects".
    text_keys: dict[str, str] = field(default_factory=dict)


class SegmentationPipeline:
    """Compose embedder, sentiment, topics, features and segmenter into one `fit`.

    ``text_cache`` (an `nlp.text_cache.TextResultCache`) holds text results of
    earlier fits: sentiment, topics and sentiment per topic are taken from it
    when the texts, ratings, embeddings, parameters and code they depend on are
    unchanged, and computed (and offered to it) otherwise.
    """

    def __init__(
        self,
        *,
        params: PipelineParams | None = None,
        embedder=None,
        topic_modeler=None,
        feature_builder=None,
        segmenter=None,
        text_cache=None,
    ) -> None:
        self.params = params
        self.embedder = embedder
        self.topic_modeler = topic_modeler
        self.feature_builder = feature_builder
        self.segmenter = segmenter
        self.text_cache = text_cache

    def fit(
        self,
        documents: pd.DataFrame,
        behaviour: pd.DataFrame,
        *,
        embeddings: np.ndarray | None = None,
        progress: ProgressCallback | None = None,
        truth: Sequence[str] | None = None,
    ) -> SegmentationResult:
        """Segment the customers of `behaviour`'s index using their documents and behaviour.

        `documents` has columns customer, text and optionally rating; rows whose
        customer is not in `behaviour`'s index are ignored. `embeddings` (one row
        per document) skips the embedding step when given.
        """
        from nlp import steps
        from nlp.model import FittedSegmentation
        from nlp.segment_profiles import profile_segments

        params = self.params or PipelineParams()
        report = progress or (lambda stage, fraction: None)
        timings: dict[str, float] = {}
        customer_ids = [str(c) for c in behaviour.index]
        documents = documents[documents["customer"].isin(set(customer_ids))].reset_index(drop=True)
        texts = documents["text"].astype(str).tolist()

        with _timed(timings, "embed", report):
            if embeddings is None:
                embedder = self.embedder or steps.default_embedder(params)
                embeddings = embedder.encode(texts)
        cache = self.text_cache
        with _timed(timings, "sentiment", report):
            # Large runs score sentiment in another process while the topics are fitted.
            fingerprint = TextsFingerprint.of(texts, embeddings) if texts else None
            pending = steps.start_sentiment(
                texts, embeddings, documents.get("rating"), seed=params.seed, cache=cache,
                fingerprint=fingerprint,
            )  # fmt: skip
        try:
            with _timed(timings, "topics", report):
                topics = steps.fit_topics(
                    texts, embeddings, params, self.topic_modeler, cache=cache,
                    fingerprint=fingerprint,
                )  # fmt: skip
                sentiment = pending.result()
                aspects = steps.topic_aspects(topics, sentiment, cache=cache)
        finally:
            pending.close()  # a failed or cancelled run stops the scoring beside it
        timings["sentiment"] = round(timings["sentiment"] + pending.seconds_beside, 3)
        with _timed(timings, "features", report):
            builder = self.feature_builder or steps.default_feature_builder(params)
            features = steps.build_features(
                builder, customer_ids, behaviour, documents, embeddings, topics, sentiment,
                topics.notes,
            )  # fmt: skip
        with _timed(timings, "segments", report):
            segmenter = self.segmenter or steps.default_segmenter(params)
            segmenter.fit(features)
        with _timed(timings, "metrics", report):
            metrics = steps.measure(segmenter, features, params, truth)
        with _timed(timings, "profiles", report):
            profiles = profile_segments(
                segmenter, customer_ids, behaviour, documents, topics, sentiment
            )
        with _timed(timings, "explain", report):
            explanation = steps.explain_segments(
                segmenter, customer_ids, behaviour, documents, embeddings, topics, sentiment,
                params,
            )  # fmt: skip
            profiles = steps.merge_explanations(profiles, explanation.profiles)
        result = steps.assemble(
            customer_ids, segmenter, topics, sentiment, profiles, metrics, timings, aspects
        )
        result.text_keys = steps.text_keys(sentiment, topics, aspects)
        result.notes.extend(steps.reuse_notes(sentiment, topics, aspects))
        result.explain_context = explanation.context
        result.model = FittedSegmentation(
            sentiment_scorer=sentiment.scorer,
            topic_modeler=topics.modeler,
            feature_builder=builder,
            segmenter=segmenter,
        )
        return result


class _timed:
    """Context manager timing one stage and reporting its start and end."""

    def __init__(self, timings: dict[str, float], stage: str, report: ProgressCallback) -> None:
        self.timings, self.stage, self.report = timings, stage, report

    def __enter__(self) -> None:
        self.started = time.perf_counter()
        self.report(self.stage, 0.0)

    def __exit__(self, exc_type, *rest) -> None:
        self.timings[self.stage] = round(time.perf_counter() - self.started, 3)
        if exc_type is None:
            self.report(self.stage, 1.0)
