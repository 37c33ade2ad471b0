"""Reading questions about what customers write: which topics they talk about most, which
topics grow, what they like, the tone of the comments asked for, which way a trend goes
(feeling or volume), and advice ("which segment should we target with ...") with its goal.

:func:`read_talk` sets cues and slots from the words before entities are linked;
:func:`talk_scores` shifts the intent scores by those cues; :func:`settle_talk` fixes
the intent where the cues and the entities found leave one sensible reading; and
:func:`finish_talk` turns leftover subject words into the ``about`` slot of quotes (or
the goal of advice) instead of an unknown name.
"""

from __future__ import annotations

import re

from nlp.chat import lexicon as lx
from nlp.chat import text as _text
from nlp.chat.lexicon import talk as tk
from nlp.chat.mentions import measure_phrase_words
from nlp.chat.parse import Parse
from nlp.chat.text import parse_number

#: The measures of how customers feel that a ranking reads with a subject: mean sentiment, and
#: the share of negative comments (who complains most).
FEELING_MEASURES = ("sentiment", "negative_share")

# The words of this module's tables are never "corrected" into other words ("theme" -> "them").
_text.PROTECTED.update(
    w
    for table in (
        tk.TOPIC_NOUNS,
        tk.MAIN_WORDS,
        tk.GROWTH_WORDS,
        tk.LIKE_WORDS,
        tk.TONE_WORDS,
        tk.FEEL_WORDS,
    )  # fmt: skip
    for w in table
    if w.isalpha()
)
_text.PROTECTED.update(  # "blowing up" is not "glowing up"
    w for phrase in tk.GROWTH_PHRASES for w in phrase.split()[:1] if w.isalpha()
)
# "Show me what they said": a request for their words, as "quotes" is.
_WHAT_SAID = re.compile(
    r" (show|see|read|give|hear|tell|paste|pull)\b.* what (they|people|customers|he|she|\w+ers"
    r"|[\w-]+(?: [\w-]+){0,3} (?:customers|shoppers|buyers|users|visitors|returners|members))"
    r"( \w+)? (said|say|wrote|write|are saying|have said|actually said)\b"
)
# "nice things people said about X", "stuff customers wrote": their words asked for.
_THINGS_SAID = re.compile(
    r" (things|stuff|bits|lines|remarks) (that )?(they|people|customers|folks|users|\w+ers)"
    r"( \w+)? (said|say|wrote|write|are saying|have said|posted|post)\b"
    r"| (show|give|read|see|share)( me| us)? (a few |some |any )?(things|stuff|bits|lines|remarks)"
    r"( (?!and|or)[\w'-]+){1,6} (said|say|wrote|written|posted)\b"
)
# Nouns of what customers wrote ("reviews", "complaints"): with a showing verb or a tone right
# before them ("show me complaints about X", "negative reviews from Y"), their words asked for.
_TEXT_NOUNS = "|".join(sorted(tk.DOCUMENT_NOUNS | tk.TEXT_ASKED_NOUNS - {"mentions"}))
_TONES = "|".join(sorted(tk.TONE_WORDS))
_COUNTING = r"more|fewer|less|most|least|number|many|much|share|percentage|proportion|volume"
_TEXTS_SHOWN = re.compile(
    rf" (?:{tk.SHOW_VERBS})(?: me| us)?(?: (?!(?:{_COUNTING}) )[\w'-]+){{0,4}} (?:{_TEXT_NOUNS}) "
)
_TONED_TEXTS = re.compile(rf"(?:^| )(?:([\w%]+) )?(?:{_TONES}) (?:{_TEXT_NOUNS}) ")


def _texts_asked(text: str, *, why: bool = False) -> bool:
    """Whether the question asks for texts themselves: a showing verb before what customers
    wrote, or a tone right before it that no counting word precedes ("negative reviews from
    X", not "the most negative reviews" or "how many negative reviews")."""
    if _TEXTS_SHOWN.search(text):
        return True
    if why:  # "what's behind the bad reviews": what drives them, not the reviews
        return False
    counting = set(_COUNTING.split("|")) | {"of", "%"}
    return any(m.group(1) not in counting for m in _TONED_TEXTS.finditer(text))


