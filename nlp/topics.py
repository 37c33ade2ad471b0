"""Topics in customer text: BERTopic on precomputed embeddings, made readable.

:class:`TopicModeler` fits BERTopic on document embeddings computed elsewhere
(:mod:`nlp.embed`), so no embedding model is ever loaded here, and turns its
output into :class:`Topic` values a person can read: a short label, 5-10
keywords without stop words, redaction placeholders or near-duplicates, a size,
a few diverse representative documents and, where topics sit together, a
coarser parent topic.

``fit`` reads as its steps:

1. UMAP (5-d, cosine, seeded) and HDBSCAN with ``min_topic_size`` scaled to
   the corpus (``max(10, n / 200)``: BERTopic's default of 10 gave 1,017 topics
   on 50,000 documents, and ``n / 400`` still 82-117 on the demo data, 3,000
   and 10,000 documents, against about 40 and 28 with ``n / 200``);
2. merge near-duplicate topics (almost the same centroid, or two of the same
   three leading keywords) and cap the count (``target_topics``). BERTopic's
   own ``nr_topics="auto"`` is not used: on the demo data it put 57% of the
   documents into one topic;
3. reduce outliers: documents HDBSCAN left out join their most similar topic
   (cosine to the topic centroid) until at most ``max_outlier_share`` of the
   documents are left unassigned; keywords are then recomputed (c-TF-IDF);
4. nest topics that mean and say similar things under a coarse topic
   (average linkage over the topics; ``topic_groups_``);
5. describe every topic (:class:`Topic`).

After numba has compiled UMAP once per process (30-40 s), a fit takes about
2.5 s on 3,000 documents and 8-10 s on 10,000 (2 shared cores, UMAP 7 s).

Keywords come from c-TF-IDF over unigrams and bigrams of adjacent content words
(a bigram never spans a stop word or a sentence end), with words rarer than
about one document in a thousand dropped so typos never become keywords. When
the caller passes the embedding model it already holds, BERTopic's
``KeyBERTInspired`` re-ranks the candidates; nothing is ever loaded by name.

New documents are assigned by cosine similarity to the topic centroids, with
the threshold learned in ``fit`` (``-1`` below it), both before and after
``save``/``load``; sentences are assigned without embeddings, by c-TF-IDF.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from nlp.redact import PLACEHOLDERS

__all__ = ["STOP_WORDS", "Topic", "TopicModeler"]

logger = logging.getLogger(__name__)

STOP_WORDS: frozenset[str] = frozenset(
    ENGLISH_STOP_WORDS
    | {
        # contractions once apostrophes are dropped ("didn't" -> "didnt")
        "arent", "cant", "couldnt", "didnt", "doesnt", "dont", "hadnt", "hasnt", "havent",
        "hed", "hes", "id", "ill", "im", "isnt", "itd", "itll", "ive", "lets", "shes",
        "shouldnt", "thats", "theres", "theyd", "theyll", "theyre", "theyve", "wasnt", "wed",
        "well", "werent", "weve", "whats", "wont", "wouldnt", "youd", "youll", "youre", "youve",
        "ain", "don", "didn", "doesn", "isn", "wasn", "ll", "ve", "re",
        # filler of reviews and social posts, greetings and sign-offs
        "actually", "btw", "gonna", "gotta", "honestly", "idk", "imo", "lie", "like", "literally",
        "lol", "ngl", "omg", "pls", "psa", "really", "tbh", "tho", "ur", "via", "wanna", "yeah",
        "cheers", "hello", "hey", "hi", "regards", "thank", "thanks",
        # the commonest function words of the other languages customers write in, so
        # that topics of such texts read by their content words ("calidad", "lieferung")
        "al", "como", "con", "del", "el", "es", "esta", "las", "lo", "los", "muy", "para",
        "pero", "por", "su", "una", "au", "aux", "avec", "ce", "du", "est", "et", "je", "la",
        "le", "les", "mon", "pas", "pour", "sans", "sur", "très", "une", "das", "dem", "den",
        "der", "ein", "eine", "ist", "mit", "nicht", "sehr", "und", "zu", "che", "della",
        "di", "gli", "il", "molto", "per",
        # what BERTopic writes for an empty document
        "emptydoc",
    }
)  # fmt: skip
"""Words that are never keywords: scikit-learn's English list plus contractions and filler."""

