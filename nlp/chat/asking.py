"""What kind of request a question makes, read from how it is put:

- **a description asked for**: the question opens with a verb or phrase that asks for a
  portrait ("describe", "tell me (more) about", "who are", "what's the story with",
  "sum up", "give me a profile of"); whatever else it asks ("what do they buy, what do
  they moan about") is part of the portrait;
- **an earlier run referred to**: "since the previous refresh", "than last time",
  "against the prior segmentation": a comparison word, then an earlier one of
  anything that is not a period ("since last year" is a period, not a run);
- **two segments set against each other**: "is A more engaged than B?".
"""

from __future__ import annotations

import re

from nlp.chat import lexicon as lx
from nlp.chat.parse import Parse

# Openings that ask for a portrait of who the people are (after "please", "can you" ...).
_DESCRIBE = re.compile(
    r"^(?:(?:ok|okay|so|and|now|please|can you|could you|would you|just) )*"
    r"(?:describe|profile|characteri[sz]e|summari[sz]e|sum up|introduce"
    r"|tell me (?:a bit |a little |some ?thing |more |a lot )*about"
    r"|(?:(?:give|get|send|show|write|draft) me|(?:can|could|may) i (?:get|have|see)"
    r"|i'd like|i would like|i want|i need|we need|let's (?:see|have))? ?"
    r"(?:a |an |the )?(?:quick |short |brief |full |one-line |one-page |little )?"
    r"(?:profile|portrait|summary|overview|rundown|description|picture|pen portrait)"
    r" (?:of|for|on)"
    r"|who (?:are|is|were)|(?:what is|what are|what's|whats) the (?:story|deal|lowdown|scoop)"
    r" (?:with|on|behind)"
    r"|what (?:defines|characteri[sz]es|describes)|what (?:are|is) \w+ like)\b"
)
# Words that compare with something before; the earlier thing follows.
_SINCE = frozenset({"since", "than", "vs", "versus", "against", "from", "with", "to"})
_EARLIER = frozenset({"last", "previous", "prior", "earlier", "preceding", "old", "older"})
_SET_AGAINST = frozenset(
    {"diff", "difference", "differences", "between", "vs", "versus", "against"}
)
_BEFORE = frozenset({"before", "previous", "prior", "earlier", "last", "preceding", "latest"})
_SUBJECT_PREPS = frozenset({"about", "on", "regarding", "concerning", "around", "re"})
_TIME_WORDS = frozenset({"year", "years", "month", "months", "week", "weeks", "quarter"})


def asks_description(p: Parse) -> bool:
    """Whether the question opens by asking for a portrait ("tell me more about them")."""
    return description_opening(p) > 0


def description_opening(p: Parse) -> int:
    """How many words open the question asking for a portrait (0 when it does not)."""
    found = _DESCRIBE.search(" ".join(p.words))
    return len(found.group(0).split()) if found else 0


def subject_words(p: Parse, phrase: str) -> bool:
    """Whether a phrase of the question is introduced as a subject ("about X", "on X"),
    not as a word of how to answer ("in a couple of lines for a slide")."""
    parts = phrase.lower().split()
    w = p.words
    for i in range(len(w) - len(parts) + 1):
        if w[i : i + len(parts)] == parts:
            before = [x for x in w[max(0, i - 3) : i] if x not in {"the", "a", "an", "our"}]
            return bool(before) and before[-1] in _SUBJECT_PREPS
    return True


def read_run_reference(p: Parse) -> None:
    """The "run" cue for a comparison with an earlier something that is not a period
    ("did the clusters move since the previous refresh?")."""
    w = p.words
    words = set(w)
    if words & {"run", "runs", "segmentation"} and words & _SET_AGAINST and words & _BEFORE:
        p.cues.add("run")  # "diff between the latest run and the one before"
        return
    for i in range(1, len(w) - 1):
        if w[i] not in _EARLIER:
            continue
        before = w[i - 2] if w[i - 1] == "the" and i >= 2 else w[i - 1]
        after = w[i + 1]
        if before not in _SINCE or not after.isalpha():
            continue
        if after in lx.UNITS or after in _TIME_WORDS or after in lx.MONTHS:
            continue
        p.cues.add("run")
        return


def sets_against(p: Parse) -> bool:
    """Whether two segments named are set against each other ("is A more X than B?")."""
    if len(p.segments) < 2 or "than" not in p.words:
        return False
    at = p.words.index("than")
    first = min(p.seg_at.get(n, len(p.words)) for n in p.segments)
    return first < at