# A comparator on a time before now: "less than a year ago", "more than 3 months ago".
_DATED_CONDITION = re.compile(r" (?:more|less|fewer|over|under) than (?:a|an|one|\d+) \w+ ago ")
_VOLUME = re.compile(r" (number|amount|volume|count|how many) (of )?(\w+ )?(comments|messages|"
                     r"documents|reviews|feedback|mentions|posts)\b")  # fmt: skip
# A feeling compared ("more positive or less", "less negative"): a trend of sentiment.
_FEELING_COMPARED = re.compile(
    r" (more|less|any more|any less) (positive|negative|happy|unhappy|upbeat|satisfied|critical|"
    r"favourable|favorable|glowing|angry|annoyed|frustrated) "
)
# Periods people write that the period reader leaves: "this half-year", "than a year ago".
_PERIODS = (
    (re.compile(r" (this|last|past|the) half[- ]?year "), 6),
    (re.compile(r" (a|one) year ago "), 12),
    (re.compile(r" (\w+) months? ago "), None),
    (re.compile(r" (this|last|past|the) quarter "), 3),
)

# Nouns that ask for customers' words themselves.
_QUOTE_NOUNS = {
    "quote",
    "quotes",
    "verbatim",
    "verbatims",
    "excerpts",
    "testimonials",
    "texts",
    "snippets",
}
# Intents that read the subject of a question ("about couriers") as what it is about.
_SUBJECT_INTENTS = {"show_quotes", "topic_trend", "rank_segments", "segment_topic", "topic_where"}
# Intents whose subject, when no topic covers it, is searched for in the texts.
_SEARCHED = {"show_quotes", "topic_trend"}
_TALK_INTENTS = {"top_topics", "growing_topics", "liked_most", "target_advice"}


def _text(p: Parse) -> str:
    return " " + " ".join(p.words) + " "


def _has(text: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in text for phrase in phrases)


