"""The store of text results (`nlp.text_cache`): a run reuses what earlier runs computed.

A run after an import of behaviour only, or of customers without text, has
the texts of the run before it; its sentiment, topics and sentiment per topic
are then taken from that run instead of being computed again.

- Each text's VADER scores (document and sentences) live in the `Embedding`
  table, with the scorer id as model id: like a vector they belong to one
  text (by hash) and one model, are shared by every run, and erasure deletes
  them with the vectors no document has any more. The row holds JSON, not a
  float vector. Rows of an older scorer version are deleted when a newer one
  stores its own.
- Fits are not copied anywhere. Every run records the keys of its text
  results under `model_versions["text_keys"]`; a later run asking for the same
  key takes the result from the latest run that recorded it: the scorer and
  the topic model from its saved model (checked against the digest recorded
  on the run), the sentiment choice from `run.sentiment`, document scores from
  its document results, sentiment per topic from its topics. A run whose saved
  model is gone (erasure, retention, a failed save) is no source.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence

from nlp.text_cache import AspectsFit, ScoredText, SentimentFit, TextResultCache, TopicsFit
from segapp.models import DocumentResult, Embedding, RunStatus, SegmentationRun, Topic
from segapp.services.segmentation import artifacts

logger = logging.getLogger(__name__)

KEYS = "text_keys"  # under SegmentationRun.model_versions
RECENT_RUNS = 50  # sources are looked for among this many latest successful runs
_BATCH = 5000


class RunTextStore(TextResultCache):
    """Text results held by the database and by earlier runs' saved models."""

    def __init__(self) -> None:
        self._models: dict[int, object] = {}

    # --- each text's scores ---------------------------------------------------------------

    def scored_texts(self, scorer_id: str, text_hashes: Sequence[str]) -> dict[str, ScoredText]:
        """The scores stored for these texts under ``scorer_id``, by text hash."""
        unique = list(dict.fromkeys(text_hashes))
        found: dict[str, ScoredText] = {}
        for start in range(0, len(unique), _BATCH):
            rows = Embedding.objects.filter(
                model_id=scorer_id, text_hash__in=unique[start : start + _BATCH]
            ).values_list("text_hash", "vector")
            for text_hash, blob in rows.iterator():
                found[text_hash] = _decode(bytes(blob))
        return found

    def store_scored_texts(self, scorer_id: str, scored: Mapping[str, ScoredText]) -> None:
        """Store texts' scores under ``scorer_id``; drop those of other versions of the scorer."""
        if not scored:
            return
        Embedding.objects.bulk_create(
            (
                Embedding(text_hash=h, model_id=scorer_id, vector=_encode(s))
                for h, s in scored.items()
            ),
            ignore_conflicts=True,
            batch_size=1000,
        )
        family = scorer_id.rpartition(":")[0] + ":"
        stale = Embedding.objects.filter(model_id__startswith=family).exclude(model_id=scorer_id)
        dropped = stale.delete()[0]
        if dropped:
            logger.info("dropped %d text scores of earlier versions of %s", dropped, family)

    # --- fits found in earlier runs ------------------------------------------------------

    def sentiment_fit(self, key: str) -> SentimentFit | None:
        """The choice, scorer and document scores of the latest run fitted under ``key``."""
        source = _source("sentiment", key)
        model = self._model(source) if source is not None else None
        if model is None or not source.sentiment:
            return None
        scores = dict(
            DocumentResult.objects.filter(run=source)
            .values_list("document__text_hash", "sentiment")
            .iterator(chunk_size=_BATCH)
        )
        return SentimentFit(
            choice=dict(source.sentiment),
            scorer=model.sentiment_scorer,
            scores=scores,
            origin=f"run {source.pk}",
        )

    def topics_fit(self, key: str) -> TopicsFit | None:
        """The topic model of the latest run fitted under ``key``."""
        source = _source("topics", key)
        model = self._model(source) if source is not None else None
        if model is None or model.topic_modeler is None:
            return None
        _ready_to_save(model.topic_modeler)
        return TopicsFit(modeler=model.topic_modeler, origin=f"run {source.pk}")

    def aspects(self, key: str) -> AspectsFit | None:
        """Sentiment per topic of the latest run that computed it under ``key``."""
        source = _source("aspects", key)
        if source is None:
            return None
        rows = Topic.objects.filter(run=source).values_list("number", "aspect_sentiment")
        by_topic = {int(n): float(v) for n, v in rows if v is not None}
        return AspectsFit(by_topic=by_topic, origin=f"run {source.pk}", key=key)

    def _model(self, run: SegmentationRun):
        """The run's saved model, loaded once; None when it cannot be used."""
        if run.pk not in self._models:
            try:
                self._models[run.pk] = artifacts.load_model(run)
            except artifacts.NoSavedModel as exc:
                logger.warning("text results of run %s not reused: %s", run.pk, exc)
                self._models[run.pk] = None
        return self._models[run.pk]


def _source(kind: str, key: str) -> SegmentationRun | None:
    """The latest successful run with a saved model whose text result ``kind`` has ``key``."""
    runs = (
        SegmentationRun.objects.filter(status=RunStatus.SUCCEEDED)
        .exclude(artifact_digest="")
        .only("pk", "model_versions", "sentiment", "artifact_dir", "artifact_digest")
        .order_by("-finished_at", "-id")[:RECENT_RUNS]
    )
    for run in runs:
        if ((run.model_versions or {}).get(KEYS) or {}).get(kind) == key:
            return run
    return None


def _ready_to_save(modeler) -> None:
    """Let a loaded topic model be saved again with the run that reuses it.

    Loading gives the word counter its vocabulary but leaves it unfitted, and
    BERTopic's save reads the fitted vocabulary; fitting on no documents with
    the vocabulary fixed sets it without changing it.
    """
    counter = modeler.model_.vectorizer_model
    if getattr(counter, "vocabulary", None) is not None and not hasattr(counter, "vocabulary_"):
        counter.fit([])


def _encode(scored: ScoredText) -> bytes:
    payload = {"document": scored.document, "sentences": [list(s) for s in scored.sentences]}
    return json.dumps(payload, separators=(",", ":")).encode()


def _decode(blob: bytes) -> ScoredText:
    payload = json.loads(blob)
    return ScoredText(
        document=float(payload["document"]),
        sentences=tuple((str(text), float(score)) for text, score in payload["sentences"]),
    )
