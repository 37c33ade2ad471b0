"""The steps of `SegmentationPipeline.fit`, one function each, over plain arrays.

Kept apart from the pipeline so that `fit` reads as a list of named steps and
each step can be tested and swapped on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nlp.pipeline import PipelineParams, SegmentationResult

# The sentiment step lives in its own module; its names are offered here with the others.
from nlp.sentiment_step import SentimentOutput, score_sentiment, start_sentiment  # noqa: F401
from nlp.text_cache import (
    EARLIER_FIT,
    AspectsFit,
    TextResultCache,
    TextsFingerprint,
    TopicsFit,
    aspects_key,
    topics_key,
)

MIN_DOCUMENTS_FOR_TOPICS = 50
LOW_STABILITY = 0.5  # below this, refits on resamples disagree too much to trust the segments


@dataclass
class TopicsOutput:
    """Topic of every document, the topics, and per-topic sentiment."""

    doc_topics: np.ndarray
    topics: list[Any]
    modeler: Any = None
    n_topics: int = 0
    notes: list[str] = field(default_factory=list)
    key: str | None = None  # what the topic model depends on (`nlp.text_cache.topics_key`)
    origin: str | None = None  # where a cached topic model came from; None when fitted here


def default_embedder(params: PipelineParams):
    """The embedder named by the run's parameters."""
    from nlp.embed import make_embedder

    return make_embedder(params.embedder)


def fit_topics(
    texts: list[str],
    embeddings: np.ndarray,
    params: PipelineParams,
    modeler=None,
    *,
    cache: TextResultCache | None = None,
    fingerprint: TextsFingerprint | None = None,
) -> TopicsOutput:
    """Topics of the documents, or none (all -1) when there are too few documents.

    The default topic model comes from ``cache`` when it holds one fitted on
    the same texts, embeddings, settings and code; a model passed in is always fitted.
    """
    if len(texts) < MIN_DOCUMENTS_FOR_TOPICS:
        return TopicsOutput(
            doc_topics=np.full(len(texts), -1),
            topics=[],
            notes=[
                f"Only {len(texts)} documents: too few to find topics "
                f"(at least {MIN_DOCUMENTS_FOR_TOPICS} are needed)."
                if texts
                else "No documents: segments come from behaviour only; no topics or sentiment."
            ],
        )
    from nlp.topics import TopicModeler

    if modeler is not None:
        modeler.fit(texts, embeddings)
        return _topics_of(modeler)
    cache = cache or TextResultCache()
    modeler = TopicModeler(max_outlier_share=params.max_topic_outliers, seed=params.seed)
    fingerprint = fingerprint or TextsFingerprint.of(texts, embeddings)
    key = topics_key(fingerprint, vars(modeler))
    fit = cache.topics_fit(key)
    if fit is not None:
        return _topics_of(fit.modeler, key=key, origin=fit.origin or EARLIER_FIT)
    modeler.fit(texts, embeddings)
    cache.store_topics_fit(key, TopicsFit(modeler=modeler))
    return _topics_of(modeler, key=key)


def _topics_of(modeler, *, key: str | None = None, origin: str | None = None) -> TopicsOutput:
    topics = list(modeler.topics_info_)
    return TopicsOutput(
        doc_topics=np.asarray(modeler.topics_, dtype=int),
        topics=topics,
        modeler=modeler,
        n_topics=len(topics),
        key=key,
        origin=origin,
    )


def default_feature_builder(params: PipelineParams):
    """Feature builder weighted as the run's parameters say."""
    from nlp.features import CustomerFeatureBuilder, FeatureWeights

    weights = FeatureWeights(
        text=params.text_weight,
        topics=params.topic_weight,
        sentiment=params.sentiment_weight,
        behaviour=params.behaviour_weight,
    )
    return CustomerFeatureBuilder(weights=weights)


