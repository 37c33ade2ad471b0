"""Results that depend on texts alone, named by what they depend on so they are computed once.

A run after an import of behaviour only (or of customers without text) sees
the same texts as the run before it, so its sentiment, topics and sentiment
per topic are the same too. The pipeline asks a :class:`TextResultCache` for
them before computing them, under keys built here from everything they
depend on:

- each text's VADER scores (the document's and its sentences'): by the
  text's SHA-256 and the scorer id (:func:`vader_scorer_id`: its settings,
  the ``vaderSentiment`` version and the source of the scoring code);
- the sentiment choice and its scorer (VADER, or a head trained on ratings):
  by :func:`sentiment_key`, over the texts in order, their ratings, their
  embeddings, the seed, the libraries and the code;
- the topic model and the topic of each text: by :func:`topics_key`, over the
  texts in order, their embeddings, the topic settings, the libraries and the
  code;
- sentiment per topic from sentences: by :func:`aspects_key`, over the topic
  key and the scored sentences themselves.

Changing any text, rating, embedding, setting, library or source file these
results are computed with gives another key, so a cache can only miss, never
answer with a stale result. :class:`TextResultCache` is the do-nothing base
(nothing cached); :class:`MemoryTextCache` keeps results in this process
(a notebook fitting twice); the product's store keeps them in the database
and in saved run models (``segapp.services.segmentation.text_results``).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

EARLIER_FIT = "an earlier fit"
"""Where a cached result came from when its store does not say."""

_SENTIMENT_LIBRARIES = ("vadersentiment", "scikit-learn", "numpy", "scipy")
_TOPIC_LIBRARIES = (
    "bertopic",
    "umap-learn",
    "hdbscan",
    "vadersentiment",
    "scikit-learn",
    "numpy",
    "scipy",
)
# The modules whose source decides a fit besides the scorer's or modeler's own module.
_PIPELINE_MODULES = ("nlp.steps", "nlp.pipeline", "nlp.text_cache")


@dataclass(frozen=True)
class ScoredText:
    """One text's sentiment: the document score and each sentence with its score."""

    document: float
    sentences: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class SentimentFit:
    """A sentiment choice made before on the same texts, ratings and embeddings.

    ``scores`` holds the document scores the scorer gave, by text hash, as far
    as the store kept them; the pipeline scores the texts it lacks.
    """

    choice: dict[str, Any]
    scorer: Any
    scores: Mapping[str, float] = field(default_factory=dict)
    origin: str | None = None


@dataclass(frozen=True)
class TopicsFit:
    """A topic model fitted before on the same texts and embeddings (``topics_`` in their order)."""

    modeler: Any
    origin: str | None = None


@dataclass(frozen=True)
class AspectsFit:
    """Sentiment per topic from sentences, computed before for the same topics and sentences."""

    by_topic: dict[int, float]
    origin: str | None = None
    key: str | None = None


class TextResultCache:
    """Where the pipeline looks up text results before computing them; this base keeps nothing.

    A store answers ``None`` (or leaves a text out) for whatever it does not
    hold; ``store_*`` may keep a result or ignore it (the product's store
    finds fits in the runs that saved them and ignores ``store_*_fit``).
    """

    def scored_texts(self, scorer_id: str, text_hashes: Sequence[str]) -> dict[str, ScoredText]:
        """The scores held for these texts under ``scorer_id``, by text hash."""
        return {}

    def store_scored_texts(self, scorer_id: str, scored: Mapping[str, ScoredText]) -> None:
        """Keep texts' scores under ``scorer_id``."""

    def sentiment_fit(self, key: str) -> SentimentFit | None:
        """The sentiment fit made under ``key``, if held."""
        return None

    def store_sentiment_fit(self, key: str, fit: SentimentFit) -> None:
        """Keep a sentiment fit under ``key``."""

    def topics_fit(self, key: str) -> TopicsFit | None:
        """The topic model fitted under ``key``, if held."""
        return None

    def store_topics_fit(self, key: str, fit: TopicsFit) -> None:
        """Keep a topic model under ``key``."""

    def aspects(self, key: str) -> AspectsFit | None:
        """Sentiment per topic computed under ``key``, if held."""
        return None

    def store_aspects(self, key: str, fit: AspectsFit) -> None:
        """Keep sentiment per topic under ``key``."""


def score_texts(scorer: Any, texts: Sequence[str]) -> list[ScoredText]:
    """Each text's document score and sentence scores by a scorer that needs no embeddings."""
    documents = np.asarray(scorer.score(texts), dtype=float).tolist()
    sentences = scorer.score_sentences(texts)
    return [
        ScoredText(document=d, sentences=tuple((str(t), float(v)) for t, v in s))
        for d, s in zip(documents, sentences, strict=True)
    ]


