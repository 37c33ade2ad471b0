"""Customer feature vectors: what customers write and what they do, in one balanced matrix.

:class:`CustomerFeatureBuilder` turns per-document inputs (embeddings, optional
topic assignments and sentiment scores) and a per-customer behaviour table into
one row per customer, ready for :class:`nlp.segment.CustomerSegmenter`. It is
built from up to four *blocks*:

``text``
    The mean of the customer's L2-normalised document embeddings, normalised
    again (so a customer with 300 documents and one with 1 sit on the same
    sphere), centred on the mean customer and optionally reduced by PCA.
``topics``
    The share of the customer's documents in each topic (documents in no topic,
    ``-1``, are left out of the shares), centred.
``sentiment``
    Mean compound sentiment and share of negative documents (compound
    <= -0.05, VADER's convention), each standardised.
``behaviour``
    The numeric columns of the customer table: ``log1p`` for skewed
    non-negative amounts, missing values imputed with the median (plus a 0/1
    "was missing" column when at least ``missing_indicator_share`` of the
    customers lack the value), robust scaling ``(x - median) / IQR``, then
    clipping to ``[-clip, clip]`` so that one extreme customer cannot stretch
    a whole axis. Constant columns are dropped.

Customers without documents ("silent" customers) have no text, topic or
sentiment profile. With ``missing_text="nearest"`` (the default, used when
there is a behaviour block) each borrows the text, topic and sentiment rows of
a customer *with* documents who behaves like them (hot-deck imputation: of the
``donor_neighbors`` nearest in the prepared behaviour block, the most typical
one), so they are segmented by what they do and land in the segment whose
writers behave like them. ``imputed_text_`` marks them: their segment rests on
behaviour alone and is less certain. With ``missing_text="neutral"`` (and
always without a behaviour block) they get the centre of those blocks (zeros).
Neutral rows are identical in the text blocks, so together they form their own
"silent" segment; a mean over several behaviour neighbours would instead put
them between segments and bridge them. A real donor's rows do neither.

Block balance: after its own preparation each block is scaled to unit total
variance (the sum of its columns' variances over the fitted customers) and
then multiplied by ``sqrt(weight)``, so the block's total variance equals its
weight. Squared Euclidean distances between customers are sums over columns,
so on average each block contributes to them in proportion to its weight,
whatever its number of columns (384 embedding dimensions against seven
behaviour columns count equally at equal weights). A weight of 0 leaves the
block out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nlp.segment import InsufficientDataError

__all__ = ["BLOCKS", "CustomerFeatureBuilder", "FeatureWeights", "NothingToSegmentError"]

BLOCKS: tuple[str, ...] = ("text", "topics", "sentiment", "behaviour")
"""Block names, in the order their columns appear in the feature matrix."""

NEGATIVE_COMPOUND = -0.05
"""A document at or below this compound score counts as negative (VADER's convention)."""

_TEXT_BLOCKS = ("text", "topics", "sentiment")
_SKEW_THRESHOLD = 1.0  # |skewness| above 1 is the textbook "highly skewed"


class NothingToSegmentError(InsufficientDataError):
    """The inputs cannot tell any customer from another; the message says why, for users.

    An :class:`~nlp.segment.InsufficientDataError` (so a ``ValueError``): a run
    reports it to the user as it is, like too few customers, not as a crash.
    """


@dataclass(frozen=True)
class FeatureWeights:
    """How much each block counts: a block's total variance equals its weight.

    Defaults give what customers write and what they do equal say. Topic
    shares summarise the same texts as the embedding, so by default they add
    a little rather than double the text's weight. Sentiment is off by
    default: mood varies from one document to the next far more than from one
    kind of customer to another, so two mood numbers mostly add noise to
    *who* a customer is; it is reported per segment instead (raise the weight
    to form segments of, say, complainers). Topic and sentiment weights only
    count when their inputs are given.
    """

    text: float = 1.0
    topics: float = 0.25
    sentiment: float = 0.0
    behaviour: float = 1.0

    def __post_init__(self) -> None:
        for name in BLOCKS:
            value = getattr(self, name)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"weight {name!r} must be a non-negative number, got {value!r}")

    def of(self, block: str) -> float:
        """The weight of one block by name."""
        return float(getattr(self, block))


