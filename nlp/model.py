"""A fitted segmentation that assigns new customers without refitting, and its files.

:class:`FittedSegmentation` keeps the objects a pipeline fitted (sentiment
scorer, topic model, feature builder, segmenter) and turns new customers'
documents and behaviour into segments with the same preparation:
documents are scored and given the nearest topic, features are built with the
fitted scalers, and the segmenter places the rows in its UMAP space and uses
HDBSCAN's prediction data (``approximate_predict``).

Files (:meth:`FittedSegmentation.save`): the topic model in safetensors and
JSON (:meth:`nlp.topics.TopicModeler.save`); UMAP, HDBSCAN and the scalers
have no safe format in their libraries, so they are written with joblib and
every file's SHA-256 goes into ``manifest.json``. :meth:`load` recomputes the
digests and refuses a folder whose files or manifest differ from the digest
the caller recorded when saving, so a pickle is only ever read back from the
exact bytes this code wrote.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_TOPICS_FOLDER = "topics"
_PICKLED = ("sentiment_scorer", "feature_builder", "segmenter")


class ArtifactError(ValueError):
    """Saved model files are missing, changed, or of another format."""


@dataclass
class FittedSegmentation:
    """What a pipeline fitted, kept to assign new customers to its segments."""

    sentiment_scorer: Any
    topic_modeler: Any | None
    feature_builder: Any
    segmenter: Any

    def predict(
        self, documents: pd.DataFrame, behaviour: pd.DataFrame, embeddings: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Segment (``-1``: none fits) and membership strength of each customer of ``behaviour``.

        ``documents`` has columns customer and text (one row per document, in
        the order of ``embeddings``); customers without documents are treated
        as at fit time (they borrow text rows from behaviour neighbours).
        """
        from nlp.sentiment import score_documents

        customer_ids = [str(c) for c in behaviour.index]
        keep = documents["customer"].astype(str).isin(set(customer_ids)).to_numpy()
        documents = documents[keep].reset_index(drop=True)
        texts = documents["text"].astype(str).tolist()
        if texts and embeddings is None:
            raise ValueError("documents were given without their embeddings")
        vectors = np.asarray(embeddings)[keep] if texts else self._no_vectors()
        sentiment = np.asarray(
            score_documents(self.sentiment_scorer, texts, vectors) if texts else [], dtype=float
        )
        topics, n_topics = None, None
        if self.topic_modeler is not None and self.topic_modeler.n_topics_:
            n_topics = self.topic_modeler.n_topics_
            topics = (
                self.topic_modeler.transform(texts, vectors)[0] if texts else np.zeros(0, dtype=int)
            )
        features = self.feature_builder.transform(
            customer_ids,
            behaviour=self._behaviour_columns(behaviour),
            doc_customer_ids=documents["customer"].astype(str).tolist(),
            doc_embeddings=vectors,
            doc_topics=topics,
            n_topics=n_topics,
            doc_sentiment=sentiment,
        )
        return self.segmenter.predict(features)

    def _behaviour_columns(self, behaviour: pd.DataFrame) -> pd.DataFrame | None:
        """Numeric behaviour with every fitted column; ones a new customer lacks are missing.

        New customers often arrive before their events: the builder then imputes
        those values exactly as it did for customers missing them at fit.
        """
        numeric = behaviour.select_dtypes(include="number") if behaviour.shape[1] else None
        fitted = [c.name for c in getattr(self.feature_builder, "behaviour_columns_", [])]
        if not fitted:
            return numeric if numeric is not None and numeric.shape[1] else None
        base = numeric if numeric is not None else pd.DataFrame(index=behaviour.index)
        return base.reindex(columns=list(dict.fromkeys([*base.columns, *fitted]))).astype(float)

    def _no_vectors(self) -> np.ndarray:
        """An empty document-embedding matrix of the fitted width (customers without text)."""
        mean = getattr(self.feature_builder, "text_mean_", None)
        return np.zeros((0, 0 if mean is None else len(mean)))

    def save(self, folder: Path, *, provenance: dict[str, Any] | None = None) -> str:
        """Write the model to ``folder`` and return the manifest's SHA-256 (keep it to load).

        ``provenance`` (e.g. the customers and documents it was built from) is
        stored in the manifest, so the files can be traced back to their data.
        """
        import joblib

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if self.topic_modeler is not None and getattr(self.topic_modeler, "n_topics_", 0):
            self.topic_modeler.save(folder / _TOPICS_FOLDER)
        for name in _PICKLED:
            joblib.dump(getattr(self, name), folder / f"{name}.joblib", compress=3)
        files = {
            str(path.relative_to(folder)): file_digest(path)
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path.name != MANIFEST
        }
        manifest = {"format": FORMAT_VERSION, "files": files, "provenance": provenance or {}}
        text = json.dumps(manifest, sort_keys=True, indent=1)
        (folder / MANIFEST).write_text(text)
        return hashlib.sha256(text.encode()).hexdigest()

    @classmethod
    def load(cls, folder: Path, *, digest: str) -> FittedSegmentation:
        """Read a model written by :meth:`save` after checking every file against ``digest``."""
        import joblib

        folder = Path(folder)
        manifest = read_manifest(folder, digest=digest)
        for relative, expected in manifest["files"].items():
            path = folder / relative
            if not path.is_file() or file_digest(path) != expected:
                raise ArtifactError(f"{path} is missing or was changed after it was saved")
        topic_modeler = None
        if (folder / _TOPICS_FOLDER).is_dir():
            from nlp.topics import TopicModeler

            topic_modeler = TopicModeler.load(folder / _TOPICS_FOLDER)
        parts = {name: joblib.load(folder / f"{name}.joblib") for name in _PICKLED}
        return cls(topic_modeler=topic_modeler, **parts)


def read_manifest(folder: Path, *, digest: str) -> dict[str, Any]:
    """The manifest of a saved model, refused unless its SHA-256 equals ``digest``."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise ArtifactError(f"{folder} holds no saved model")
    text = path.read_text()
    if hashlib.sha256(text.encode()).hexdigest() != digest:
        raise ArtifactError(f"{path} does not match the digest recorded when it was saved")
    manifest = json.loads(text)
    if manifest.get("format") != FORMAT_VERSION:
        raise ArtifactError(f"{folder} holds model format {manifest.get('format')!r}")
    return manifest


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def ids_digest(values: Sequence[Any]) -> str:
    """SHA-256 of a sequence of ids, to record what a model was built from without copying it."""
    return hashlib.sha256("\n".join(map(str, values)).encode()).hexdigest()
