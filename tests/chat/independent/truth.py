"""What a run's stored data says, read straight from the models: the truth the judge compares with.

Nothing here calls the chat or its tools. A `RunData` holds, for one finished
run, every customer of the run (segment, behaviour values, sensitive values),
every document of the run (text, date, sentiment, topic, writer's segment) and
the reportable segments (k members or more) and topics, so that each expected
answer of a bank is a few lines of pandas over it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from segapp.models import DocumentResult, Membership, Segment, SegmentationRun, Topic
from segapp.selectors.anonymity import is_small, min_group_size


@dataclass(frozen=True)
class SegmentRow:
    """One reportable segment: number, name, members and share of the run."""

    number: int
    name: str
    size: int
    share: float
    stored_share: float


@dataclass
class RunData:
    """One run's customers, documents, reportable segments and topics."""

    run: SegmentationRun
    k: int
    customers: pd.DataFrame  # index pseudonym; "segment" (NaN: none), behaviour, "sens:<name>"
    documents: pd.DataFrame  # document, customer, text, created, sentiment, label, topic, segment
    segments: list[SegmentRow]
    topics: dict[int, str]  # number -> label
    columns: list[str]  # behaviour columns
    labels: dict[str, str] = field(default_factory=dict)  # column -> label the run gave it

    @property
    def names(self) -> dict[int, str]:
        """Reportable segment number -> name."""
        return {s.number: s.name for s in self.segments}

    def segment(self, number: int) -> SegmentRow:
        """The reportable segment numbered `number`."""
        return next(s for s in self.segments if s.number == number)

    def members(self, number: int | None = None) -> pd.DataFrame:
        """Customers of one segment, or every customer of the run."""
        if number is None:
            return self.customers
        return self.customers[self.customers["segment"] == number]

    def reportable(self) -> pd.DataFrame:
        """Customers of the run outside segments below k (outliers included)."""
        small = set(self.customers["segment"].dropna()) - set(self.names)
        return self.customers[~self.customers["segment"].isin(small)]

    def equivalents(self, column: str) -> list[str]:
        """The column and those holding the same figures under another name (correlation 0.98
        or more over the customers: "Average basket" and "Average order value")."""
        if column not in self.customers:
            return [column]
        values = self.customers[self.columns].astype(float)
        found = values.corrwith(values[column]).fillna(0.0)
        return [column, *(c for c in self.columns if c != column and found[c] >= 0.98)]

    def segment_documents(self, number: int | None = None) -> pd.DataFrame:
        """Documents written by one segment's members (or every document of the run)."""
        if number is None:
            return self.documents
        return self.documents[self.documents["segment"] == number]


def read_run_data(run: SegmentationRun) -> RunData:
    """Read a finished run's customers, documents, segments and topics from the models."""
    k = min_group_size()
    stored = list(Segment.objects.filter(run=run).order_by("number"))
    rows = []
    for m in Membership.objects.filter(run=run).select_related("customer", "segment"):
        customer = m.customer
        row = {"pseudonym": customer.pseudonym,
               "segment": m.segment.number if m.segment_id else np.nan}  # fmt: skip
        row.update({key: _number(v) for key, v in customer.features.items()})
        row.update({f"sens:{key}": v for key, v in (customer.sensitive or {}).items()})
        rows.append(row)
    customers = pd.DataFrame(rows).set_index("pseudonym")
    total = len(customers)
    counts = customers["segment"].value_counts()
    segments = [
        SegmentRow(
            s.number,
            s.name,
            int(counts.get(s.number, 0)),
            int(counts.get(s.number, 0)) / max(1, total),
            float(s.share),
        )  # fmt: skip
        for s in stored
        if not is_small(s, k)
    ]
    features = (run.explain_context or {}).get("features") or {}
    columns = [c for c, info in features.items() if info.get("kind") == "behaviour"]
    columns += [c for c in customers.columns if c not in columns and not _special(c)]
    labels = {c: str((features.get(c) or {}).get("label") or c) for c in columns}
    return RunData(
        run=run,
        k=k,
        customers=customers,
        documents=_documents(run, customers),
        segments=segments,
        topics=dict(Topic.objects.filter(run=run).values_list("number", "label")),
        columns=columns,
        labels=labels,
    )


def _special(column: str) -> bool:
    return column == "segment" or column.startswith("sens:")


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return np.nan


