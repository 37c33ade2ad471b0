"""Sentiment per document and per sentence, so it can be reported per topic.

Two scorers share one small interface (:class:`SentimentScorer`): ``score(texts)``
returns one compound value in [-1, 1] per text, and ``score_sentences(texts)``
splits every text with :func:`split_sentences` and scores each piece, which is
what lets a report say "positive overall, negative about delivery".

- :class:`VaderScorer` (the default) is the VADER lexicon: no training, no model,
  about 0.15 ms per review. It reads negation ("not bad"), intensifiers, capitals,
  "!!!" and emoji. It misses complaints written without sentiment words ("took
  forever", "arrived late") and it reads sarcasm literally, except for one small
  rule: a text carrying an explicit marker ("/s", "#sarcasm", "yeah right") has a
  positive score turned into its negative.
- :class:`RatingHead` learns from the customer's own star ratings. It averages the
  probabilities of two logistic regressions: one on the document embeddings plus
  VADER's four scores of the text, one on TF-IDF word uni- and bigrams of the text
  (fitted inside :meth:`RatingHead.fit`, so cross-validation sees them as part of the
  head). Words are the lever on real reviews: on 979 labelled drug reviews (see
  MEASURED.md) TF-IDF reached 0.81 binary against 0.76-0.78 for embeddings. Its
  sentence scores come from VADER, because ratings are given to whole documents.

:func:`choose_scorer` decides between them on the data at hand: with enough rated
documents it cross-validates the head, measures VADER on the same rows and keeps
whichever agrees more often with the ratings, with the reason in words.

Labels follow VADER's convention (compound >= 0.05 positive, <= -0.05 negative)
and, for ratings, 4-5 stars positive, 3 neutral, 1-2 negative. Every scorer's
stored label is ``label_of(score)``; for the head the score is P(positive) -
P(negative), so "neutral" means the head cannot tell positive from negative
(the two within 0.05), not that P(neutral) is the largest. :func:`choose_scorer`
measures that stored label, not the most probable class.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

__all__ = [
    "LABELS",
    "RatingHead",
    "SentimentChoice",
    "SentimentScorer",
    "VaderScorer",
    "choose_scorer",
    "label_of",
    "out_of_fold_proba",
    "rating_label",
    "score_documents",
    "split_sentences",
]

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
"""The three sentiment labels, in the column order of :meth:`RatingHead.predict_proba`."""


# --- labels -------------------------------------------------------------------------------


def label_of(compound: float, *, threshold: float = 0.05) -> str:
    """The label of a compound score, by VADER's convention (±0.05 around neutral).

    The product stores ``label_of(score)`` for every scorer. On the rating head's
    score, P(positive) - P(negative), "neutral" means those two are within 0.05.
    """
    if compound >= threshold:
        return "positive"
    if compound <= -threshold:
        return "negative"
    return "neutral"


def rating_label(rating: float, *, scale_min: float = 1.0, scale_max: float = 5.0) -> str:
    """The label of a rating: 4-5 stars positive, 3 neutral, 1-2 negative.

    Other scales are rescaled linearly to 1-5 first, so on a 0-10 scale
    (``scale_min=0, scale_max=10``) 7-10 is positive, 4-6 neutral and 0-3
    negative. Half stars on the boundary go outwards (3.5 positive, 2.5 negative).
    """
    if not scale_min < scale_max:
        raise ValueError(f"scale_min ({scale_min}) must be below scale_max ({scale_max})")
    if math.isnan(rating) or not scale_min <= rating <= scale_max:
        raise ValueError(f"rating {rating} is outside the scale {scale_min:g}-{scale_max:g}")
    stars = 1.0 + 4.0 * (rating - scale_min) / (scale_max - scale_min)
    if stars >= 3.5:
        return "positive"
    if stars <= 2.5:
        return "negative"
    return "neutral"


# --- sentences ----------------------------------------------------------------------------

# Emoji (pictographs, symbols, dingbats, flags, joiners and variation selectors) and a
# few ASCII emoticons. They close the sentence they follow.
_EMOJI = (
    r"(?:[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+"
    r"|[:;=]-?[()DPp\[\]/\\|]|<3)"
)
_END_PUNCT = r"[.!?\u2026\u203C\u2049]"
_CLOSERS = r"[\"'\u201D\u2019)\]]"
_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029]|\s[\u2022\u00B7\u25AA\u25E6]\s")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00B7\u25AA\u25E6\u2013\u2014>]|\d{1,2}[.)])\s+")
# Terminal punctuation (with closing quotes and any emoji right after it), then space.
_AFTER_PUNCT = re.compile(rf"({_END_PUNCT}+{_CLOSERS}*(?:\s*{_EMOJI})*)\s+")
# An emoji run without punctuation before it also ends a sentence ("love it 😍 broke").
_AFTER_EMOJI = re.compile(rf"({_EMOJI}(?:\s*{_EMOJI})*)\s+")
# A missing space: "fabric.Delivery", "slow!!!Never". Two lower-case letters before a
# dot keep "U.S.A" and "Dr.Who" whole; a dot before a lower-case letter (domains,
# file names) never splits.
_NO_SPACE = re.compile(r"(?<=[a-z]{2}\.)(?=[A-Z])|(?<=[!?\u2026])(?=[A-Z])|(?<=\.\.)(?=[A-Z])")
_CONTRAST = re.compile(
    r"(?<!\bnothing)(?<!\banything)(?<!\ball)(?<!\beven)(?<!\bas)"
    r"(?:\s*[,;]|\s+[-\u2013\u2014])?\s+"
    r"(?=(?:but|although|though|however|whereas|except that|shame that|on the other hand)"
    r"\b(?!\s+also\b)\W*\w)",
    re.IGNORECASE,
)
# "e.g.", "Mr.", an initial ("J. Smith"); "No." only before a number ("No. 5" but "No. Never").
_ABBREVIATION_END = re.compile(
    r"(?:\b(?i:e\.g|i\.e|vs|mr|mrs|ms|dr|st|approx|incl|ref)\.|\b[A-Z]\.)$"
)
_NUMBER_SIGN_END = re.compile(r"\bno\.$", re.IGNORECASE)
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|\u2026)$")
# What is left of a fragment once tags, handles, links and sarcasm markers are gone:
# without a letter it is decoration of the sentence before ("!!!", "😍", "#ootd", "/s").
_DECORATION = re.compile(r"#\w+|@\w+|https?://\S+|(?<!\w)/s\b", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")


def split_sentences(text: str, *, at_contrast: bool = True) -> list[str]:
    """Split messy customer text into sentences, and sentences into contrasting clauses.

    Pure regular expressions (nothing to download). Handles newlines and bullet
    lists, "!!!" and "?!", emoji and emoticons (they stay with the sentence they
    close), missing spaces after a full stop ("fabric.Delivery"), abbreviations
    ("e.g.", "Mr."), trailing hashtags and @mentions (kept with the sentence before).

    With ``at_contrast`` (the default) a sentence is also cut before "but",
    "although", "however", "shame that", …, so "love the fabric but delivery took
    forever" gives two pieces that can be scored, and assigned to topics, apart.
    The connector stays at the start of the second piece; "nothing but", "even
    though" and "but also" are not cut. Pieces are stretches of the input, apart from
    whitespace, bullet markers and the comma before a connector.
    """
    pieces: list[str] = []
    for line in _LINE_BREAK.split(text):
        line = _BULLET.sub("", line).strip()
        if line:
            pieces.extend(_split_line(line, at_contrast=at_contrast))
    return _merge_fragments(pieces)


def _split_line(line: str, *, at_contrast: bool) -> list[str]:
    marked = _AFTER_PUNCT.sub("\\1\n", line)
    marked = _AFTER_EMOJI.sub("\\1\n", marked)
    marked = _NO_SPACE.sub("\n", marked)
    sentences = _rejoin_abbreviations([s.strip() for s in marked.split("\n") if s.strip()])
    if not at_contrast:
        return sentences
    return [clause for s in sentences for clause in _CONTRAST.split(s) if clause.strip()]


def _rejoin_abbreviations(pieces: list[str]) -> list[str]:
    """Glue back cuts made after "e.g.", "No." or an initial, and after "..." before lower case."""
    joined: list[str] = []
    for piece in pieces:
        if joined and (
            _ABBREVIATION_END.search(joined[-1])
            or (_NUMBER_SIGN_END.search(joined[-1]) and piece[:1].isdigit())
            or (_ELLIPSIS_END.search(joined[-1]) and piece[:1].islower())
        ):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined


def _merge_fragments(pieces: list[str]) -> list[str]:
    """Attach pieces with no words of their own ("😍", "!!!", "#eco") to a neighbour."""
    merged: list[str] = []
    pending = ""
    for piece in pieces:
        if _LETTER.search(_DECORATION.sub(" ", piece)):
            merged.append(f"{pending} {piece}".strip())
            pending = ""
        elif merged:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            pending = f"{pending} {piece}".strip()
    if pending:
        merged.append(pending)
    return merged


# --- scorers ------------------------------------------------------------------------------


@functools.cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """One VADER analyzer per process: building it reads the lexicon files (~40 ms)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@functools.lru_cache(maxsize=300_000)  # documents and sentences of a 50,000-document run
def _polarity(text: str) -> tuple[float, float, float, float]:
    """VADER's compound, pos, neg, neu; memoised because cross-validation and the
    refit that follows it score the same texts several times."""
    s = _analyzer().polarity_scores(text)
    return (s["compound"], s["pos"], s["neg"], s["neu"])


