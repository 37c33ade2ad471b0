"""A subject the texts name in the asker's own words, preferred to a topic that only
resembles it.

The reading may link "angry comments about delivery" to a topic whose label holds
none of the words asked ("price · sale · points", through a deeper keyword or by
meaning; :attr:`nlp.chat.parse.Understanding.topic_words`). When at least k
customers wrote those words, the answer is about the texts that hold them, not
about the look-alike topic; when nobody wrote them ("our podcast"), it says no
comment mentions them; otherwise the topic stands (the reading names it).
"""

from __future__ import annotations

from nlp.chat.parse import Understanding
from segapp.models import DocumentResult, SegmentationRun
from segapp.services.chat.tools.documents import search_words, subject_match


def settle_subject(understanding: Understanding, run: SegmentationRun, k: int) -> Understanding:
    """``understanding`` about the texts holding its topic's words when k writers or more
    wrote them (see the module docstring); unchanged otherwise."""
    u = understanding
    words = search_words(u.topic_words) if u.topic_words and not u.about else []
    if not words:
        return u
    found = DocumentResult.objects.filter(run=run).filter(subject_match(run, words, k))
    writers = found.values("document__customer").distinct().count()
    if writers == 0:  # nobody writes it: a subject the run does not have, never the look-alike
        u.unknown, u.topics = [u.topic_words, *u.unknown], []
        u.unknown_kinds = {**u.unknown_kinds, u.topic_words: "topic"}
    elif writers >= k and u.intent in {"show_quotes", "topic_trend", "rank_segments"}:
        u.about, u.topics = u.topic_words, []
    return u