def build_features(
    builder,
    customer_ids: list[str],
    behaviour: pd.DataFrame,
    documents: pd.DataFrame,
    embeddings: np.ndarray,
    topics: TopicsOutput,
    sentiment: SentimentOutput,
    notes: list[str],
) -> np.ndarray:
    """One feature row per customer: text, topics, sentiment and behaviour blocks.

    Appends to `notes` what the features could not use.
    """
    numeric = behaviour.select_dtypes(include="number") if not behaviour.empty else None
    if numeric is not None and numeric.shape[1] == 0:
        numeric = None
    has_docs = len(documents) > 0
    if numeric is None and has_docs:
        notes.append("No behaviour columns: segments come from what customers write only.")
    return builder.fit_transform(
        customer_ids,
        behaviour=numeric,
        doc_customer_ids=documents["customer"].tolist() if has_docs else None,
        doc_embeddings=embeddings if has_docs else None,
        doc_topics=topics.doc_topics if topics.n_topics else None,
        n_topics=topics.n_topics or None,
        doc_sentiment=sentiment.compound if has_docs else None,
    )


def default_segmenter(params: PipelineParams):
    """HDBSCAN-after-UMAP segmenter configured by the run's parameters."""
    from nlp.segment import CustomerSegmenter

    return CustomerSegmenter(
        n_components=params.n_components,
        min_cluster_size=params.min_cluster_size or None,
        seed=params.seed,
        soft_assign=params.soft_assign,
        candidates=params.seed_candidates,
    )


def measure(segmenter, features: np.ndarray, params: PipelineParams, truth) -> dict[str, Any]:
    """Quality metrics of the fitted segmentation (DBCV, silhouette, stability, ARI)."""
    from nlp.segment import quality_metrics

    metrics = quality_metrics(
        segmenter, features, bootstrap=params.stability_resamples, truth=truth, seed=params.seed
    )
    return {k: (None if v is None else float(v)) for k, v in metrics.items()}


def topic_aspects(
    topics: TopicsOutput, sentiment: SentimentOutput, *, cache: TextResultCache | None = None
) -> AspectsFit:
    """Sentiment per topic from sentences (:func:`aspect_sentiment`), from ``cache`` when held.

    Only a keyed topic model (see :func:`fit_topics`) is looked up: the key is
    its key and every scored sentence.
    """
    if topics.key is None or topics.modeler is None:
        return AspectsFit(by_topic=aspect_sentiment(topics, sentiment))
    cache = cache or TextResultCache()
    key = aspects_key(topics.key, sentiment.sentences)
    held = cache.aspects(key)
    if held is not None:
        return AspectsFit(by_topic=dict(held.by_topic), origin=held.origin or EARLIER_FIT, key=key)
    fit = AspectsFit(by_topic=aspect_sentiment(topics, sentiment), key=key)
    cache.store_aspects(key, fit)
    return fit


def text_keys(
    sentiment: SentimentOutput, topics: TopicsOutput, aspects: AspectsFit
) -> dict[str, str]:
    """The keys of this fit's text results, to find them again (`nlp.text_cache`)."""
    keys = {"sentiment": sentiment.key, "topics": topics.key, "aspects": aspects.key}
    return {name: key for name, key in keys.items() if key is not None}


def reuse_notes(sentiment: SentimentOutput, topics: TopicsOutput, aspects: AspectsFit) -> list[str]:
    """One note per earlier fit whose text results were taken instead of computed again."""
    parts = {"sentiment": sentiment.origin, "topics": topics.origin,
             "sentiment per topic": aspects.origin}  # fmt: skip
    by_origin: dict[str, list[str]] = {}
    for part, origin in parts.items():
        if origin is not None:
            by_origin.setdefault(origin, []).append(part)
    return [
        f"The texts are unchanged since {origin}: its {_and(names)} were reused "
        "instead of being computed again."
        for origin, names in by_origin.items()
    ]


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def aspect_sentiment(topics: TopicsOutput, sentiment: SentimentOutput) -> dict[int, float]:
    """Mean sentence sentiment per topic, sentences assigned to topics by their words."""
    if topics.modeler is None:
        return {}
    flat = [(text, score) for doc in sentiment.sentences for text, score in doc]
    if not flat:
        return {}
    assigned = topics.modeler.sentence_topics([text for text, _ in flat])
    frame = pd.DataFrame({"topic": assigned, "score": [score for _, score in flat]})
    frame = frame[frame["topic"] >= 0]
    return {int(k): round(float(v), 4) for k, v in frame.groupby("topic")["score"].mean().items()}