def read_talk(p: Parse) -> None:
    """Cues about what customers write (``top_talk``, ``growth``, ``like``, ``advice``,
    ``feel``), the tone of comments asked for and the goal of advice."""
    w, text = p.words, _text(p)
    words = set(w)
    if p.cues & {"write", "off_topic"}:
        return  # "write me a poem about our customers": out of scope, whatever it names
    topic_nouns = bool(words & tk.TOPIC_NOUNS)
    talks = bool(words & tk.WRITE_ABOUT) or _has(text, ("bring up", "come up", "coming up"))
    segment_asked = bool(re.search(r" (which|what) (segments?|clusters?|groups?|personas?|"
                                   r"cohorts?|tribes?|types?) ", text))  # fmt: skip
    patterns = (tk.ADVICE_GROUP, tk.ADVICE_ACTION, tk.ADVICE_BEST, tk.ADVICE_HOW,
                tk.ADVICE_INITIATIVE)  # fmt: skip
    if _has(text, tk.ADVICE_PHRASES) or any(re.search(x, text) for x in patterns):
        p.cues.add("advice")
        _use_phrases(p, tk.ADVICE_PHRASES)  # "thinking of a premium bundle": the goal follows
        p.goal = _goal(text) or _action(text)
    if (
        words & tk.GROWTH_WORDS or _has(text, tk.GROWTH_PHRASES) or ("more" in words and talks)
    ) and (
        topic_nouns
        or (talks and not segment_asked)
        or "emerging" in words
        or (_has(text, tk.GROWTH_PHRASES) and not segment_asked)
    ):
        p.cues.add("growth")
        _use_phrases(p, tk.GROWTH_PHRASES)  # "blowing up" names no topic
        if words & tk.DECLINE_WORDS and not words & {"growing", "grown", "rising", "fastest"}:
            p.direction = -1
    main = bool(words & tk.MAIN_WORDS) or _has(text, ("how often",))
    subject = _subject_after_about(w)
    asked_talk = (talks and ("about" in words and not subject or main)) or (topic_nouns and main)
    said = {x for i, x in enumerate(w) if x in {"say", "said", "saying", "says"} and speech(w, i)}
    if subject and said and not main and not topic_nouns and "which" not in p.cues:
        p.cues.add("said_about")  # "what did customers say about delivery": their words
    if _has(text, tk.MIND_PHRASES) or (asked_talk and not segment_asked):
        p.cues.add("top_talk")
    if words & tk.LIKE_WORDS and not segment_asked and "quotes" not in p.cues:
        p.cues.add("like")
    if words & tk.FEEL_WORDS or _has(text, tk.FEEL_PHRASES) or _FEELING_COMPARED.search(text):
        p.cues.add("feel")
    why = words & {"behind", "why", "cause", "causes", "causing", "driving", "drivers", "reason"}
    shown = _texts_asked(text, why=bool(why)) and not p.cues & {"trend", "how_many"}
    if _WHAT_SAID.search(text) or _THINGS_SAID.search(text) or shown:
        p.cues.update({"quotes", "words_asked"})
    # "joined less than a year ago" is a condition on a date, not "more than a year ago"
    dated = _DATED_CONDITION.sub(" ", text)
    if _has(dated, tk.MORE_OR_LESS) and "feel" not in p.cues:
        p.cues.update({"volume", "trend"})  # "are people talking more or less about X"
    if _VOLUME.search(text):
        p.cues.add("volume")
        p.cues.discard("quotes")
        if "period" in words or _has(text, ("up or down", "more or less", "rising or falling")):
            p.cues.add("trend")  # "the number of comments over the same period"
    for i, word in enumerate(w):
        if word in tk.FEEL_WORDS - {"sentiment"} and w[i + 1 : i + 2] == ["about"]:
            p.used.add(i)  # "how's feeling about X trending": the feeling, never a topic
        if "volume" in p.cues and word in tk.DOCUMENT_NOUNS:
            p.used.add(i)  # "the number of messages about delivery": what is counted
        if word in tk.FEELING_PHRASES and " ".join(w[i : i + 2]) in tk.FEELING_PHRASES[word]:
            p.used.update({i, i + 1})  # "fed up with": a feeling, not a measure
            p.cues.add("feeling_phrase")
    tones = [tk.TONE_WORDS[x] for x in w if x in tk.TONE_WORDS]
    if tones:
        p.tone = tones[0]
    if _has(text, tk.WORDS_ASKED):
        p.cues.update({"quotes", "words_asked"})  # "their exact words", "real comments"
    if "quotes" in p.cues and "about" in words and not words & tk.MAIN_WORDS:
        p.cues.discard("top_talk")  # "what are they saying about X? own words": quotes on X
    measured = measure_phrase_words(w, set())  # "ordered most recently" is a measure
    for i, word in enumerate(w):
        talked = word in tk.TOPIC_NOUNS and p.cues & {"top_talk", "growth", "quotes"}
        talked = talked or (word in tk.DOCUMENT_NOUNS and "quotes" in p.cues)  # "messages"
        if i in measured:
            continue
        if word in tk.FILLER_WORDS or talked or (word in tk.TONE_WORDS and "quotes" in p.cues):
            p.used.add(i)


def _subject_after_about(w: list[str]) -> bool:
    """Whether a subject follows "about" ("say about delivery"), not only the question's
    end or a period ("what are people talking about these days?")."""
    if "about" not in w:
        return False
    after = w[w.index("about") + 1 :]
    quiet = lx.STOP_WORDS | lx.UNITS.keys() | {"recently", "lately", "these", "days", "now"}
    return any(x.isalpha() and x not in quiet for x in after)


def _use_phrases(p: Parse, phrases: tuple[str, ...]) -> None:
    """Mark the words of each of ``phrases`` found in the question as read."""
    w = p.words
    for phrase in phrases:
        parts = phrase.split()
        for i in range(len(w) - len(parts) + 1):
            if w[i : i + len(parts)] == parts:
                p.used.update(range(i, i + len(parts)))


