"""What a column's values say: a profile of a sample of them.

From the first few hundred records of a file each column gets a
`ColumnProfile`: how many values are filled, numbers, dates (ISO, with a time
zone, day-first or month-first, epoch seconds or milliseconds), long free
text, or shaped like a direct identifier (e-mail, phone, IP address, card
number, street address, social handle), how many distinct values and whether
values repeat across rows. Pure Python, no database.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from segapp.services.ingest.cells import InvalidValue, is_missing, parse_number

EMAIL = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$")
PHONE = re.compile(r"^\+?[\d\s().-]{7,22}$")
CARD = re.compile(r"^(?:\d[ -]?){12,18}\d$")
HANDLE = re.compile(r"^@\w{2,}$")
STREET_SUFFIX = (
    r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|way|boulevard|blvd|court|ct|place|pl|"
    r"terrace|close|crescent|square|sq|highway|hwy|parkway|pkwy|straße|strasse|str|weg|gasse|"
    r"allee|platz|ring|damm|rue|avenida|calle|via|viale|laan|straat|gracht|vej|gatan|gata|ulica"
)
STREET = re.compile(
    rf"^(\d+[a-z]?,?\s+[\w.'\- ]+\b({STREET_SUFFIX})\b\.?"
    rf"|[\w.'\- ]*({STREET_SUFFIX})\.?\s+\d+[a-z]?)(,.*)?$",
    re.IGNORECASE,
)
ISO_DATE = re.compile(
    r"^\d{4}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$"
)
NUMERIC_DATE = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{2}|\d{4})"
    r"(\s*,?\s*\d{1,2}:\d{2}(:\d{2})?(\s*[AaPp][Mm])?)?(\s*(Z|UTC|[+-]\d{2}:?\d{2}))?$"
)
MONTHS = (
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    r"july|august|september|october|november|december"
)
WORDY_DATE = re.compile(
    rf"^(\w+,?\s+)?(\d{{1,2}}\s+({MONTHS})\.?|({MONTHS})\.?\s+\d{{1,2}}(st|nd|rd|th)?),?\s+\d{{4}}"
    r"(\s+\d{1,2}:\d{2}.*)?$",
    re.IGNORECASE,
)
SPACED_DATE = re.compile(r"^\d{1,2}\s+\d{1,2},\s*\d{4}$")  # "02 21, 2014"
EPOCH_SECONDS = (1e8, 4.2e9)
EPOCH_MILLIS = (1e11, 4.2e12)
WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
PERSON_NAME = re.compile(r"^[^\W\d_][\w'.-]*(\s+[^\W\d_][\w'.-]*){1,3}$", re.UNICODE)
TRUE_FALSE = {"true", "false", "yes", "no", "y", "n", "ja", "nein", "oui", "non", "si", "sí"}


# The states, provinces and territories of federal countries (US, Canada, Australia), by code
# and by name: a "state" column holding them is where people live, not an order's state.
_REGION_CODES = (
    "al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj "
    "nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy dc pr ab bc mb nb nl ns nt nu "
    "on pe qc sk yt nsw vic qld wa sa tas act"
)
_REGION_NAMES = (
    "alabama,alaska,arizona,arkansas,california,colorado,connecticut,delaware,florida,"
    "georgia,hawaii,idaho,illinois,indiana,iowa,kansas,kentucky,louisiana,maine,maryland,"
    "massachusetts,michigan,minnesota,mississippi,missouri,montana,nebraska,nevada,"
    "new hampshire,new jersey,new mexico,new york,north carolina,north dakota,ohio,oklahoma,"
    "oregon,pennsylvania,rhode island,south carolina,south dakota,tennessee,texas,utah,"
    "vermont,virginia,washington,west virginia,wisconsin,wyoming,district of columbia,"
    "alberta,british columbia,manitoba,new brunswick,newfoundland and labrador,nova scotia,"
    "ontario,quebec,saskatchewan,new south wales,victoria,queensland,tasmania,"
    "western australia,south australia"
)
REGION_VALUES = frozenset(_REGION_CODES.split()) | frozenset(_REGION_NAMES.split(","))


@dataclass
class ColumnProfile:
    """What a sample of a column's values looks like (shares are of the filled values)."""

    name: str
    total: int = 0
    filled: int = 0
    distinct: int = 0
    numbers: list[float] = field(default_factory=list)
    number_share: float = 0.0
    boolean_share: float = 0.0
    date_share: float = 0.0
    epoch_share: float = 0.0
    machine_date_share: float = 0.0
    dayfirst: bool | None = None
    mean_length: float = 0.0
    mean_words: float = 0.0
    mean_tokens: float = 0.0  # whitespace-separated pieces: 1 for "cus_sndpObD5ay"
    url_share: float = 0.0
    digit_share: float = 0.0  # values holding a digit or "#": order numbers, codes
    distinct_words: int = 0
    nested_share: float = 0.0
    identifier_shares: dict[str, float] = field(default_factory=dict)
    top: list[tuple[str, int]] = field(default_factory=list)
    repeats: bool = False
    samples: list[Any] = field(default_factory=list)

    @property
    def fill_share(self) -> float:
        """Share of sampled rows with a value."""
        return self.filled / self.total if self.total else 0.0

    @property
    def looks_numeric(self) -> bool:
        """Whether (almost) every filled value is a number."""
        return self.filled > 0 and self.number_share >= 0.9

    @property
    def looks_boolean(self) -> bool:
        """Whether every filled value is a yes/no word or 0/1."""
        return self.filled > 0 and self.boolean_share >= 0.95

    @property
    def looks_like_dates(self) -> bool:
        """Whether (almost) every filled value is a date written as text."""
        return self.filled > 0 and self.date_share >= 0.8

    @property
    def looks_like_epochs(self) -> bool:
        """Whether every filled value is a number in the range of epoch seconds or milliseconds."""
        return self.filled > 0 and self.epoch_share >= 0.95

    @property
    def looks_like_free_text(self) -> bool:
        """Long, varied values: sentences people wrote, not codes or categories."""
        return (
            self.filled > 0
            and self.mean_words >= 4
            and self.mean_length >= 20
            and self.distinct >= max(2, 0.5 * self.filled)
        )

    @property
    def looks_categorical(self) -> bool:
        """A small set of repeated values (statuses, types, channels)."""
        if not self.filled or self.mean_words > 4:
            return False
        return self.distinct <= max(12, 0.2 * self.filled)

    def identifier_kind(self) -> str:
        """The kind of direct identifier most values are shaped like, or ""."""
        if not self.identifier_shares:
            return ""
        kind, share = max(self.identifier_shares.items(), key=lambda item: item[1])
        return kind if share >= 0.6 else ""

    def region_share(self) -> float:
        """Share of the most common values that are states or provinces of a country."""
        counted = sum(count for _, count in self.top)
        inside = sum(count for value, count in self.top if value.strip().lower() in REGION_VALUES)
        return inside / counted if counted else 0.0

    def number_range(self) -> tuple[float, float] | None:
        """Smallest and largest number seen, or None."""
        return (min(self.numbers), max(self.numbers)) if self.numbers else None


