"""Person names, without an NER model: a first-name dictionary, capitals and cues."""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["could_contain_name", "find_names"]


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that are also first names in the gender_guesser dictionary but are far more
# often ordinary words, product names or places in review text. They only count as
# names with context ("Thanks, Will", "this is Grace", "my son Mark").
_COMMON_WORD_NAMES = _word_set(
    """
    will may june april august march summer autumn winter spring dawn night day grace
    hope joy faith charity patience constance prudence mercy destiny honor honour mark
    bill pat sue rob don ray frank art guy drew grant chase hunter miles rich win lance
    wade pierce reed dean earl duke king prince princess queen baron major noble royal
    rose lily daisy holly ivy iris violet heather hazel olive ginger cherry jasmine
    poppy fern amber ruby pearl jade crystal coral opal jewel diamond emerald sterling
    silver gold penny sandy rusty dusty misty sunny rocky stormy storm rain sky river
    brook forest meadow willow stone wolf buck bud chip chuck dot kit pip vic nat ned mo
    bo jo al ed candy honey brandy sherry melody harmony rod dale buddy dee con robin
    jack bobby carol carolina georgia virginia victoria sydney dallas austin chester
    madison jordan florence adelaide paris london india asia america france alberta
    dakota montana denver say said so can do than don long man go won line song due son
    young co per soon san ran mi deep oh else bay mine sun novel roman gun ago mile
    trees lies era beat marine urban santa moon tone lane lie tiny angel hey sub lap
    hung file constant hero chin loan fan tea clay gay odd hat gang jay oak bent ah ye
    sang eve slave mall mate duo hang jet ferry trinity ban harm ho hi cliff martial
    sierra merit ok okay bin ya dare min raid peer ram sin joke pile pin mar hardy tore
    tin bang doc im edit ion ton stole pier lone berry valve mentor yo asset rim alter
    cam mare roar saga owe tram hale ave nail ant pal gal fang ants pu greet nan lac
    bitten meta lore unto rye bun tome alla boo hilly shady mane grit uno rein brit bien
    dung love sad raven flora rex herb tanner basil earnest garland patty blanche carmel
    gale kitty laurel val mack marina sage page price case deal star happy merry lucky
    bliss blessing gift precious unity liberty justice chance genesis eden haven heaven
    phoenix nova venus aurora trinity
    """
)

# Capitalised words that are never taken as a name or surname, whatever the context:
# greeting objects ("Hi team"), brands, products, places that are also first names.
_NOT_NAMES = _word_set(
    """
    sir madam mam maam team all everyone everybody there guys folks friends again
    customer customers service services support care staff store shop delivery product
    order help desk manager mr mrs ms dr amazon apple google samsung sony nike adidas
    tesco asda argos ikea dyson philips bosch microsoft paypal visa mastercard amex ebay
    etsy boots primark zara hermes evri dpd ups fedex dhl royal mail alexa siri kindle
    echo prime netflix spotify uber deliveroo january february march july september
    october november december monday tuesday wednesday thursday friday saturday sunday
    christmas easter uk usa eu london paris mum mom dad mummy daddy nan nana gran granny
    grandma grandad granddad grandpa hubby
    """
)

_WORD = r"[^\W\d_]+(?:['’][^\W\d_]{2,}|-[^\W\d_]+)*"
_WORD_RE = re.compile(_WORD)
_GAP = r"[ \t]*,?[ \t]*"


def _uppercase_class() -> str:
    """A character class of the uppercase and titlecase letters of the BMP.

    Python's re has no ``\\p{Lu}``; cues that need a capitalised name use this so
    that the pre-filter (which runs every cue on every text) is not set off by
    "the courier was ...".
    """
    letters = [chr(c) for c in range(0x10000) if chr(c).isupper() or chr(c).istitle()]
    return "[" + "".join(re.escape(letter) for letter in letters) + "]"


_CAPITALISED = rf"(?={_uppercase_class()}){_WORD}"

# Lower-case particles inside a full name ("Erik van der Berg", "Siti binti Ahmad").
_PARTICLE = (
    r"(?:van|von|der|den|de|del|della|di|da|das|dos|du|la|le|al|el|bin|binti|bint|ibn|ap|"
    r"ter|ten|zu|y)"
)
# A title's surname may start with particles: "Mrs de Jong".
_SURNAME_AFTER_TITLE = rf"(?:{_PARTICLE}[ \t]+){{0,2}}{_CAPITALISED}"