def _period(text: str) -> dict | None:
    """A period the period reader leaves ("this half-year", "than a year ago"), or None."""
    for pattern, months in _PERIODS:
        found = pattern.search(text)
        if found:
            n = months or parse_number(found.group(1))
            if n:
                return {"last": int(n), "unit": "months"}
    return None


def _goal(text: str) -> str | None:
    """The goal of a targeting question, in the tool's words where it has one."""
    for goal, cues in tk.GOALS.items():
        if any(cue in text for cue in cues):
            return goal
    return None


def _action(text: str) -> str | None:
    """The action a "how to" question asks about ("cut returns", "improving app usage")."""
    found = re.search(tk.ADVICE_HOW, text)
    if not found:
        return None
    words = text[found.start("act") :].split()
    return " ".join(words[:6]) or None


def talk_scores(s: dict[str, float], p: Parse) -> None:
    """Shift the intent scores by the cues about what customers write."""
    c = p.cues
    if "advice" in c:
        s["target_advice"] += 0.45
    if "growth" in c and not p.topics and not _subject(p):
        s["growing_topics"] += 0.4
    if "top_talk" in c and not p.topics and "growth" not in c:
        s["top_topics"] += 0.35
    if "like" in c and not p.topics and "which" not in c:
        s["liked_most"] += 0.3


def settle_talk(intent: str, scores: dict[str, float], p: Parse) -> str | None:
    """The intent the talk cues leave as the only sensible reading, or None."""
    c = p.cues
    if "advice" in c and "write" not in c:
        return "target_advice"
    if "said_about" in c and not p.segments and intent not in {"customer_why", "unsupported"}:
        p.cues.update({"quotes", "words_asked"})
        return "show_quotes"  # what everyone said about a subject: their words
    if intent == "target_advice":  # advice is given only where it is asked for
        return max((k for k in scores if k != intent), key=lambda k: scores[k])
    if "volume" in c and "trend" in c:
        return "topic_trend"
    asked_quotes = "quotes" in c and (p.tone or set(p.words) & _QUOTE_NOUNS or "words_asked" in c)
    kept = {"topic_trend", "customer_why", "compare_segments", "rank_segments"}
    if asked_quotes and intent not in kept and "volume" not in c:
        return "show_quotes"  # "quotes from X moaning about Y": their words, of that tone
    if intent == "topic_trend" and "quotes" in c and not c & {"volume", "feel"} and not p.period:
        return "show_quotes"  # "what are they saying about toys falling apart? exact words"
    if intent == "growing_topics" and (p.topics or _subject(p)):
        return "topic_trend"  # "are people talking more about delivery": that subject's trend
    if "growth" in c and not p.topics and intent in {"topic_trend", "rank_segments"}:
        return "growing_topics"
    if _feeling_about(p) and p.topics and "which" in c:
        _unlink_topic_modifiers(p)  # "fed up with the bike workshop": "bike" is no segment
    ranked_feeling = _feeling_about(p) and p.topics and not p.segments and "which" in c
    if ranked_feeling and intent in {"topic_where", "segment_topic", "describe_segment"}:
        return "rank_segments"  # "which group is most fed up with the workshop"
    talked = "top_talk" in c and not p.topics and "growth" not in c
    if talked and intent in {"topic_where", "rank_segments", "describe_segment", "segment_topic"}:
        return "top_topics"
    return None


