"""Planted personas explained as segments, for checking persona names and pages.

Each dataset (the demo generator and the independently written generators in
``tests/nlp/heldout``) is explained with its planted personas as the
segments, real VADER sentiment, and topics from a TF-IDF + k-means stand-in
for the topic model, so the names are judged without an embedding model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nlp.explain import Explanation, PersonaExplainer

K = 10


@dataclass(frozen=True)
class Explained:
    """One dataset's personas explained, with the planted key of each segment number."""

    name: str
    keys: list[str]
    subjects: dict[str, list[str]]
    explanation: Explanation


def demo(n: int = 1500, seed: int = 7):
    """The demo generator as (customers, documents, truth, persona subject words)."""
    from nlp.datasets import PERSONAS, generate_demo_dataset

    data = generate_demo_dataset(n_customers=n, seed=seed)
    customers = pd.DataFrame(data.customers)
    documents = pd.DataFrame(data.documents)
    truth = pd.Series({r["customer_id"]: r["persona"] for r in data.truth})
    subjects = {p.key: [w.lower() for w in p.name.replace("-", " ").split()] for p in PERSONAS}
    return customers, documents, truth, subjects


def heldout(module: str, n: int = 1500, seed: int = 3):
    """A held-out generator's (customers, documents, truth, persona subject words)."""
    import importlib

    generator = importlib.import_module(f"tests.nlp.heldout.{module}")
    customers, documents, truth = generator.generate(n, seed)
    return customers, documents, truth, generator.PERSONAS


def explain_planted(name: str, customers, documents, truth, subjects) -> Explained:
    """Explain the planted personas of one dataset (segments = personas)."""
    from nlp.sentiment import VaderScorer

    customers = customers.set_index("customer_id")
    numeric = customers.apply(pd.to_numeric, errors="coerce")
    behaviour = numeric[
        [c for c in numeric.columns if c not in ("age",) and numeric[c].notna().any()]
    ]
    keys = sorted(set(truth))
    ids = list(customers.index)
    labels = np.asarray([keys.index(truth[c]) for c in ids])
    texts = documents["text"].astype(str).tolist()
    topics, topic_labels = stand_in_topics(texts)
    sentiment = np.asarray(VaderScorer().score(texts), dtype=float)
    explanation = PersonaExplainer(min_group_size=K).explain(
        customer_ids=ids, labels=labels, behaviour=behaviour,
        doc_customers=documents["customer_id"].astype(str).tolist(), doc_topics=topics,
        doc_sentiment=sentiment, topic_labels=topic_labels, doc_texts=texts,
    )  # fmt: skip
    return Explained(name, keys, subjects, explanation)


def stand_in_topics(texts: list[str], n_topics: int = 20, seed: int = 0):
    """A cheap stand-in for the topic model: k-means over TF-IDF, labelled by top terms."""
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(min_df=3, stop_words="english", max_features=4000)
    vectors = vectoriser.fit_transform(texts)
    kmeans = MiniBatchKMeans(n_topics, random_state=seed, n_init=3).fit(vectors)
    terms = vectoriser.get_feature_names_out()
    labels = {
        t: " · ".join(terms[np.argsort(-kmeans.cluster_centers_[t])[:3]]) for t in range(n_topics)
    }
    return kmeans.labels_, labels
