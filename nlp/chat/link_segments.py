"""Linking segments: by number ("segment 3", "#3", "cluster three"), by (most of) their
full name, typo-tolerant per word, by the distinctive words of their name ("the eco
people"), and, for a describing question, by what they talk about ("the segment that
talks about school": the segment whose top topics hold it).

Each step records the segments it links in the :class:`~nlp.chat.parse.Parse` with the
span of words that named them; words linked are used, so later steps skip them.
"""

from __future__ import annotations

import re

from nlp.chat import lexicon as lx
from nlp.chat.link_topics import topic_phrase_words
from nlp.chat.measure_columns import is_measure_word
from nlp.chat.parse import Parse
from nlp.chat.text import parse_number, same_word, stem
from nlp.chat.vocabulary_index import VocabularyIndex, name_word, same_topic

# A segment is named by its full name when a run of question words covers this share of it.
FULL_NAME_COVERAGE = 0.6
# "describe the segment that talks about X", "tell me about the customers into X"
_DESCRIBE_BY_TOPIC = re.compile(
    r"^(?:can you |could you |please )*(?:describe|tell me (?:more )?about|who are|who is|what are"
    r"|profile|characteri[sz]e|explain|summari[sz]e|give me the profile of)"
    r" (?:the |those |these |that |our )?(?:\w+ ){0,2}?"
    r"(?:segments?|groups?|clusters?|personas?|visitors?|"
    + "|".join(sorted(lx.PEOPLE_NOUNS, key=len, reverse=True))
    + r")"
    r" (?:that|who|which|into|talking|interested|obsessed|mentioning|discussing|focused|keen"
    r"|passionate|care|caring|asking|writing|complaining|raving|all)\b"
)


def link_segment_numbers(p: Parse) -> None:
    """Segments named by number: "segment 3", "#3", "clusters 2 and 4"."""
    w = p.words
    for i, word in enumerate(w):
        if word not in lx.SEGMENT_WORDS or i in p.used:
            continue
        j = i + 1
        if j < len(w) and w[j] in {"#", "number", "no", "nr"}:
            j += 1
        while j < len(w):
            value = parse_number(w[j])
            if value is None or value != int(value) or value > 999:
                break
            number = int(value)
            if number not in p.segments:
                p.segments.append(number)
            p.segment_spans.append((i, j + 1))
            p.seg_at.setdefault(number, i)
            p.used.update(range(i, j + 1))
            j += 1
            joined = j + 1 < len(w) and w[j] in {"and", "vs", "or", "versus", "with", "to"}
            if joined and parse_number(w[j + 1]) is not None:
                j += 1
                continue
            break


def link_full_names(index: VocabularyIndex, p: Parse) -> None:
    """Segments named by (most of) their full name, typo-tolerant per word.

    Names are long and hyphenated ("Quality-minded big-basket shoppers"): the words
    of the question are split at hyphens and aligned, in order, with each name's
    words; a name is linked when a run of question words covers at least
    :data:`FULL_NAME_COVERAGE` of its words, two at least, one of them distinctive.
    The words linked are used, so they do not read as measures or topics later.
    """
    subs: list[tuple[str, int]] = [
        (part, i)
        for i, word in enumerate(p.words)
        if i not in p.used
        for part in re.split(r"[-']", word)
        if part
    ]
    candidates: list[tuple[float, int, int, int]] = []
    for number, tokens in index.name_tokens.items():
        if len(tokens) == 1:
            _single_name(p, number, tokens[0], candidates)
            continue
        best: tuple[float, int, int] | None = None
        for start in range(len(subs)):
            found: list[int] = []
            j, k = start, 0
            while j < len(subs) and k < len(tokens):
                ahead = range(k, min(len(tokens), k + 3))
                hit = next((m for m in ahead if name_word(subs[j][0], tokens[m])), None)
                if hit is None:
                    break
                found.append(hit)
                k, j = hit + 1, j + 1
            matched = len(found)
            if matched < 2 or not _says_who(index, tokens, found):
                continue
            coverage = matched / len(tokens)
            if coverage >= FULL_NAME_COVERAGE and (best is None or coverage > best[0]):
                best = (coverage, subs[start][1], subs[j - 1][1])
        if best:
            candidates.append((best[0], number, best[1], best[2]))
    candidates.sort(key=lambda c: (-c[0], c[2]))
    for _cov, number, start, end in candidates:
        span = set(range(start, end + 1))
        if span & p.used:
            continue
        if number not in p.segments:
            p.segments.append(number)
        p.segment_spans.append((start, end + 1))
        p.seg_at.setdefault(number, start)
        p.used.update(span)
        p.cues.add("full_name")


