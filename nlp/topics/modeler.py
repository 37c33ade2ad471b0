"""The topic modeler: BERTopic on precomputed embeddings, made readable (see :mod:`nlp.topics`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from nlp.topics.coarse import describe_groups
from nlp.topics.describe import (
    Topic,
    UnionFind,
    checked_embeddings,
    quiet_bertopic,
    representatives,
    unit_rows,
)
from nlp.topics.keywords import LABEL_KEYWORDS, LabelRules, readable_keywords, stems_of, topic_label
from nlp.topics.lexicon import generic_sentiment_words, subject_word_counts, word_contexts
from nlp.topics.library import load_bertopic
from nlp.topics.outliers import mood_documents, outlier_threshold
from nlp.topics.similarity import duplicate_labels, nested_groups, topic_similarity
from nlp.topics.storage import load_modeler, save_modeler
from nlp.topics.submodels import build_hdbscan, build_representation, build_umap, build_vectorizer
from nlp.topics.words import PhraseAnalyzer, answer_text, without_placeholders

__all__ = ["TopicModeler"]

logger = logging.getLogger(__name__)

DEFAULT_SIZE_DIVISOR = 200  # min_topic_size = max(10, n / 200)
AUTO_MAX_TOPICS = 50  # "auto" never leaves more topics than this ...
AUTO_TOPICS_PER_ROOT = 0.5  # ... nor more than half the square root of the documents (min 8)
NEAR_DUPLICATE_SIMILARITY = 0.9  # centroid cosine above which two topics are one
DUPLICATE_SIMILARITY = 0.42  # mean of centroid and c-TF-IDF cosine above which two topics are one
MIN_SENTENCE_SIMILARITY = 0.05  # c-TF-IDF cosine below which a sentence has no topic
N_CANDIDATE_WORDS = 30


class TopicModeler:
    """BERTopic on precomputed embeddings, producing readable, nested topics.

    Like a scikit-learn estimator, ``__init__`` only stores its arguments; the
    sub-models (UMAP, HDBSCAN, vectorizer, representation) are built in ``fit``
    from these settings unless an object is passed, which is then cloned.

    :param max_outlier_share: at most this share of documents is left without
        a topic after outlier reduction.
    :param target_topics: ``"auto"`` merges near-duplicate topics and keeps at
        most 50; an int reduces to that many (if more were found); ``None``
        keeps HDBSCAN's topics as they are.
    :param min_topic_size: HDBSCAN's minimum cluster size; ``None`` scales it
        with the corpus (``max(10, n / 200)``).
    :param seed: UMAP's random state: same input and seed give the same topics.
    :param embedding_model: the caller's own sentence-transformers model, used
        only to re-rank keywords (``KeyBERTInspired``); never loaded by name.

    Fitted attributes: ``topics_`` (topic per document, ``-1`` for none),
    ``probabilities_`` (cosine similarity of each document to its topic's
    centroid, 0 for none), ``topics_info_`` (one :class:`Topic` per topic, index
    = id), ``topic_groups_`` (coarse parents), ``n_topics_``,
    ``outlier_share_before_``/``outlier_share_`` (before/after reduction),
    ``mood_share_`` (documents kept without topic because they say nothing but
    a mood; ``max_outlier_share`` applies to the others), ``mood_words_``
    (the corpus's generic sentiment words, never keywords),
    ``threshold_`` (minimum centroid similarity to join a topic) and ``model_``
    (the BERTopic object).
    """

    def __init__(
        self,
        *,
        max_outlier_share: float = 0.2,
        target_topics: int | str | None = "auto",
        min_topic_size: int | None = None,
        seed: int = 42,
        umap_model: Any = None,
        hdbscan_model: Any = None,
        vectorizer_model: Any = None,
        representation_model: Any = None,
        embedding_model: Any = None,
    ):
        self.max_outlier_share = max_outlier_share
        self.target_topics = target_topics
        self.min_topic_size = min_topic_size
        self.seed = seed
        self.umap_model = umap_model
        self.hdbscan_model = hdbscan_model
        self.vectorizer_model = vectorizer_model
        self.representation_model = representation_model
        self.embedding_model = embedding_model

    # ------------------------------------------------------------------ fit

    def fit(self, texts: Sequence[str], embeddings: np.ndarray) -> TopicModeler:
        """Find the topics of ``texts`` from their ``embeddings`` (one row per text)."""
        self._check_settings()
        texts = list(texts)
        # Unit rows: Euclidean distance then ranks neighbours as cosine does (see _umap).
        embeddings = unit_rows(checked_embeddings(texts, embeddings))
        documents = [answer_text(text) for text in texts]
        size = self.min_topic_size or max(10, len(texts) // DEFAULT_SIZE_DIVISOR)

        self.model_ = self._bertopic(documents, size)
        initial, _ = self.model_.fit_transform(documents, embeddings)
        initial = np.asarray(initial, dtype=int)
        self.outlier_share_before_ = float(np.mean(initial == -1))
        if self._n_model_topics() == 0:
            return self._fitted_without_topics(len(texts))

        self._merge_near_duplicates(documents)
        self._reduce_to_target(documents)
        clustered = np.asarray(self.model_.topics_, dtype=int)
        unit = unit_rows(embeddings)
        self._reduce_outliers(documents, embeddings, unit, clustered)

        self._describe(texts, documents, unit, clustered)
        if self._merge_same_labels(documents):  # labels say what c-TF-IDF leads did not
            previous = self.topics_
            self.topics_ = np.asarray(self.model_.topics_, dtype=int)
            moved = {int(t): int(np.bincount(self.topics_[previous == t]).argmax()) for t in
                     np.unique(previous[previous >= 0])}  # fmt: skip
            clustered = np.array([moved.get(int(t), -1) for t in clustered])
            self._describe(texts, documents, unit, clustered)
        self._presence = self._rules = None  # counts of the training texts: not kept
        return self

    def _describe(
        self, texts: list[str], documents: list[str], unit: np.ndarray, clustered: np.ndarray
    ) -> None:
        """Fitted attributes from the BERTopic model: assignments, similarities, topics."""
        self.topics_ = np.asarray(self.model_.topics_, dtype=int)
        self.n_topics_ = self._n_model_topics()
        self.outlier_share_ = float(np.mean(self.topics_ == -1))
        centroids = self._centroids()
        own = np.einsum("ij,ij->i", unit, centroids[np.maximum(self.topics_, 0)])
        self.probabilities_ = np.where(self.topics_ >= 0, np.clip(own, 0.0, 1.0), 0.0)
        self._learn_vocabulary(documents)
        parents = self._nest_topics()
        self.topics_info_ = self._describe_topics(texts, unit, clustered, parents)
        self.topic_groups_ = self._describe_groups(documents, unit, parents)
        self._make_labels_unique()

    def _merge_same_labels(self, documents: list[str]) -> bool:
        """Merge topics whose labels share two words: a reader sees one subject twice."""
        words = [{w for k in t.label.split(" · ") for w in k.split()} for t in self.topics_info_]
        groups = UnionFind(len(words))
        for a in range(len(words)):
            for b in range(a + 1, len(words)):
                if len(words[a] & words[b]) >= 2:
                    groups.union(a, b)
        merges = [members for members in groups.groups() if len(members) > 1]
        if not merges:
            return False
        logger.info("merging topics with the same label words %s", merges)
        self.model_.merge_topics(documents, merges)
        return True

    def _check_settings(self) -> None:
        if not 0.0 <= self.max_outlier_share <= 1.0:
            raise ValueError(f"max_outlier_share must be in [0, 1], got {self.max_outlier_share}")
        target = self.target_topics
        if not (target is None or target == "auto" or (isinstance(target, int) and target >= 1)):
            raise ValueError(f"target_topics must be 'auto', None or an int >= 1, got {target!r}")
        if self.min_topic_size is not None and self.min_topic_size < 2:
            raise ValueError(f"min_topic_size must be at least 2, got {self.min_topic_size}")

    def _bertopic(self, documents: list[str], size: int):
        load_bertopic()
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer

        self.vectorizer_ = self._vectorizer(documents)
        self._count_words(documents)
        return BERTopic(
            language=None,  # keep non-ASCII letters: our analyzer does the tokenising
            top_n_words=N_CANDIDATE_WORDS,
            min_topic_size=size,
            calculate_probabilities=False,
            embedding_model=self.embedding_model,
            umap_model=self._umap(),
            hdbscan_model=self._hdbscan(size),
            vectorizer_model=self.vectorizer_,
            ctfidf_model=ClassTfidfTransformer(),
            representation_model=None,  # applied once, after outlier reduction
        )

    def _count_words(self, documents: list[str]) -> None:
        """Which words and phrases each document holds, and how many of its words name a subject."""
        counter = CountVectorizer(analyzer=PhraseAnalyzer(), binary=True)
        try:
            self._presence = counter.fit_transform(documents).tocsr()
            self._presence_words = counter.get_feature_names_out()
        except ValueError:  # not one word in any document
            self._presence = None
            self._presence_words = np.array([], dtype=object)
        self.subject_words_ = (
            np.zeros(len(documents), dtype=int)
            if self._presence is None
            else subject_word_counts(self._presence, self._presence_words)
        )

    def _umap(self):
        return build_umap(self.umap_model, seed=self.seed)

    def _hdbscan(self, size: int):
        return build_hdbscan(self.hdbscan_model, size, self.subject_words_)

    def _vectorizer(self, documents: list[str]):
        return build_vectorizer(self.vectorizer_model, documents)

    def _representation(self):
        return build_representation(self.representation_model, self.embedding_model, seed=self.seed)

    def _n_model_topics(self) -> int:
        return len([t for t in self.model_.topic_sizes_ if t != -1])

    def _fitted_without_topics(self, n: int) -> TopicModeler:
        logger.warning("no topics found in %d documents (min_topic_size too large?)", n)
        self.topics_ = np.full(n, -1, dtype=int)
        self.probabilities_ = np.zeros(n)
        self.topics_info_ = []
        self.topic_groups_ = []
        self.n_topics_ = 0
        self.outlier_share_ = 1.0
        self.mood_share_ = 0.0
        self.mood_words_: frozenset[str] = frozenset()
        self.threshold_ = float("inf")
        return self

    def _merge_near_duplicates(self, documents: list[str]) -> None:
        """Merge topics that say the same subject, and keep their count readable.

        Two topics are one when they both mean and say the same thing (mean of
        centroid and c-TF-IDF cosine at least ``DUPLICATE_SIMILARITY``, average
        linkage so that no chain of pairs lumps a theme together), when their
        centroids almost coincide, or when they share two of their three leading
        keywords ("late delivery" and "delivery late" count as the same keyword).
        With more groups than half the square root of the documents (at least
        8, at most ``AUTO_MAX_TOPICS``), the most similar merge further.
        """
        n_topics = self._n_model_topics()
        if self.target_topics != "auto" or n_topics < 2:
            return
        centroids = unit_rows(self._centroids())
        near = centroids @ centroids.T
        labels = duplicate_labels(
            self._topic_similarity(),
            threshold=DUPLICATE_SIMILARITY,
            cap=self._topic_cap(len(documents)),
        )
        groups = UnionFind(n_topics)
        leads = [
            {stems_of([k]) for k in self._keywords(t)[:LABEL_KEYWORDS]} for t in range(n_topics)
        ]
        for a in range(n_topics):
            for b in range(a + 1, n_topics):
                if (
                    labels[a] == labels[b]
                    or near[a, b] >= NEAR_DUPLICATE_SIMILARITY
                    or len(leads[a] & leads[b]) >= 2
                ):
                    groups.union(a, b)
        merges = [members for members in groups.groups() if len(members) > 1]
        if merges:
            logger.info("merging near-duplicate topics %s", merges)
            self.model_.merge_topics(documents, merges)

    @staticmethod
    def _topic_cap(n_documents: int) -> int:
        return int(min(AUTO_MAX_TOPICS, max(8, AUTO_TOPICS_PER_ROOT * np.sqrt(n_documents))))

    def _topic_similarity(self) -> np.ndarray:
        return topic_similarity(
            unit_rows(self._centroids()), self._topic_rows(self.model_.c_tf_idf_)
        )

    def _reduce_to_target(self, documents: list[str]) -> None:
        target = AUTO_MAX_TOPICS if self.target_topics == "auto" else self.target_topics
        if target is not None and self._n_model_topics() > target:
            self.model_.reduce_topics(documents, nr_topics=target + self.model_._outliers)

    def _reduce_outliers(
        self, documents: list[str], embeddings: np.ndarray, unit: np.ndarray, clustered: np.ndarray
    ) -> None:
        """Give outliers with a subject their nearest topic, leaving at most ``max_outlier_share``.

        Documents with no subject word, or with at most one in a cluster that
        shared a mood only, keep no topic; the threshold (see
        :func:`~nlp.topics.outliers.outlier_threshold`) is kept as
        ``threshold_`` for ``transform``.
        """
        mood = mood_documents(self.subject_words_, self.model_.hdbscan_model)
        self.mood_share_ = float(np.mean(mood & (clustered < 0)))
        similarity = unit @ unit_rows(self._centroids()).T
        self.threshold_, best = outlier_threshold(
            similarity, clustered, mood, max_outlier_share=self.max_outlier_share
        )
        if len(best) and best[0] >= self.threshold_:
            topics = np.asarray(
                self.model_.reduce_outliers(
                    documents,
                    list(clustered),
                    strategy="embeddings",
                    embeddings=embeddings,
                    threshold=self.threshold_,
                ),
                dtype=int,
            )
            topics = np.where(mood & (clustered < 0), -1, topics)
        else:
            topics = clustered
        from bertopic.vectorizers import ClassTfidfTransformer

        with quiet_bertopic():  # it warns that assigning topics by hand must come last: it does
            self.model_.update_topics(
                documents,
                topics=topics.tolist(),
                top_n_words=N_CANDIDATE_WORDS,
                vectorizer_model=self.vectorizer_,
                ctfidf_model=ClassTfidfTransformer(),
                representation_model=self._representation(),
            )

    def _nest_topics(self) -> dict[int, int]:
        """Group index of every topic nested under a coarse topic (see ``nested_groups``)."""
        sizes = np.bincount(self.topics_[self.topics_ >= 0], minlength=self.n_topics_)
        return nested_groups(self._topic_similarity(), sizes, len(self.topics_))

    # ------------------------------------------------------------- describe

    def _centroids(self) -> np.ndarray:
        return self._topic_rows(np.asarray(self.model_.topic_embeddings_))

    def _topic_rows(self, matrix):
        """The rows of topics 0..n-1 in a per-topic BERTopic matrix, without the outlier row.

        Topic rows come last, in order. After outliers are reassigned the
        c-TF-IDF matrix may lose its outlier row while the centroids keep
        theirs, so BERTopic's ``_outliers`` flag cannot be trusted for both.
        """
        return matrix[matrix.shape[0] - self._n_model_topics() :]

    def _learn_vocabulary(self, documents: list[str]) -> None:
        """The corpus's generic mood words and what may name a topic (see ``LabelRules``)."""
        if self._presence is None:
            self.mood_words_ = frozenset()
            self._rules = None
            return
        contexts = word_contexts(documents)
        self.mood_words_ = generic_sentiment_words(
            self._presence, self._presence_words, self.topics_, nouns=contexts.nouns()
        )
        column = {str(w): j for j, w in enumerate(self._presence_words)}
        known = frozenset(w for w in column if " " not in w)
        presence = self._presence.tocsc()
        verbs = contexts.verbs()
        self._rules = lambda members: LabelRules(
            mood=self.mood_words_,
            known=known,
            verbs=verbs,
            support=lambda phrase: (
                int(presence[members, column[phrase]].sum()) if phrase in column else 0
            ),
        )

    def _keywords(self, topic: int) -> list[str]:
        words = self.model_.topic_representations_.get(topic, [])
        excluded = getattr(self, "mood_words_", frozenset())
        return readable_keywords([(w, float(s)) for w, s in words], excluded=excluded)

    def _label(self, keywords: list[str], texts: Sequence[str], members: np.ndarray) -> str:
        rules = self._rules(members) if getattr(self, "_rules", None) is not None else None
        return topic_label(keywords, texts, members, rules, topic_size=len(members))

    def _describe_topics(
        self, texts: list[str], unit: np.ndarray, clustered: np.ndarray, parents: dict[int, int]
    ) -> list[Topic]:
        centroids = unit_rows(self._centroids())
        topics = []
        for topic in range(self.n_topics_):
            members = np.flatnonzero(clustered == topic)
            if len(members) == 0:
                members = np.flatnonzero(self.topics_ == topic)
            keywords = self._keywords(topic)
            topics.append(
                Topic(
                    topic_id=topic,
                    # a label is written in the documents the topic ends up with
                    label=self._label(keywords, texts, np.flatnonzero(self.topics_ == topic)),
                    keywords=keywords,
                    size=int(np.sum(self.topics_ == topic)),
                    representative_docs=representatives(members, unit, centroids[topic], texts),
                    parent_id=None if topic not in parents else self.n_topics_ + parents[topic],
                )
            )
        return topics

    def _describe_groups(
        self, documents: list[str], unit: np.ndarray, parents: dict[int, int]
    ) -> list[Topic]:
        """Coarse topics: c-TF-IDF over the documents of each group of nested topics."""
        return describe_groups(
            documents,
            unit,
            self.topics_,
            parents,
            n_topics=self.n_topics_,
            vectorizer=self.vectorizer_,
            mood_words=self.mood_words_,
            label=self._label,
            n_candidate_words=N_CANDIDATE_WORDS,
        )

    def _make_labels_unique(self) -> None:
        """Lengthen a repeated label with further keywords, else number it."""
        seen: set[str] = set()
        fine, coarse = [], []
        for topic in [*self.topics_info_, *self.topic_groups_]:
            label = topic.label
            extra = LABEL_KEYWORDS
            while label in seen and extra < len(topic.keywords):
                extra += 1
                label = " · ".join(topic.keywords[:extra])
            if label in seen:
                label = f"{label} (#{topic.topic_id})"
            seen.add(label)
            renamed = Topic(**{**asdict(topic), "label": label})
            (fine if topic.topic_id < self.n_topics_ else coarse).append(renamed)
        self.topics_info_, self.topic_groups_ = fine, coarse

    # ------------------------------------------------------------ predict

    def transform(
        self, texts: Sequence[str], embeddings: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Topic and similarity of new documents: the nearest centroid, ``-1`` below ``threshold_``.

        ``texts`` are only checked against ``embeddings``; the same rule holds
        before and after ``save``/``load`` (no UMAP or HDBSCAN needed).
        """
        self._check_fitted()
        embeddings = checked_embeddings(list(texts), embeddings)
        if self.n_topics_ == 0:
            return np.full(len(embeddings), -1, dtype=int), np.zeros(len(embeddings))
        similarity = unit_rows(embeddings) @ unit_rows(self._centroids()).T
        best = similarity.argmax(axis=1)
        score = similarity[np.arange(len(best)), best]
        assigned = score >= self.threshold_
        return np.where(assigned, best, -1), np.where(assigned, np.clip(score, 0.0, 1.0), 0.0)

    def sentence_topics(self, sentences: Sequence[str]) -> np.ndarray:
        """Topic of each sentence from its words alone (c-TF-IDF cosine), ``-1`` when none fits.

        For aspect-level sentiment ("negative about delivery"): no embeddings
        are needed, so it is cheap enough for every sentence of every document.
        """
        self._check_fitted()
        sentences = [without_placeholders(s) for s in sentences]
        if self.n_topics_ == 0 or not sentences:
            return np.full(len(sentences), -1, dtype=int)
        from sklearn.metrics.pairwise import cosine_similarity

        counts = self.model_.vectorizer_model.transform(sentences)
        weights = self.model_.ctfidf_model.transform(counts)
        similarity = cosine_similarity(weights, self._topic_rows(self.model_.c_tf_idf_))
        best = similarity.argmax(axis=1)
        score = similarity[np.arange(len(best)), best]
        return np.where(score >= MIN_SENTENCE_SIMILARITY, best, -1).astype(int)

    def topic(self, topic_id: int) -> Topic:
        """The topic (or coarse parent topic) with this id."""
        self._check_fitted()
        for topic in [*self.topics_info_, *self.topic_groups_]:
            if topic.topic_id == topic_id:
                return topic
        raise KeyError(f"no topic {topic_id}")

    def _check_fitted(self) -> None:
        if not hasattr(self, "topics_info_"):
            raise RuntimeError("TopicModeler is not fitted: call fit() or load() first")

    # ---------------------------------------------------------- save/load

    def save(self, folder: Path) -> None:
        """Write the fitted model to ``folder``: safetensors and JSON only, no pickle."""
        self._check_fitted()
        save_modeler(self, folder)

    @classmethod
    def load(cls, folder: Path) -> TopicModeler:
        """Read a model written by :meth:`save`; no embedding model is loaded."""
        return load_modeler(cls, folder)