_PLACEHOLDER = re.compile(r"\[(?:" + "|".join(PLACEHOLDERS) + r")\]")
_CLAUSE_BREAK = re.compile(r"[.!?;:,()\[\]{}\"“”…/|]+|\s[-–—]+\s")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_EDGE = "'’\"“”‘*_~`"
_APOSTROPHE = re.compile(r"['’]")

DEFAULT_SIZE_DIVISOR = 200  # min_topic_size = max(10, n / 200)
GROUP_SIMILARITY = 0.4  # topics nest under one coarse topic above this mean similarity
BROAD_TOPIC_SHARE = 0.05  # ... but two topics this big are separate themes, never nested together
AUTO_MAX_TOPICS = 50  # "auto" never leaves more topics than this
NEAR_DUPLICATE_SIMILARITY = 0.9  # centroid cosine above which two topics are one
NATURAL_THRESHOLD_QUANTILE = 0.1  # outliers at least as close as 90% of members join anyway
MIN_SENTENCE_SIMILARITY = 0.05  # c-TF-IDF cosine below which a sentence has no topic
N_CANDIDATE_WORDS = 30
MAX_KEYWORDS = 10
LABEL_KEYWORDS = 3
N_REPRESENTATIVES = 5
_MODEL_FOLDER = "bertopic"
_STATE_FILE = "topic_modeler.json"
_ARRAYS_FILE = "topic_modeler.safetensors"
_FORMAT_VERSION = 1


def without_placeholders(text: str) -> str:
    """``text`` with redaction placeholders (``[EMAIL]`` …) removed: they are not words."""
    return _PLACEHOLDER.sub(" ", text)


@dataclass(frozen=True)
class Topic:
    """One topic as a person reads it.

    ``topic_id`` is ``0..n_topics_-1`` for the topics documents are assigned to
    (``-1``, no topic, is never a Topic); coarse parent topics, listed in
    ``TopicModeler.topic_groups_``, take the ids after those.
    ``representative_docs`` are indices into the texts given to ``fit``.
    """

    topic_id: int
    label: str
    keywords: list[str]
    size: int
    representative_docs: list[int]
    parent_id: int | None = None