def _documents(run: SegmentationRun, customers: pd.DataFrame) -> pd.DataFrame:
    found = DocumentResult.objects.filter(run=run).values_list(
        "document_id", "document__customer__pseudonym", "document__text",
        "document__created_at", "sentiment", "sentiment_label", "topic",
    )  # fmt: skip
    frame = pd.DataFrame(
        list(found),
        columns=["document", "customer", "text", "created", "sentiment", "label", "topic"],
    )
    frame["segment"] = frame["customer"].map(customers["segment"])
    frame["created"] = pd.to_datetime(frame["created"], utc=True)
    return frame


# --- subjects: documents that mention some words ---------------------------------------------


def mentions(texts: pd.Series, words: list[str]) -> pd.Series:
    """Whether each text mentions any of `words` (a word's own forms: "courier" finds
    "couriers"; several words must come in order: "discount code")."""
    parts = [r"\b" + r"\W+".join(re.escape(w) for w in word.lower().split()) for word in words]
    pattern = re.compile("|".join(parts)) if parts else None
    if pattern is None:
        return pd.Series(False, index=texts.index)
    return texts.str.lower().map(lambda t: bool(pattern.search(t or "")))


def about(documents: pd.DataFrame, words: list[str] | None) -> pd.DataFrame:
    """The documents on a subject (all of them when no words are given)."""
    if not words:
        return documents
    return documents[mentions(documents["text"], words)]


# --- per-segment figures ---------------------------------------------------------------------


def segment_values(data: RunData, measure: str, words: list[str] | None = None) -> dict[int, float]:
    """Each reportable segment's value of `measure`: a behaviour column's mean, `size`,
    `sentiment` (mean of its members' texts) or `negative_share` (share of them negative);
    on a subject, only the texts mentioning `words`, and only segments with k writers."""
    out: dict[int, float] = {}
    for segment in data.segments:
        if measure == "size":
            out[segment.number] = float(segment.size)
            continue
        if measure in ("sentiment", "negative_share"):
            docs = about(data.segment_documents(segment.number), words)
            if docs.empty or (words and docs["customer"].nunique() < data.k):
                continue
            out[segment.number] = (
                float(docs["sentiment"].mean())
                if measure == "sentiment"
                else float((docs["label"] == "negative").mean())
            )
            continue
        values = data.members(segment.number).get(measure)
        if values is not None and values.notna().any():
            out[segment.number] = float(values.mean())
    return out


def column_stat(values: pd.Series, stat: str = "mean") -> float | None:
    """A column's mean or median over the customers given (None when it holds no number)."""
    values = values.dropna()
    if values.empty:
        return None
    return float(values.median() if stat == "median" else values.mean())


def matching(frame: pd.DataFrame, filters: list[dict]) -> pd.Series:
    """Which customers meet every filter {"column", "op", "value"}."""
    ops = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal,
           "=": np.isclose, "==": np.isclose}  # fmt: skip
    keep = pd.Series(True, index=frame.index)
    for f in filters:
        values = frame.get(f["column"], frame.get(f"sens:{f['column']}"))
        if values is None:
            return pd.Series(False, index=frame.index)
        values = pd.to_numeric(values, errors="coerce")
        keep &= ops[f.get("op", ">")](values, float(f["value"])) & values.notna()
    return keep


# --- time ------------------------------------------------------------------------------------


def monthly(documents: pd.DataFrame, months: int | None) -> tuple[list[str], pd.DataFrame]:
    """The calendar months asked about (the last `months` months of the data, or all) and the
    documents written in them, each with its month."""
    dated = documents.dropna(subset=["created"]).copy()
    dated["month"] = dated["created"].dt.strftime("%Y-%m")
    if dated.empty:
        return [], dated
    span = pd.period_range(dated["created"].min().strftime("%Y-%m"),
                           dated["created"].max().strftime("%Y-%m"), freq="M")  # fmt: skip
    every = [str(p) for p in span]
    chosen = every[-months:] if months else every
    return chosen, dated[dated["month"].isin(chosen)]


def halves(chosen: list[str]) -> tuple[list[str], list[str]]:
    """The earlier and the later half of a list of months (the middle month in neither)."""
    half = len(chosen) // 2
    return chosen[:half], chosen[len(chosen) - half :]
