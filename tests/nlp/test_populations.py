"""Populations of customers holding different features are found before anything is fitted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nlp.populations import TEXT, describe_populations


def _mixed(n_writers: int = 300, n_silent: int = 1200, seed: int = 0):
    """Reviewers with text, orders and spend; a CRM file of others with visits and tenure."""
    rng = np.random.default_rng(seed)
    gap_w, gap_s = [np.nan] * n_writers, [np.nan] * n_silent
    behaviour = pd.DataFrame(
        {
            "orders": np.r_[rng.poisson(3, n_writers).astype(float), gap_s],
            "spend": np.r_[rng.gamma(2.0, 50.0, n_writers), gap_s],
            "visits": np.r_[gap_w, rng.poisson(5, n_silent).astype(float)],
            "tenure": np.r_[gap_w, rng.gamma(2.0, 2.0, n_silent)],
        },
        index=[f"c{i}" for i in range(n_writers + n_silent)],
    )
    has_text = np.r_[np.ones(n_writers, bool), np.zeros(n_silent, bool)]
    return has_text, behaviour


def test_text_only_and_behaviour_only_customers_are_two_disjoint_populations():
    has_text, behaviour = _mixed()
    behaviour.iloc[3, 1] = np.nan  # one writer without a spend value is no population of its own
    report = describe_populations(has_text, behaviour)
    print("\n" + "\n".join(report.notes()))
    assert report.mixed and report.text_split
    first, second = report.populations
    assert (first.size, first.has_text, first.behaviour) == (1200, False, ("visits", "tenure"))
    assert (second.size, second.has_text, second.behaviour) == (300, True, ("orders", "spend"))
    assert report.disjoint == ((0, 1),)
    assert report.exclusive_columns == {"visits": 0, "tenure": 0, "orders": 1, "spend": 1}
    assert np.bincount(report.labels).tolist() == [1200, 300]
    assert (report.labels[has_text] == 1).all()
    notes = " ".join(report.notes())
    assert "1,200 customers without text, with visits, tenure" in notes
    assert "300 customers with text and orders, spend" in notes
    assert "share no feature" in notes


def test_customers_holding_the_same_features_are_one_population_without_a_note():
    has_text, behaviour = _mixed()
    writers = behaviour.iloc[:300, :2]
    report = describe_populations(has_text[:300], writers)
    assert not report.mixed and report.notes() == []
    assert report.populations[0].features == frozenset({TEXT, "orders", "spend"})
    assert report.as_dict()["populations"][0]["size"] == 300


def test_writers_and_silent_customers_with_the_same_columns_are_no_mix():
    has_text, behaviour = _mixed()
    shared = behaviour.iloc[:300, :2]
    silent = np.r_[np.ones(200, bool), np.zeros(100, bool)]
    report = describe_populations(silent, shared)
    assert [p.has_text for p in report.populations] == [True, False] and report.text_split
    assert not report.mixed and report.notes() == []


def test_overlapping_populations_are_reported_with_the_columns_only_one_holds():
    has_text, behaviour = _mixed()
    behaviour.loc[behaviour.index[300:], "orders"] = 2.0  # the CRM file has orders too
    report = describe_populations(has_text, behaviour)
    assert len(report.populations) == 2 and report.disjoint == ()
    assert report.exclusive_columns == {"visits": 0, "tenure": 0, "spend": 1}
    assert any("have written nothing" in note for note in report.notes())


def test_columns_held_only_by_customers_of_one_source_are_named():
    has_text, behaviour = _mixed()
    sources = ["reviews.csv"] * 300 + ["crm.csv"] * 1200
    report = describe_populations(has_text, behaviour, sources=sources)
    assert report.source_columns == {
        "orders": "reviews.csv",
        "spend": "reviews.csv",
        "visits": "crm.csv",
        "tenure": "crm.csv",
    }
    assert report.populations[0].sources == ("crm.csv",)
    assert any("only for customers from crm.csv" in note for note in report.notes())


def test_rare_signatures_join_the_population_they_overlap_most():
    has_text, behaviour = _mixed()
    behaviour.iloc[:10, 0] = np.nan  # 10 writers lack orders: under 5% of everyone
    report = describe_populations(has_text, behaviour)
    assert [p.size for p in report.populations] == [1200, 300]
    strict = describe_populations(has_text, behaviour, min_share=0.005)
    assert sorted(p.size for p in strict.populations) == [10, 290, 1200]


def test_inputs_of_different_lengths_are_refused():
    has_text, behaviour = _mixed()
    with pytest.raises(ValueError, match="rows"):
        describe_populations(has_text[:10], behaviour)