def _says_who(index: VocabularyIndex, tokens: list[str], found: list[int]) -> bool:
    """Whether the matched words of a name say who the people are, not only what they
    talk about: "talking about organic cotton and plastic" is a topic, not a name.

    A name's head is its words before "talking"/"about"/"who"; one matched head word
    must be neither generic nor a topic keyword, or the match holds "-minded".
    """
    cut = next(
        (n for n, t in enumerate(tokens) if t in {"talking", "about", "who", "with"}),
        len(tokens),
    )
    head = {tokens[m] for m in found if m < cut}
    if "minded" in head:
        return True
    return any(x not in lx.GENERIC_NAME_WORDS and not index.topic_part(x) for x in head)


def _single_name(p: Parse, number: int, token: str, out: list[tuple[float, int, int, int]]) -> None:
    """A one-word name ("Newcomers") written as a noun phrase: "the newcomers"."""
    w = p.words
    if len(token) < 5 or token in lx.GENERIC_NAME_WORDS:
        return
    for i, word in enumerate(w):
        if i in p.used or i == 0 or (word != token and stem(word) != stem(token)):
            continue
        if w[i - 1] in {"the", "those", "these", "our"} and (
            i < 2 or w[i - 2] not in lx.MOST_WORDS | lx.LEAST_WORDS
        ):
            out.append((1.0, number, i, i))
            return


def link_segment_names(index: VocabularyIndex, p: Parse) -> None:
    """Segments named by the distinctive words of their name ("the eco people")."""
    w = p.words
    phrased = topic_phrase_words(index, p)
    candidates: list[tuple[float, int, int, int]] = []
    for number, keys in index.segment_keys.items():
        if not keys:
            continue
        hits = [
            i
            for i, word in enumerate(w)
            if i not in p.used
            and not (i in phrased and not (i + 1 < len(w) and w[i + 1] in lx.PEOPLE_NOUNS))
            and word not in lx.MOST_WORDS | lx.LEAST_WORDS
            and not _indefinite(w, i)
            and not (i > 0 and w[i - 1] in lx.MOST_WORDS | lx.LEAST_WORDS)  # "most price-"
            and any(same_word(word, k) for k in keys)
        ]
        if not hits:
            continue
        matched = {k for k in keys if any(same_word(w[i], k) for i in hits)}
        share = len(matched) / len(keys)
        distinct = sum(1 for k in matched if index.distinctive(k, number))
        people = any(i + 1 < len(w) and w[i + 1] in lx.PEOPLE_NOUNS for i in hits) or any(
            i + 2 < len(w) and w[i + 2] in lx.PEOPLE_NOUNS for i in hits
        )
        people = people or any(_names_head(w, i, keys) for i in hits)
        about = any(_after_prep(w, i) for i in hits) and not people
        if about or distinct == 0:
            continue
        measure_like = all(
            is_measure_word(w[i])
            or w[i] in lx.MOST_WORDS | lx.LEAST_WORDS
            or any(same_word(w[i], t) for t in lx.SIZE_TERMS if " " not in t)
            for i in hits
        )
        if share < 1 and measure_like and not people:
            continue
        leading = keys[0] in matched and distinct >= 1
        if share >= 0.5 or people or distinct >= 1 and len(keys) <= 2 or leading:
            score = share + 0.5 * people + 0.1 * distinct
            candidates.append((score, number, min(hits), max(hits)))
    candidates.sort(key=lambda c: (-c[0], c[2]))
    taken: set[int] = set()
    for _score, number, start, end in candidates:
        span = set(range(start, end + 1))
        if span & taken or span & p.used:
            continue
        taken |= span
        p.segments.append(number) if number not in p.segments else None
        p.segment_spans.append((start, end + 1))
        p.seg_at.setdefault(number, start)
        if end + 1 < len(w) and (w[end + 1] in lx.PEOPLE_NOUNS or _agent_noun(index, p, end + 1)):
            span.add(end + 1)
            p.segment_spans[-1] = (start, end + 2)
        p.used.update(span)
    order = sorted(zip(p.segment_spans, p.segments, strict=False))
    p.segments = list(dict.fromkeys(n for _span, n in order))