# People who are named by their role or relation in a review ("our waiter Andile",
# "my son Pedro", "Technician James Hernández").
_ROLE_WORDS = _word_set(
    """
    husband wife son daughter mum mom mother dad father friend cousin sister brother
    partner boyfriend girlfriend fiance fiancee fiancé fiancée neighbour neighbor colleague
    boss nan gran granny grandma grandmother grandad granddad grandpa grandfather grandson
    granddaughter niece nephew aunt auntie uncle kid child baby stepson stepdaughter
    flatmate housemate roommate landlord landlady tenant carer rep agent advisor adviser
    driver courier manager assistant technician engineer waiter waitress server instructor
    trainer coach teacher tutor guide nurse doctor dentist pharmacist receptionist host
    hostess stylist hairdresser barber chef cashier installer fitter plumber electrician
    supervisor consultant therapist optician vet salesman saleswoman salesperson concierge
    porter postman postwoman postie cleaner mechanic surveyor officer clerk operator
    specialist representative associate bartender barista butcher baker florist decorator
    builder handyman nanny owner
    """
)
_ROLES = "|".join(sorted(_ROLE_WORDS, key=len, reverse=True))

# Each cue: (name, regex with a group "name", how a candidate is accepted).
#   "open":   any capitalised word that is not in _NOT_NAMES, or a known first name;
#   "proper": a capitalised word that is not a stop word, brand, month or ordinary
#             word (unless it is also a first name: "my wife Grace");
#   "known":  a capitalised word that is in the full first-name dictionary;
#   "self":   as "known", and followed by a clause end or a surname ("I'm Olga and ...").
_CUES: tuple[tuple[str, str, str], ...] = (
    (
        "introduction",
        r"(?i:\bmy name is|\bmy name's|\bname's|\bcall me|\bi am called|\bi'm called)"
        rf"[ \t]+(?P<name>{_WORD})",
        "open",
    ),
    (
        "self",
        r"(?i:\bi'm|\bi’m|\bim|\bi am|\bthis is|\bit's|\bit’s|\bit is|\bhere is|\bhere's)"
        rf"[ \t]+(?P<name>{_CAPITALISED})",
        "self",
    ),
    (
        "greeting",
        r"(?:^|(?<=[.!?\n]))[ \t]*(?i:hi|hello|hey|hiya|dear|good morning|good afternoon|"
        rf"good evening|morning|thanks|thank you|thx|cheers|many thanks)\b{_GAP}(?P<name>{_WORD})",
        "open",
    ),
    (
        "sign-off",
        r"(?:^|(?<=[.!?,;\n]))[ \t]*(?i:thanks|thank you|many thanks|cheers|regards|best regards|"
        r"kind regards|warm regards|warmest regards|sincerely|yours sincerely|yours truly|"
        r"best wishes|signed|sent by)\b[ \t]*[,!.:-]?\s*"
        r"(?:(?i:a|an|one)[ \t]+(?:[a-z]+[ \t]+){0,3})?"
        rf"(?P<name>{_WORD})(?:[ \t]+{_WORD}){{0,3}}[ \t]*(?:[.!]*\s*$|[(<\[|~–—-])",
        "open",
    ),
    (
        "weak sign-off",
        r"(?:^|(?<=[.!?,;\n]))[ \t]*(?i:best|love|yours|take care|all the best|xx|xoxo|x)\b"
        rf"[ \t]*[,!.:-]?\s*(?P<name>{_CAPITALISED})(?:[ \t]+{_WORD})?[ \t]*[.!]*\s*$",
        "known",
    ),
    (
        "dash sign-off",
        rf"(?:^|(?<=\s))[-–—~]+[ \t]*(?P<name>{_CAPITALISED})(?:[ \t]+{_WORD}){{0,3}}"
        r"[ \t]*[.!]*\s*$",
        "known",
    ),
    (
        "title",
        rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Madam|Mme|Mlle|Herr|Frau|Sr|Sra)\.?[ \t]+"
        rf"(?P<name>{_SURNAME_AFTER_TITLE})",
        "open",
    ),
    (
        "reference",
        r"(?i:\bspoke to|\bspoke with|\bspeaking to|\bspeaking with|\btalked to|\btalked with|"
        r"\bask for|\basked for|\bserved by|\bhelped by|\bassisted by|\bnamed|\bshout[- ]?out to|"
        r"\bthanks to|\bthank you to|\bkudos to|\bcredit to|\bprops to|\btell|"
        r"\b(?:someone|somebody|guy|man|woman|lady|girl|boy|bloke|chap|person|gentleman|fellow|"
        r"gent|lad|lass|one) (?:called|named)|"
        r"\bsigned for by|\bon behalf of|\baddressed to|\bmade out to|\bpayable to|"
        r"\bin the name of|\bunder the name(?: of)?|\bbooked under|"
        r"\b(?:booking|reservation|table|order|account|room)s?(?: is| was)? under|"
        r"\b(?:parcel|package|invoice|receipt|letter|booking|reservation|order|prescription|"
        r"gift|card|refund|ticket)s? (?:is |was |are |were )?(?:for|to)|"
        r"\baddress (?:the|this|my|it) ?\w* to|\bholder (?:is|was)|"
        r"\b(?:full |first |last |sur|maiden |guest |account |customer |contact )?"
        r"name\b(?: is| was)?:?)"
        rf"\b{_GAP}(?:(?i:is|was|called|named)[ \t]+)?(?P<name>{_CAPITALISED})",
        "proper",
    ),
    (
        # A role in lower case, or capitalised only at the start of a sentence:
        # "Baker Street" and "Driver Assist" are not a baker and a driver.
        "role",
        rf"(?:(?:^|(?<=[.!?\n]))[ \t]*(?i:{_ROLES})|\b(?:{_ROLES}))\b{_GAP}"
        rf"(?:(?i:is|was|called|named)[ \t]+)?(?P<name>{_CAPITALISED})",
        "proper",
    ),
    (
        "on duty",
        rf"(?:^|(?<=[.!?\n]))[ \t]*(?P<name>{_CAPITALISED})(?:[ \t]+{_CAPITALISED})?[ \t]+"
        r"(?:in|at|from|on)[ \t]+(?:the[ \t]+)?(?:[\w&-]+[ \t]+){0,2}"
        r"(?i:store|shop|branch|desk|counter|till|team|shift|department|reception|care|service|"
        r"services|support|billing|accounts|sales|returns|pharmacy|office|depot|warehouse|"
        r"kitchen|bar|restaurant|hotel|clinic|salon|garage|showroom)\b",
        "known",
    ),
)
_CUE_RES = {name: (re.compile(regex), rule) for name, regex, rule in _CUES}