def finish_talk(p: Parse, intent: str) -> None:
    """After linking: subject words of quotes become ``about``, a trend's measure follows
    its feeling words, and advice keeps its leftover words as its goal."""
    if intent == "target_advice":
        if p.goal is None:
            left = [c["text"] for c in p.chunks]
            p.goal = " ".join(left[:2]) or None
        p.unknown = []
        p.measure_unknown = []
        return
    if intent == "topic_trend":  # feeling words ask for sentiment, anything else for volume
        p.measure = "sentiment" if "feel" in p.cues and "volume" not in p.cues else "documents"
        if p.measure != "sentiment":
            p.cues.discard("sentiment")
    if not (p.period or {}).get("last") and not (p.period or {}).keys() - {"last", "unit"}:
        p.period = _period(_text(p)) or p.period  # "this half-year", "than a year ago"
    polarity = _feeling_about(p)
    if intent == "rank_segments" and polarity:
        p.measure, p.polarity = "sentiment", polarity
    complains = any(x in tk.COMPLAINT_WORDS for x in p.words)
    if intent == "rank_segments" and p.measure == "sentiment" and p.polarity < 0 and complains:
        p.measure, p.polarity = "negative_share", 1  # who complains most (or least)
    if intent not in _SUBJECT_INTENTS:
        return
    if intent in {"show_quotes", "topic_trend"}:
        _unlink_subject_segments(p)
    linked = {*p.topic_spans, *p.segment_spans}
    subject = [
        c
        for c in p.chunks
        if not c["people"]
        and not _said_words(c["words"])  # "how are we doing on sentiment": no subject
        and (c["text"] in p.unknown or c["about"] and (c["start"], c["end"]) not in linked)
    ]
    if p.topics:  # "packaging or sustainability": words joined to the topic found
        joined = {c["text"] for c in subject if _joined(p, c)}
        p.unknown = [u for u in p.unknown if u not in joined]
    elif subject and intent in {"show_quotes", "topic_trend"}:
        p.about = subject[0]["text"]
        p.unknown = [u for u in p.unknown if u != p.about]
    elif intent == "rank_segments" and p.measure in FEELING_MEASURES and _about_chunks(subject):
        p.about = _about_chunks(subject)[0]["text"]  # "complains most about X"
        p.unknown = [u for u in p.unknown if u != p.about]
    said = tk.DOCUMENT_NOUNS | set(tk.TONE_WORDS)  # "the share of negative texts": no subject
    named = [
        u for u in p.unknown if p.unknown_kinds.get(u) == "topic" and not set(u.split()) <= said
    ]
    sentiment_rank = intent == "rank_segments" and p.measure in FEELING_MEASURES
    if named and not p.topics and p.about is None and (sentiment_rank or intent in _SEARCHED):
        p.about = named[0]  # "moans most about delivery - late parcels": searched in the texts
        p.unknown = [u for u in p.unknown if u != p.about]
    if intent == "show_quotes" and p.topics and p.about is None:  # "treadmill delivery"
        beside = [
            c
            for c in p.chunks
            if not c["people"] and _joined(p, c, gap=0) and not _predicate(c["words"])
        ]  # "couriers smashing boxes": what happens to the subject, not a narrower one
        p.about = beside[0]["text"] if beside else None
    keyworded = "topic_keywords" in p.cues and p.topic_spans
    if intent == "show_quotes" and p.topics and p.about is None and keyworded:
        start, end = p.topic_spans[0]  # a topic named by a phrase: quotes on that phrase first
        named = [x for x in p.words[start:end] if x not in lx.STOP_WORDS]
        p.about = " ".join(named) if len(named) > 1 else None
    if intent == "show_quotes" and (p.topics or p.about):  # "renal, urinary, that kind of thing"
        starts = [a for a, _ in p.topic_spans] + [c["start"] for c in subject if c["about"]]
        start = min(starts, default=len(p.words))
        trailing = {c["text"] for c in subject if c["start"] > start}
        p.unknown = [u for u in p.unknown if u not in trailing]


# Words after "say" that make it "for example" ("say the last 3 months", "say around 50").
_SAY_EXAMPLE = frozenset(["the", "last", "past", "next", "first", "around", "about", "roughly",
                          "approximately", "over", "under", "above", "below"])  # fmt: skip


def speech(w: list[str], i: int) -> bool:
    """Whether "say" at word ``i`` is said by someone, not "for example" ("... lately? say the
    last 3 months", "let's say 5 orders")."""
    if w[i] != "say" or i + 1 >= len(w):
        return True
    after = w[i + 1]
    return not (after in _SAY_EXAMPLE and after != "about" or parse_number(after) is not None
                or after == "about" and i + 2 < len(w) and parse_number(w[i + 2]) is not None
                or i > 0 and w[i - 1] in {"let's", "lets"})  # fmt: skip


