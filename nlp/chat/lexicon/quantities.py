"""Numbers, ordinals, months and period units written in words, and the comparators
written before or after a number ("more than 500", "500 or more").
"""

from __future__ import annotations

NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}

ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "7th": 7,
    "eighth": 8,
    "8th": 8,
    "ninth": 9,
    "9th": 9,
    "tenth": 10,
    "10th": 10,
    "runner-up": 2,
}

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

#: Units of a period ("the last 6 months"), singular or plural, to their plural.
UNITS = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
    "quarter": "quarters",
    "quarters": "quarters",
    # written short: "2 yrs", "6 mths", "3 wks"
    "yr": "years",
    "yrs": "years",
    "mo": "months",
    "mos": "months",
    "mth": "months",
    "mths": "months",
    "wk": "weeks",
    "wks": "weeks",
    "fortnight": "fortnights",
    "fortnights": "fortnights",
}

#: Counts of times written as one word ("bought at least twice").
TIMES_WORDS = {"once": 1, "twice": 2, "thrice": 3}

#: Comparators written before a number ("more than 500"), longest phrases first.
COMPARATORS: tuple[tuple[str, str], ...] = (
    ("at least", ">="),
    ("no less than", ">="),
    ("minimum of", ">="),
    ("a minimum of", ">="),
    ("not less than", ">="),
    ("at most", "<="),
    ("no more than", "<="),
    ("not more than", "<="),
    ("maximum of", "<="),
    ("a maximum of", "<="),
    ("up to", "<="),
    ("more than", ">"),
    ("greater than", ">"),
    ("higher than", ">"),
    ("bigger than", ">"),
    ("larger than", ">"),
    ("older than", ">"),
    ("longer than", ">"),
    ("over", ">"),
    ("above", ">"),
    ("exceeding", ">"),
    ("exceeds", ">"),
    ("exceed", ">"),
    ("beyond", ">"),
    ("less than", "<"),
    ("fewer than", "<"),
    ("lower than", "<"),
    ("smaller than", "<"),
    ("younger than", "<"),
    ("shorter than", "<"),
    ("under", "<"),
    ("below", "<"),
    ("exactly", "="),
    ("only", "="),  # "ordered only once", "just 2 orders"
    ("just", "="),
    ("equal to", "="),
    ("equals", "="),
    (">=", ">="),
    ("<=", "<="),
    (">", ">"),
    ("<", "<"),
    ("=", "="),
)

#: Comparators written after a number ("500 or more").
TRAILING_COMPARATORS = (
    ("or more", ">="),
    ("and above", ">="),
    ("or above", ">="),
    ("and over", ">="),
    ("or over", ">="),
    ("plus", ">="),
    ("+", ">="),
    ("or less", "<="),
    ("or fewer", "<="),
    ("and below", "<="),
    ("or under", "<="),
    ("or below", "<="),
)

#: "on most orders", "for most of their purchases": more than half of what is counted.
MOST_SHARE_PREPS = frozenset(["on", "for", "in", "with"])

#: Fractions written in words ("half their orders", "a fifth of what they buy").
FRACTIONS = {
    "half": 0.5,
    "halves": 0.5,
    "third": 1 / 3,
    "thirds": 1 / 3,
    "quarter": 0.25,
    "quarters": 0.25,
    "fifth": 0.2,
    "fifths": 0.2,
    "tenth": 0.1,
    "tenths": 0.1,
}

#: Each period unit in the others: a duration asked in one unit, compared on a column in another.
UNIT_FACTORS: dict[str, dict[str, float]] = {
    "days": {"days": 1, "weeks": 7, "fortnights": 14, "months": 30, "quarters": 91, "years": 365},
    "weeks": {
        "days": 1 / 7,
        "weeks": 1,
        "fortnights": 2,
        "months": 30 / 7,
        "quarters": 13,
        "years": 52,
    },
    "months": {
        "days": 1 / 30,
        "weeks": 7 / 30,
        "fortnights": 14 / 30,
        "months": 1,
        "quarters": 3,
        "years": 12,
    },
    "years": {
        "days": 1 / 365,
        "weeks": 1 / 52,
        "fortnights": 14 / 365,
        "months": 1 / 12,
        "quarters": 0.25,
        "years": 1,
    },
}

#: Column-name tokens that give the period a column covers ("spend_12m", "sessions_30d").
PERIOD_TOKENS: dict[str, tuple[float, str]] = {
    "12m": (12, "months"),
    "6m": (6, "months"),
    "3m": (3, "months"),
    "1m": (1, "months"),
    "30d": (30, "days"),
    "90d": (90, "days"),
    "7d": (7, "days"),
    "365d": (365, "days"),
    "1y": (1, "years"),
    "12mo": (12, "months"),
    "ytd": (1, "years"),
    "annual": (1, "years"),
    "yearly": (1, "years"),
    "monthly": (1, "months"),
    "weekly": (1, "weeks"),
}

#: Words saying a measure is over all time ("spent with us in total", "lifetime value").
ALL_TIME_WORDS = frozenset(["total", "overall", "lifetime", "ever", "all-time"])

#: Words saying "a little or none of" a measure: "barely opens the app", "rarely returns".
LOW_WORDS = frozenset(["barely", "hardly", "rarely", "seldom", "scarcely"])
