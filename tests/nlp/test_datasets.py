"""The demo data generator: shapes, determinism, and the personas it plants.

Quality figures (how well text or behaviour alone recover the personas) are
measured with a plain nearest-centroid classifier on a held-out half and
printed; run with ``-s`` to see them.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from datetime import date, datetime

import numpy as np
import pytest

from nlp.datasets import (
    CUSTOMER_FIELDS,
    DOCUMENT_FIELDS,
    EVENT_FIELDS,
    PERSONAS,
    TEXT_PLUS_BEHAVIOUR_TRIAD,
    TRUTH_FIELDS,
    DemoDataset,
    generate_demo_dataset,
    write_demo_dataset,
)

START, END = date(2025, 1, 1), date(2026, 9, 30)
BEHAVIOUR_COLUMNS = (
    "orders_12m",
    "spend_12m",
    "avg_basket",
    "return_rate",
    "coupon_use_rate",
    "days_since_last_order",
    "app_sessions_30d",
)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NUMBER = re.compile(r"(?<![\w£.])\+?\(?\d[\d ()-]{7,}\d")
NAME = re.compile(
    r"\b(?i:my name is|this is|placed by) [A-Z][a-z]+ [A-Z][a-z]+"
    r"|\b(?:Thanks|Cheers|Regards), [A-Z][a-z]+"
    r"|- [A-Z][a-z]+ [A-Z][a-z]+$"
)
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
POSITIVE_WORDS = frozenset(
    {
        "love", "lovely", "brilliant", "perfect", "impressive", "flawless", "amazing",
        "obsessed", "lifesaver", "delighted", "thrilled", "superb", "exceptional", "immaculate",
    }
)  # fmt: skip
NEGATIVE_WORDS = frozenset(
    {
        "disappointed", "disappointing", "terrible", "nightmare", "rubbish", "useless",
        "misleading", "overpriced", "unacceptable", "damaged", "forever", "avoid", "waste",
        "crashes", "sloppy", "embarrassing",
    }
)  # fmt: skip


@pytest.fixture(scope="module")
def dataset() -> DemoDataset:
    return generate_demo_dataset(n_customers=3000, seed=7)


@pytest.fixture(scope="module")
def persona_of(dataset: DemoDataset) -> dict[str, str]:
    return {row["customer_id"]: row["persona"] for row in dataset.truth}


# --- helpers: a bag-of-words and a nearest-centroid classifier, nothing more ----------------


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def _bag_of_words(texts: list[str]) -> np.ndarray:
    """Rows of L2-normalised tf-idf over words seen in at least five texts."""
    counts = [Counter(_words(t)) for t in texts]
    document_frequency = Counter(w for c in counts for w in c)
    vocabulary = {
        w: i for i, w in enumerate(sorted(w for w, n in document_frequency.items() if n >= 5))
    }
    matrix = np.zeros((len(texts), len(vocabulary)), dtype=np.float32)
    for row, counter in enumerate(counts):
        for word, n in counter.items():
            if word in vocabulary:
                matrix[row, vocabulary[word]] = 1 + math.log(n)
    idf = np.log(len(texts) / np.array([document_frequency[w] for w in vocabulary]))
    matrix *= idf.astype(np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


def _standardised_behaviour(dataset: DemoDataset, customer_ids: list[str]) -> np.ndarray:
    by_id = {row["customer_id"]: row for row in dataset.customers}
    matrix = np.array([[by_id[c][k] for k in BEHAVIOUR_COLUMNS] for c in customer_ids], float)
    matrix = np.log1p(matrix)
    return (matrix - matrix.mean(axis=0)) / matrix.std(axis=0)


def _holdout_predictions(
    features: np.ndarray, labels: np.ndarray, classes: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest-centroid fitted on a random half of ``classes``; (truth, prediction) on the rest."""
    rows = np.flatnonzero(np.isin(labels, classes))
    train = np.random.default_rng(0).random(rows.size) < 0.5
    fit_rows, test_rows = rows[train], rows[~train]
    centroids = np.stack([features[fit_rows[labels[fit_rows] == c]].mean(axis=0) for c in classes])
    distances = ((features[test_rows, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    return labels[test_rows], np.asarray(classes)[distances.argmin(axis=1)]


def _accuracy(features: np.ndarray, labels: np.ndarray, classes: tuple[str, ...]) -> float:
    truth, predicted = _holdout_predictions(features, labels, classes)
    return float((truth == predicted).mean())


def _text_per_customer(dataset: DemoDataset, persona_of: dict[str, str]):
    texts: dict[str, list[str]] = defaultdict(list)
    for doc in dataset.documents:
        texts[doc["customer_id"]].append(doc["text"])
    customer_ids = sorted(texts)
    labels = np.array([persona_of[c] for c in customer_ids])
    return customer_ids, labels, _bag_of_words([" ".join(texts[c]) for c in customer_ids])


def _luhn_valid(digits: str) -> bool:
    total = 0
    for i, d in enumerate(int(c) for c in reversed(digits)):
        total += d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2)
    return total % 10 == 0


# --- determinism -------------------------------------------------------------------------------


def test_same_seed_gives_identical_dataset() -> None:
    first = generate_demo_dataset(n_customers=300, seed=11)
    second = generate_demo_dataset(n_customers=300, seed=11)
    assert first == second


def test_different_seed_gives_different_dataset() -> None:
    first = generate_demo_dataset(n_customers=300, seed=11)
    second = generate_demo_dataset(n_customers=300, seed=12)
    assert first.customers != second.customers
    assert [d["text"] for d in first.documents] != [d["text"] for d in second.documents]
    assert first.events != second.events


# --- shapes ------------------------------------------------------------------------------------


def test_every_row_refers_to_one_of_n_customers(dataset: DemoDataset) -> None:
    ids = [row["customer_id"] for row in dataset.customers]
    assert len(ids) == len(set(ids)) == 3000
    assert all(re.fullmatch(r"CUST-\d{6}", c) for c in ids)
    known = set(ids)
    assert {d["customer_id"] for d in dataset.documents} <= known
    assert {e["customer_id"] for e in dataset.events} <= known
    assert [t["customer_id"] for t in dataset.truth] == ids


def test_rows_carry_exactly_the_documented_columns(dataset: DemoDataset) -> None:
    assert all(tuple(row) == CUSTOMER_FIELDS for row in dataset.customers)
    assert all(tuple(row) == DOCUMENT_FIELDS for row in dataset.documents)
    assert all(tuple(row) == EVENT_FIELDS for row in dataset.events)
    assert all(tuple(row) == TRUTH_FIELDS for row in dataset.truth)


def test_kinds_and_ratings_follow_the_kind(dataset: DemoDataset) -> None:
    by_kind: dict[str, list] = defaultdict(list)
    for doc in dataset.documents:
        by_kind[doc["kind"]].append(doc["rating"])
    assert set(by_kind) == {"review", "survey", "social"}
    assert all(isinstance(r, int) and 1 <= r <= 5 for r in by_kind["review"])
    assert all(r is None for r in by_kind["social"])
    survey = by_kind["survey"]
    assert any(r is None for r in survey)
    assert all(r is None or (isinstance(r, int) and 1 <= r <= 5) for r in survey)
    assert len({r for r in by_kind["review"]}) == 5


def test_timestamps_are_iso_utc_within_the_window() -> None:
    start, end = date(2025, 3, 1), date(2025, 5, 31)
    small = generate_demo_dataset(n_customers=200, seed=3, start=start, end=end)
    for row in [*small.documents, *small.events]:
        assert row["created_at"].endswith("Z")
        moment = datetime.fromisoformat(row["created_at"])
        assert moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0
        assert start <= moment.date() <= end


def test_default_window_is_covered_end_to_end(dataset: DemoDataset) -> None:
    days = {datetime.fromisoformat(e["created_at"]).date() for e in dataset.events}
    assert min(days) == START and max(days) == END


def test_at_least_seven_personas_each_with_three_percent(dataset: DemoDataset) -> None:
    shares = Counter(row["persona"] for row in dataset.truth)
    print(f"\npersona shares: { {k: round(v / 3000, 3) for k, v in sorted(shares.items())} }")
    assert len(PERSONAS) >= 7
    assert set(shares) == {p.key for p in PERSONAS}
    assert min(shares.values()) >= 0.03 * 3000


def test_documents_per_customer_vary_from_none_to_twenty_plus(dataset: DemoDataset) -> None:
    counts = Counter(d["customer_id"] for d in dataset.documents)
    per_customer = np.array([counts.get(row["customer_id"], 0) for row in dataset.customers])
    print(
        f"\ndocuments per customer: none {np.mean(per_customer == 0):.1%}, "
        f"1-8 {np.mean((per_customer >= 1) & (per_customer <= 8)):.1%}, "
        f"20+ {np.mean(per_customer >= 20):.1%}, max {per_customer.max()}"
    )
    assert 0.03 <= np.mean(per_customer == 0) <= 0.15
    assert np.mean((per_customer >= 1) & (per_customer <= 8)) >= 0.8
    assert 0.005 <= np.mean(per_customer >= 20) <= 0.05


def test_events_have_signed_amounts_and_a_few_to_sixty_per_customer(dataset: DemoDataset) -> None:
    for event in dataset.events:
        amount = event["amount"]
        assert round(amount, 2) == amount
        if event["event_type"] == "purchase":
            assert amount > 0
        elif event["event_type"] == "return":
            assert amount < 0
        else:
            assert event["event_type"] in {"coupon_redeemed", "visit"} and amount == 0
    per_customer = Counter(e["customer_id"] for e in dataset.events)
    assert len(per_customer) == 3000
    assert min(per_customer.values()) >= 1
    assert max(per_customer.values()) <= 60


def test_customer_behaviour_summarises_their_events(dataset: DemoDataset) -> None:
    purchases = Counter(e["customer_id"] for e in dataset.events if e["event_type"] == "purchase")
    returns = Counter(e["customer_id"] for e in dataset.events if e["event_type"] == "return")
    for row in dataset.customers:
        assert 0 <= row["return_rate"] <= 1 and 0 <= row["coupon_use_rate"] <= 1
        assert row["return_rate"] == round(
            returns[row["customer_id"]] / purchases[row["customer_id"]], 3
        )
        assert row["orders_12m"] <= purchases[row["customer_id"]]
        assert row["spend_12m"] >= 0 and row["avg_basket"] > 0


def test_sensitive_attributes_lean_by_persona_but_never_decide_it(
    dataset: DemoDataset, persona_of: dict[str, str]
) -> None:
    by_persona: dict[str, list[dict]] = defaultdict(list)
    for row in dataset.customers:
        by_persona[persona_of[row["customer_id"]]].append(row)
    mean_ages = {k: np.mean([r["age"] for r in rows]) for k, rows in by_persona.items()}
    print(f"\nmean age by persona: { {k: round(v) for k, v in sorted(mean_ages.items())} }")
    assert max(mean_ages.values()) - min(mean_ages.values()) >= 10
    for rows in by_persona.values():
        assert len({r["gender"] for r in rows}) >= 3
        assert len({r["region"] for r in rows}) >= 6
        assert all(18 <= r["age"] <= 85 for r in rows)


# --- what the personas say and do ------------------------------------------------------------


def test_the_triad_is_exposed_on_the_personas() -> None:
    a, b, c = ({p.key: p for p in PERSONAS}[k] for k in TEXT_PLUS_BEHAVIOUR_TRIAD)
    assert a.text_twin == b.key and b.text_twin == a.key and a.voice is b.voice
    assert b.behaviour_twin == c.key and c.behaviour_twin == b.key and b.behaviour is c.behaviour
    assert c.voice is not b.voice and a.behaviour is not b.behaviour


def test_text_alone_recovers_distinct_personas_but_merges_the_text_twins(
    dataset: DemoDataset, persona_of: dict[str, str]
) -> None:
    _, labels, features = _text_per_customer(dataset, persona_of)
    keys = tuple(p.key for p in PERSONAS)
    truth, predicted = _holdout_predictions(features, labels, keys)
    recall = {k: float(np.mean(predicted[truth == k] == k)) for k in keys}
    twin_a, twin_b, _ = TEXT_PLUS_BEHAVIOUR_TRIAD
    distinct = {k: v for k, v in recall.items() if k not in (twin_a, twin_b)}
    pair_accuracy = _accuracy(features, labels, (twin_a, twin_b))
    twins_in_pair = np.isin(truth, (twin_a, twin_b))
    twins_stay_in_pair = float(np.mean(np.isin(predicted[twins_in_pair], (twin_a, twin_b))))
    print(f"\ntext recall by persona: { {k: round(v, 3) for k, v in recall.items()} }")
    print(f"text: distinct personas mean recall {np.mean(list(distinct.values())):.3f}")
    print(f"text: {twin_a} vs {twin_b} accuracy {pair_accuracy:.3f} (chance 0.5)")
    print(f"text: twins predicted as one of the pair {twins_stay_in_pair:.3f}")
    assert np.mean(list(distinct.values())) >= 0.85
    assert min(distinct.values()) >= 0.75
    assert pair_accuracy < 0.7
    assert twins_stay_in_pair >= 0.85


def test_behaviour_separates_the_text_twins_but_not_the_behaviour_twins(
    dataset: DemoDataset, persona_of: dict[str, str]
) -> None:
    customer_ids = [row["customer_id"] for row in dataset.customers]
    labels = np.array([persona_of[c] for c in customer_ids])
    features = _standardised_behaviour(dataset, customer_ids)
    a, b, c = TEXT_PLUS_BEHAVIOUR_TRIAD
    a_vs_b, b_vs_c = _accuracy(features, labels, (a, b)), _accuracy(features, labels, (b, c))
    print(f"\nbehaviour: {a} vs {b} accuracy {a_vs_b:.3f}; {b} vs {c} accuracy {b_vs_c:.3f}")
    assert a_vs_b > 0.85
    assert b_vs_c < 0.7


def test_only_text_and_behaviour_together_separate_the_triad(
    dataset: DemoDataset, persona_of: dict[str, str]
) -> None:
    customer_ids, labels, text = _text_per_customer(dataset, persona_of)
    behaviour = _standardised_behaviour(dataset, customer_ids) / math.sqrt(len(BEHAVIOUR_COLUMNS))
    triad = TEXT_PLUS_BEHAVIOUR_TRIAD
    text_only = _accuracy(text, labels, triad)
    behaviour_only = _accuracy(behaviour, labels, triad)
    both = _accuracy(np.hstack([text, behaviour]), labels, triad)
    print(
        f"\ntriad {triad} accuracy (chance 0.33): text {text_only:.3f}, "
        f"behaviour {behaviour_only:.3f}, text+behaviour {both:.3f}"
    )
    assert text_only < 0.8 and behaviour_only < 0.8
    assert both > 0.9


def test_review_ratings_follow_the_sentiment_of_the_text(dataset: DemoDataset) -> None:
    positive, negative = [], []
    for doc in dataset.documents:
        if doc["kind"] != "review":
            continue
        words = set(_words(doc["text"]))
        has_positive, has_negative = bool(words & POSITIVE_WORDS), bool(words & NEGATIVE_WORDS)
        if has_positive != has_negative:
            (positive if has_positive else negative).append(doc["rating"])
    print(
        f"\nmean review rating: positive words {np.mean(positive):.2f} (n={len(positive)}), "
        f"negative words {np.mean(negative):.2f} (n={len(negative)})"
    )
    assert np.mean(positive) - np.mean(negative) >= 1.0
    assert {1, 5} <= set(positive) and {1, 5} <= set(negative)


def test_about_four_percent_of_documents_contain_personal_data(dataset: DemoDataset) -> None:
    texts = [d["text"] for d in dataset.documents]
    emails = [t for t in texts if EMAIL.search(t)]
    numbers = [t for t in texts if NUMBER.search(t)]
    names = [t for t in texts if NAME.search(t)]
    with_pii = {*emails, *numbers, *names}
    share = sum(t in with_pii for t in texts) / len(texts)
    cards = [
        digits
        for t in numbers
        for digits in (re.sub(r"\D", "", m) for m in NUMBER.findall(t))
        if len(digits) in (15, 16)
    ]
    print(
        f"\ndocuments with PII {share:.2%}: emails {len(emails)}, phones/cards {len(numbers)}, "
        f"names {len(names)}, card numbers {len(cards)}"
    )
    assert 0.03 <= share <= 0.05
    assert emails and numbers and names and cards
    assert all(_luhn_valid(digits) for digits in cards)


def test_social_posts_carry_hashtags_emoji_and_mentions(dataset: DemoDataset) -> None:
    posts = [d["text"] for d in dataset.documents if d["kind"] == "social"]
    hashtags = np.mean([bool(re.search(r"#\w", p)) for p in posts])
    mentions = np.mean([bool(re.search(r"(?:^|\s)@\w", p)) for p in posts])
    emoji = np.mean([bool(EMOJI.search(p)) for p in posts])
    any_of_them = np.mean(
        [bool(re.search(r"#\w|(?:^|\s)@\w", p) or EMOJI.search(p)) for p in posts]
    )
    print(
        f"\nsocial posts: hashtags {hashtags:.1%}, @mentions {mentions:.1%}, emoji {emoji:.1%}, "
        f"any {any_of_them:.1%}"
    )
    assert min(hashtags, mentions, emoji) >= 0.2
    assert any_of_them >= 0.85


def test_texts_rarely_repeat_exactly(dataset: DemoDataset) -> None:
    long_texts = [d["text"] for d in dataset.documents if len(d["text"].split()) >= 12]
    assert len(set(long_texts)) / len(long_texts) >= 0.98


# --- files -------------------------------------------------------------------------------------


def test_write_demo_dataset_writes_four_csv_files_that_read_back(tmp_path) -> None:
    small = generate_demo_dataset(n_customers=150, seed=5)
    paths = write_demo_dataset(small, tmp_path / "demo")
    expected = {
        "customers": (CUSTOMER_FIELDS, small.customers),
        "documents": (DOCUMENT_FIELDS, small.documents),
        "events": (EVENT_FIELDS, small.events),
        "truth": (TRUTH_FIELDS, small.truth),
    }
    assert set(paths) == set(expected)
    for name, (fields, rows) in expected.items():
        assert paths[name] == tmp_path / "demo" / f"{name}.csv"
        with paths[name].open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            read_back = list(reader)
        assert tuple(reader.fieldnames or ()) == fields
        assert len(read_back) == len(rows)
    with paths["documents"].open(encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    assert texts == [d["text"] for d in small.documents]
    with paths["truth"].open(encoding="utf-8", newline="") as handle:
        assert len({row["customer_id"] for row in csv.DictReader(handle)}) == 150