def profile_column(name: str, values: Iterable[Any]) -> ColumnProfile:
    """Profile one column from its sampled values (missing values count in `total` only)."""
    profile = ColumnProfile(name)
    filled: list[Any] = []
    for value in values:
        profile.total += 1
        if not is_missing(value):
            filled.append(value)
    profile.filled = len(filled)
    if not filled:
        return profile
    texts = [_as_text(value) for value in filled]
    counts = Counter(texts)
    profile.distinct = len(counts)
    profile.top = counts.most_common(12)
    profile.repeats = any(count > 1 for count in counts.values())
    profile.samples = filled[:50]
    profile.nested_share = sum(isinstance(v, dict | list) for v in filled) / len(filled)
    _profile_numbers(profile, filled)
    _profile_dates(profile, filled)
    _profile_text(profile, texts)
    _profile_identifiers(profile, filled)
    return profile


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _profile_numbers(profile: ColumnProfile, filled: list[Any]) -> None:
    booleans = 0
    for value in filled:
        if isinstance(value, bool) or str(value).strip().lower() in TRUE_FALSE:
            booleans += 1
            continue
        if isinstance(value, dict | list) or _is_date_text(value):
            continue
        try:
            profile.numbers.append(parse_number(value))
        except InvalidValue:
            continue
    n = len(filled)
    ints_01 = sum(1 for number in profile.numbers if number in (0.0, 1.0))
    profile.number_share = len(profile.numbers) / n
    profile.boolean_share = (booleans + (ints_01 if ints_01 == len(profile.numbers) else 0)) / n
    epochs = sum(
        1
        for number in profile.numbers
        if number.is_integer()
        and (
            EPOCH_SECONDS[0] <= number <= EPOCH_SECONDS[1]
            or EPOCH_MILLIS[0] <= number <= EPOCH_MILLIS[1]
        )
    )
    profile.epoch_share = epochs / n


