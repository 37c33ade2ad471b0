"""The models BERTopic is assembled from: UMAP, HDBSCAN, the vectorizer and the keyword re-ranker.

Each is built from the :class:`~nlp.topics.modeler.TopicModeler` settings,
unless the caller passed an object of its own, which is then cloned so that
fitting never changes the caller's object.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from nlp.topics.clusters import SubjectClusterer
from nlp.topics.describe import fresh
from nlp.topics.library import load_bertopic
from nlp.topics.words import PhraseAnalyzer

__all__ = ["build_hdbscan", "build_representation", "build_umap", "build_vectorizer"]

logger = logging.getLogger(__name__)


def build_umap(umap_model: Any, *, seed: int) -> Any:
    """A clone of ``umap_model``, else a seeded 5-d UMAP tuned for unit-length embeddings.

    Ours is fitted on a sample of at most :data:`nlp.reduce.DEFAULT_MAX_ROWS`
    documents; the others are placed beside their nearest sampled neighbours
    (:class:`nlp.reduce.SampledReducer`).
    """
    if umap_model is not None:
        return fresh(umap_model)
    from umap import UMAP

    from nlp import reduce
    from nlp.compiled import keep_compiled_code

    keep_compiled_code()
    umap = UMAP(
        n_neighbors=15,
        n_components=5,
        min_dist=0.0,
        # On unit rows Euclidean ranks neighbours exactly as cosine; using the metric
        # of the customer segmenter spares numba a second compilation of NN-descent
        # (16 s in a fresh process here).
        metric="euclidean",
        n_epochs=200,  # UMAP's default above 10,000 points; its 500 below is slower here
        # Spectral initialisation fails on these graphs (too small an eigengap) and
        # its fallback gave different layouts on two runs with one seed; PCA does not.
        init="pca",
        random_state=seed,
        n_jobs=1,  # what a seed implies anyway; saying so spares UMAP's warning
        # Below 4,096 points UMAP computes exact cosine neighbours pair by pair in
        # Python calls: 9-10 s on 3,000 documents against 1.6 s with NN-descent.
        force_approximation_algorithm=True,
    )
    # From UMAP's own 4,096-row boundary, exact neighbours by BLAS instead of NN-descent,
    # which compiled for 10 s in every process (nlp.neighbours).
    return reduce.SampledReducer(
        umap, max_rows=reduce.DEFAULT_MAX_ROWS, seed=seed, exact_neighbours_from=4096
    )


def build_hdbscan(hdbscan_model: Any, size: int, subject_words: np.ndarray) -> SubjectClusterer:
    """HDBSCAN (or a clone of ``hdbscan_model``), dissolving clusters that share a mood only."""
    if hdbscan_model is not None:
        clusterer = fresh(hdbscan_model)
    else:
        from hdbscan import HDBSCAN

        clusterer = HDBSCAN(
            min_cluster_size=size,
            metric="euclidean",
            cluster_selection_method="eom",
            prediction_data=False,  # new documents go to the nearest centroid instead
        )
    return SubjectClusterer(clusterer, subject_words)


def build_vectorizer(vectorizer_model: Any, documents: list[str]) -> Any:
    """Our phrase analyzer over a vocabulary of words in enough *documents*.

    BERTopic fits its vectorizer on one joined text per topic, where
    ``min_df`` would count topics; the vocabulary is therefore fixed here,
    counting documents, so that typos and one-off words never become keywords.
    A ``vectorizer_model`` of the caller's is cloned and used as it is.
    """
    if vectorizer_model is not None:
        return fresh(vectorizer_model)
    analyzer = PhraseAnalyzer()
    min_df = max(2, len(documents) // 1000)
    try:
        counter = CountVectorizer(analyzer=analyzer, min_df=min_df).fit(documents)
    except ValueError:  # no word is in that many documents: a tiny corpus
        logger.info("no word in %d documents: keeping every word", min_df)
        counter = CountVectorizer(analyzer=analyzer).fit(documents)
    return CountVectorizer(analyzer=analyzer, vocabulary=sorted(counter.vocabulary_))


def build_representation(representation_model: Any, embedding_model: Any, *, seed: int) -> Any:
    """The caller's keyword re-ranker, else ``KeyBERTInspired`` when an embedding model was given.

    ``None`` (c-TF-IDF keywords as they are) when there is neither.
    """
    if representation_model is not None:
        return representation_model
    if embedding_model is None:
        return None
    load_bertopic()
    from bertopic.representation import KeyBERTInspired

    # 40 candidate words per topic (BERTopic's default is 100): each is embedded,
    # and the readable keywords are taken from the first 20 anyway.
    return KeyBERTInspired(top_n_words=20, nr_repr_docs=5, nr_candidate_words=40, random_state=seed)