@dataclass(frozen=True)
class _BehaviourColumn:
    """How one behaviour column is prepared, learned at fit."""

    name: str
    log: bool
    median: float  # of the (logged) values, used for imputation and centring
    scale: float
    indicator: bool


class CustomerFeatureBuilder:
    """Build one balanced feature row per customer from documents and behaviour.

    Parameters
    ----------
    weights:
        Relative weight of each block (see :class:`FeatureWeights`).
    text_components:
        Reduce the text block to this many principal components (``None``
        keeps all embedding dimensions). PCA keeps the directions customers
        differ along and drops the rest, which is mostly noise of the
        individual documents.
    log_skewed:
        Apply ``log1p`` to non-negative behaviour columns whose skewness
        exceeds 1 when that makes them less skewed (a rule on the values, not
        on column names).
    clip:
        Clip robust-scaled behaviour values to ``[-clip, clip]`` (``None``: no
        clipping).
    missing_indicator_share:
        Add a 0/1 "missing" column for a behaviour column when at least this
        share of the customers lack it (rarer gaps are just imputed: a column
        marking a handful of customers would only create a spurious group).
    missing_text:
        ``"nearest"``: customers without documents borrow the text-derived
        rows of their nearest neighbour by behaviour among customers with
        documents; ``"neutral"``: they get zeros (see the module docstring).
    donor_neighbors:
        With ``"nearest"``: how many behaviour neighbours are candidate
        donors; the one most typical of them (closest to their mean text row)
        is chosen, so one odd neighbour does not decide a silent customer's
        voice.
    seed:
        Seed of the randomised PCA solver.

    Fitted attributes
    -----------------
    feature_names_: list of column names of the output matrix.
    blocks_: block name -> ``slice`` of the output columns it occupies (only blocks in use).
    block_scales_: block name -> factor applied to the prepared block.
    behaviour_columns_: the prepared behaviour columns (log, median, scale, indicator).
    dropped_columns_: behaviour columns dropped because they are constant.
    text_mean_, text_pca_: centre and optional PCA of the text block.
    topic_mean_, n_topics_: centre and width of the topic block.
    sentiment_mean_, sentiment_std_: standardisation of the sentiment block.
    n_features_out_: number of output columns.
    imputed_text_: per fitted customer, True when its text-derived rows were borrowed.
    donor_behaviour_, donor_text_: prepared rows of the customers with documents,
        kept to impute silent customers in :meth:`transform` (``None`` when unused).
    """

    def __init__(
        self,
        *,
        weights: FeatureWeights = FeatureWeights(),  # noqa: B008 - frozen, so safe as default
        text_components: int | None = None,
        log_skewed: bool = True,
        clip: float | None = 5.0,
        missing_indicator_share: float = 0.05,
        missing_text: str = "nearest",
        donor_neighbors: int = 10,
        seed: int = 0,
    ) -> None:
        self.weights = weights
        self.text_components = text_components
        self.log_skewed = log_skewed
        self.clip = clip
        self.missing_indicator_share = missing_indicator_share
        self.missing_text = missing_text
        self.donor_neighbors = donor_neighbors
        self.seed = seed

    # --- public API ------------------------------------------------------------------------

    def fit(
        self,
        customer_ids: Sequence[str],
        *,
        behaviour: pd.DataFrame | None,
        doc_customer_ids: Sequence[str] | None,
        doc_embeddings: np.ndarray | None,
        doc_topics: np.ndarray | None = None,
        n_topics: int | None = None,
        doc_sentiment: np.ndarray | None = None,
    ) -> CustomerFeatureBuilder:
        """Learn scalers and block scales from these customers; return ``self``."""
        self.fit_transform(
            customer_ids,
            behaviour=behaviour,
            doc_customer_ids=doc_customer_ids,
            doc_embeddings=doc_embeddings,
            doc_topics=doc_topics,
            n_topics=n_topics,
            doc_sentiment=doc_sentiment,
        )
        return self

    def fit_transform(
        self,
        customer_ids: Sequence[str],
        *,
        behaviour: pd.DataFrame | None,
        doc_customer_ids: Sequence[str] | None,
        doc_embeddings: np.ndarray | None,
        doc_topics: np.ndarray | None = None,
        n_topics: int | None = None,
        doc_sentiment: np.ndarray | None = None,
    ) -> np.ndarray:
        """Learn the preparation of every block and return the feature matrix.

        ``behaviour`` is indexed by customer id and holds numeric columns only
        (the caller leaves sensitive attributes out); customers missing from it
        are imputed. ``doc_customer_ids`` names the customer of each row of
        ``doc_embeddings`` (and of ``doc_topics``/``doc_sentiment``); documents
        of customers not in ``customer_ids`` are ignored. ``doc_topics`` is a
        topic id per document (``-1`` for none; ``n_topics`` defaults to the
        largest id + 1) or a documents x topics probability matrix.
        ``doc_sentiment`` is a compound score in [-1, 1] per document.
        Raises :class:`NothingToSegmentError` when no block has inputs, or every
        block is the same for all customers.
        """
        self._check_params()
        ids = _customer_index(customer_ids)
        raw, doc_counts = self._raw_blocks(
            ids, behaviour, doc_customer_ids, doc_embeddings, doc_topics, n_topics, doc_sentiment
        )
        if not raw:
            raise NothingToSegmentError(
                f"There is nothing to build customer features from: the {ids.size} customers "
                "have no documents and no numeric behaviour columns (or those weights are 0). "
                "Import documents, or a customers file with numeric columns."
            )
        prepared: dict[str, tuple[np.ndarray, list[str]]] = {}
        self.dropped_columns_: list[str] = []
        self.behaviour_columns_: list[_BehaviourColumn] = []
        for block, values in raw.items():
            matrix, names = getattr(self, f"_fit_{block}")(values)
            if matrix.shape[1] > 0:
                prepared[block] = (matrix, names)
        self._fit_donors(prepared, doc_counts)
        self.imputed_text_ = self._impute_silent(prepared, doc_counts)
        self.block_scales_: dict[str, float] = {}
        for block, (matrix, _) in list(prepared.items()):
            total = float(matrix.var(axis=0).sum())
            if total <= 1e-12:  # every customer alike in this block: it cannot separate anyone
                del prepared[block]
                continue
            self.block_scales_[block] = float(np.sqrt(self.weights.of(block) / total))
        if not prepared:
            raise NothingToSegmentError(
                f"Nothing tells these customers apart: all {ids.size} have the same documents "
                "and the same behaviour values, so any segments would be invented. Import "
                "documents or behaviour columns that differ between customers."
            )
        return self._assemble(prepared, learn=True)

    def transform(
        self,
        customer_ids: Sequence[str],
        *,
        behaviour: pd.DataFrame | None,
        doc_customer_ids: Sequence[str] | None,
        doc_embeddings: np.ndarray | None,
        doc_topics: np.ndarray | None = None,
        n_topics: int | None = None,
        doc_sentiment: np.ndarray | None = None,
    ) -> np.ndarray:
        """Feature rows for (new) customers, prepared exactly as at fit."""
        if not hasattr(self, "blocks_"):
            raise RuntimeError("CustomerFeatureBuilder is not fitted: call fit_transform first")
        ids = _customer_index(customer_ids)
        if n_topics is None and "topics" in self.blocks_:
            n_topics = self.n_topics_
        raw, doc_counts = self._raw_blocks(
            ids, behaviour, doc_customer_ids, doc_embeddings, doc_topics, n_topics, doc_sentiment
        )
        prepared: dict[str, tuple[np.ndarray, list[str]]] = {}
        for block in self.blocks_:
            if block not in raw:
                raise ValueError(f"the features were fitted with {block} inputs: give them too")
            prepared[block] = (getattr(self, f"_apply_{block}")(raw[block]), [])
        self._impute_silent(prepared, doc_counts)
        return self._assemble(prepared, learn=False)

    # --- raw per-customer blocks -----------------------------------------------------------

    def _check_params(self) -> None:
        if not isinstance(self.weights, FeatureWeights):
            raise TypeError("weights must be a FeatureWeights")
        if self.text_components is not None and self.text_components < 1:
            raise ValueError(f"text_components must be at least 1, got {self.text_components}")
        if self.clip is not None and self.clip <= 0:
            raise ValueError(f"clip must be positive, got {self.clip}")
        if self.donor_neighbors < 1:
            raise ValueError(f"donor_neighbors must be at least 1, got {self.donor_neighbors}")
        if self.missing_text not in ("nearest", "neutral"):
            raise ValueError(
                f"missing_text must be 'nearest' or 'neutral', got {self.missing_text!r}"
            )

    def _raw_blocks(
        self,
        ids: pd.Index,
        behaviour: pd.DataFrame | None,
        doc_customer_ids: Sequence[str] | None,
        doc_embeddings: np.ndarray | None,
        doc_topics: np.ndarray | None,
        n_topics: int | None,
        doc_sentiment: np.ndarray | None,
    ) -> tuple[dict[str, Any], np.ndarray]:
        """Per-customer raw values of each block that has inputs and weight; documents each."""
        owner = _document_owners(ids, doc_customer_ids)
        doc_counts = np.bincount(owner[owner >= 0], minlength=ids.size)
        raw: dict[str, Any] = {}
        if self.weights.text > 0 and doc_embeddings is not None:
            raw["text"] = _mean_embeddings(ids.size, owner, _as_docs(doc_embeddings, owner, 2))
        if self.weights.topics > 0 and doc_topics is not None:
            raw["topics"] = _topic_shares(ids.size, owner, _as_docs(doc_topics, owner), n_topics)
        if self.weights.sentiment > 0 and doc_sentiment is not None:
            raw["sentiment"] = _sentiment_profile(
                ids.size, owner, _as_docs(doc_sentiment, owner, 1)
            )
        if self.weights.behaviour > 0 and behaviour is not None:
            raw["behaviour"] = _behaviour_frame(ids, behaviour)
        return raw, doc_counts

    # --- fit and apply, block by block -----------------------------------------------------

    def _fit_text(self, raw: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, list[str]]:
        vectors, has_docs = raw
        if not has_docs.any():
            return np.zeros((vectors.shape[0], 0)), []
        self.text_mean_ = vectors[has_docs].mean(axis=0)
        self.text_pca_ = None
        n_with_docs, dim = int(has_docs.sum()), vectors.shape[1]
        if self.text_components is not None and self.text_components < min(n_with_docs, dim):
            from sklearn.decomposition import PCA

            self.text_pca_ = PCA(n_components=self.text_components, random_state=self.seed)
            self.text_pca_.fit(vectors[has_docs] - self.text_mean_)
        names = (
            [f"text_pc{i + 1}" for i in range(self.text_components)]
            if self.text_pca_ is not None
            else [f"text_{i}" for i in range(dim)]
        )
        return self._apply_text(raw), names

    def _apply_text(self, raw: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        vectors, has_docs = raw
        out = vectors - self.text_mean_
        if self.text_pca_ is not None:
            out = self.text_pca_.transform(out)
        out[~has_docs] = 0.0
        return out

    def _fit_topics(self, raw: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, list[str]]:
        shares, has_topics = raw
        self.n_topics_ = shares.shape[1]
        if not has_topics.any():
            return np.zeros((shares.shape[0], 0)), []
        self.topic_mean_ = shares[has_topics].mean(axis=0)
        return self._apply_topics(raw), [f"topic_{t}" for t in range(self.n_topics_)]

    def _apply_topics(self, raw: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        shares, has_topics = raw
        if shares.shape[1] != self.n_topics_:
            raise ValueError(f"expected {self.n_topics_} topics, got {shares.shape[1]}")
        out = shares - self.topic_mean_
        out[~has_topics] = 0.0
        return out

    def _fit_sentiment(self, raw: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, list[str]]:
        profile, has_docs = raw
        if not has_docs.any():
            return np.zeros((profile.shape[0], 0)), []
        self.sentiment_mean_ = profile[has_docs].mean(axis=0)
        std = profile[has_docs].std(axis=0)
        self.sentiment_std_ = np.where(std > 1e-12, std, 1.0)
        return self._apply_sentiment(raw), ["sentiment_mean", "sentiment_negative_share"]

    def _apply_sentiment(self, raw: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        profile, has_docs = raw
        out = (profile - self.sentiment_mean_) / self.sentiment_std_
        out[~has_docs] = 0.0
        return out

    def _fit_behaviour(self, frame: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
        for name in frame.columns:
            column = _fit_behaviour_column(
                str(name),
                frame[name].to_numpy(dtype=float),
                log_skewed=self.log_skewed,
                indicator_share=self.missing_indicator_share,
            )
            if column is None:
                self.dropped_columns_.append(str(name))
            else:
                self.behaviour_columns_.append(column)
        names: list[str] = []
        for column in self.behaviour_columns_:
            names.append(column.name)
            if column.indicator:
                names.append(f"{column.name}_missing")
        return self._apply_behaviour(frame), names

    def _apply_behaviour(self, frame: pd.DataFrame) -> np.ndarray:
        missing = [c.name for c in self.behaviour_columns_ if c.name not in frame.columns]
        if missing:
            raise ValueError(f"behaviour lacks the fitted column(s) {', '.join(missing)}")
        parts: list[np.ndarray] = []
        for column in self.behaviour_columns_:
            values = frame[column.name].to_numpy(dtype=float)
            absent = np.isnan(values)
            if column.log:
                values = np.log1p(np.clip(values, 0.0, None))
            scaled = (np.where(absent, column.median, values) - column.median) / column.scale
            if self.clip is not None:
                scaled = np.clip(scaled, -self.clip, self.clip)
            parts.append(scaled)
            if column.indicator:
                parts.append(absent.astype(float))
        return np.column_stack(parts) if parts else np.zeros((len(frame), 0))

    # --- silent customers ------------------------------------------------------------------

    def _fit_donors(
        self, prepared: dict[str, tuple[np.ndarray, list[str]]], doc_counts: np.ndarray
    ) -> None:
        """Keep the customers with documents as donors for silent ones, when imputing."""
        self.donor_behaviour_: np.ndarray | None = None
        self.donor_text_: dict[str, np.ndarray] | None = None
        voiced = doc_counts > 0
        text_blocks = [b for b in _TEXT_BLOCKS if b in prepared]
        if (
            self.missing_text != "nearest"
            or "behaviour" not in prepared
            or not text_blocks
            or not voiced.any()
        ):
            return
        self.donor_behaviour_ = prepared["behaviour"][0][voiced].copy()
        self.donor_text_ = {b: prepared[b][0][voiced].copy() for b in text_blocks}

    def _impute_silent(
        self, prepared: dict[str, tuple[np.ndarray, list[str]]], doc_counts: np.ndarray
    ) -> np.ndarray:
        """Copy the text-derived rows of each silent customer's behaviour twin, in place."""
        silent = doc_counts == 0
        if self.donor_behaviour_ is None or self.donor_text_ is None or not silent.any():
            return np.zeros(doc_counts.size, dtype=bool)
        from sklearn.neighbors import NearestNeighbors

        k = min(self.donor_neighbors, self.donor_behaviour_.shape[0])
        finder = NearestNeighbors(n_neighbors=k).fit(self.donor_behaviour_)
        _, candidates = finder.kneighbors(prepared["behaviour"][0][silent])
        donor = _medoids(candidates, self._donor_profiles())
        for block, rows in self.donor_text_.items():
            if block in prepared:
                prepared[block][0][silent] = rows[donor]
        return silent

    def _donor_profiles(self) -> np.ndarray:
        """The donors' text-derived rows, blocks balanced by weight as in the output."""
        assert self.donor_text_ is not None
        parts = []
        for block, rows in self.donor_text_.items():
            total = float(rows.var(axis=0).sum())
            if total > 1e-12:
                parts.append(rows * np.sqrt(self.weights.of(block) / total))
        return np.hstack(parts) if parts else np.zeros((self.donor_behaviour_.shape[0], 1))

    # --- assembly --------------------------------------------------------------------------

    def _assemble(
        self, prepared: dict[str, tuple[np.ndarray, list[str]]], *, learn: bool
    ) -> np.ndarray:
        """Concatenate the scaled blocks in `BLOCKS` order; at fit, record names and slices."""
        parts: list[np.ndarray] = []
        names: list[str] = []
        blocks: dict[str, slice] = {}
        start = 0
        for block in BLOCKS:
            if block not in prepared or block not in self.block_scales_:
                continue
            matrix, block_names = prepared[block]
            parts.append(matrix * self.block_scales_[block])
            names.extend(block_names)
            blocks[block] = slice(start, start + matrix.shape[1])
            start += matrix.shape[1]
        if learn:
            self.feature_names_ = names
            self.blocks_ = blocks
            self.n_features_out_ = start
        return np.ascontiguousarray(np.column_stack(parts), dtype=np.float64)


# --- helpers on raw inputs ---------------------------------------------------------------------


def _medoids(candidates: np.ndarray, profiles: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """Per row of candidate donors, the one closest to their mean (the medoid in squared L2)."""
    picks = np.empty(candidates.shape[0], dtype=np.int64)
    for start in range(0, candidates.shape[0], chunk):
        rows = candidates[start : start + chunk]
        stacked = profiles[rows]  # rows x k x features
        spread = ((stacked - stacked.mean(axis=1, keepdims=True)) ** 2).sum(axis=2)
        picks[start : start + chunk] = rows[np.arange(rows.shape[0]), spread.argmin(axis=1)]
    return picks


def _customer_index(customer_ids: Sequence[str]) -> pd.Index:
    ids = pd.Index([str(c) for c in customer_ids])
    if ids.size == 0:
        raise ValueError("no customers given")
    if ids.has_duplicates:
        raise ValueError(f"customer ids must be unique; {ids[ids.duplicated()][0]!r} repeats")
    return ids


def _document_owners(ids: pd.Index, doc_customer_ids: Sequence[str] | None) -> np.ndarray:
    """Row in ``ids`` of each document's customer, -1 for customers not being featurised."""
    if doc_customer_ids is None:
        return np.zeros(0, dtype=np.int64)
    return ids.get_indexer([str(c) for c in doc_customer_ids]).astype(np.int64)


def _as_docs(values: np.ndarray, owner: np.ndarray, ndim: int | None = None) -> np.ndarray:
    array = np.asarray(values)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"expected a {ndim}-d per-document array, got shape {array.shape}")
    if array.shape[0] != owner.size:
        raise ValueError(
            f"{array.shape[0]} per-document rows but {owner.size} document customer ids"
        )
    return array


def _sum_by_customer(n: int, owner: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sum of document rows per customer; documents of unknown customers are ignored."""
    keep = owner >= 0
    out = np.zeros((n,) + values.shape[1:], dtype=np.float64)
    np.add.at(out, owner[keep], values[keep])
    return out


def _mean_embeddings(n: int, owner: np.ndarray, embeddings: np.ndarray) -> tuple:
    docs = np.asarray(embeddings, dtype=np.float64)
    docs = docs / np.maximum(np.linalg.norm(docs, axis=1, keepdims=True), 1e-12)
    total = _sum_by_customer(n, owner, docs)
    norms = np.linalg.norm(total, axis=1, keepdims=True)
    has_docs = norms[:, 0] > 1e-12
    return np.where(has_docs[:, None], total / np.maximum(norms, 1e-12), 0.0), has_docs


def _topic_shares(n: int, owner: np.ndarray, topics: np.ndarray, n_topics: int | None) -> tuple:
    if topics.ndim == 2:
        weights = np.nan_to_num(np.asarray(topics, dtype=np.float64))
    else:
        ids = np.asarray(topics, dtype=np.int64)
        width = int(n_topics) if n_topics is not None else int(max(ids.max(initial=-1), -1)) + 1
        if ids.size and ids.max(initial=-1) >= width:
            raise ValueError(f"topic id {ids.max()} is not below n_topics={width}")
        weights = np.zeros((ids.size, width))
        assigned = ids >= 0
        weights[np.flatnonzero(assigned), ids[assigned]] = 1.0
    total = _sum_by_customer(n, owner, weights)
    mass = total.sum(axis=1, keepdims=True)
    has_topics = mass[:, 0] > 1e-12
    return np.where(has_topics[:, None], total / np.maximum(mass, 1e-12), 0.0), has_topics


def _sentiment_profile(n: int, owner: np.ndarray, compound: np.ndarray) -> tuple:
    scores = np.asarray(compound, dtype=np.float64)
    valid = ~np.isnan(scores)
    stacked = np.column_stack(
        [np.where(valid, scores, 0.0), (scores <= NEGATIVE_COMPOUND) & valid, valid]
    ).astype(np.float64)
    sums = _sum_by_customer(n, owner, stacked)
    counts = sums[:, 2]
    has_docs = counts > 0
    profile = sums[:, :2] / np.maximum(counts, 1.0)[:, None]
    return profile, has_docs


def _behaviour_frame(ids: pd.Index, behaviour: pd.DataFrame) -> pd.DataFrame:
    frame = behaviour.copy()
    frame.index = frame.index.map(str)
    if frame.index.has_duplicates:
        raise ValueError("behaviour has more than one row for a customer")
    bad = [str(c) for c in frame.columns if not _is_numeric(frame[c])]
    if bad:
        raise ValueError(
            f"behaviour columns must be numeric; {', '.join(bad)} are not "
            "(leave categorical and sensitive attributes out of the features)"
        )
    return frame.reindex(ids).astype(float)


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def _fit_behaviour_column(
    name: str, values: np.ndarray, *, log_skewed: bool, indicator_share: float
) -> _BehaviourColumn | None:
    """Learn one column's preparation, or ``None`` when it is constant (nothing to learn)."""
    present = values[~np.isnan(values)]
    if present.size == 0 or np.ptp(present) <= 0:
        return None
    log = log_skewed and _should_log(present)
    if log:
        present = np.log1p(present)
    median = float(np.median(present))
    q25, q75 = np.percentile(present, [25, 75])
    scale = float(q75 - q25)
    if scale <= 1e-12:  # mostly one value (e.g. mostly zeros): fall back to a normal-equivalent IQR
        scale = float(1.349 * present.std())
    missing_share = 1.0 - present.size / values.size
    return _BehaviourColumn(
        name=name,
        log=log,
        median=median,
        scale=scale,
        indicator=missing_share >= indicator_share and missing_share > 0,
    )


def _should_log(values: np.ndarray) -> bool:
    """Log skewed non-negative amounts when that actually reduces their skew."""
    if values.min() < 0:
        return False
    skew = _skewness(values)
    return skew > _SKEW_THRESHOLD and abs(_skewness(np.log1p(values))) < abs(skew)


def _skewness(values: np.ndarray) -> float:
    std = values.std()
    if std <= 1e-12:
        return 0.0
    return float(np.mean(((values - values.mean()) / std) ** 3))
