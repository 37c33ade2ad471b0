"""Places and holidays named after people: "St. X's Day", "San X", "X Road", "X, Ohio".

A first name before a street or building word, after a saint's or a mountain's
prefix, or before a comma and a US state is part of a place's name; one before
"'s Day" names a holiday.
"""

from __future__ import annotations

import re

from nlp.redact.name_words import word_set

__all__ = ["in_place_name"]

# Words that make the name before them a place's: "X Street", "X airport", "X pier".
_PLACE_WORDS = word_set(
    """
    street st road rd avenue ave boulevard blvd drive square station airport park bridge
    lane way place plaza terrace crescent gardens parkway highway motorway quay wharf pier
    harbour harbor port beach bay island heights valley stadium arena hospital cathedral
    church abbey castle palace museum gallery theatre theater library college university
    campus junction circus mall market centre center tower hall
    """
)
# Prefixes of place names: "St. X", "San X", "Santa X", "São X", "Mount X", "Fort X".
_PLACE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:St|Ste|Saint|Sainte|San|Santa|Santo|São|Sao|Mount|Mt|Fort|Ft|Port|Lake|Cape)"
    r"\.?[ \t]+$"
)
_US_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
    "Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
    "Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    "New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|"
    "Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|"
    "Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"
)
# A comma and a state after the name: "in X, Ohio" is a town.
_STATE_AFTER = re.compile(rf",[ \t]*(?:{_US_STATES})(?![\w'’-])")
# A possessive and a day: "St. X's Day", "X's Eve".
_HOLIDAY_AFTER = re.compile(r"['’]s[ \t]+(?:Day|Eve)(?![\w'’-])")
_WORD = re.compile(r"[^\W\d_]+")
_NEXT_WORD = re.compile(r"[ \t]+(?P<word>[^\W\d_]+)\.?(?![\w'’-])")


def in_place_name(text: str, start: int, end: int, span_end: int) -> bool:
    """Whether the first name at ``text[start:end]`` (full name to ``span_end``) is part of
    a place's or a holiday's name."""
    if _PLACE_BEFORE.search(text, max(0, start - 8), start) is not None:
        return True
    if _HOLIDAY_AFTER.match(text, end) or _STATE_AFTER.match(text, span_end):
        return True
    later = [w.lower() for w in _WORD.findall(text, end, span_end)]
    following = _NEXT_WORD.match(text, span_end)
    if following is not None:
        later.append(following["word"].lower())
    return any(word in _PLACE_WORDS for word in later)