def _is_date_text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(
        ISO_DATE.match(text)
        or NUMERIC_DATE.match(text)
        or WORDY_DATE.match(text)
        or SPACED_DATE.match(text)
    )


def _profile_dates(profile: ColumnProfile, filled: list[Any]) -> None:
    dates = machine = 0
    first_big = second_big = dotted = False
    for value in filled:
        if not _is_date_text(value):
            continue
        dates += 1
        text = value.strip()
        if ISO_DATE.match(text):
            machine += 1
        match = NUMERIC_DATE.match(text)
        if match:
            first_big |= int(match["a"]) > 12
            second_big |= int(match["b"]) > 12
            dotted |= match["sep"] == "."
    n = len(filled)
    profile.date_share = dates / n
    profile.machine_date_share = (machine + profile.epoch_share * n) / n
    if first_big and not second_big:
        profile.dayfirst = True
    elif second_big and not first_big:
        profile.dayfirst = False
    elif dotted:
        profile.dayfirst = True  # 11.12.2019 is written day first where dots are used


def _profile_text(profile: ColumnProfile, texts: list[str]) -> None:
    words = [WORD.findall(text.lower()) for text in texts]
    n = len(texts)
    profile.mean_length = sum(len(text) for text in texts) / n
    profile.mean_words = sum(len(found) for found in words) / n
    profile.mean_tokens = sum(len(text.split()) for text in texts) / n
    profile.url_share = sum(1 for text in texts if URL.match(text)) / n
    profile.digit_share = sum(1 for text in texts if re.search(r"[\d#]", text)) / n
    profile.distinct_words = len({word for found in words for word in found})


def _profile_identifiers(profile: ColumnProfile, filled: list[Any]) -> None:
    counts: Counter[str] = Counter()
    for value in filled:
        if not isinstance(value, str | int) or isinstance(value, bool):
            continue
        kind = identifier_shape(str(value).strip())
        if kind:
            counts[kind] += 1
    profile.identifier_shares = {kind: count / len(filled) for kind, count in counts.items()}


def identifier_shape(text: str) -> str:
    """The kind of direct identifier a whole value is shaped like ("email", "phone" …) or ""."""
    if not text or len(text) > 200:
        return ""
    if EMAIL.match(text):
        return "email"
    if HANDLE.match(text):
        return "handle"
    if _is_ip(text):
        return "ip"
    if STREET.match(text) and re.search(r"\d", text):
        return "address"
    if PERSON_NAME.match(text) and _known_first_name(text.split()[0]):
        return "name"
    if _is_date_text(text):
        return ""
    digits = re.sub(r"\D", "", text)
    if CARD.match(text) and 13 <= len(digits) <= 19 and _luhn(digits) and not text.isdigit():
        return "card"
    if PHONE.match(text) and 8 <= len(digits) <= 15 and _phone_punctuated(text):
        return "phone"
    return ""


@functools.cache
def _name_detector():
    """gender_guesser's first-name dictionary (about 50,000 names, many countries)."""
    from gender_guesser.detector import Detector

    return Detector(case_sensitive=False)


def _known_first_name(word: str) -> bool:
    """Whether a word is a first name people are given (mostly, or only)."""
    word = word.strip(".'-")
    if len(word) < 2:
        return False
    return _name_detector().get_gender(word.capitalize()) in (
        "male", "female", "mostly_male", "mostly_female", "andy",
    )  # fmt: skip


def is_first_name(word: str) -> bool:
    """Whether a word is a first name people are given (in any case: "LUCÍA", "noor")."""
    return _known_first_name(word)


def _phone_punctuated(text: str) -> bool:
    """A phone number is written with +, spaces, dashes or brackets, or starts with a 0."""
    if "." in text and not re.search(r"\d\.\d{3}\.\d", text):
        return False
    return text.startswith(("+", "(", "0")) or bool(re.search(r"\d[\s-]\d", text))


def _is_ip(text: str) -> bool:
    if not re.fullmatch(r"[0-9a-fA-F:.]{7,45}", text) or text.count(".") not in (0, 3):
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2:
            number = number * 2 - 9 if number > 4 else number * 2
        total += number
    return total % 10 == 0
