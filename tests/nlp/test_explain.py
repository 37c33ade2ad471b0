"""Personas: traits, topics by lift, rules, quotes, names and "why this customer".

Fast tests build synthetic customers whose segments differ in known ways and
check every figure against a direct computation. One test explains the planted
personas of the demo generator (with a TF-IDF + k-means stand-in for the topic
model, so no embedding model is needed) and prints how often a segment's best
rule is precise; run with ``-s`` to see the figures.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from nlp.explain import (
    PersonaExplainer,
    explain_customer,
    humanise,
    interpretable_features,
)

K = 10
SEGMENT_SIZE = 120


def _synthetic(seed: int = 0, *, small: int = 6, outliers: int = 30, docs_per_customer: int = 4):
    """Three segments (big spenders on topic 0, coupon users on topic 1, mixed), a small one."""
    rng = np.random.default_rng(seed)
    labels = np.repeat([0, 1, 2], SEGMENT_SIZE)
    labels = np.concatenate([labels, np.full(small, 3), np.full(outliers, -1)])
    n = len(labels)
    ids = [f"c{i:04d}" for i in range(n)]
    behaviour = pd.DataFrame(
        {
            "spend_12m": rng.normal(300, 60, n) + np.where(labels == 0, 400, 0),
            "coupon_use_rate": np.clip(
                rng.normal(0.2, 0.08, n) + np.where(labels == 1, 0.4, 0), 0, 1
            ),
            "loyalty_points": rng.normal(50, 10, n),
        },
        index=ids,
    )
    behaviour.iloc[5, 2] = np.nan
    favourite = {0: 0, 1: 1, 2: 2, 3: 3, -1: 3}
    words = {0: "packaging refill", 1: "coupon discount code", 2: "delivery courier",
             3: "website login"}  # fmt: skip
    doc_customers, doc_topics, doc_sentiment, texts = [], [], [], []
    for i, (cid, label) in enumerate(zip(ids, labels, strict=True)):
        for j in range(docs_per_customer):
            topic = favourite[int(label)] if rng.random() < 0.7 else int(rng.integers(0, 4))
            doc_customers.append(cid)
            doc_topics.append(topic)
            doc_sentiment.append(
                float(np.clip(rng.normal(0.5 if label == 0 else -0.1, 0.3), -1, 1))
            )
            texts.append(
                f"customer {i} note {j} about the {words[topic]} "
                + " ".join(rng.choice(list("abcdefghij"), 5))
            )
    centres = rng.normal(size=(4, 16))
    embeddings = centres[doc_topics] + rng.normal(scale=0.8, size=(len(doc_topics), 16))
    # two customers of segment 0 wrote the same text: it may be quoted once at most
    first = [k for k, c in enumerate(doc_customers) if labels[ids.index(c)] == 0][:8]
    for k in first:
        texts[k] = "the same words again and again about packaging"
        embeddings[k] = centres[0]
    return {
        "customer_ids": ids,
        "labels": labels,
        "behaviour": behaviour,
        "doc_customers": doc_customers,
        "doc_topics": np.asarray(doc_topics),
        "doc_sentiment": np.asarray(doc_sentiment),
        "topic_labels": {0: "packaging · refill", 1: "coupon · discount code", 2: "delivery · courier",
                         3: "website · login"},
        "doc_embeddings": embeddings,
        "doc_texts": texts,
        "probabilities": rng.uniform(0.5, 1, n),
        "space": rng.normal(size=(n, 2)) + labels[:, None],
    }  # fmt: skip


@pytest.fixture(scope="module")
def data():
    return _synthetic()


@pytest.fixture(scope="module")
def explained(data):
    return PersonaExplainer(min_group_size=K, seed=3).explain(**data)


def test_traits_are_standardised_mean_differences_with_the_right_sign(data, explained):
    spend = data["behaviour"]["spend_12m"]
    members = data["labels"] == 0
    expected = (spend[members].mean() - spend.mean()) / spend.std(ddof=0)
    traits = {t["feature"]: t for t in explained.profiles[0]["traits"]}
    assert traits["spend_12m"]["effect_size"] == pytest.approx(expected, abs=1e-3)
    assert traits["spend_12m"]["direction"] == "higher" and expected > 1.0
    assert traits["spend_12m"]["segment_mean"] == pytest.approx(spend[members].mean(), abs=1e-3)
    assert traits["spend_12m"]["population_mean"] == pytest.approx(spend.mean(), abs=1e-3)
    assert explained.profiles[0]["traits"][0]["feature"] == "spend_12m"  # strongest first
    effects = [abs(t["effect_size"]) for t in explained.profiles[1]["traits"]]
    assert effects == sorted(effects, reverse=True)
    coupon = {t["feature"]: t for t in explained.profiles[1]["traits"]}["coupon_use_rate"]
    assert coupon["effect_size"] > 1.0
    assert {t["feature"]: t for t in explained.profiles[1]["traits"]}["spend_12m"][
        "direction"
    ] == "lower"
    assert "sentiment" in traits and traits["sentiment"]["direction"] == "higher"


def test_top_topics_are_ranked_by_lift_with_enough_support(data, explained):
    topics = np.asarray(data["doc_topics"])
    owner_label = pd.Series(data["labels"], index=data["customer_ids"])[
        data["doc_customers"]
    ].to_numpy()
    overall = pd.Series(topics).value_counts(normalize=True)
    for number in (0, 1, 2):
        rows = explained.profiles[number]["top_topics"]
        assert rows[0]["topic"] == number
        lifts = [r["lift"] for r in rows]
        assert lifts == sorted(lifts, reverse=True)
        mine = topics[owner_label == number]
        for row in rows:
            share = float(np.mean(mine == row["topic"]))
            assert row["share"] == pytest.approx(share, abs=1e-4)
            assert row["lift"] == pytest.approx(share / overall[row["topic"]], abs=1e-3)
            assert row["customers"] >= K and row["share"] >= 0.03
    sentiment = explained.profiles[0]["top_topics"][0]["sentiment"]
    assert sentiment > 0.3  # segment 0 writes positively


def test_rules_state_their_precision_and_coverage_exactly(data, explained):
    stats = explained.context["features"]
    frame = explained.features.fillna({f: s["median"] for f, s in stats.items()}).fillna(0.0)
    for number in (0, 1, 2):
        profile = explained.profiles[number]
        assert 1 <= len(profile["rules"]) <= 3
        members = data["labels"] == number
        for rule in profile["rules"]:
            covered = np.ones(len(frame), dtype=bool)
            for c in rule["conditions"]:
                column = frame[c["feature"]].to_numpy()
                covered &= column <= c["threshold"] if c["op"] == "<=" else column > c["threshold"]
            hit = int((covered & members).sum())
            assert rule["support"] == int(covered.sum())
            assert rule["precision"] == pytest.approx(hit / covered.sum(), abs=1e-4)
            assert rule["coverage"] == pytest.approx(hit / members.sum(), abs=1e-4)
            assert rule["text"] == " and ".join(c["text"] for c in rule["conditions"])
            features = [(c["feature"], c["op"]) for c in rule["conditions"]]
            assert len(features) == len(set(features))  # repeated bounds merged
    best = explained.profiles[0]["rules"][0]
    assert best["precision"] >= 0.8 and best["coverage"] >= 0.8
    assert "Spend (12 months) >" in best["text"]


def test_topic_and_sentiment_conditions_read_as_words(data):
    explainer = PersonaExplainer(min_group_size=K, seed=1)
    only_text = {**data, "behaviour": None}
    rules = explainer.explain(**only_text).profiles[1]["rules"]
    texts = " ".join(r["text"] for r in rules)
    assert "writes about coupon/discount code" in texts
    assert "topic:" not in texts
    assert 0 < rules[0]["precision"] <= 1 and 0 < rules[0]["coverage"] <= 1


def test_quotes_are_central_diverse_and_from_different_customers(data, explained):
    texts, owners = data["doc_texts"], data["doc_customers"]
    embeddings = data["doc_embeddings"] / np.linalg.norm(
        data["doc_embeddings"], axis=1, keepdims=True
    )
    label_of = dict(zip(data["customer_ids"], data["labels"], strict=True))
    for number in (0, 1, 2):
        quotes = explained.profiles[number]["quotes"]
        assert 3 <= len(quotes) <= 5
        assert all(label_of[owners[q]] == number for q in quotes)
        assert len({owners[q] for q in quotes}) == len(quotes)
        assert len({texts[q] for q in quotes}) == len(quotes)
        similarity = embeddings[quotes] @ embeddings[quotes].T
        assert (similarity[~np.eye(len(quotes), dtype=bool)] <= 0.9).all()
    repeated = [q for q in explained.profiles[0]["quotes"] if texts[q].startswith("the same words")]
    assert len(repeated) <= 1


def test_names_are_unique_deterministic_and_descriptive(data, explained):
    names = [p["name"] for p in explained.profiles.values()]
    assert len(names) == len(set(names))
    again = PersonaExplainer(min_group_size=K, seed=3).explain(**data)
    assert names == [p["name"] for p in again.profiles.values()]
    assert explained.profiles[0]["name"] == "Packaging-minded big spenders"
    # the subject may not repeat the behaviour noun: not "Coupon-minded coupon users"
    second = explained.profiles[1]["name"]
    assert second.endswith("-minded coupon users") and not second.startswith("Coupon"), second
    assert second.split("-")[0].lower() in {"discount", "code"}
    description = explained.profiles[0]["description"]
    assert description.startswith("About 30% of customers.")
    assert "packaging and refill" in description and "higher spend (12 months)" in description
    mix = explained.profiles[0]["sentiment_summary"]["mix"]
    assert mix["positive"] >= 0.6 and mix["negative"] < 0.2
    assert "mostly positive" in description


def test_twin_segments_get_distinguishing_names():
    rng = np.random.default_rng(5)
    n = 200
    labels = np.repeat([0, 1], n // 2)
    behaviour = pd.DataFrame(
        {"orders_12m": rng.normal(10, 1, n) + 5, "tenure_days": rng.normal(0, 1, n) + np.where(labels, 0.5, -0.5),
         "filler": rng.normal(0, 1, n)},
        index=[f"c{i}" for i in range(n)],
    )  # fmt: skip
    extra = pd.DataFrame({"orders_12m": [1.0] * 100, "tenure_days": [0.0] * 100, "filler": [0.0] * 100},
                         index=[f"x{i}" for i in range(100)])  # fmt: skip
    frame = pd.concat([behaviour, extra])
    everyone = np.concatenate([labels, np.full(100, -1)])
    explained = PersonaExplainer(min_group_size=K).explain(
        customer_ids=list(frame.index), labels=everyone, behaviour=frame,
        doc_customers=[], doc_topics=None, doc_sentiment=None,
    )  # fmt: skip
    names = [p["name"] for p in explained.profiles.values()]
    assert len(set(names)) == 2
    # told apart by tenure, in words: newcomers against long-standing customers
    assert any(w in " ".join(names).lower() for w in ("new", "long-standing")), names


def test_small_segments_say_nothing_about_their_members(explained):
    small = explained.profiles[3]
    assert small["small"] is True and small["name"] == "Small segment"
    for key in ("traits", "quotes", "rules", "representative_customers", "top_topics"):
        assert small[key] == []
    assert small["feature_means"] == {}
    assert str(K) in small["description"]
    assert not any(p["small"] for n, p in explained.profiles.items() if n != 3)


def test_context_describes_every_interpretable_feature(explained):
    features = explained.context["features"]
    assert explained.context["min_group_size"] == K
    assert (
        features["spend_12m"]["kind"] == "behaviour"
        and features["spend_12m"]["label"] == "Spend (12 months)"
    )
    assert features["topic:1"] == {
        **features["topic:1"],
        "kind": "topic",
        "label": "coupon · discount code",
    }
    assert features["sentiment"]["kind"] == "sentiment"
    assert set(explained.profiles[0]["feature_means"]) == set(features)
    assert 0 <= explained.context["rule_fidelity"] <= 1


def test_representative_customers_are_members(data, explained):
    label_of = dict(zip(data["customer_ids"], data["labels"], strict=True))
    for number in (0, 1, 2):
        reps = explained.profiles[number]["representative_customers"]
        assert 1 <= len(reps) <= 5 and all(label_of[c] == number for c in reps)


def test_one_customers_features_match_the_fitted_frame(data, explained):
    cid = data["customer_ids"][7]
    mine = [i for i, c in enumerate(data["doc_customers"]) if c == cid]
    row = interpretable_features(
        data["behaviour"].loc[[cid]], [cid] * len(mine), data["doc_topics"][mine],
        data["doc_sentiment"][mine], sorted(data["topic_labels"]), [cid],
    )  # fmt: skip
    pd.testing.assert_series_equal(row.iloc[0], explained.features.loc[cid], check_names=False)


def test_explain_customer_gives_pulls_and_a_rule_they_satisfy(data, explained):
    profile = explained.profiles[0]
    frame = explained.features
    rule_customers = 0
    for cid in np.asarray(data["customer_ids"])[data["labels"] == 0][:40]:
        values = {k: (None if pd.isna(v) else float(v)) for k, v in frame.loc[cid].items()}
        why = explain_customer(values, profile, explained.context)
        if why["rule"] is not None:
            rule_customers += 1
            for c in why["rule"]["conditions"]:
                value = values[c["feature"]]
                assert value <= c["threshold"] if c["op"] == "<=" else value > c["threshold"]
        scores = [p["score"] for p in why["pulls"]]
        assert scores == sorted(scores, reverse=True)
        assert all(p["toward"] == (p["score"] > 0) for p in why["pulls"])
    assert rule_customers >= 30
    big = {**dict(frame.loc[data["customer_ids"][0]]), "spend_12m": 5000.0}
    pull = {p["feature"]: p for p in explain_customer(big, profile, explained.context)["pulls"]}
    assert pull["spend_12m"]["toward"] is True
    low = explain_customer({"spend_12m": 10.0}, profile, explained.context)
    assert {p["feature"]: p for p in low["pulls"]}["spend_12m"]["toward"] is False
    assert explain_customer({}, explained.profiles[3], explained.context) == {
        "pulls": [],
        "rule": None,
    }


def test_descriptions_name_one_of_two_duplicate_columns():
    rng = np.random.default_rng(4)
    n = 200
    labels = np.repeat([0, 1], n // 2)
    basket = rng.normal(50, 5, n) + np.where(labels == 0, 40, 0)
    frame = pd.DataFrame(
        {
            "avg_basket": basket,
            "avg_order_value": basket * 1.01,
            "tenure_days": rng.normal(0, 1, n),
        },
        index=[f"d{i}" for i in range(n)],
    )
    explained = PersonaExplainer(min_group_size=K).explain(
        customer_ids=list(frame.index), labels=labels, behaviour=frame, doc_customers=[],
        doc_topics=None, doc_sentiment=None,
    )  # fmt: skip
    description = explained.profiles[0]["description"]
    assert description.count("average") == 1, description
    assert explained.profiles[0]["name"] == "Big-basket shoppers"


@pytest.mark.parametrize(
    ("column", "label"),
    [("spend_12m", "Spend (12 months)"), ("days_since_last_order", "Days since last order"),
     ("app_sessions_30d", "App sessions (30 days)"), ("avgOrderValue", "Average order value"),
     ("NPS", "Nps")],
)  # fmt: skip
def test_column_names_become_labels(column, label):
    assert humanise(column) == label


def test_unknown_columns_and_topics_still_give_names():
    rng = np.random.default_rng(2)
    n = 300
    labels = np.repeat([0, 1, 2], n // 3)
    frame = pd.DataFrame(
        {"zq_index": rng.normal(0, 1, n) + np.where(labels == 0, 3, 0),
         "Refund_Count": rng.normal(0, 1, n) + np.where(labels == 1, 3, 0)},
        index=[f"k{i}" for i in range(n)],
    )  # fmt: skip
    docs = [f"k{i}" for i in range(n)]
    topics = np.where(labels == 2, 0, 1)
    explained = PersonaExplainer(min_group_size=K).explain(
        customer_ids=list(frame.index), labels=labels, behaviour=frame, doc_customers=docs,
        doc_topics=topics, doc_sentiment=np.zeros(n), topic_labels={0: "“5/5”", 1: "kundenservice · hotline"},
    )  # fmt: skip
    names = [p["name"] for p in explained.profiles.values()]
    # "“5/5”" is no subject: no name is built from it
    assert names[0] == "Kundenservice-minded customers with high zq index"
    assert names[1] == "Kundenservice-minded frequent returners"
    # as low on both measures, the one with a plain noun names them
    assert names[2] == "Low-return customers", names
    assert not any("talking about" in name for name in names)


def test_explaining_a_large_run_takes_seconds():
    rng = np.random.default_rng(9)
    n, n_docs, n_topics, n_segments = 13_500, 50_000, 40, 12
    labels = rng.integers(-1, n_segments, n)
    ids = [f"c{i}" for i in range(n)]
    behaviour = pd.DataFrame(rng.normal(size=(n, 8)) + labels[:, None] * 0.3, index=ids,
                             columns=[f"col_{j}" for j in range(8)])  # fmt: skip
    owners = rng.integers(0, n, n_docs)
    topics = (labels[owners] * 3 + rng.integers(0, 5, n_docs)) % n_topics
    started = time.perf_counter()
    explained = PersonaExplainer(min_group_size=K).explain(
        customer_ids=ids, labels=labels, behaviour=behaviour,
        doc_customers=[ids[o] for o in owners], doc_topics=topics,
        doc_sentiment=rng.uniform(-1, 1, n_docs), topic_labels={t: f"word{t}" for t in range(n_topics)},
        doc_embeddings=rng.normal(size=(n_docs, 384)).astype(np.float32),
        doc_texts=[f"text number {i} with several words here" for i in range(n_docs)],
        space=rng.normal(size=(n, 5)), probabilities=rng.uniform(size=n),
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    print(
        f"\nexplained {n} customers, {n_docs} documents, {n_segments} segments in {elapsed:.1f} s"
    )
    assert len(explained.profiles) == n_segments
    assert elapsed < 20  # a few seconds on one core; generous for a shared machine


def _demo_topics(texts: list[str], n_topics: int = 24, seed: int = 0):
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


def test_rules_describe_the_planted_personas():
    from nlp.datasets import generate_demo_dataset

    data = generate_demo_dataset(n_customers=1500, seed=7)
    customers = pd.DataFrame(data.customers).set_index("customer_id")
    behaviour = customers[["orders_12m", "spend_12m", "avg_basket", "return_rate", "coupon_use_rate",
                           "days_since_last_order", "app_sessions_30d"]].apply(pd.to_numeric)  # fmt: skip
    truth = {row["customer_id"]: row["persona"] for row in data.truth}
    personas = sorted(set(truth.values()))
    labels = np.asarray([personas.index(truth[c]) for c in customers.index])
    texts = [row["text"] for row in data.documents]
    topics, topic_labels = _demo_topics(texts)
    explained = PersonaExplainer(min_group_size=K).explain(
        customer_ids=list(customers.index), labels=labels, behaviour=behaviour,
        doc_customers=[row["customer_id"] for row in data.documents], doc_topics=topics,
        doc_sentiment=np.zeros(len(texts)), topic_labels=topic_labels,
    )  # fmt: skip
    precise, lines = 0, []
    for number, profile in explained.profiles.items():
        best = profile["rules"][0] if profile["rules"] else None
        precise += bool(best and best["precision"] >= 0.7)
        lines.append(f"  {personas[number]:>18} {profile['name']!r:50} "
                     + (f"p={best['precision']:.2f} c={best['coverage']:.2f}  {best['text']}" if best else "no rule"))  # fmt: skip
    share = precise / len(explained.profiles)
    print(
        f"\nbest rule precision >= 0.7 for {precise}/{len(explained.profiles)} personas\n"
        + "\n".join(lines)
    )
    print(f"rule fidelity (size-weighted F1): {explained.context['rule_fidelity']}")
    assert share >= 0.6
    assert len({p["name"] for p in explained.profiles.values()}) == len(explained.profiles)
