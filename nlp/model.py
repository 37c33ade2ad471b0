"""A fitted segmentation that assigns new customers without refitting, and its files.

:class:`FittedSegmentation` keeps the objects a pipeline fitted (sentiment
scorer, topic model, feature builder, segmenter) and turns new customers'
documents and behaviour into segments with the same preparation:
documents are scored and given the nearest topic, features are built with the
fitted scalers, and the segmenter places the rows in its UMAP space and uses
HDBSCAN's prediction data (``approximate_predict``).

A model places only customers who hold what the segments were fitted on
(:attr:`FittedSegmentation.fitted_on`, :meth:`FittedSegmentation.place`):
when the segments were fitted with what customers write, a customer who has
written nothing is not placed (nothing would place them but values borrowed
from others); a customer lacking a behaviour column that every fitted customer
had is not placed by invented values either. They wait for the next run, and
the reason is given per customer. A column that some fitted customers lacked
(the fit learned a "was missing" indicator for it) may be missing.

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

# 2: the rating head learns polarity from three votes; heads pickled before cannot score.
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
_TOPICS_FOLDER = "topics"
_PICKLED = ("sentiment_scorer", "feature_builder", "segmenter")
TEXT_BLOCKS = ("text", "topics", "sentiment")
"""Feature blocks derived from what customers write."""

NO_TEXT = "no_text"
"""Not placed: the segments were fitted on texts and the customer has written nothing."""
MISSING_BEHAVIOUR = "missing_behaviour"
"""Not placed: the customer lacks behaviour columns the segments were fitted on."""


class ArtifactError(ValueError):
    """Saved model files are missing, changed, or of another format."""


@dataclass(frozen=True)
class FittedInputs:
    """What a model's segments were fitted on: feature blocks and behaviour columns.

    ``optional_columns`` are behaviour columns some fitted customers lacked, so
    the fit learned what their absence means; the others are required of a
    customer to be placed by behaviour.
    """

    blocks: tuple[str, ...]
    behaviour_columns: tuple[str, ...] = ()
    optional_columns: tuple[str, ...] = ()

    @classmethod
    def of(cls, feature_builder: Any) -> FittedInputs:
        """Read from a fitted feature builder (its blocks in use and prepared columns)."""
        blocks = tuple(getattr(feature_builder, "blocks_", {}) or ())
        columns = getattr(feature_builder, "behaviour_columns_", None) or []
        if "behaviour" not in blocks:
            return cls(blocks)
        return cls(
            blocks,
            tuple(str(c.name) for c in columns),
            tuple(str(c.name) for c in columns if getattr(c, "indicator", False)),
        )

    @property
    def uses_text(self) -> bool:
        """Whether what customers write shapes the segments."""
        return any(block in TEXT_BLOCKS for block in self.blocks)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Behaviour columns every fitted customer had: a customer lacking one is not placed."""
        optional = set(self.optional_columns)
        return tuple(c for c in self.behaviour_columns if c not in optional)

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form, written into the manifest."""
        return {
            "blocks": list(self.blocks),
            "behaviour_columns": list(self.behaviour_columns),
            "optional_columns": list(self.optional_columns),
        }


@dataclass(frozen=True)
class Unplaced:
    """Why one customer was not placed: a reason code and the features it lacks."""

    reason: str  # NO_TEXT or MISSING_BEHAVIOUR
    missing: tuple[str, ...]


@dataclass
class Placement:
    """Segments of the customers a model could place, and why the others were not placed.

    ``customers`` lists the placed customers, in the order of ``labels`` and
    ``strengths``; ``unplaced`` maps each other customer to its reason.
    """

    customers: list[str]
    labels: np.ndarray
    strengths: np.ndarray
    unplaced: dict[str, Unplaced]


@dataclass
class FittedSegmentation:
    """What a pipeline fitted, kept to assign new customers to its segments."""

    sentiment_scorer: Any
    topic_modeler: Any | None
    feature_builder: Any
    segmenter: Any

    @property
    def fitted_on(self) -> FittedInputs:
        """The feature blocks and behaviour columns the segments were fitted on."""
        return FittedInputs.of(self.feature_builder)

    def unplaceable(self, documents: pd.DataFrame, behaviour: pd.DataFrame) -> dict[str, Unplaced]:
        """Customers of ``behaviour`` that lack what the segments were fitted on, and why.

        A customer without documents is unplaceable when the segments were
        fitted on texts; one without a value of a required behaviour column
        (:attr:`FittedInputs.required_columns`) when they were fitted on
        behaviour. Missing text is given first: it is the larger gap.
        """
        fitted = self.fitted_on
        writers = set(documents["customer"].astype(str)) if len(documents) else set()
        required = list(fitted.required_columns)
        present = behaviour.reindex(columns=required).notna().to_numpy(dtype=bool)
        found: dict[str, Unplaced] = {}
        for row, customer in enumerate(str(c) for c in behaviour.index):
            if fitted.uses_text and customer not in writers:
                found[customer] = Unplaced(NO_TEXT, (TEXT_BLOCKS[0],))
                continue
            lacking = tuple(c for c, held in zip(required, present[row], strict=True) if not held)
            if lacking:
                found[customer] = Unplaced(MISSING_BEHAVIOUR, lacking)
        return found

    def place(
        self, documents: pd.DataFrame, behaviour: pd.DataFrame, embeddings: np.ndarray | None
    ) -> Placement:
        """Segments of the customers of ``behaviour`` who hold what the fit used; why not the rest.

        ``documents`` and ``embeddings`` are as for :meth:`predict`. Only
        placeable customers reach the segmenter, so nothing is imputed for
        a customer beyond what the fit itself learned to impute.
        """
        unplaced = self.unplaceable(documents, behaviour)
        keep = [str(c) not in unplaced for c in behaviour.index]
        chosen = behaviour[keep]
        customers = [str(c) for c in chosen.index]
        if not customers:
            empty = np.zeros(0)
            return Placement([], empty.astype(int), empty, unplaced)
        labels, strengths = self.predict(documents, chosen, embeddings)
        return Placement(customers, np.asarray(labels), np.asarray(strengths), unplaced)

    def predict(
        self, documents: pd.DataFrame, behaviour: pd.DataFrame, embeddings: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Segment (``-1``: none fits) and membership strength of each customer of ``behaviour``.

        ``documents`` has columns customer and text (one row per document, in
        the order of ``embeddings``); customers without documents are treated
        as at fit time (they borrow text rows from behaviour neighbours). Every
        customer given is placed: :meth:`place` first leaves out those lacking
        what the segments were fitted on.
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
            # Uncompressed: zlib saved 15% of the size (mostly float arrays) for 4 s of a run.
            joblib.dump(getattr(self, name), folder / f"{name}.joblib", compress=0)
        files = {
            str(path.relative_to(folder)): file_digest(path)
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path.name != MANIFEST
        }
        manifest = {
            "format": FORMAT_VERSION,
            "files": files,
            "provenance": provenance or {},
            "fitted_on": self.fitted_on.as_dict(),
        }
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