class MemoryTextCache(TextResultCache):
    """Every result kept in this process's memory, e.g. to fit twice in a notebook."""

    def __init__(self) -> None:
        self._texts: dict[tuple[str, str], ScoredText] = {}
        self._fits: dict[tuple[str, str], Any] = {}

    def scored_texts(self, scorer_id: str, text_hashes: Sequence[str]) -> dict[str, ScoredText]:
        """The scores held for these texts under ``scorer_id``, by text hash."""
        found = ((h, self._texts.get((scorer_id, h))) for h in text_hashes)
        return {h: scored for h, scored in found if scored is not None}

    def store_scored_texts(self, scorer_id: str, scored: Mapping[str, ScoredText]) -> None:
        """Keep texts' scores under ``scorer_id``."""
        self._texts.update({(scorer_id, h): s for h, s in scored.items()})

    def sentiment_fit(self, key: str) -> SentimentFit | None:
        """The sentiment fit made under ``key``, if held."""
        return self._fits.get(("sentiment", key))

    def store_sentiment_fit(self, key: str, fit: SentimentFit) -> None:
        """Keep a sentiment fit under ``key``."""
        self._fits["sentiment", key] = fit

    def topics_fit(self, key: str) -> TopicsFit | None:
        """The topic model fitted under ``key``, if held."""
        return self._fits.get(("topics", key))

    def store_topics_fit(self, key: str, fit: TopicsFit) -> None:
        """Keep a topic model under ``key``."""
        self._fits["topics", key] = fit

    def aspects(self, key: str) -> AspectsFit | None:
        """Sentiment per topic computed under ``key``, if held."""
        return self._fits.get(("aspects", key))

    def store_aspects(self, key: str, fit: AspectsFit) -> None:
        """Keep sentiment per topic under ``key``."""
        self._fits["aspects", key] = fit


# --- keys ----------------------------------------------------------------------------------


def text_hash(text: str) -> str:
    """SHA-256 of a text (the same as the product's ``Document.text_hash``)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class TextsFingerprint:
    """The texts of a fit, in order, by hash, and the digest of their embeddings."""

    hashes: tuple[str, ...]
    embeddings: str

    @classmethod
    def of(cls, texts: Sequence[str], embeddings: np.ndarray) -> TextsFingerprint:
        """Hash every text and the embedding matrix (values, shape and type)."""
        matrix = np.ascontiguousarray(embeddings)
        sha = hashlib.sha256(f"{matrix.dtype.str}{matrix.shape}".encode())
        sha.update(matrix.tobytes())
        return cls(hashes=tuple(text_hash(t) for t in texts), embeddings=sha.hexdigest())


def vader_scorer_id(scorer: Any) -> str:
    """Id of a VADER scorer's results: its settings, the library's version, the scoring code."""
    settings = json.dumps(vars(scorer), sort_keys=True, default=str)
    code = code_version(type(scorer).__module__, "nlp.text_cache")
    digest = _digest(type(scorer).__name__, settings, _versions(("vadersentiment",)), code)
    return f"sentiment:vader:{digest[:24]}"


def sentiment_key(
    texts: TextsFingerprint, ratings: Sequence[float | None], settings: Mapping[str, Any]
) -> str:
    """Key of the sentiment choice: texts, ratings, embeddings, settings, libraries, code."""
    rated = [None if r is None or r != r else float(r) for r in ratings]  # NaN is no rating
    return _digest(
        "sentiment", texts.hashes, rated, texts.embeddings, dict(settings),
        _versions(_SENTIMENT_LIBRARIES), code_version("nlp.sentiment", *_PIPELINE_MODULES),
    )  # fmt: skip


def topics_key(texts: TextsFingerprint, settings: Mapping[str, Any]) -> str:
    """Key of the topic model: texts, embeddings, topic settings, libraries, code."""
    return _digest(
        "topics", texts.hashes, texts.embeddings, dict(settings),
        _versions(_TOPIC_LIBRARIES), code_version("nlp.topics", *_PIPELINE_MODULES),
    )  # fmt: skip


def aspects_key(topics: str, sentences: Sequence[Sequence[tuple[str, float]]]) -> str:
    """Key of sentiment per topic: the topic model's key and every scored sentence."""
    return _digest("aspects", topics, [[list(pair) for pair in doc] for doc in sentences])


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _versions(names: Iterable[str]) -> dict[str, str]:
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


@functools.cache
def code_version(*modules: str) -> str:
    """SHA-256 of the source of these ``nlp`` modules and every ``nlp`` module they import.

    Imports are followed through the source (also those inside functions), so
    a change to any code a result is computed with changes the digest.
    """
    root = Path(__file__).resolve().parent
    sources: dict[str, bytes] = {}
    todo = list(modules)
    while todo:
        name = todo.pop()
        path = _module_file(root, name)
        if path is None or name in sources:
            continue
        sources[name] = path.read_bytes()
        todo.extend(_nlp_imports(name, path, sources[name]))
    sha = hashlib.sha256()
    for name in sorted(sources):
        sha.update(name.encode() + b"\0" + sources[name] + b"\0")
    return sha.hexdigest()


def _module_file(root: Path, name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != root.name:
        return None
    base = root.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _nlp_imports(name: str, path: Path, source: bytes) -> list[str]:
    """Modules of the package named by the imports in a module's source (and their parents)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.append(base)
            found.extend(f"{base}.{alias.name}" for alias in node.names)
    top = name.split(".")[0]
    modules = {m for m in found if m == top or m.startswith(top + ".")}
    parents = {".".join(m.split(".")[:i]) for m in modules for i in range(1, m.count(".") + 1)}
    return sorted(modules | parents)