class PhraseAnalyzer:
    """Unigrams and bigrams of adjacent content words, for a ``CountVectorizer``.

    Lower-cases, drops apostrophes (``didn't`` -> ``didnt``), keeps hyphenated
    words whole (``plastic-free``) and hashtags as single words; numbers, emoji
    and stop words are never words, and a bigram never spans a stop word,
    a number or a punctuation break, so "the page said delivered" gives
    ``page said`` but "delivered but it wasn't" gives no bigram.
    """

    def __init__(self, stop_words: frozenset[str] = STOP_WORDS):
        self.stop_words = stop_words

    def __call__(self, text: str) -> list[str]:
        """The unigrams and bigrams of ``text``, in order."""
        grams: list[str] = []
        for clause in _CLAUSE_BREAK.split(without_placeholders(text).lower()):
            previous: str | None = None
            for raw in clause.split():
                word = self._word(raw)
                if word is None:
                    previous = None
                    continue
                grams.append(word)
                if raw.startswith("#"):  # a hashtag is a word of its own, never half a phrase
                    previous = None
                    continue
                if previous is not None:
                    grams.append(f"{previous} {word}")
                previous = word
        return grams

    def _word(self, raw: str) -> str | None:
        token = raw.lstrip("#@").strip(_EDGE)
        if not _WORD.fullmatch(token):
            return None
        word = _APOSTROPHE.sub("", token)
        if len(word) < 2 or word in self.stop_words or token in self.stop_words:
            return None
        return word


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
        embeddings = _unit_rows(_checked_embeddings(texts, embeddings))
        documents = [without_placeholders(text) for text in texts]
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
        unit = _unit_rows(embeddings)
        self._reduce_outliers(documents, embeddings, unit, clustered)

        self.topics_ = np.asarray(self.model_.topics_, dtype=int)
        self.n_topics_ = self._n_model_topics()
        self.outlier_share_ = float(np.mean(self.topics_ == -1))
        centroids = self._centroids()
        own = np.einsum("ij,ij->i", unit, centroids[np.maximum(self.topics_, 0)])
        self.probabilities_ = np.where(self.topics_ >= 0, np.clip(own, 0.0, 1.0), 0.0)

        parents = self._nest_topics()
        self.topics_info_ = self._describe_topics(texts, unit, clustered, parents)
        self.topic_groups_ = self._describe_groups(documents, unit, parents)
        self._make_labels_unique()
        return self

    def _check_settings(self) -> None:
        if not 0.0 <= self.max_outlier_share <= 1.0:
            raise ValueError(f"max_outlier_share must be in [0, 1], got {self.max_outlier_share}")
        target = self.target_topics
        if not (target is None or target == "auto" or (isinstance(target, int) and target >= 1)):
            raise ValueError(f"target_topics must be 'auto', None or an int >= 1, got {target!r}")
        if self.min_topic_size is not None and self.min_topic_size < 2:
            raise ValueError(f"min_topic_size must be at least 2, got {self.min_topic_size}")

    def _bertopic(self, documents: list[str], size: int):
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer

        self.vectorizer_ = self._vectorizer(documents)
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

    def _umap(self):
        if self.umap_model is not None:
            return _fresh(self.umap_model)
        from umap import UMAP

        return UMAP(
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
            random_state=self.seed,
            n_jobs=1,  # what a seed implies anyway; saying so spares UMAP's warning
            # Below 4,096 points UMAP computes exact cosine neighbours pair by pair in
            # Python calls: 9-10 s on 3,000 documents against 1.6 s with NN-descent.
            force_approximation_algorithm=True,
        )

    def _hdbscan(self, size: int):
        if self.hdbscan_model is not None:
            return _fresh(self.hdbscan_model)
        from hdbscan import HDBSCAN

        return HDBSCAN(
            min_cluster_size=size,
            metric="euclidean",
            cluster_selection_method="eom",
            prediction_data=False,  # new documents go to the nearest centroid instead
        )

    def _vectorizer(self, documents: list[str]):
        """Our phrase analyzer over a vocabulary of words in enough *documents*.

        BERTopic fits its vectorizer on one joined text per topic, where
        ``min_df`` would count topics; the vocabulary is therefore fixed here,
        counting documents, so that typos and one-off words never become keywords.
        """
        if self.vectorizer_model is not None:
            return _fresh(self.vectorizer_model)
        analyzer = PhraseAnalyzer()
        min_df = max(2, len(documents) // 1000)
        try:
            counter = CountVectorizer(analyzer=analyzer, min_df=min_df).fit(documents)
        except ValueError:  # no word is in that many documents: a tiny corpus
            logger.info("no word in %d documents: keeping every word", min_df)
            counter = CountVectorizer(analyzer=analyzer).fit(documents)
        return CountVectorizer(analyzer=analyzer, vocabulary=sorted(counter.vocabulary_))

    def _representation(self):
        if self.representation_model is not None:
            return self.representation_model
        if self.embedding_model is None:
            return None
        from bertopic.representation import KeyBERTInspired

        # 40 candidate words per topic (BERTopic's default is 100): each is embedded,
        # and the readable keywords are taken from the first 20 anyway.
        return KeyBERTInspired(
            top_n_words=20, nr_repr_docs=5, nr_candidate_words=40, random_state=self.seed
        )

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
        self.threshold_ = float("inf")
        return self

    def _merge_near_duplicates(self, documents: list[str]) -> None:
        """Merge topics with almost the same centroid or two of the same three leading
        keywords ("late delivery" and "delivery late" count as the same keyword)."""
        if self.target_topics != "auto" or self._n_model_topics() < 2:
            return
        centroids = _unit_rows(self._centroids())
        similar = centroids @ centroids.T >= NEAR_DUPLICATE_SIMILARITY
        # A label is its leading keywords; two labels sharing two of them read as one.
        leads = [
            {_stems([k]) for k in self._keywords(t)[:LABEL_KEYWORDS]} for t in range(len(centroids))
        ]
        groups = _UnionFind(len(centroids))
        for a in range(len(centroids)):
            for b in range(a + 1, len(centroids)):
                if similar[a, b] or len(leads[a] & leads[b]) >= 2:
                    groups.union(a, b)
        merges = [members for members in groups.groups() if len(members) > 1]
        if merges:
            logger.info("merging near-duplicate topics %s", merges)
            self.model_.merge_topics(documents, merges)

    def _reduce_to_target(self, documents: list[str]) -> None:
        target = AUTO_MAX_TOPICS if self.target_topics == "auto" else self.target_topics
        if target is not None and self._n_model_topics() > target:
            self.model_.reduce_topics(documents, nr_topics=target + self.model_._outliers)

    def _reduce_outliers(
        self, documents: list[str], embeddings: np.ndarray, unit: np.ndarray, clustered: np.ndarray
    ) -> None:
        """Give outliers their nearest topic until at most ``max_outlier_share`` remain.

        The threshold is the lower of (a) the similarity at which 90% of
        clustered documents sit to their own centroid (an outlier that close
        belongs anyway) and (b) the highest similarity that still brings the
        unassigned share down to ``max_outlier_share``. It is kept as
        ``threshold_`` for ``transform``.
        """
        centroids = _unit_rows(self._centroids())
        similarity = unit @ centroids.T
        members = clustered >= 0
        natural = float(
            np.quantile(similarity[members, clustered[members]], NATURAL_THRESHOLD_QUANTILE)
        )
        best = np.sort(similarity[~members].max(axis=1))[::-1]
        allowed = int(np.floor(self.max_outlier_share * len(documents) + 1e-9))
        must_assign = len(best) - allowed
        # A hair below the boundary document's similarity: BERTopic recomputes it in
        # float32, and the document that decides the share must not fall just short.
        needed = float(best[must_assign - 1]) - 1e-5 if must_assign > 0 else float("inf")
        self.threshold_ = min(natural, needed)
        if len(best) and best[0] >= self.threshold_:
            topics = self.model_.reduce_outliers(
                documents,
                list(clustered),
                strategy="embeddings",
                embeddings=embeddings,
                threshold=self.threshold_,
            )
        else:
            topics = list(clustered)
        from bertopic.vectorizers import ClassTfidfTransformer

        with _quiet_bertopic():  # it warns that assigning topics by hand must come last: it does
            self.model_.update_topics(
                documents,
                topics=topics,
                top_n_words=N_CANDIDATE_WORDS,
                vectorizer_model=self.vectorizer_,
                ctfidf_model=ClassTfidfTransformer(),
                representation_model=self._representation(),
            )

    def _nest_topics(self) -> dict[int, int]:
        """Group index of every topic nested with similar ones under a coarse topic.

        Average-linkage clustering of the topics on the mean of two cosine
        similarities, centroid embeddings and c-TF-IDF vectors, so that topics
        nest only when they both mean and say similar things. A group stops
        growing below ``GROUP_SIMILARITY`` or when it would join two parts that
        each hold ``BROAD_TOPIC_SHARE`` of the documents: broad themes ("gifts",
        "kids") stay apart instead of being lumped together. (A second, coarser
        HDBSCAN on the UMAP vectors was tried first: on one of two UMAP
        settings it lumped half the corpus together.)
        """
        if self.n_topics_ < 3:
            return {}
        from scipy.cluster.hierarchy import linkage
        from scipy.spatial.distance import squareform
        from sklearn.metrics.pairwise import cosine_similarity

        centroids = _unit_rows(self._centroids())
        words = self._topic_rows(self.model_.c_tf_idf_)
        similarity = (centroids @ centroids.T + cosine_similarity(words)) / 2
        distance = np.clip(1.0 - similarity, 0.0, None)
        np.fill_diagonal(distance, 0.0)
        tree = linkage(squareform((distance + distance.T) / 2, checks=False), "average")
        sizes = np.bincount(self.topics_[self.topics_ >= 0], minlength=self.n_topics_)
        broad_size = BROAD_TOPIC_SHARE * len(self.topics_)
        members: dict[int, list[int]] = {t: [t] for t in range(self.n_topics_)}
        whole: dict[int, bool] = dict.fromkeys(members, True)
        parent: dict[int, int] = {}
        for row, (a, b, height, _) in enumerate(tree):
            node, a, b = self.n_topics_ + row, int(a), int(b)
            members[node] = members[a] + members[b]
            parent[a] = parent[b] = node
            broad = sizes[members[a]].sum() >= broad_size and sizes[members[b]].sum() >= broad_size
            whole[node] = whole[a] and whole[b] and height <= 1.0 - GROUP_SIMILARITY and not broad
        groups = [
            sorted(members[node])
            for node in members
            if whole[node] and len(members[node]) > 1 and not whole.get(parent.get(node, -1), False)
        ]
        groups.sort(key=lambda group: group[0])
        return {topic: g for g, group in enumerate(groups) for topic in group}

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

    def _keywords(self, topic: int) -> list[str]:
        words = self.model_.topic_representations_.get(topic, [])
        return readable_keywords([(w, float(s)) for w, s in words])

    def _describe_topics(
        self, texts: list[str], unit: np.ndarray, clustered: np.ndarray, parents: dict[int, int]
    ) -> list[Topic]:
        centroids = _unit_rows(self._centroids())
        topics = []
        for topic in range(self.n_topics_):
            members = np.flatnonzero(clustered == topic)
            if len(members) == 0:
                members = np.flatnonzero(self.topics_ == topic)
            keywords = self._keywords(topic)
            topics.append(
                Topic(
                    topic_id=topic,
                    label=_label(keywords, texts, members),
                    keywords=keywords,
                    size=int(np.sum(self.topics_ == topic)),
                    representative_docs=_representatives(members, unit, centroids[topic], texts),
                    parent_id=None if topic not in parents else self.n_topics_ + parents[topic],
                )
            )
        return topics

    def _describe_groups(
        self, documents: list[str], unit: np.ndarray, parents: dict[int, int]
    ) -> list[Topic]:
        """Coarse topics: c-TF-IDF over the documents of each group of nested topics."""
        if not parents:
            return []
        from bertopic.vectorizers import ClassTfidfTransformer

        n_groups = max(parents.values()) + 1
        # Topics outside any group and documents without topic are classes of
        # their own, so that group keywords say what sets the group apart.
        group_of_doc = np.array(
            [parents.get(int(t), n_groups) if t >= 0 else n_groups + 1 for t in self.topics_]
        )
        classes = [g for g in range(n_groups + 2) if np.any(group_of_doc == g)]
        joined = [
            " \n ".join(documents[i] for i in np.flatnonzero(group_of_doc == g)) for g in classes
        ]
        counts = self.vectorizer_.transform(joined)
        weights = ClassTfidfTransformer().fit_transform(counts)
        words = self.vectorizer_.get_feature_names_out()
        groups = []
        for row, group in enumerate(classes):
            if group >= n_groups:
                continue
            scores = np.asarray(weights[row].todense()).ravel()
            top = np.argsort(-scores)[:N_CANDIDATE_WORDS]
            keywords = readable_keywords([(words[j], float(scores[j])) for j in top])
            members = np.flatnonzero(group_of_doc == group)
            centroid = _unit_rows(unit[members].mean(axis=0, keepdims=True))[0]
            groups.append(
                Topic(
                    topic_id=self.n_topics_ + group,
                    label=_label(keywords, documents, members),
                    keywords=keywords,
                    size=len(members),
                    representative_docs=_representatives(members, unit, centroid, documents),
                    parent_id=None,
                )
            )
        return groups

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
        embeddings = _checked_embeddings(list(texts), embeddings)
        if self.n_topics_ == 0:
            return np.full(len(embeddings), -1, dtype=int), np.zeros(len(embeddings))
        similarity = _unit_rows(embeddings) @ _unit_rows(self._centroids()).T
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
        """Write the fitted model to ``folder``: safetensors and JSON only, no pickle.

        BERTopic's own safetensors format keeps centroids, c-TF-IDF and the
        vocabulary, not UMAP or HDBSCAN, which ``transform`` does not need.
        """
        self._check_fitted()
        from safetensors.numpy import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        with _quiet_bertopic():
            self.model_.save(
                folder / _MODEL_FOLDER,
                serialization="safetensors",
                save_ctfidf=True,
                save_embedding_model=False,
            )
        save_file(
            {
                "topics": self.topics_.astype(np.int64),
                "probabilities": self.probabilities_.astype(np.float32),
            },
            str(folder / _ARRAYS_FILE),
        )
        state = {
            "format": _FORMAT_VERSION,
            "settings": {
                "max_outlier_share": self.max_outlier_share,
                "target_topics": self.target_topics,
                "min_topic_size": self.min_topic_size,
                "seed": self.seed,
            },
            "default_vectorizer": self.vectorizer_model is None,
            "n_topics": self.n_topics_,
            "threshold": self.threshold_,
            "outlier_share_before": self.outlier_share_before_,
            "outlier_share": self.outlier_share_,
            "topics": [asdict(t) for t in self.topics_info_],
            "topic_groups": [asdict(t) for t in self.topic_groups_],
        }
        (folder / _STATE_FILE).write_text(json.dumps(state, indent=1, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> TopicModeler:
        """Read a model written by :meth:`save`; no embedding model is loaded."""
        from bertopic import BERTopic
        from safetensors.numpy import load_file

        folder = Path(folder)
        state = json.loads((folder / _STATE_FILE).read_text())
        if state.get("format") != _FORMAT_VERSION:
            raise ValueError(f"{folder} holds topic model format {state.get('format')!r}")
        modeler = cls(**state["settings"])
        with _quiet_bertopic():
            modeler.model_ = BERTopic.load(str(folder / _MODEL_FOLDER))
        if state["default_vectorizer"]:
            # BERTopic's files keep the vocabulary but not our analyzer (a callable).
            vocabulary = modeler.model_.vectorizer_model.vocabulary_
            modeler.model_.vectorizer_model = CountVectorizer(
                analyzer=PhraseAnalyzer(), vocabulary=sorted(vocabulary, key=vocabulary.get)
            )
        modeler.vectorizer_ = modeler.model_.vectorizer_model
        arrays = load_file(str(folder / _ARRAYS_FILE))
        modeler.topics_ = arrays["topics"].astype(int)
        modeler.probabilities_ = arrays["probabilities"].astype(float)
        modeler.n_topics_ = state["n_topics"]
        modeler.threshold_ = state["threshold"]
        modeler.outlier_share_before_ = state["outlier_share_before"]
        modeler.outlier_share_ = state["outlier_share"]
        modeler.topics_info_ = [Topic(**t) for t in state["topics"]]
        modeler.topic_groups_ = [Topic(**t) for t in state["topic_groups"]]
        return modeler


# ---------------------------------------------------------------- keywords


def readable_keywords(
    scored: Sequence[tuple[str, float]], *, limit: int = MAX_KEYWORDS
) -> list[str]:
    """Up to ``limit`` keywords from best-first ``(phrase, score)`` candidates.

    Drops empty phrases, stop words, placeholders and repeated words
    ("great great"); a phrase sharing a word (by crude stem) with a kept
    keyword is a near-duplicate ("deliveries" after "delivery", "cardigan fits"
    after "cropped cardigan") and is dropped, except that a bigram scoring at
    least half as high as the keywords it contains takes their place
    ("refill scheme" replaces "refill"), so labels read as phrases.
    """
    kept: list[tuple[str, float, frozenset[str]]] = []
    for phrase, score in scored:
        words = phrase.split()
        if not words or score <= 0 or not _is_clean(words):
            continue
        stems = _stems([phrase])
        covered = [i for i, (_, _, s) in enumerate(kept) if s <= stems]
        touched = [i for i, (_, _, s) in enumerate(kept) if s & stems]
        if (
            len(words) > 1
            and covered
            and covered == touched
            and score >= 0.5 * min(kept[i][1] for i in covered)
        ):
            first = covered[0]
            kept[first] = (phrase, kept[first][1], stems)
            kept = [k for i, k in enumerate(kept) if i not in covered[1:]]
            continue
        if touched:  # says again what a kept keyword says ("cardigan fits")
            continue
        kept.append((phrase, score, stems))
    return [phrase for phrase, _, _ in kept[:limit]]


def _is_clean(words: list[str]) -> bool:
    return len(set(words)) == len(words) and not any(
        w in STOP_WORDS or "[" in w or "]" in w for w in words
    )


def _stem(word: str) -> str:
    """A crude English stem, enough to see "deliveries" and "delivery" as one word."""
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + replacement
            break
    for suffix in ("ing", "ed", "er", "e", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _stems(phrases: Sequence[str]) -> frozenset[str]:
    return frozenset(_stem(w) for phrase in phrases for w in phrase.split())


def _label(keywords: list[str], texts: Sequence[str], members: np.ndarray) -> str:
    if keywords:
        return " · ".join(keywords[:LABEL_KEYWORDS])
    # Topics of texts without words (emoji, "5/5"): quote the commonest text.
    values, counts = np.unique([texts[i].strip() for i in members], return_counts=True)
    return f"“{values[np.argmax(counts)][:40]}”" if len(values) else "no words"


# ------------------------------------------------------------------ helpers


def _representatives(
    members: np.ndarray, unit: np.ndarray, centroid: np.ndarray, texts: Sequence[str]
) -> list[int]:
    """Up to 5 typical but different documents: MMR over the 50 nearest the centroid."""
    if len(members) == 0:
        return []
    similarity = unit[members] @ centroid
    candidates = members[np.argsort(-similarity, kind="stable")[:50]]
    relevance = dict(zip(candidates.tolist(), (unit[candidates] @ centroid).tolist(), strict=True))
    chosen: list[int] = []
    seen_texts: set[str] = set()
    while len(chosen) < N_REPRESENTATIVES:
        best, best_score = None, -np.inf
        for doc in candidates.tolist():
            text = texts[doc].strip().lower()
            if doc in chosen or text in seen_texts:
                continue
            redundancy = max((float(unit[doc] @ unit[c]) for c in chosen), default=0.0)
            score = 0.6 * relevance[doc] - 0.4 * redundancy
            if score > best_score:
                best, best_score = doc, score
        if best is None:
            break
        chosen.append(best)
        seen_texts.add(texts[best].strip().lower())
    return chosen


def _checked_embeddings(texts: list[str], embeddings: np.ndarray) -> np.ndarray:
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if embeddings.ndim != 2:
        raise ValueError(f"embeddings must be 2-D (documents x dimensions), got {embeddings.shape}")
    if len(embeddings) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings")
    return embeddings


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def _fresh(model: Any) -> Any:
    """A clone of a scikit-learn-style model, so fitting twice never shares state;
    a model scikit-learn cannot clone (no ``get_params``) is used as given."""
    try:
        return clone(model)
    except TypeError:
        return model


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        self.parent[max(self.find(a), self.find(b))] = min(self.find(a), self.find(b))

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for a in range(len(self.parent)):
            found.setdefault(self.find(a), []).append(a)
        return list(found.values())


class _quiet_bertopic:
    """Silence BERTopic warnings that do not apply here (the embedding model we never
    store; assigning topics by hand, which is our last step)."""

    def __enter__(self) -> None:
        self._logger = logging.getLogger("BERTopic")
        self._level = self._logger.level
        self._logger.setLevel(logging.ERROR)

    def __exit__(self, *exc: object) -> None:
        self._logger.setLevel(self._level)
