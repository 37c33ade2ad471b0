"""Splitting messy customer text into sentences and contrasting clauses, by regular expressions."""

from __future__ import annotations

import re

# Emoji (pictographs, symbols, dingbats, flags, joiners and variation selectors) and a
# few ASCII emoticons. They close the sentence they follow.
_EMOJI = (
    r"(?:[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+"
    r"|[:;=]-?[()DPp\[\]/\\|]|<3)"
)
_END_PUNCT = r"[.!?\u2026\u203C\u2049]"
_CLOSERS = r"[\"'\u201D\u2019)\]]"
_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029]|\s[\u2022\u00B7\u25AA\u25E6]\s")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00B7\u25AA\u25E6\u2013\u2014>]|\d{1,2}[.)])\s+")
# Terminal punctuation (with closing quotes and any emoji right after it), then space.
_AFTER_PUNCT = re.compile(rf"({_END_PUNCT}+{_CLOSERS}*(?:\s*{_EMOJI})*)\s+")
# An emoji run without punctuation before it also ends a sentence ("love it 😍 broke").
_AFTER_EMOJI = re.compile(rf"({_EMOJI}(?:\s*{_EMOJI})*)\s+")
# A missing space: "fabric.Delivery", "slow!!!Never". Two lower-case letters before a
# dot keep "U.S.A" and "Dr.Who" whole; a dot before a lower-case letter (domains,
# file names) never splits.
_NO_SPACE = re.compile(r"(?<=[a-z]{2}\.)(?=[A-Z])|(?<=[!?\u2026])(?=[A-Z])|(?<=\.\.)(?=[A-Z])")
_CONTRAST = re.compile(
    r"(?<!\bnothing)(?<!\banything)(?<!\ball)(?<!\beven)(?<!\bas)"
    r"(?:\s*[,;]|\s+[-\u2013\u2014])?\s+"
    r"(?=(?:but|although|though|however|whereas|except that|shame that|on the other hand)"
    r"\b(?!\s+also\b)\W*\w)",
    re.IGNORECASE,
)
# "e.g.", "Mr.", an initial ("J. Smith"); "No." only before a number ("No. 5" but "No. Never").
_ABBREVIATION_END = re.compile(
    r"(?:\b(?i:e\.g|i\.e|vs|mr|mrs|ms|dr|st|approx|incl|ref)\.|\b[A-Z]\.)$"
)
_NUMBER_SIGN_END = re.compile(r"\bno\.$", re.IGNORECASE)
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|\u2026)$")
# What is left of a fragment once tags, handles, links and sarcasm markers are gone:
# without a letter it is decoration of the sentence before ("!!!", "😍", "#ootd", "/s").
_DECORATION = re.compile(r"#\w+|@\w+|https?://\S+|(?<!\w)/s\b", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")


def split_sentences(text: str, *, at_contrast: bool = True) -> list[str]:
    """Split messy customer text into sentences, and sentences into contrasting clauses.

    Pure regular expressions (nothing to download). Handles newlines and bullet
    lists, "!!!" and "?!", emoji and emoticons (they stay with the sentence they
    close), missing spaces after a full stop ("fabric.Delivery"), abbreviations
    ("e.g.", "Mr."), trailing hashtags and @mentions (kept with the sentence before).

    With ``at_contrast`` (the default) a sentence is also cut before "but",
    "although", "however", "shame that", …, so "love the fabric but delivery took
    forever" gives two pieces that can be scored, and assigned to topics, apart.
    The connector stays at the start of the second piece; "nothing but", "even
    though" and "but also" are not cut. Pieces are stretches of the input, apart from
    whitespace, bullet markers and the comma before a connector.
    """
    pieces: list[str] = []
    for line in _LINE_BREAK.split(text):
        line = _BULLET.sub("", line).strip()
        if line:
            pieces.extend(_split_line(line, at_contrast=at_contrast))
    return _merge_fragments(pieces)


def _split_line(line: str, *, at_contrast: bool) -> list[str]:
    marked = _AFTER_PUNCT.sub("\\1\n", line)
    marked = _AFTER_EMOJI.sub("\\1\n", marked)
    marked = _NO_SPACE.sub("\n", marked)
    sentences = _rejoin_abbreviations([s.strip() for s in marked.split("\n") if s.strip()])
    if not at_contrast:
        return sentences
    return [clause for s in sentences for clause in _CONTRAST.split(s) if clause.strip()]


def _rejoin_abbreviations(pieces: list[str]) -> list[str]:
    """Glue back cuts made after "e.g.", "No." or an initial, and after "..." before lower case."""
    joined: list[str] = []
    for piece in pieces:
        if joined and (
            _ABBREVIATION_END.search(joined[-1])
            or (_NUMBER_SIGN_END.search(joined[-1]) and piece[:1].isdigit())
            or (_ELLIPSIS_END.search(joined[-1]) and piece[:1].islower())
        ):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined


def _merge_fragments(pieces: list[str]) -> list[str]:
    """Attach pieces with no words of their own ("😍", "!!!", "#eco") to a neighbour."""
    merged: list[str] = []
    pending = ""
    for piece in pieces:
        if _LETTER.search(_DECORATION.sub(" ", piece)):
            merged.append(f"{pending} {piece}".strip())
            pending = ""
        elif merged:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            pending = f"{pending} {piece}".strip()
    if pending:
        merged.append(pending)
    return merged