# Words one of which every match of a cue contains (compared case-folded), so a
# cue's expression only runs on texts that have one: checking a set of words costs
# a few microseconds, running all the cues a hundred. "Dash sign-off" needs a dash.
_DOCUMENTS = "parcel package invoice receipt letter booking reservation order prescription"
_DOCUMENTS += " gift card refund ticket"
_TRIGGERS: dict[str, frozenset[str]] = {
    "introduction": _word_set("name call called"),
    "self": _word_set("m im am is s"),
    "greeting": _word_set("hi hello hey hiya dear good morning thanks thank thx cheers many"),
    "sign-off": _word_set("thanks thank cheers regards sincerely yours best signed sent"),
    "weak sign-off": _word_set("best love yours take xx xoxo x"),
    "dash sign-off": frozenset(),
    "title": _word_set("mr mrs ms miss mx dr prof sir dame madam mme mlle herr frau sr sra"),
    "reference": _word_set(
        "spoke speaking talked ask asked served helped assisted named shout shoutout thanks "
        "thank kudos credit props tell called signed behalf addressed made payable name "
        "surname under booked address holder "
        + _DOCUMENTS
        + " ".join(f" {word}s" for word in _DOCUMENTS.split())
    ),
    "role": _ROLE_WORDS,
    "on duty": _word_set(
        "store shop branch desk counter till team shift department reception care service "
        "services support billing accounts sales returns pharmacy office depot warehouse "
        "kitchen bar restaurant hotel clinic salon garage showroom"
    ),
}
_DASHES = frozenset("-–—~")
_TOKEN = re.compile(r"[^\W\d_]+")


# Cues whose name follows the cue words inside a sentence and must be capitalised:
# they can only fire where a capitalised word that is neither a stop word nor a
# known non-name stands somewhere other than at the start of a sentence.
_MID_SENTENCE_CUES = frozenset(
    {"self", "weak sign-off", "dash sign-off", "title", "reference", "role"}
)


_JOINERS = re.compile(r"['’-]")