def explain_segments(
    segmenter,
    customer_ids: list[str],
    behaviour: pd.DataFrame,
    documents: pd.DataFrame,
    embeddings: np.ndarray,
    topics: TopicsOutput,
    sentiment: SentimentOutput,
    params: PipelineParams,
    explainer=None,
):
    """Personas of the segments: traits, topics by lift, quotes, rules, names (`nlp.explain`)."""
    from nlp.explain import PersonaExplainer

    explainer = explainer or PersonaExplainer(
        min_group_size=params.min_group_size, seed=params.seed
    )
    has_docs = len(documents) > 0
    space = getattr(segmenter, "embedding_", None)
    return explainer.explain(
        customer_ids=customer_ids,
        labels=np.asarray(segmenter.labels_),
        probabilities=np.asarray(segmenter.probabilities_),
        behaviour=behaviour,
        doc_customers=documents["customer"].astype(str).tolist() if has_docs else [],
        doc_topics=topics.doc_topics if has_docs else None,
        doc_sentiment=sentiment.compound if has_docs else None,
        topic_labels={t.topic_id: t.label for t in topics.topics},
        doc_embeddings=embeddings if has_docs else None,
        doc_texts=documents["text"].astype(str).tolist() if has_docs else None,
        space=space if space is not None else getattr(segmenter, "embedding_2d_", None),
    )


def merge_explanations(
    profiles: list[dict[str, Any]], explained: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The profiles with their explanation keys added (explained top topics replace the others).

    A small segment keeps only its number, size and documents count besides the
    explanation: no aggregate of fewer than k customers is stored.
    """
    merged = []
    for profile in profiles:
        extra = explained.get(profile["segment"], {})
        if extra.get("small"):
            base = {k: profile[k] for k in ("segment", "size", "documents") if k in profile}
            merged.append(
                {**base, "sentiment": None, "sentiment_mix": {}, "behaviour": {}, **extra}
            )
        else:
            merged.append({**profile, **extra})
    return merged


def assemble(
    customer_ids: list[str],
    segmenter,
    topics: TopicsOutput,
    sentiment: SentimentOutput,
    profiles: list[dict[str, Any]],
    metrics: dict[str, Any],
    timings: dict[str, float],
    aspects: AspectsFit | None = None,
) -> SegmentationResult:
    """Gather the fitted pieces into one result (``aspects`` computed here when not given)."""
    notes = list(topics.notes) + list(getattr(segmenter, "notes_", []) or [])
    stability = metrics.get("stability")
    if stability is not None and segmenter.n_segments_ >= 2 and stability < LOW_STABILITY:
        notes.append(
            f"Unstable segments: refits on resamples of the customers agree only {stability:.2f} "
            "(adjusted Rand index) with these segments, so they may be arbitrary cuts. "
            "Add behaviour columns or documents, or raise min_cluster_size."
        )
    doc_topic_sentiment = (
        pd.DataFrame({"t": topics.doc_topics, "s": sentiment.compound})
        .query("t >= 0")
        .groupby("t")["s"]
        .mean()
    )
    return SegmentationResult(
        customer_ids=customer_ids,
        labels=np.asarray(segmenter.labels_),
        probabilities=np.asarray(segmenter.probabilities_),
        outlier=np.asarray(segmenter.outlier_mask_),
        soft_labels=np.asarray(segmenter.soft_labels_),
        soft_probabilities=np.asarray(segmenter.soft_probabilities_),
        map_2d=np.asarray(segmenter.embedding_2d_),
        doc_topics=topics.doc_topics,
        doc_sentiment=sentiment.compound,
        doc_sentiment_labels=sentiment.labels,
        topics=topics.topics,
        topic_sentiment={int(k): round(float(v), 4) for k, v in doc_topic_sentiment.items()},
        topic_aspect_sentiment=(
            aspects.by_topic if aspects is not None else aspect_sentiment(topics, sentiment)
        ),
        segment_profiles=profiles,
        sentiment_choice=sentiment.choice,
        metrics=metrics,
        timings=timings,
        notes=notes,
    )
