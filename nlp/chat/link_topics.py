"""Linking topics by their keywords: one- and multi-word keywords matched in order,
typo-tolerant, the two best-scoring topics kept. A keyword that reads better as a
measure ("the most money") or that names people by a segment's main topic ("the
hikers") is not a topic mention.
"""

from __future__ import annotations

from nlp.chat import lexicon as lx
from nlp.chat.lexicon import talk as tk
from nlp.chat.measure_columns import is_measure_word
from nlp.chat.parse import Parse
from nlp.chat.text import same_word
from nlp.chat.vocabulary_index import VocabularyIndex, keywords_of

# A keyword of a topic's label names it; a keyword further down its list names it only when
# no other topic lists that keyword ("delivery" in two topics' lists names neither).


def link_topic_keywords(index: VocabularyIndex, p: Parse) -> None:
    """Topics named by their keywords (the two best, in the order written)."""
    w = p.words
    best: dict[int, tuple[float, list[int]]] = {}
    listed: dict[str, int] = {}
    for keywords in index.topic_words.values():
        for keyword in dict.fromkeys(keywords[:10]):
            listed[keyword] = listed.get(keyword, 0) + 1
    labels = {t.number: set(keywords_of(t.label)) for t in index.vocabulary.topics}
    for number, keywords in index.topic_words.items():
        score, hits = 0.0, []
        for rank, keyword in enumerate(keywords[:10]):
            if keyword not in labels.get(number, ()) and listed.get(keyword, 0) > 1:
                continue
            parts = keyword.split()
            for i in range(len(w) - len(parts) + 1):
                span = range(i, i + len(parts))
                if any(j in p.used for j in span) or w[i] in lx.STOP_WORDS:
                    continue
                if any(w[j] in tk.FEEL_WORDS for j in span):
                    continue  # "how's feeling about X trending": the feeling asked, not a topic
                if w[i] in lx.UNITS or w[i] in lx.MONTHS:
                    continue  # "the past year" names a period, not a topic listing "years"
                if len(parts) == 1 and w[i] != keyword and w[i].endswith("est"):
                    continue  # "growing quickest" ranks, it names no topic about "quick"
                if _feeling_before_subject(w, i):
                    continue  # "feeling about autoship": the subject follows
                if all(same_word(w[j], part) for j, part in zip(span, parts, strict=True)):
                    if _measure_here(p, i):
                        continue
                    if _person_form(index, p, i, keyword):
                        continue
                    score += 1.0 / (1 + 0.2 * rank)
                    hits.extend(span)
        if hits:
            best[number] = (score, sorted(set(hits)))
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], min(kv[1][1])))
    taken: set[int] = set()
    for number, (_score, hits) in ranked:
        if set(hits) & taken:
            continue
        taken |= set(hits)
        p.topics.append(number)
        p.topic_spans.append((min(hits), max(hits) + 1))
        if len(p.topics) >= 2:
            break
    p.used |= taken
    if taken:
        p.cues.add("topic_keywords")  # named by its own keywords, not by meaning
    order = sorted(zip(p.topic_spans, p.topics, strict=False))
    p.topics = [n for _s, n in order]


def topic_phrase_words(index: VocabularyIndex, p: Parse) -> set[int]:
    """Indices of words inside a multi-word topic keyword the question writes out."""
    w = p.words
    out: set[int] = set()
    for keywords in index.topic_words.values():
        for keyword in keywords:
            parts = keyword.split()
            if len(parts) < 2:
                continue
            for i in range(len(w) - len(parts) + 1):
                if all(same_word(w[i + j], part) for j, part in enumerate(parts)):
                    out.update(range(i, i + len(parts)))
    return out


def _person_form(index: VocabularyIndex, p: Parse, i: int, keyword: str) -> bool:
    """Whether word ``i`` names people by a segment's main topic ("the hikers"); links it."""
    w = p.words
    word = w[i]
    person = word.endswith(("ers", "ists", "ians", "ees", "ites")) and not keyword.endswith(
        ("er", "ers", "ist", "ists", "ian", "ee", "ite")
    )
    followed = i + 1 < len(w) and w[i + 1] in lx.PEOPLE_NOUNS - lx.SEGMENT_WORDS
    if not person and not followed:
        return False
    owners = [
        s.number
        for s in index.named_segments
        if s.topics and any(same_word(keyword, k) for k in keywords_of(s.topics[0]))
    ]
    if len(owners) != 1:
        return False
    if owners[0] not in p.segments:
        p.segments.append(owners[0])
        p.segment_spans.append((i, i + 1 + followed))
        p.seg_at.setdefault(owners[0], i)
    p.used.update({i, i + 1} if followed else {i})
    return True


def _feeling_before_subject(w: list[str], i: int) -> bool:
    """Whether word ``i`` is a feeling or talking word with its subject after it ("feeling
    about", "talking about"): never a topic itself."""
    feeling = w[i] in lx.SENTIMENT_TERMS or w[i] in lx.SAY_WORDS or w[i] in lx.TOPIC_VERBS
    feeling = feeling or w[i] in {"feeling", "feelings", "mood"}
    return feeling and i + 1 < len(w) and w[i + 1] in {"about", "regarding", "towards", "around"}


def _measure_here(p: Parse, i: int) -> bool:
    """Whether word ``i`` is better read as the measure than as a topic keyword."""
    w = p.words
    if not is_measure_word(w[i]):
        return False
    if i > 0 and w[i - 1] in lx.MOST_WORDS | lx.LEAST_WORDS:
        return True  # "brings in the most money": a measure, whatever the verbs
    after_prep = any(w[j] in lx.TOPIC_PREPS for j in range(max(0, i - 2), i))
    topical = p.cues & {"topic_verb", "say", "quotes", "trend"}
    return not after_prep and not topical