def _said_words(words: list[str]) -> bool:
    """Whether a chunk only names feelings, tones or documents ("sentiment", "the mood",
    "negative reviews"): how or what customers write, never a subject."""
    said = tk.DOCUMENT_NOUNS | set(tk.TONE_WORDS) | tk.FEEL_WORDS | set(lx.SENTIMENT_TERMS)
    content = [x for x in words if x not in lx.STOP_WORDS]
    return bool(content) and all(x in said for x in content)


def _predicate(words: list[str]) -> bool:
    """Whether a chunk's words are all verb forms ("smashing", "crushed"): something said
    of the subject rather than a narrower subject ("the podcast")."""
    return all(len(w) > 4 and w.endswith(("ing", "ed")) for w in words)


def _about_chunks(subject: list[dict]) -> list[dict]:
    """The chunks after "about" that name a subject, not a tone ("negative") or what is
    written ("reviews")."""
    said = tk.DOCUMENT_NOUNS | set(tk.TONE_WORDS)
    return [c for c in subject if c["about"] and not set(c["words"]) <= said]


def _subject(p: Parse) -> bool:
    """Whether the question names a subject after "about" (a chunk no step explained)."""
    return any(c["about"] and not c["people"] for c in p.chunks)


def _unlink_subject_segments(p: Parse) -> None:
    """A segment linked by meaning from words after "about" is the subject, not who wrote."""
    for c in p.chunks:
        span = (c["start"], c["end"])
        if c["about"] and not c["people"] and span in p.segment_spans:
            k = p.segment_spans.index(span)
            p.segment_spans.pop(k)
            number = p.segments.pop(k) if k < len(p.segments) else None
            if number is not None and number not in p.segments:
                p.seg_at.pop(number, None)
            p.unknown.append(c["text"])


def _unlink_topic_modifiers(p: Parse) -> None:
    """A segment linked from a word right before a topic found ("the bike workshop") is
    part of that subject, not who is asked about."""
    starts = {start for start, _ in p.topic_spans}
    for span in [s for s in p.segment_spans if s[1] in starts]:
        k = p.segment_spans.index(span)
        p.segment_spans.pop(k)
        number = p.segments.pop(k) if k < len(p.segments) else None
        if number is not None and number not in p.segments:
            p.seg_at.pop(number, None)


def _joined(p: Parse, chunk: dict, gap: int = 3) -> bool:
    """Whether a chunk sits next to a linked topic: at most ``gap`` words between them, all
    joining words ("and", "or", ",") or at least one conjunction among them."""
    joining = {"and", "or", "&", ",", "/", "the", "our", "of"}
    for start, end in p.topic_spans:
        after = end <= chunk["start"]
        words = p.words[end : chunk["start"]] if after else p.words[chunk["end"] : start]
        joins = any(x in {"and", "or", "&", ",", "/"} for x in words)
        if len(words) <= gap and (joins or all(x in joining for x in words)):
            return True
    return False


def _feeling_about(p: Parse) -> int:
    """The polarity of a feeling word followed by what it is about ("most positive about
    X": 1, "complains the most about Y": -1), 0 without one."""
    w = p.words
    for i, word in enumerate(w[:-1]):
        after = w[i + 1 : i + 4]
        pair = " ".join(w[i : i + 2])
        if word in tk.FEELING_PHRASES and pair in tk.FEELING_PHRASES[word]:
            return tk.FEELING_PHRASES[word][pair]
        if word in lx.SENTIMENT_TERMS and after[0] in lx.TOPIC_PREPS:
            return lx.SENTIMENT_TERMS[word]
        if word in lx.SENTIMENT_TERMS and "most" in after[:2] and "about" in after:
            return lx.SENTIMENT_TERMS[word]
    return 0
