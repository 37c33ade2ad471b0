"""Reading questions about the groups themselves: how many segments there are, how big a
group is as a share of the base, and lists of a segment's customers.

- **counting segments**: a counting phrase ("how many", "number of") whose counted noun
  is a group noun ("segments", "tribes", "cohorts", "types of customer") asks for the
  overview, not for a count of customers; words that only qualify the noun ("different
  customer segments") are skipped to find it;
- **shares**: a share word ("share", "percentage", "proportion", "%") of a whole of
  people ("of our customers", "of the base") or a group "as a share of" something asks
  for a share of the base (``share`` intent, ``share_members``);
- **member lists**: a list verb with customers of a segment ("list the customers in X").

:func:`read_groups` sets the cues from the words, :func:`groups_scores` shifts the
intent scores, :func:`settle_groups` fixes the intent the cues leave as the only
sensible reading.
"""

from __future__ import annotations

from nlp.chat.intents import INTENTS
from nlp.chat.lexicon import people as pl
from nlp.chat.parse import Parse

# "num of", "nr of": the number written short.
_COUNTING = (
    ("how", "many"),
    ("number", "of"),
    ("num", "of"),
    ("nr", "of"),
    ("count", "of"),
    ("no", "of"),
    ("hw", "many"),
    ("how", "much"),
)
# "which segment has the highest share of X": a ranking, never a share of the base.
# The people a kind noun is of, written before it: "customer types", "shopper kinds".
_PEOPLE_MODIFIERS = frozenset(["customer", "client", "shopper", "buyer", "user", "member"])
_RANKING = frozenset(["which", "who", "highest", "lowest", "biggest", "largest", "most", "least"])


def _many(word: str) -> bool:
    """ "many", also with two letters swapped ("mnay", "mnay")."""
    return word == "many" or (len(word) == 4 and sorted(word) == sorted("many"))


def counts_segments(words: list[str]) -> bool:
    """Whether a counting phrase counts groups ("how many customer segments", "number of
    tribes", "how many types of customer", "how many customer types"), not customers."""
    people = pl.MEMBER_NOUNS | _PEOPLE_MODIFIERS
    for i in range(len(words) - 1):
        first, second = words[i], words[i + 1]
        counting = (first == "how" and _many(second)) or (first, second) in _COUNTING
        if not counting:
            continue
        for j in range(i + 2, min(len(words), i + 7)):
            word = words[j]
            if word in pl.GROUP_NOUNS:
                return True
            if word in pl.KIND_NOUNS:
                return words[j - 1] in people or _of_people(words, j + 1)
            if word not in pl.COUNT_MODIFIERS:
                break
    return False


def _of_people(words: list[str], i: int) -> bool:
    """ "of customer(s)" (or "customer" straight after) at word ``i``."""
    rest = [w for w in words[i : i + 3] if w not in {"of", "our", "the"}]
    return bool(rest) and rest[0] in pl.MEMBER_NOUNS | _PEOPLE_MODIFIERS


def asks_share(words: list[str]) -> bool:
    """Whether the question asks for a share of the base ("what % of our customers are in
    X", "proportion of customers in X", "X as a share of the customer base")."""
    for i, word in enumerate(words):
        if word not in pl.SHARE_WORDS:
            continue
        before = words[max(0, i - 3) : i]
        if any(w in {"as", "what", "which"} for w in before[-2:]) and (
            "as" in before[-2:] or _base_follows(words, i + 1) or _group_follows(words, i + 1)
        ):
            return True
        if _base_follows(words, i + 1):
            return True
    return False


def _base_follows(words: list[str], i: int) -> bool:
    """ "of (our / the / all) customers", "of the (whole) customer base" at word ``i``."""
    if i >= len(words) or words[i] != "of":
        return False
    rest = [w for w in words[i + 1 : i + 5] if w not in {"our", "the", "all", "whole", "entire"}]
    return bool(rest) and (
        rest[0] in pl.BASE_NOUNS or (rest[0] == "customer" and rest[1:2] == ["base"])
    )


def _group_follows(words: list[str], i: int) -> bool:
    """ "what share are / is / does ..." straight after the share word: a group's share."""
    return i < len(words) and words[i] in {"is", "are", "does", "do", "of"}


def asks_list(words: list[str]) -> bool:
    """Whether the question asks for a list of individual customers ("list the customers
    in X", "export the members of X", "give me the ids of X")."""
    for i, word in enumerate(words):
        if word not in pl.LIST_VERBS:
            continue
        ahead = [w for w in words[i + 1 : i + 6] if w not in {"me", "us", "the", "all", "of"}]
        if not ahead:
            continue
        noun = (
            ahead[1]
            if ahead[0] in {"individual", "actual", "their"} and len(ahead) > 1
            else ahead[0]
        )
        if noun in pl.MEMBER_NOUNS and (word != "show" or noun != "people"):
            return any(w in {"in", "of", "from", "within"} for w in words[i + 1 :])
    return False


def read_groups(p: Parse) -> None:
    """The cues of questions about the groups: ``count_segments``, ``share_ask``, ``list``."""
    if counts_segments(p.words):
        p.cues.add("count_segments")
    words = set(p.words)
    if asks_share(p.words) and not (
        {"which", "who"} & words and words & _RANKING - {"which", "who"}
    ):
        p.cues.add("share_ask")
    if asks_list(p.words):
        p.cues.add("list")


def groups_scores(s: dict[str, float], p: Parse) -> None:
    """Shift the intent scores by the cues of questions about the groups."""
    c = p.cues
    if "count_segments" in c:
        s["overview"] += 0.45
    if "share_ask" in c:
        s["share"] += 0.45
    if "list" in c and p.segments:
        s["list_customers"] += 0.4


def settle_groups(intent: str, p: Parse) -> str | None:
    """The intent the group cues leave as the only sensible reading, or None."""
    c = p.cues
    if "write" in c or p.customer:
        return None
    if "count_segments" in c and not p.segments:
        # "how many segments then vs now, since the previous run?": the runs set side by side
        changed = "run" in c and c & {"change", "compare"} and "run_change" in INTENTS
        return "run_change" if changed else "overview"
    if "share_ask" in c:
        return "share"
    if "list" in c and p.segments and intent not in {"compare_segments"}:
        return "list_customers"
    asked_of = intent in {"describe_segment", "share"} and "measure_value" in INTENTS
    if "stat" in c and p.measure_unknown and asked_of:
        return "measure_value"  # "the average NPS of X": a measure asked of X, one it lacks
    if intent in {"share", "list_customers"} and not (p.segments or p.filters or p.measure):
        return "overview" if intent == "share" else "describe_segment"
    return None