def _vader_features(texts: Sequence[str]) -> np.ndarray:
    """VADER's compound, pos, neg and neu for each text, as an (n, 4) array."""
    rows = [_polarity(text) for text in texts]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), 4)


class SentimentScorer:
    """Base of the sentiment scorers: one compound-like score in [-1, 1] per text.

    Sentence scores come from VADER for every scorer (see :meth:`score_sentences`);
    subclasses only have to say how they score whole documents.
    """

    name: str = "base"

    def score(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """One score in [-1, 1] per text; :func:`label_of` turns it into a label."""
        raise NotImplementedError

    def score_sentences(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """For each text, its sentences (:func:`split_sentences`) with a VADER score each.

        Every scorer scores sentences with VADER: a learned head would need an
        embedding per sentence, a model call each, and its ratings were given to
        whole documents, not to sentences.
        """
        vader = self._sentence_scorer()
        split = [split_sentences(text) for text in texts]
        flat = [sentence for sentences in split for sentence in sentences]
        scores = iter(vader.score(flat).tolist())
        return [[(sentence, next(scores)) for sentence in sentences] for sentences in split]

    def _sentence_scorer(self) -> VaderScorer:
        return VaderScorer()


_SARCASM = re.compile(r"(?<!\w)/s\b|#sarcas(?:m|tic)\b|\byeah,? right\b", re.IGNORECASE)


class VaderScorer(SentimentScorer):
    """VADER's compound score, with an optional rule for explicitly marked sarcasm.

    With ``sarcasm=True`` a text that carries "/s", "#sarcasm" or "yeah right" and
    scores positive is given the negative of its score: marked sarcasm in customer
    text is praise words used for a complaint ("great, another late delivery /s").
    The rule works on the text it is given, so a marker in a long review flips the
    whole review when documents are scored, and only its sentence when sentences
    are. Unmarked sarcasm is read literally.
    """

    name = "vader"

    def __init__(self, *, sarcasm: bool = True) -> None:
        self.sarcasm = sarcasm

    def score(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """VADER compound per text; ``embeddings`` are accepted and ignored."""
        compound = _vader_features(texts)[:, 0]
        if self.sarcasm:
            marked = np.fromiter((bool(_SARCASM.search(t)) for t in texts), bool, len(texts))
            compound = np.where(marked & (compound > 0), -compound, compound)
        return compound

    def _sentence_scorer(self) -> VaderScorer:
        return self


# Word features of the head. No stop-word list: scikit-learn's English one drops "not",
# "no", "never", "nothing", "too" and "less", which carry sentiment (measured -0.01 binary
# on the demo reviews). min_df=2 keeps words seen in at least two training documents,
# which drops one-off typos and names and keeps the vocabulary small enough to store.
_WORD_FEATURES: dict[str, Any] = {
    "ngram_range": (1, 2),
    "sublinear_tf": True,
    "min_df": 2,
    "lowercase": True,
}


class RatingHead(SentimentScorer, BaseEstimator):
    """A small classifier trained with star ratings as labels, on embeddings and words.

    Two logistic regressions with balanced class weights, whose probabilities are
    averaged with equal weight:

    - one on the document embeddings plus, when ``texts`` are given to :meth:`fit`,
      VADER's compound/pos/neg/neu of each text (regularised by ``C``);
    - with ``words`` (the default) and ``texts``, one on TF-IDF of the texts' word
      uni- and bigrams (sublinear tf, words in at least two training documents,
      regularised by ``word_C``).

    Each family keeps its own regularisation, which a single model on stacked
    features could only get by rescaling blocks. A TF-IDF row spreads unit norm over
    thousands of columns, so its model is regularised less (``word_C`` 4, against 1
    for the 388 dense columns); on the demo reviews 4 beat 1 on both generator
    seeds tried, by 0.01. When the texts share no words (nothing survives
    ``min_df``) the word model is left out: ``word_model_`` is ``None``.

    Its score is P(positive) - P(negative), which lives in [-1, 1] like VADER's
    compound, so :func:`label_of` applies to both. Everything learned is plain
    attributes (vocabulary and idf of ``vectorizer_``, coefficients and intercepts of
    ``model_`` and ``word_model_``). Sentence scores come from VADER.
    """

    name = "rating-head"

    def __init__(
        self,
        *,
        C: float = 1.0,
        max_iter: int = 1000,
        words: bool = True,
        word_C: float = 4.0,
    ) -> None:
        self.C = C
        self.max_iter = max_iter
        self.words = words
        self.word_C = word_C

    def fit(
        self,
        embeddings: np.ndarray,
        labels: Sequence[str],
        *,
        texts: Sequence[str] | None = None,
    ) -> RatingHead:
        """Learn from labelled documents (labels from :data:`LABELS`, e.g. via rating_label).

        Without ``texts`` the head uses the embeddings only.
        """
        embeddings = _as_matrix(embeddings)
        y = np.asarray(labels, dtype=object)
        if y.shape != (embeddings.shape[0],):
            raise ValueError(f"{embeddings.shape[0]} embeddings but {y.size} labels")
        unknown = sorted(set(y.tolist()) - set(LABELS))
        if unknown:
            raise ValueError(f"unknown labels {unknown}; expected some of {LABELS}")
        if len(set(y.tolist())) < 2:
            raise ValueError("need at least two different labels to learn from")
        y = y.astype(str)
        self.uses_text_features_ = texts is not None
        self.model_ = self._classifier(self.C).fit(self._features(embeddings, texts), y)
        self.vectorizer_, self.word_model_ = self._fit_words(texts, y)
        self.classes_ = tuple(str(c) for c in self.model_.classes_)
        self.n_features_in_ = embeddings.shape[1]
        return self

    def predict_proba(
        self, embeddings: np.ndarray, texts: Sequence[str] | None = None
    ) -> np.ndarray:
        """Probabilities as an (n, 3) array, columns in :data:`LABELS` order.

        The mean of the embedding model's and the word model's probabilities (the
        embedding model's alone without word model). A label never seen in training
        gets probability 0.
        """
        check_is_fitted(self, "model_")
        embeddings = _as_matrix(embeddings)
        proba = self.model_.predict_proba(self._features(embeddings, texts))
        # _features has already asked for texts when the head was fitted with them.
        if self.vectorizer_ is not None and self.word_model_ is not None and texts is not None:
            words = self.vectorizer_.transform(list(texts))
            proba = (proba + self.word_model_.predict_proba(words)) / 2
        full = np.zeros((embeddings.shape[0], len(LABELS)))
        for column, label in enumerate(self.classes_):
            full[:, LABELS.index(label)] = proba[:, column]
        return full

    def predict_label(
        self, embeddings: np.ndarray, texts: Sequence[str] | None = None
    ) -> list[str]:
        """The most probable label per document.

        Not always the stored label, which is ``label_of(score)``: (0.1, 0.5, 0.4)
        is most probably neutral but scores 0.3, positive.
        """
        proba = self.predict_proba(embeddings, texts)
        return [LABELS[i] for i in proba.argmax(axis=1).tolist()]

    def score(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """P(positive) - P(negative) per document; needs the documents' embeddings."""
        if embeddings is None:
            raise ValueError("the rating head scores embeddings: pass embeddings=")
        proba = self.predict_proba(embeddings, texts if self.uses_text_features_ else None)
        return _score_of(proba)

    def _classifier(self, C: float) -> LogisticRegression:
        return LogisticRegression(C=C, class_weight="balanced", max_iter=self.max_iter)

    def _fit_words(
        self, texts: Sequence[str] | None, y: np.ndarray
    ) -> tuple[TfidfVectorizer | None, LogisticRegression | None]:
        if not self.words or texts is None:
            return None, None
        vectorizer = TfidfVectorizer(**_WORD_FEATURES)
        try:
            matrix = vectorizer.fit_transform(list(texts))
        except ValueError as error:
            # No word in two documents: nothing to learn from, which is not an error.
            if "vocabulary" in str(error) or "no terms remain" in str(error):
                return None, None
            raise
        return vectorizer, self._classifier(self.word_C).fit(matrix, y)

    def _features(self, embeddings: np.ndarray, texts: Sequence[str] | None) -> np.ndarray:
        if not self.uses_text_features_:
            return embeddings
        if texts is None:
            raise ValueError("this head was fitted with texts (VADER features): pass texts")
        if len(texts) != embeddings.shape[0]:
            raise ValueError(f"{embeddings.shape[0]} embeddings but {len(texts)} texts")
        return np.hstack([embeddings, _vader_features(texts)])


def _score_of(proba: np.ndarray) -> np.ndarray:
    """P(positive) - P(negative) from (n, 3) probabilities in :data:`LABELS` order."""
    return proba[:, LABELS.index("positive")] - proba[:, LABELS.index("negative")]


def _as_matrix(embeddings: Any) -> np.ndarray:
    matrix = np.asarray(embeddings, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"embeddings must be a 2-d array, got shape {matrix.shape}")
    return matrix


def score_documents(
    scorer: SentimentScorer, texts: Sequence[str], embeddings: np.ndarray | None = None
) -> np.ndarray:
    """Score documents with any scorer; ``embeddings`` are needed by the rating head."""
    if embeddings is not None and len(embeddings) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings")
    return scorer.score(texts, embeddings=embeddings)


# --- choosing a scorer ----------------------------------------------------------------------


@dataclass(frozen=True)
class SentimentChoice:
    """Which scorer :func:`choose_scorer` kept, on what evidence, and why in words.

    Accuracies are 3-way agreement (negative/neutral/positive) of the label each
    scorer would store, ``label_of(score)``, with the rating labels on the rated
    documents; the head's is cross-validated. ``None`` when not measured.
    """

    scorer: str
    n_rated: int
    vader_accuracy: float | None
    head_accuracy: float | None
    reason: str


def out_of_fold_proba(
    head: RatingHead,
    embeddings: np.ndarray,
    labels: Sequence[str],
    *,
    texts: Sequence[str] | None = None,
    folds: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """(n, 3) probabilities where each row comes from a copy of ``head`` not trained on it.

    Stratified ``folds``-fold split shuffled with ``seed``; ``head`` itself is not fitted.
    """
    embeddings = _as_matrix(embeddings)
    y = np.asarray(labels, dtype=object).astype(str)
    proba = np.zeros((y.size, len(LABELS)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(embeddings, y):
        fold_head = clone(head).fit(embeddings[train], y[train], texts=_take(texts, train))
        proba[test] = fold_head.predict_proba(embeddings[test], _take(texts, test))
    return proba


def _stratified_sample(labels: Sequence[str], limit: int, seed: int) -> np.ndarray:
    """Sorted row numbers of at most ``limit`` labels, each label in its own proportion."""
    n = len(labels)
    if n <= limit:
        return np.arange(n)
    from sklearn.model_selection import train_test_split

    rows, _ = train_test_split(
        np.arange(n), train_size=limit, stratify=np.asarray(labels), random_state=seed
    )
    return np.sort(rows)


def _take(texts: Sequence[str] | None, rows: np.ndarray) -> list[str] | None:
    return None if texts is None else [texts[i] for i in rows.tolist()]


def choose_scorer(
    texts: Sequence[str],
    embeddings: np.ndarray,
    ratings: Sequence[float | None],
    *,
    min_rated: int = 200,
    min_per_label: int = 20,
    folds: int = 5,
    seed: int = 0,
    head: RatingHead | None = None,
    scale_min: float = 1.0,
    scale_max: float = 5.0,
    max_compared: int = 6000,
) -> tuple[SentimentChoice, SentimentScorer]:
    """Keep VADER, or learn from the ratings when that agrees better with them.

    With at least ``min_rated`` rated documents and ``min_per_label`` of each label
    (ratings become labels with :func:`rating_label`), ``head`` (default
    ``RatingHead()``) is cross-validated on the rated documents and VADER is
    measured on the same rows; the head is kept only if the 3-way accuracy of its
    stored label (``label_of`` of its out-of-fold score) is higher, and is then
    refitted on all rated documents. Otherwise, or with too few ratings, VADER is
    used. Missing ratings are ``None`` or NaN. The comparison runs on a stratified
    sample of at most ``max_compared`` rated documents (an accuracy on 6,000 is
    known to about ±1%); the kept head is then fitted on all of them.
    Deterministic for a given ``seed``.
    """
    if len(texts) != len(embeddings) or len(texts) != len(ratings):
        raise ValueError(
            f"{len(texts)} texts, {len(embeddings)} embeddings and {len(ratings)} ratings"
        )
    rated = [i for i, r in enumerate(ratings) if r is not None and not math.isnan(r)]
    labels = [
        rating_label(float(ratings[i]), scale_min=scale_min, scale_max=scale_max)  # type: ignore[arg-type]
        for i in rated
    ]
    n_rated = len(rated)
    vader = VaderScorer()
    if n_rated < min_rated:
        reason = (
            f"only {n_rated} rated documents; need {min_rated} to learn from ratings, "
            "so VADER is used"
        )
        return SentimentChoice(vader.name, n_rated, None, None, reason), vader
    scarce = [label for label in LABELS if labels.count(label) < min_per_label]
    if scarce:
        counts = ", ".join(f"{labels.count(label)} {label}" for label in scarce)
        reason = (
            f"{n_rated} rated documents but only {counts}; need {min_per_label} of each "
            "label to learn from ratings, so VADER is used"
        )
        return SentimentChoice(vader.name, n_rated, None, None, reason), vader

    rated_texts = [texts[i] for i in rated]
    rated_embeddings = _as_matrix(embeddings)[rated]
    sample = _stratified_sample(labels, max_compared, seed)
    truth = np.asarray(labels)[sample]
    compared_texts = [rated_texts[i] for i in sample.tolist()]
    vader_labels = np.asarray([label_of(c) for c in vader.score(compared_texts).tolist()])
    vader_accuracy = float(np.mean(vader_labels == truth))
    head = head if head is not None else RatingHead()
    proba = out_of_fold_proba(
        head, rated_embeddings[sample], truth.tolist(), texts=compared_texts, folds=folds,
        seed=seed,
    )  # fmt: skip
    # The head is judged on the label the product would store, label_of(score), as
    # VADER is, not on its most probable class.
    head_labels = np.asarray([label_of(c) for c in _score_of(proba).tolist()])
    head_accuracy = float(np.mean(head_labels == truth))
    compared = f"{len(sample)} of the {n_rated}" if len(sample) < n_rated else str(n_rated)
    figures = (
        f"on {compared} rated documents VADER agrees with the star ratings on "
        f"{vader_accuracy:.0%} and a model trained on the ratings on {head_accuracy:.0%} "
        "(cross-validated)"
    )
    if head_accuracy <= vader_accuracy:
        reason = f"{figures}, so VADER is kept"
        return SentimentChoice(vader.name, n_rated, vader_accuracy, head_accuracy, reason), vader
    fitted = clone(head).fit(rated_embeddings, labels, texts=rated_texts)
    reason = f"{figures}, so sentiment is learned from the ratings"
    return SentimentChoice(fitted.name, n_rated, vader_accuracy, head_accuracy, reason), fitted