def _indefinite(w: list[str], i: int) -> bool:
    """Whether word ``i`` is a thing after "a"/"an" ("booked a class"), not people named."""
    people = i + 1 < len(w) and w[i + 1] in lx.PEOPLE_NOUNS
    return i > 0 and w[i - 1] in {"a", "an"} and not people


def _after_prep(w: list[str], i: int) -> bool:
    """Whether word ``i`` follows a subject's preposition, past a determiner ("about the
    bike workshop")."""
    j = i - 1
    while j >= 0 and w[j] in {"the", "our", "their", "your", "a", "an", "this", "that"}:
        j -= 1
    if j >= 0 and w[j] in lx.TOPIC_PREPS:
        return True
    # a list after a subject's preposition: "the mood around discount codes and prices"
    listed = w[max(0, i - 5) : i]
    if not {"and", "or", ","} & set(listed):
        return False
    return any(x in {"about", "around", "regarding", "concerning", "re"} for x in listed)


def _names_head(w: list[str], i: int, keys: list[str]) -> bool:
    """Whether word ``i`` is a name's last word written as a noun after a determiner, alone
    or with more of the name ("what share are the newcomers" for "Present-minded
    newcomers", "the frequent returners"): it names
    the people, even where the same word could name a measure."""
    pointing = {"the", "those", "these", "our", "that", "all"}
    if not same_word(w[i], keys[-1]) or len(w[i]) <= 3:
        return False
    start = i  # back over the name's own words: "the frequent returners"
    while start > 0 and any(same_word(w[start - 1], k) for k in keys[:-1]):
        start -= 1
    return start > 0 and w[start - 1] in pointing


def _agent_noun(index: VocabularyIndex, p: Parse, i: int) -> bool:
    """Whether word ``i`` names people by what they do ("complainers", "fanatics")."""
    word = p.words[i]
    return (
        i not in p.used
        and len(word) > 5
        and word.endswith(("ers", "ists", "ians", "ees", "ics"))
        and not is_measure_word(word)
        and not index.is_topic_word(word)
    )


def segment_by_topic(index: VocabularyIndex, p: Parse) -> bool:
    """ "Describe the segment that talks about X": the segment whose top topics hold X.

    Only for a describing question about people defined by what they talk about;
    the segment is the one where the topic ranks highest among its top topics.
    """
    if p.segments or not p.topics or not _DESCRIBE_BY_TOPIC.search(" ".join(p.words)):
        return False
    wanted = index.vocabulary.topic(p.topics[0])
    best: tuple[int, int] | None = None
    for segment in index.named_segments:
        for rank, label in enumerate(segment.topics):
            if same_topic(label, wanted) and (best is None or rank < best[0]):
                best = (rank, segment.number)
    if best is None:
        return False
    p.segments = [best[1]]
    p.seg_at[best[1]] = p.topic_spans[0][0] if p.topic_spans else 0
    p.topics = []
    p.unknown = []
    return True


def own_topics_only(index: VocabularyIndex, p: Parse) -> bool:
    """ "Who are the X who talk about Y" where Y is X's own top topic: a description."""
    if len(p.segments) != 1 or not p.topics or not _DESCRIBE_BY_TOPIC.search(" ".join(p.words)):
        return False
    term = index.vocabulary.segment(p.segments[0])
    if term is None:
        return False
    own = [
        t for t in p.topics if any(same_topic(x, index.vocabulary.topic(t)) for x in term.topics)
    ]
    if len(own) != len(p.topics):
        return False
    p.topics = []
    return True
