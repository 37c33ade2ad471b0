"""Persona names and sentiment wording on data nobody here tuned on.

The planted personas of the demo generator and of the independently written
generators in ``tests/nlp/heldout`` are explained as segments
(``persona_naming_data``). Names must be short subjects a product manager
would write: no function, mood or survey-prompt words, no fragments, no
numerals, unique; most name a subject word of their planted persona. Run with
``-s`` to see the names and figures.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from nlp.explain import NOTABLE_LIFT, PersonaExplainer, mix_text, mood_words
from nlp.explain.vocabulary import Vocabulary, stop_words, tokens
from tests.nlp import persona_naming_data as planted

HELDOUT = ("personas_pets", "personas_fitness")


def _load(name: str):
    return planted.demo(n=1200) if name == "demo" else planted.heldout(name, n=1200)


@pytest.fixture(scope="module", params=("demo", *HELDOUT))
def case(request):
    customers, documents, truth, subjects = _load(request.param)
    explained = planted.explain_planted(request.param, customers, documents, truth, subjects)
    texts = documents["text"].astype(str).tolist()
    return explained, Vocabulary(texts)


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s-]+", name.lower()) if w]


def _same_word(a: str, b: str) -> bool:
    return a == b or a in (b + "s", b + "es") or b in (a + "s", a + "es")


def test_names_are_unique_short_and_free_of_numerals_and_filler(case):
    explained, _ = case
    names = [p["name"] for p in explained.explanation.profiles.values()]
    print(f"\n{explained.name}: " + " | ".join(names))
    assert len(set(names)) == len(names)
    for name in names:
        assert not re.search(r"\d", name), name
        assert "talking about" not in name, name
        assert len(_words(name)) <= 5, name


def test_name_subjects_are_content_words_of_the_segments_texts(case):
    explained, vocabulary = case
    for profile in explained.explanation.profiles.values():
        match = re.match(r"([\w']+)-minded ", profile["name"])
        if not match:
            continue
        subject = match.group(1).lower()
        assert subject not in stop_words(), profile["name"]
        assert not vocabulary.is_mood_word(subject), profile["name"]
        assert subject in profile["subjects"], (profile["name"], profile["subjects"])


def test_most_names_say_the_planted_personas_subject(case):
    explained, _ = case
    if explained.name == "demo":
        pytest.skip("the demo generator states no subject words of its own")
    hits, lines = 0, []
    for number, profile in explained.explanation.profiles.items():
        key = explained.keys[number]
        wanted = explained.subjects[key]
        hit = any(_same_word(w, s) for w in _words(profile["name"]) for s in wanted)
        hits += hit
        lines.append(f"  {'ok  ' if hit else 'miss'} {key:22} {profile['name']}")
    share = hits / len(explained.keys)
    print(f"\n{explained.name}: {hits}/{len(explained.keys)} names say a planted subject\n"
          + "\n".join(lines))  # fmt: skip
    assert share >= 0.7


def test_sentiment_words_follow_the_shares_and_one_figure_is_used(case):
    explained, _ = case
    for profile in explained.explanation.profiles.values():
        summary = profile["sentiment_summary"]
        mix = summary["mix"]
        assert sum(mix.values()) == pytest.approx(1.0, abs=1e-9)
        assert summary["words"] == mood_words(mix)
        if mix["negative"] >= 0.2:
            assert summary["words"] != "mostly positive", (profile["name"], mix)
        assert profile["sentiment"] == summary["mean"] and profile["sentiment_mix"] == mix
        assert mix_text(mix) in profile["description"]


def test_only_topics_brought_up_more_often_are_listed(case):
    explained, _ = case
    for profile in explained.explanation.profiles.values():
        assert all(t["lift"] >= NOTABLE_LIFT for t in profile["top_topics"]), profile["name"]


def test_survey_prompts_inside_texts_never_name_a_persona():
    customers, documents, truth, subjects = planted.heldout("personas_pets", n=800, seed=5)
    asked = documents["question"].notna()
    assert asked.any()
    documents = documents.copy()
    documents.loc[asked, "text"] = (
        "[" + documents.loc[asked, "question"].astype(str) + "] " + documents.loc[asked, "text"]
    )
    answers = {w for t in documents.loc[~asked, "text"] for w in tokens(t)}
    prompt_only = {w for q in documents.loc[asked, "question"] for w in tokens(q)} - answers
    explained = planted.explain_planted("pets", customers, documents, truth, subjects)
    for profile in explained.explanation.profiles.values():
        assert not set(_words(profile["name"])) & prompt_only, profile["name"]


def test_a_yes_no_column_reads_as_what_it_flags_and_duplicates_are_one_trait():
    rng = np.random.default_rng(8)
    n = 300
    labels = np.repeat([0, 1, 2], n // 3)
    basket = rng.lognormal(3.5, 0.3, n) * np.where(labels == 2, 2.5, 1.0)
    frame = pd.DataFrame(
        {"loyalty_member": (rng.random(n) < np.where(labels == 0, 0.95, 0.1)).astype(float),
         "avg_basket": basket, "avg_order_value": basket * 1.02 + rng.normal(0, 0.5, n),
         "return_rate": rng.beta(2, 20, n) + np.where(labels == 1, 0.3, 0.0)},
        index=[f"m{i}" for i in range(n)],
    )  # fmt: skip
    frame["return_share"] = frame["return_rate"] * 0.99
    explained = PersonaExplainer(min_group_size=10).explain(
        customer_ids=list(frame.index), labels=labels, behaviour=frame, doc_customers=[],
        doc_topics=None, doc_sentiment=None,
    )  # fmt: skip
    names = {p["segment"]: p["name"] for p in explained.profiles.values()}
    print(f"\n{names}")
    assert names[0] == "Loyalty members"
    assert "high loyalty member" not in " ".join(names.values()).lower()
    for profile in explained.profiles.values():
        shown = {t["feature"] for t in profile["traits"]}
        assert len(shown & {"avg_basket", "avg_order_value"}) == 1
        assert len(shown & {"return_rate", "return_share"}) == 1
    assert "Average basket" in {t["label"] for t in explained.profiles[2]["traits"]}


def test_mood_words_never_hide_a_large_opposite_share():
    grid = np.arange(0, 101, 5) / 100
    for negative in grid:
        for positive in grid:
            if negative + positive > 1:
                continue
            mix = {"negative": negative, "neutral": 1 - negative - positive, "positive": positive}
            words = mood_words(mix)
            if words == "mostly positive":
                assert negative < 0.2 and positive >= 0.6, mix
            if words == "mostly negative":
                assert positive < 0.2 and negative >= 0.6, mix
            if words.startswith("split"):
                assert min(negative, positive) >= 0.3, mix
            if negative >= 0.4 and positive >= 0.4:
                assert words.startswith("split"), mix