@dataclass(frozen=True)
class _Scan:
    """What one pass over a text's words tells the cues and the pre-filter."""

    tokens: frozenset[str]  # case-folded letter runs, for the cues' trigger words
    sight: bool  # a capitalised common first name: the sight rule may fire
    mid_capital: bool  # a capitalised possible name inside a sentence


# A capitalised word wherever one starts (any capitalised word of _WORD_RE is one).
_CAPITALISED_WORD = re.compile(rf"(?<![^\W\d_]){_CAPITALISED}")
# Abbreviations whose dot does not end a sentence ("Mr. Hughes", "Y. Reddy").
_DOTTED = _word_set("mr mrs ms mx dr prof st sr sra mme mlle jr")


def _ends_sentence(text: str, position: int) -> bool:
    """Whether ``text[: position + 1]`` ends with a sentence end (or is empty)."""
    while position >= 0 and text[position].isspace():
        position -= 1
    if position < 0:
        return True
    if text[position] in "!?":
        return True
    if text[position] != ".":
        return False
    before = re.search(r"([^\W\d_]+)$", text[max(0, position - 5) : position])
    return not (before and (len(before.group(1)) == 1 or before.group(1).lower() in _DOTTED))


def _scan(text: str) -> _Scan:
    common = _first_names().common
    stop_words = _stop_words()
    sight = mid_capital = False
    for match in _CAPITALISED_WORD.finditer(text):
        word = match.group()
        if word.isupper():
            continue
        lower = word.lower()
        sight = sight or lower in common
        if mid_capital or lower in _NOT_NAMES:
            continue
        if lower in stop_words and lower not in _STOP_WORD_NAMES:
            continue
        mid_capital = not _ends_sentence(text, match.start() - 1)
    return _Scan(frozenset(_TOKEN.findall(text.casefold())), sight, mid_capital)


def _active_cues(text: str, scan: _Scan) -> list[tuple[re.Pattern[str], str]]:
    """The cues that can match ``text``: their trigger words occur in it, and where
    the name must be a capitalised word inside a sentence, there is one."""
    active = []
    for name, (regex, rule) in _CUE_RES.items():
        if name in _MID_SENTENCE_CUES and not scan.mid_capital:
            continue
        triggers = _TRIGGERS[name]
        if (triggers and not triggers.isdisjoint(scan.tokens)) or (
            not triggers and not _DASHES.isdisjoint(text)
        ):
            active.append((regex, rule))
    return active


_CLAUSE_END = re.compile(r"[ \t]*(?:[,.!?;:)]|$|(?:and|from|here|speaking|again)\b)")


