"""Bias audit statistics (nlp.fairness): planted skews found, random labels left alone, k-anonymity.

The demo generator gives every persona mild demographic skews and one persona a
deliberately older mean age (55 against 24–50); with the planted personas as
segment labels the audit must flag that persona on age and leave attributes
without a planted skew alone. Synthetic tables check each rule on its own.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest

from nlp.datasets import PERSONAS, generate_demo_dataset
from nlp.fairness import NOT_GIVEN, OTHER, AuditThresholds, audit_bias, holm_adjust

BEHAVIOUR = (
    "orders_12m", "spend_12m", "avg_basket", "return_rate", "coupon_use_rate",
    "days_since_last_order", "app_sessions_30d",
)  # fmt: skip
KEYS = [p.key for p in PERSONAS]
OLDEST = max(PERSONAS, key=lambda p: p.demographics.mean_age).key


def _demo(n: int = 2000, seed: int = 7):
    """Planted persona labels, sensitive columns and behaviour features of generated customers."""
    from nlp.features import CustomerFeatureBuilder, FeatureWeights

    data = generate_demo_dataset(n_customers=n, seed=seed)
    persona = {row["customer_id"]: row["persona"] for row in data.truth}
    customers = pd.DataFrame(data.customers)
    labels = np.array([KEYS.index(persona[c]) for c in customers["customer_id"]])
    sensitive = customers[["age", "gender", "region"]].astype(object)
    behaviour = customers[list(BEHAVIOUR)].astype(float)
    behaviour.index = customers["customer_id"]
    builder = CustomerFeatureBuilder(weights=FeatureWeights(text=0.0, topics=0.0, behaviour=1.0))
    features = builder.fit_transform(
        list(behaviour.index), behaviour=behaviour, doc_customer_ids=None, doc_embeddings=None
    )
    return labels, sensitive, features


def _rows(result: dict, attribute: str) -> dict[int, dict]:
    found = next(a for a in result["attributes"] if a["name"] == attribute)
    return {row["segment"]: row for row in found["rows"]}


def _proxy(result: dict, attribute: str) -> dict:
    return next(p for p in result["proxy"]["attributes"] if p["attribute"] == attribute)


@pytest.fixture(scope="module")
def demo_audit() -> dict:
    labels, sensitive, features = _demo()
    started = time.perf_counter()
    result = audit_bias(labels, sensitive, features=features, min_group_size=10)
    result["_seconds"] = time.perf_counter() - started
    return result


def test_the_deliberately_older_persona_is_flagged_on_age(demo_audit):
    assert OLDEST == "occasional_gifter"  # mean age 55; the others 24–50
    rows = _rows(demo_audit, "age")
    for number, row in rows.items():
        print(
            f"age {KEYS[number]:18s} mean {row['mean']:5.1f} vs {row['rest_mean']:5.1f} "
            f"d {row['effect']['cohens_d']:+.2f} p_holm {row['p_adjusted']:.2g} "
            f"flagged {row['flagged']}"
        )
    oldest = rows[KEYS.index(OLDEST)]
    assert oldest["flagged"]
    assert oldest["effect"]["cohens_d"] >= 1.0 and oldest["p_adjusted"] < 1e-10
    assert {"segment": KEYS.index(OLDEST), "attribute": "age"} in [
        {"segment": f["segment"], "attribute": f["attribute"]} for f in demo_audit["flags"]
    ]
    assert "55–64" in oldest["flagged_cells"]


def _planted() -> dict[str, dict]:
    """Per persona: mean age and female share planted by the generator, and boosted regions."""
    from nlp.datasets import REGIONS, _regions

    out = {}
    for p in PERSONAS:
        weights = p.demographics.gender_weights
        baseline = _regions()
        boosted = {r for r, w, b in zip(REGIONS, p.demographics.region_weights, baseline,
                                        strict=True) if w > b}  # fmt: skip
        out[p.key] = {"age": p.demographics.mean_age, "female": weights[0] / sum(weights),
                      "regions": boosted}  # fmt: skip
    return out


def test_attributes_without_a_planted_skew_are_not_flagged(demo_audit):
    planted = _planted()
    shares = {p.key: p.share for p in PERSONAS}
    mean_age = sum(shares[k] * planted[k]["age"] for k in KEYS) / sum(shares.values())
    female = sum(shares[k] * planted[k]["female"] for k in KEYS) / sum(shares.values())
    age, gender = _rows(demo_audit, "age"), _rows(demo_audit, "gender")
    unskewed_age = [k for k in KEYS if abs(planted[k]["age"] - mean_age) < 3]
    unskewed_gender = [k for k in KEYS if abs(planted[k]["female"] - female) < 0.1]
    print(f"planted population: age {mean_age:.1f}, female {female:.2f}")
    print("no age skew planted:", unskewed_age, "no gender skew planted:", unskewed_gender)
    assert {"busy_parent", "wellness_focused"} <= set(unskewed_age)
    for key in unskewed_age:
        row = age[KEYS.index(key)]
        print(f"  age {key}: d {row['effect']['cohens_d']:+.3f} p_holm {row['p_adjusted']}")
        assert not row["flagged"] and abs(row["effect"]["cohens_d"]) < 0.3
    for key in unskewed_gender:
        row = gender[KEYS.index(key)]
        print(f"  gender {key}: V {row['effect']['cramers_v']} p_holm {row['p_adjusted']}")
        assert not row["flagged"]
    flagged_gender = [KEYS[n] for n, row in gender.items() if row["flagged"]]
    print("gender flagged:", flagged_gender)
    assert "tech_enthusiast" in flagged_gender  # 30% female planted, about 55% elsewhere
    assert set(flagged_gender) <= set(KEYS) - set(unskewed_gender)
    assert gender[KEYS.index("tech_enthusiast")]["cells"]["female"]["difference"] <= -0.2
    # Region: every persona has two regions made twice as likely (about +10 points), nothing
    # else. A flag may only ever point at a boosted region, over-represented.
    region = _rows(demo_audit, "region")
    for number, row in region.items():
        largest = max(abs(c["difference"] or 0) for c in row["cells"].values())
        print(f"  region {KEYS[number]:18s} V {row['effect']['cramers_v']:.2f} "
              f"max diff {largest:.3f} flagged {row['flagged_cells']}")  # fmt: skip
        for category in row["flagged_cells"]:
            assert category in planted[KEYS[number]]["regions"]
            assert row["cells"][category]["direction"] == "higher"
    assert sum(row["flagged"] for row in region.values()) <= 2


def test_proxy_check_finds_age_in_the_segments_but_no_gender_or_region_proxy(demo_audit):
    for item in demo_audit["proxy"]["attributes"]:
        print(
            f"proxy {item['attribute']:7s} {item['metric']} chance {item['baseline']} "
            f"segments {item['from_segments']} features {item['from_features']}"
        )
    age = _proxy(demo_audit, "age")
    assert age["from_segments"]["score"] >= 0.3 and age["from_segments"]["flagged"]
    for name in ("gender", "region"):
        item = _proxy(demo_audit, name)
        assert item["baseline"] == pytest.approx(1 / item["classes"], abs=1e-3)
        assert 0 < item["from_segments"]["lift"] < 0.2 and not item["from_segments"]["flagged"]
        assert not item["from_features"]["flagged"]


def test_audit_is_json_and_fast(demo_audit):
    print(f"audit of 2000 customers: {demo_audit['_seconds']:.2f} s")
    json.dumps(demo_audit)
    assert demo_audit["_seconds"] < 10


def test_a_strong_synthetic_skew_is_flagged_and_a_weak_one_is_not():
    rng = np.random.default_rng(1)
    labels = np.repeat([0, 1, 2, 3, 4], 200)
    female = np.where(labels == 0, rng.random(1000) < 0.8, rng.random(1000) < 0.5)
    income = rng.normal(0, 1, 1000) + np.where(labels == 1, 1.0, 0.0)
    income += np.where(labels == 2, 0.1, 0.0)  # a small shift: may be noticed, never flagged
    sensitive = pd.DataFrame(
        {"sex": np.where(female, "F", "M").astype(object), "income": income.astype(object)}
    )
    result = audit_bias(labels, sensitive, min_group_size=10)
    sex, income_rows = _rows(result, "sex"), _rows(result, "income")
    print("sex", {s: (r["cells"]["f"]["difference"], r["p_adjusted"]) for s, r in sex.items()})
    print("income", {s: (r["effect"]["cohens_d"], r["p_adjusted"]) for s, r in income_rows.items()})
    assert sex[0]["flagged"] and sex[0]["flagged_cells"] == ["f", "m"]
    assert income_rows[1]["flagged"] and income_rows[1]["effect"]["cohens_d"] > 0.8
    assert not income_rows[2]["flagged"]
    assert {(f["segment"], f["attribute"]) for f in result["flags"]} == {(0, "sex"), (1, "income")}


def test_random_labels_are_rarely_flagged():
    labels_, sensitive, features = _demo(1500, seed=3)
    flags = tests = proxies = 0
    for seed in range(8):
        labels = np.random.default_rng(seed).integers(-1, 8, labels_.size)
        result = audit_bias(
            labels,
            sensitive,
            features=features if seed == 0 else None,
            min_group_size=10,
            seed=seed,
        )
        tests += sum(len(a["rows"]) for a in result["attributes"])
        flags += len(result["flags"])
        proxies += sum(bool(p["from_segments"]["flagged"]) for p in result["proxy"]["attributes"])
    print(f"random labels: {flags} flags in {tests} tests, {proxies} proxy flags in 24 checks")
    assert tests == 8 * 8 * 3
    assert flags / tests <= 0.01 and proxies == 0


def test_small_segments_are_counted_not_audited():
    rng = np.random.default_rng(2)
    labels = np.concatenate([np.zeros(200, int), np.ones(5, int), np.full(40, -1)])
    sensitive = pd.DataFrame({"gender": rng.choice(["f", "m"], labels.size).astype(object)})
    result = audit_bias(labels, sensitive, min_group_size=10)
    assert result["segments"] == [{"segment": 0, "size": 200}]
    assert result["small_segments"] == 1 and result["n_outliers"] == 40
    assert set(_rows(result, "gender")) == {0}


def test_cells_below_k_are_hidden_with_their_next_smallest_neighbour():
    labels = np.array([0] * 48 + [1] * 200)
    values = ["a"] * 30 + ["b"] * 15 + ["c"] * 3 + ["a"] * 100 + ["b"] * 60 + ["c"] * 40
    result = audit_bias(labels, pd.DataFrame({"group": values}, dtype=object), min_group_size=10)
    row = _rows(result, "group")[0]
    print("segment 0 counts", row["counts"], "rest", row["rest_counts"])
    assert row["counts"] == [30, None, None]  # c (3) is below k; b is hidden so c cannot be derived
    assert row["cells"]["c"]["difference"] is None and row["cells"]["b"]["cohens_h"] is None
    assert row["cells"]["c"]["direction"] == "lower"
    assert row["cells"]["a"]["difference"] == pytest.approx(30 / 48 - 100 / 200, abs=1e-4)
    assert result["attributes"][0]["population"]["counts"] == [130, 75, 43]


def test_rare_categories_are_grouped_and_many_categories_capped():
    rng = np.random.default_rng(4)
    common = [f"group {i:02d}" for i in range(25)]
    values = list(rng.choice(common, 1500)) + ["rare one"] * 4 + ["rare two"] * 3
    labels = rng.integers(0, 3, len(values))
    result = audit_bias(labels, pd.DataFrame({"religion": values}, dtype=object))
    attribute = result["attributes"][0]
    print(attribute["notes"], len(attribute["categories"]))
    assert attribute["status"] == "audited"
    assert len(attribute["categories"]) == 20 and attribute["categories"][-1] == OTHER
    assert "rare one" not in attribute["categories"]
    assert any("grouped" in note for note in attribute["notes"])


def test_postcodes_are_coarsened_to_their_area():
    rng = np.random.default_rng(5)
    areas = ["SW", "M", "EH", "B"]
    postcodes = [f"{a}{rng.integers(1, 20)} {rng.integers(1, 9)}{'AB'[i % 2]}Z" for i, a in
                 enumerate(rng.choice(areas, 800))]  # fmt: skip
    labels = rng.integers(0, 4, 800)
    result = audit_bias(labels, pd.DataFrame({"postcode": postcodes}, dtype=object))
    attribute = result["attributes"][0]
    print("postcode categories", attribute["categories"], attribute["notes"])
    assert attribute["status"] == "audited" and attribute["kind"] == "categorical"
    assert attribute["categories"] == sorted(areas)
    assert any("postcode area" in note for note in attribute["notes"])


def test_identifier_like_columns_are_skipped_with_a_note():
    labels = np.repeat([0, 1], 150)
    ids = [f"x-{i:05d}" for i in range(300)]
    result = audit_bias(labels, pd.DataFrame({"ethnicity": ids}, dtype=object))
    attribute = result["attributes"][0]
    print(attribute)
    assert attribute["status"] == "skipped" and "nearly one per customer" in attribute["note"]
    assert result["flags"] == []


def test_missing_values_form_not_given_and_stay_out_of_numeric_tests():
    rng = np.random.default_rng(6)
    labels = np.repeat([0, 1, 2], 200)
    age = rng.normal(40, 10, 600).round().astype(object)
    age[rng.random(600) < 0.2] = None
    gender = rng.choice(["female", "male", ""], 600).astype(object)  # "" is missing
    gender[:5] = np.nan
    only_a_few = np.full(600, None, dtype=object)
    only_a_few[:7] = "x"
    sensitive = pd.DataFrame({"age": age, "gender": gender, "disability": only_a_few})
    result = audit_bias(labels, sensitive, min_group_size=10)
    age_attr, gender_attr, few = result["attributes"]
    print(age_attr["categories"], gender_attr["categories"], few)
    assert age_attr["categories"][-1] == NOT_GIVEN and gender_attr["categories"][-1] == NOT_GIVEN
    row = _rows(result, "age")[0]
    assert sum(c for c in row["counts"] if c) <= row["n"] == 200
    assert not np.isnan(row["effect"]["cohens_d"])
    assert few["status"] == "skipped" and "Only 7 customers" in few["note"]
    age_proxy = _proxy(result, "age")
    assert age_proxy["n"] < 600  # customers without an age are not predicted
    assert not any(r["flagged"] for a in result["attributes"] for r in a.get("rows", []))


def test_numbers_other_than_age_are_shown_in_quintiles():
    rng = np.random.default_rng(8)
    labels = rng.integers(0, 3, 500)
    result = audit_bias(labels, pd.DataFrame({"birth_year": rng.integers(1940, 2005, 500)}))
    attribute = result["attributes"][0]
    print(attribute["categories"])
    assert attribute["kind"] == "numeric" and len(attribute["categories"]) == 5
    assert attribute["categories"][0].startswith("≤ ") and attribute["categories"][-1].startswith(
        ">"
    )


def test_holm_adjustment():
    adjusted = holm_adjust([0.01, 0.04, 0.03, 0.005])
    assert adjusted.tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_thresholds_and_inputs_are_validated():
    with pytest.raises(ValueError, match="labels"):
        audit_bias([0, 1], pd.DataFrame({"age": [30, 40, 50]}))
    with pytest.raises(ValueError, match="alpha"):
        AuditThresholds(alpha=0)
    with pytest.raises(ValueError, match="feature rows"):
        audit_bias([0, 1, 1], pd.DataFrame({"age": [30, 40, 50]}), features=np.zeros((2, 3)))