@functools.cache
def _stop_words() -> frozenset[str]:
    """spaCy's English stop words, read without importing spaCy (that takes seconds).

    ``spacy/lang/en/stop_words.py`` is a self-contained data module; it is loaded on
    its own so that the redactor does not pull in spaCy, thinc and their models.
    """
    package = importlib.util.find_spec("spacy")
    if package is None or package.origin is None:  # pragma: no cover - spaCy is pinned
        return frozenset()
    path = Path(package.origin).parent / "lang" / "en" / "stop_words.py"
    spec = importlib.util.spec_from_file_location("_voxseg_spacy_en_stop_words", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


# Stop words that are also real first names, so a cue can still make them one.
_STOP_WORD_NAMES = frozenset({"will", "may"})


@dataclass(frozen=True)
class _FirstNames:
    """First names from gender_guesser's dictionary, lower-cased."""

    all: frozenset[str]  # every name in the dictionary: used only next to a cue
    common: frozenset[str]  # reasonably frequent and not an ordinary word: used on sight


@functools.cache
def _first_names() -> _FirstNames:
    """Read gender_guesser's nam_dict.txt once (about 50k names with per-country frequency)."""
    source = resources.files("gender_guesser") / "data" / "nam_dict.txt"
    all_names: set[str] = set()
    common: set[str] = set()
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip() or line[0] in "#=":
                continue
            # Columns 30+ hold one hex frequency digit per country, Great Britain,
            # Ireland and the USA first (see the file's header).
            frequencies = [
                int(c, 16) for c in line[30:].rstrip("\r\n") if c in "0123456789ABCDEFabcdef"
            ]
            english = [int(c, 16) for c in line[30:33] if c in "0123456789ABCDEFabcdef"]
            spelling = line.split()[1]
            variants = {spelling.replace("+", ""), spelling.replace("+", "-")}
            for variant in variants:
                name = variant.lower()
                if len(name) < 2:
                    continue
                all_names.add(name)
                if (max(english, default=0) >= 2 or max(frequencies, default=0) >= 4) and len(
                    name
                ) >= 3:
                    common.add(name)
    ambiguous = _COMMON_WORD_NAMES | _NOT_NAMES | _stop_words()
    return _FirstNames(all=frozenset(all_names - _NOT_NAMES), common=frozenset(common - ambiguous))


def _is_capitalised(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


def _accept(word: str, rule: str, names: _FirstNames) -> bool:
    word = word.split()[-1]  # a title's surname may start with particles: "de Jong"
    lower = word.lower()
    if lower in _NOT_NAMES or (lower in _stop_words() and lower not in _STOP_WORD_NAMES):
        return False
    if rule == "open":
        return _is_capitalised(word) or lower in names.common
    if rule == "proper":
        return _is_capitalised(word) and (lower in names.all or lower not in _COMMON_WORD_NAMES)
    return _is_capitalised(word) and lower in names.all


_NEXT_PART = re.compile(
    rf"[ \t]+(?:(?P<particle>{_PARTICLE})(?=[ \t])|(?P<initial>[^\W\d_]\.)|(?P<word>{_WORD}))"
)
_MAX_EXTRA_PARTS = 4


def _is_surname(word: str) -> bool:
    lower = word.lower()
    return (
        _is_capitalised(word)
        and lower not in _NOT_NAMES | _COMMON_WORD_NAMES
        and lower not in _stop_words()
    )


def _name_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a first name over what follows it in a full name.

    Capitalised words ("Lars Chukwu"), initials ("Sipho Y. Reddy") and particles
    followed by a capitalised word ("Erik van der Berg", "Siti binti Ahmad").
    """
    position = end
    for _ in range(_MAX_EXTRA_PARTS):
        part = _NEXT_PART.match(text, position)
        if part is None:
            break
        if part.group("particle") or part.group("initial"):
            position = part.end()
            if part.group("initial"):
                end = position
            continue
        if not _is_surname(part.group("word")):
            break
        position = end = part.end()
    return start, end


_MODEL_OR_DATE_AFTER = re.compile(r"[ \t]+\d")
# An article right before a capitalised name makes it a modifier, not a person:
# "the Ted Baker wash bag", "a Jack Daniels", "an Elizabeth Arden serum".
_ARTICLE_BEFORE = re.compile(r"(?i:\b(?:the|a|an))[ \t]+$")


def could_contain_name(text: str) -> bool:
    """Cheap check that :func:`find_names` could fire: a common first name, or a cue."""
    scan = _scan(text)
    return scan.sight or any(
        regex.search(text) is not None for regex, _ in _active_cues(text, scan)
    )


def find_names(text: str) -> list[tuple[int, int]]:
    """Spans of person names, without an NER model.

    A capitalised, reasonably common first name that is not also an ordinary word
    ("Sophie", "Mohammed") is a name on sight, unless a number follows it (a model
    or a date: "Air Max 90", "Jan 2024") or an article precedes it (a brand used
    as a modifier: "the Ted Baker bag"). Any first name in the dictionary,
    including words like "Will" or "Grace", counts after a cue: "my name is",
    "I'm"/"this is", a greeting ("Hi", "Dear"), a sign-off at the end ("Regards, X",
    "- X"), a title ("Mrs"), or a reference ("spoke to", "my son", "driver",
    "account name"). Greetings, introductions, formal sign-offs, titles and
    references also take capitalised words missing from the dictionary
    ("Regards, Zofia", "our waiter Andile", "Ms Haddad"). Surnames, initials and
    particles that follow extend the span to the full name.
    """
    names = _first_names()
    spans: set[tuple[int, int]] = set()
    for regex, rule in _active_cues(text, _scan(text)):
        for match in regex.finditer(text):
            if not _accept(match.group("name"), rule, names):
                continue
            start, end = match.span("name")
            span = _name_span(text, start, end)
            if rule == "self" and span == (start, end) and not _CLAUSE_END.match(text, end):
                continue
            spans.add(span)
    for match in _WORD_RE.finditer(text):
        word = match.group()
        if (
            _is_capitalised(word)
            and word.lower() in names.common
            and not _MODEL_OR_DATE_AFTER.match(text, match.end())
            and not _ARTICLE_BEFORE.search(text, max(0, match.start() - 5), match.start())
        ):
            spans.add(_name_span(text, *match.span()))
    return sorted(spans)
